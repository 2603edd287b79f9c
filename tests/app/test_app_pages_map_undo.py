"""The Map page's undo button under AppTest on a copy of the sample project: it names the edit it will undo, undoes
it exactly, keeps working in a new session (the log is in the project), and is disabled when there is nothing to
undo. Helpers: ``app_helpers.py``."""

from __future__ import annotations

import html

import pandas.testing as pdt
import pytest

pytest.importorskip("streamlit")

from app_helpers import ok, page, select_rows, use_model  # noqa: E402

from toolkit import charting, mapping  # noqa: E402
from toolkit import project as proj  # noqa: E402
from toolkit.textsafe import md  # noqa: E402


@pytest.fixture
def charted(sample_project, fake_embedder, monkeypatch):
    """The sample with drafted summaries of one lvi84 category and proposed key elements (the fake model: the
    proposals' quality is not under test)."""
    use_model(monkeypatch, fake_embedder)
    codes = [c.id for c in proj.get_framework(sample_project, "lvi84").codes if c.category_id == "REF"]
    charting.draft_summaries(sample_project, "lvi84", fake_embedder, codes=codes, actor="t")
    mapping.propose_elements(sample_project, "lvi84", embedder=fake_embedder, per_summary=2)
    return sample_project


def assert_same(a: dict, b: dict) -> None:
    for k in a:
        pdt.assert_frame_equal(a[k], b[k], obj=k)


def test_map_page_undo_button_names_and_undoes_the_last_edit(charted):
    start = mapping.state(charted, "lvi84")
    at = ok(page("map", charted.path, map_framework="lvi84"))
    assert at.button(key="map_undo").label == f"Undo: {md(mapping.last_edit(charted, 'lvi84'))}"
    ok(select_rows(at, "map_el_grid", [0, 1]))
    ok(at.button(key="map_el_accept").click().run())
    accepted = mapping.state(charted, "lvi84")
    ok(select_rows(at, "map_el_grid", [2]))
    eid = int(accepted["elements"].iloc[2]["id"])
    old = accepted["elements"].iloc[2]["label"]
    at.text_input(key=f"map_el_label_{eid}").input("Lack of <b>local</b> guidelines").run()
    ok(at.button(key="map_el_rename").click().run())
    what = f"rename of key element '{old}' to 'Lack of <b>local</b> guidelines'"
    assert mapping.last_edit(charted, "lvi84") == what
    button = at.button(key="map_undo")
    assert button.label == f"Undo: {md(what)}" and not button.disabled  # escaped: project text is hostile
    ok(button.click().run())
    assert_same(accepted, mapping.state(charted, "lvi84"))
    assert f"Undid the {what}." in html.unescape(" ".join(t.value for t in at.toast))
    assert at.button(key="map_undo").label.startswith("Undo: accept of key elements ")
    # a new session (a reload): the undo log is in the project, the button still works
    again = ok(page("map", charted.path, map_framework="lvi84"))
    assert again.button(key="map_undo").label.startswith("Undo: accept of key elements ")
    ok(again.button(key="map_undo").click().run())
    assert_same(start, mapping.state(charted, "lvi84"))
    assert again.button(key="map_undo").label.startswith("Undo: proposal of ")


def test_map_page_undo_is_disabled_with_nothing_to_undo(sample_project):
    at = ok(page("map", sample_project.path, map_framework="lvi84"))
    button = at.button(key="map_undo")
    assert button.label == "Undo" and button.disabled

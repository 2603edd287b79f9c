"""Every app page under ``streamlit.testing.v1.AppTest`` on a copy of the sample project; effects are checked through
the toolkit (what the page stored is read back from the project), never through the page's own output alone.
This file: the entry file, Project, Familiarize, Index, Agreement, Teaching mode; the Chart and Map pages are in
``test_app_pages_chart_map.py``. Rerun times are measured by ``bench/bench_app_pages.py``, never asserted here."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from app_helpers import APP, PAGES, ok, page, submit  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from toolkit import familiarize as fam  # noqa: E402
from toolkit import project as proj  # noqa: E402
from toolkit.textsafe import md  # noqa: E402

# --- entry file -------------------------------------------------------------------------------------------------


def test_entry_opens_the_project_page_with_navigation(sample_project):
    at = AppTest.from_file(str(APP / "streamlit_app.py"), default_timeout=120)
    at.session_state["project_path"] = str(sample_project.path)
    ok(at.run())
    assert at.title[0].value == "Project"
    assert at.sidebar.selectbox(key="coder_select").value == "researcher"
    status = proj.status(sample_project)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Codings"] == str(status["codings"]) and shown["Transcripts"] == "12"
    # the coder chosen in the sidebar is the one every page records
    at.sidebar.selectbox(key="coder_select").select("reference").run()
    assert at.session_state["coder"] == "reference"
    at.switch_page(str(PAGES / "chart.py"))
    ok(at.run())
    assert at.title[0].value.startswith("3")


def test_entry_without_project_points_to_the_project_page(tmp_path):
    at = AppTest.from_file(str(APP / "streamlit_app.py"), default_timeout=60)
    at.session_state["project_path"] = str(tmp_path / "missing.fa")
    ok(at.run())
    assert any("No project is open" in i.value for i in at.info)


# --- project and familiarize -------------------------------------------------------------------------------------


def test_project_page_creates_a_project_and_imports_a_folder(tmp_path):
    target = tmp_path / "new.fa"
    at = page("project", tmp_path / "none.fa")
    assert any("No project is open" in i.value for i in at.info)
    at.text_input[0].input(str(target)).run()
    ok(at.button(key="create_project").click().run())
    assert target.is_file()
    folder = Path(proj.__file__).resolve().parent.parent / "transcripts_sample"
    box = next(t for t in at.text_input if t.label.startswith("...or a folder"))
    box.input(str(folder)).run()
    ok(at.button(key="import").click().run())
    from toolkit.store import open_project

    with open_project(target) as p:
        st_ = proj.status(p)
    assert st_["transcripts"] == 12 and st_["participants"] == 12
    assert {f["id"] for f in st_["frameworks"]} == {"lvi84", "lvi21"}
    assert any("Imported 12 transcript(s)" in s.value for s in at.success)


def test_project_page_shows_an_import_error_naming_the_file(sample_project, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "P99_bad.srt").write_text("1\n00:00:05,000 --> 00:00:01,000\nP99: backwards\n", encoding="utf-8")
    at = page("project", sample_project.path)
    before = proj.status(sample_project)["transcripts"]
    next(t for t in at.text_input if t.label.startswith("...or a folder")).input(str(bad)).run()
    at.button(key="import").click().run()
    assert not at.exception
    assert any(md("P99_bad.srt") in e.value for e in at.error), [e.value for e in [*at.error, *at.warning, *at.success, *at.info]]
    assert proj.status(sample_project)["transcripts"] == before


def test_familiarize_page_reads_searches_and_stores_a_memo(sample_project):
    at = ok(page("familiarize", sample_project.path))
    assert at.selectbox(key="transcript").value == "P01_gp_rural.txt"
    view = fam.transcript_view(sample_project, "P01_gp_rural.txt")
    shown = " ".join(m.value for m in at.markdown)
    assert all(md(t) in shown for t in view.turns["text"])
    at.text_input(key="kwic_query").input("expect").run()
    ok(at)
    hits = fam.kwic(sample_project, "expect")
    assert f"{len(hits)} hit(s)" in " ".join(c.value for c in at.caption)
    at.text_area[0].input("Distance shapes referral.")
    ok(submit(at, "memo_form"))
    memos = fam.memos(sample_project, "P01_gp_rural.txt")
    assert list(memos["text"]) == ["Distance shapes referral."] and list(memos["author"]) == ["researcher"]


# Index and Agreement pages: tests/app/test_app_pages_index.py


# --- teaching mode -----------------------------------------------------------------------------------------------


def test_teach_page_walks_the_five_steps(sample_project):
    from toolkit import teaching

    at = ok(page("teach", sample_project.path))
    for step in teaching.STEPS:
        at.session_state["teach_step"] = step.key
        ok(at.run())
        text = " ".join(m.value for m in at.markdown)
        assert step.action in text and step.why in text and all(w in text for w in step.what)
        assert any(teaching.SOURCE in c.value for c in at.caption)


def test_teaching_code_passage_refuses_bad_input_and_changes_nothing(sample_project):
    from toolkit import teaching
    from toolkit.errors import InputError

    tr = "P01_gp_rural.txt"
    with pytest.raises(InputError, match="NOPE"):
        teaching.code_passage(sample_project, "ola", tr, 1584, 1649, ["ORG01", "NOPE"])
    with pytest.raises(InputError, match="outside the transcript"):
        teaching.code_passage(sample_project, "ola", tr, 10, 10**7, ["ORG01"])
    with pytest.raises(InputError, match="student's name"):
        teaching.code_passage(sample_project, "  ", tr, 1584, 1649, ["ORG01"])
    assert teaching.students(sample_project) == []

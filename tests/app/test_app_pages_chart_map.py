"""The Chart and the Map-and-interpret pages under AppTest on a copy of the sample project; what they store is read
back through the toolkit. Helpers: ``app_helpers.py``."""

from __future__ import annotations

import html
import io

import pytest

pytest.importorskip("streamlit")

from app_helpers import download, ok, page, record_downloads, select_rows, use_model  # noqa: E402

from toolkit import charting, mapping  # noqa: E402
from toolkit import project as proj  # noqa: E402
from toolkit.interpret import drivers  # noqa: E402
from toolkit.interpret import judging as judgements  # noqa: E402
from toolkit.interpret import links as linkage  # noqa: E402
from toolkit.store import core as db  # noqa: E402
from toolkit.textsafe import md  # noqa: E402


@pytest.fixture(autouse=True)
def _downloads(monkeypatch):
    record_downloads(monkeypatch)


@pytest.fixture
def fake_model(monkeypatch, fake_embedder):
    """The app's model replaced by the tiny deterministic one."""
    use_model(monkeypatch, fake_embedder)
    return fake_embedder


@pytest.fixture
def real_model(monkeypatch, embedder):
    """The app's model served from the session's real all-MiniLM-L6-v2 (loaded once for the whole test run)."""
    use_model(monkeypatch, embedder)
    return embedder

# --- chart ------------------------------------------------------------------------------------------------------


def press(at, label: str):
    """Click the form submit button labelled ``label``."""
    return next(b for b in at.button if b.label == label).click().run()


def toasts(at) -> str:
    """The toasts as the reader sees them (messages are escaped: entities decoded)."""
    return html.unescape(" ".join(t.value for t in at.toast))


def _first_cell_with_passages(project, framework="lvi84", category="ORG"):
    m = charting.build_matrix(project, framework, category=category)
    return next((pid, col.id) for col in m.columns for pid in m.participants if m.cell(pid, col.id).quotes), m


def test_chart_page_shows_a_cell_and_saves_its_summary(sample_project):
    (pid, code), m = _first_cell_with_passages(sample_project)
    at = ok(page("chart", sample_project.path))
    assert at.selectbox(key="chart_category").value == "ORG"
    at.selectbox(key="chart_participant").select(pid).run()
    at.selectbox(key="chart_code").select(code).run()
    quotes = " ".join(m.value for m in at.text)
    for q in m.cell(pid, code).quotes:
        assert q.text.strip()[:80] in quotes
    assert any(md(m.cell(pid, code).quotes[0].reference) in c.value for c in at.caption)
    box = next(t for t in at.text_area if t.label == "Summary (in your words)")
    box.input("Long travel makes the GP think twice before referring.")
    ok(press(at, "Save as reviewed"))
    cell = charting.build_matrix(sample_project, "lvi84", category="ORG").cell(pid, code)
    assert (cell.summary, cell.status, cell.origin, cell.author) == (
        "Long travel makes the GP think twice before referring.", "reviewed", "manual", "researcher")
    assert cell.cited_quotes() == []  # nothing ticked: the summary cites no passage
    assert "Saved the summary" in toasts(at)
    # the form now shows the stored text; saving it unchanged as reviewed keeps it (a review, not a rewrite)
    assert next(t for t in at.text_area if t.label == "Summary (in your words)").value == cell.summary


def test_chart_page_review_keeps_a_drafts_provenance(sample_project, fake_embedder):
    (pid, code), _m = _first_cell_with_passages(sample_project)
    charting.draft_summaries(sample_project, "lvi84", fake_embedder, participants=[pid], codes=[code], actor="t")
    at = page("chart", sample_project.path, chart_participant=pid, chart_code=code)
    assert any("extract" in i.value for i in at.info)  # a draft is labelled as an extract, not a summary
    cited = [c for c in at.checkbox if c.label.startswith("The summary cites passage")]
    assert [c.value for c in cited][:1] == [True]  # the draft cites the passage it came from
    ok(press(at, "Save as reviewed"))
    cell = charting.build_matrix(sample_project, "lvi84", category="ORG").cell(pid, code)
    assert (cell.status, cell.origin, cell.author) == ("reviewed", "drafted", "researcher")


def test_chart_page_ticks_the_passages_a_summary_cites(sample_project):
    m = charting.build_matrix(sample_project, "lvi84", category="ORG")
    pid, code = next((p, c.id) for c in m.columns for p in m.participants if len(m.cell(p, c.id).quotes) >= 2)
    at = page("chart", sample_project.path, chart_participant=pid, chart_code=code)
    next(t for t in at.text_area if t.label == "Summary (in your words)").input("Only the second one counts.")
    boxes = [c for c in at.checkbox if c.label.startswith("The summary cites passage")]
    assert len(boxes) == len(m.cell(pid, code).quotes) and not any(b.value for b in boxes)
    boxes[1].check()
    ok(press(at, "Keep as draft"))
    cell = charting.build_matrix(sample_project, "lvi84", category="ORG").cell(pid, code)
    assert cell.status == "draft" and cell.cited_quotes() == [m.cell(pid, code).quotes[1]]


def test_chart_page_cell_selection_in_the_matrix_opens_the_cell(sample_project):
    at = ok(page("chart", sample_project.path))
    m = charting.build_matrix(sample_project, "lvi84", category="ORG")
    at.session_state["chart_grid"] = {"selection": {"rows": [], "columns": [], "cells": [[4, "ORG03"]]}}
    ok(at.run())
    assert at.selectbox(key="chart_participant").value == m.participants[4]
    assert at.selectbox(key="chart_code").value == "ORG03"


def test_chart_page_category_level_and_downloads(sample_project):
    charting.set_summary(sample_project, "lvi84", "P01", "ORG01", "Distance decides.", author="kari")
    at = ok(page("chart", sample_project.path))
    from docx import Document
    from openpyxl import load_workbook

    doc = Document(io.BytesIO(download(at, "chart_docx")))
    assert "Distance decides." in "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    wb = load_workbook(io.BytesIO(download(at, "chart_xlsx")))
    assert any("Distance decides." == c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    csv = download(at, "chart_csv").decode("utf-8")
    assert "Distance decides." in csv and csv.count("\n") == 1 + 12 * 84  # the whole framework by default
    at.selectbox(key="chart_category").select(at.selectbox(key="chart_category").options[-1]).run()
    ok(at)
    assert at.selectbox(key="chart_code").options[0].startswith("ORG")
    assert not [t for t in at.text_area if t.label == "Summary (in your words)"]  # category cells are read only


def test_chart_page_drafts_summaries_with_progress(sample_project, real_model):
    at = ok(page("chart", sample_project.path))
    at.selectbox(key="chart_category").select("EXP").run()
    ok(at.button(key="chart_draft").click().run())
    m = charting.build_matrix(sample_project, "lvi84", category="EXP")
    drafted = [c for c in m.cells.values() if c.origin == "drafted"]
    with_quotes = [c for c in m.cells.values() if c.quotes]
    assert drafted and len(drafted) == len(with_quotes)
    assert all(c.status == "draft" for c in drafted)
    other = charting.build_matrix(sample_project, "lvi84", category="ORG")
    assert not any(c.summary for c in other.cells.values())  # only the category shown
    assert f"Drafted {len(drafted)} extract(s)" in toasts(at)
    assert all(len(c.summary.split()) <= 42 for c in drafted)


def test_chart_page_refines_through_the_crosswalk(sample_project):
    at = ok(page("chart", sample_project.path, chart_tab="Refine (crosswalk)"))

    def count() -> int:
        with sample_project.read() as s:
            return len(db.codings_frame(s, framework_id="lvi21"))
    ok(at.button(key="chart_refine_preview").click().run())
    assert count() == 0
    assert any(i.value.startswith("Preview:") for i in at.info)
    ok(at.button(key="chart_refine_apply").click().run())
    n = count()
    assert n > 0 and any(f"{n} coding(s) added" in s.value for s in at.success)
    targets = at.dataframe[0].value
    assert set(targets["to_code"]) == {c.id for c in proj.get_framework(sample_project, "lvi21").codes}


# --- map and interpret -------------------------------------------------------------------------------------------


@pytest.fixture
def charted(sample_project, fake_embedder):
    """The sample with drafted summaries of two lvi84 categories (the fake model: fast, deterministic)."""
    codes = [c.id for c in proj.get_framework(sample_project, "lvi84").codes if c.category_id in ("EXP", "REF")]
    charting.draft_summaries(sample_project, "lvi84", fake_embedder, codes=codes, actor="t")
    return sample_project


def test_map_page_key_elements_accept_rename_merge(charted, fake_model):
    at = ok(page("map", charted.path, map_framework="lvi84"))
    ok(at.button(key="map_propose_elements").click().run())
    els = mapping.state(charted, "lvi84")["elements"]
    assert len(els) > 10 and set(els["status"]) == {"proposed"}
    assert f"Proposed {len(els)} key element(s)" in toasts(at)  # a toast: nothing shifts under the next click
    assert not at.success
    ok(select_rows(at, "map_el_grid", [0, 2]))
    ok(at.button(key="map_el_accept").click().run())
    els = mapping.state(charted, "lvi84")["elements"]
    assert list(els.iloc[[0, 2]]["status"]) == ["accepted", "accepted"] and els.iloc[1]["status"] == "proposed"
    ok(select_rows(at, "map_el_grid", [1]))
    first = int(els.iloc[1]["id"])
    at.text_input(key=f"map_el_label_{first}").input("Patients ask for scans").run()
    ok(at.button(key="map_el_rename").click().run())
    row = mapping.state(charted, "lvi84")["elements"].set_index("id").loc[first]
    assert (row["label"], row["status"]) == ("Patients ask for scans", "accepted")
    # merging two elements of one summary keeps the first, with the quotes of both
    same = els[els["summary_id"] == els.iloc[0]["summary_id"]]
    assert len(same) >= 2
    rows = [int(i) for i in same.index[:2]]
    ok(select_rows(at, "map_el_grid", rows))
    ok(at.button(key="map_el_merge").click().run())
    after = mapping.state(charted, "lvi84")["elements"]
    assert len(after) == len(els) - 1 and int(same.iloc[1]["id"]) not in set(after["id"])


def test_map_page_dimensions_and_categories(charted, fake_model):
    mapping.propose_elements(charted, "lvi84", embedder=fake_model, per_summary=2)
    at = ok(page("map", charted.path, map_framework="lvi84", map_tab="Dimensions and categories"))
    at.slider(key="map_threshold").set_value(0.8).run()
    ok(at.button(key="map_propose_dims").click().run())
    dims = mapping.state(charted, "lvi84")["dimensions"]
    assert len(dims) >= 2
    ok(select_rows(at, "map_dim_grid", [0, 1]))
    at.text_input(key="map_dim_label").input("Pressure from patients").run()
    ok(at.button(key="map_dim_merge").click().run())
    st_ = mapping.state(charted, "lvi84")
    keep = st_["dimensions"].set_index("id").loc[int(dims.iloc[0]["id"])]
    assert keep["label"] == "Pressure from patients" and len(st_["dimensions"]) == len(dims) - 1
    assert keep["elements"] == dims.iloc[0]["elements"] + dims.iloc[1]["elements"]
    # put the merged dimension into a new category, then rename the category
    ok(select_rows(at, "map_dim_grid", [0]))
    at.selectbox(key="map_cat_target").select("(new…)").run()
    at.text_input(key="map_cat_new").input("Defensive medicine").run()
    ok(at.button(key="map_cat_move").click().run())
    st_ = mapping.state(charted, "lvi84")
    cid = int(st_["dimensions"].set_index("id").loc[keep.name, "category_id"])
    assert st_["categories"].set_index("id").loc[cid, "label"] == "Defensive medicine"
    at.text_input(key=f"map_cat_name_{cid}").input("Defensive practice").run()
    ok(at.button(key="map_cat_rename").click().run())
    assert list(mapping.state(charted, "lvi84")["categories"]["label"]) == ["Defensive practice"]
    # moving elements into a new dimension
    els = mapping.state(charted, "lvi84")["elements"]
    move = [int(i) for i in els["id"][:2]]
    at.multiselect(key="map_move_elements").set_value(move).run()
    at.selectbox(key="map_move_target").select("(new…)").run()
    at.text_input(key="map_move_new").input("Time").run()
    ok(at.button(key="map_move").click().run())
    st_ = mapping.state(charted, "lvi84")
    new = st_["dimensions"][st_["dimensions"]["label"] == "Time"]
    assert len(new) == 1 and set(st_["elements"].set_index("id").loc[move, "dimension_id"]) == {int(new["id"].iloc[0])}
    # the mapping table lists every summary that has key elements, and downloads as Word
    at.session_state["map_tab"] = "Mapping table"
    ok(at.run())
    from docx import Document

    doc = Document(io.BytesIO(download(at, "map_table_docx")))
    assert doc.tables and doc.tables[0].rows[0].cells[0].text == "Summary"


@pytest.mark.slow
def test_map_page_linkages_show_the_toolkits_links(sample_project):
    at = ok(page("interpret", sample_project.path, interpret_tab="Linkages", map_framework="lvi21"))
    res = linkage.linkage(sample_project, "lvi21", level="category", unit="passage", attribute="group")
    edges = res["all"].edges(2, "jaccard")
    shown = at.dataframe[0].value
    assert list(shown["a"]) == list(edges["a"]) and list(shown["b"]) == list(edges["b"])
    ok(select_rows(at, "map_link_grid", [0]))
    ev = res["all"].quotes(edges.loc[0, "a"], edges.loc[0, "b"])
    assert ev[0]["a"][0]["text"].strip()[:60] in " ".join(m.value for m in at.text)
    assert any("Jaccard index" in (c.help or "") for c in [at.selectbox(key="map_link_sort")])


@pytest.mark.slow
def test_map_page_findings_the_researcher_marks_participants(sample_project):
    """Issue 26: the researcher marks each participant (radio, or typed letters) with quotes; nothing else does."""
    at = ok(page("interpret", sample_project.path, interpret_tab="Findings", map_framework="lvi84"))
    theme = at.selectbox(key="map_find_theme").value
    radios = {r.key: r for r in at.radio if str(r.key).startswith("map_find_mark_")}
    p01 = next(r for k, r in radios.items() if k.endswith("_P01"))
    p01.set_value("counter")
    boxes = [c for c in at.checkbox if str(c.key).startswith("map_find_q_") and "_P01_" in str(c.key)]
    assert boxes  # P01's ranked passages, each with a quote tick
    boxes[0].check()
    ok(at.button[[b.label for b in at.button].index("Save marks")].click().run())
    (j,) = judgements.judgements(sample_project, "lvi84", theme_id=theme)
    assert (j.participant, j.verdict, j.judged_by) == ("P01", "counter", "researcher") and len(j.quotes) == 1
    # keyboard: one letter per participant in order
    at.text_input(key=next(t.key for t in at.text_input if str(t.key).startswith("map_find_letters_"))).input("s.m")
    ok(at.button[[b.label for b in at.button].index("Save marks")].click().run())
    got = {x.participant: x.verdict for x in judgements.judgements(sample_project, "lvi84", theme_id=theme)}
    people = sorted(charting.build_matrix(sample_project, "lvi84").participants)
    assert got == {people[0]: "support", people[2]: "mentions"}


@pytest.mark.slow
def test_map_page_driver_map_links_a_measure_and_writes_the_report(sample_project):
    at = ok(page("interpret", sample_project.path, interpret_tab="Driver map, measures and report"))
    a = drivers.analyse_drivers(sample_project, catalogue="hmn_radiology_2025")
    gaps = a.gaps()
    assert gaps and all(d.id in " ".join(c.value for c in at.caption) for d in gaps)
    # one gap threshold everywhere: the input shows the value the caption and the legend use
    gap_input = next(n for n in at.number_input if n.label.startswith("Gap: raised by at least"))
    assert gap_input.value == a.gap_min and f"raised by ≥ {a.gap_min}" in " ".join(c.value for c in at.caption)
    assert at.get("plotly_chart")
    gap = gaps[0]
    at.selectbox(key="map_driver").select(gap.id).run()
    at.selectbox(key="map_link_m").select("M01").run()
    at.text_input(key="map_link_why").input("reaches it").run()
    ok(at.button(key="map_link_measure").click().run())
    again = drivers.analyse_drivers(sample_project, catalogue="hmn_radiology_2025")
    assert "M01" in again.driver(gap.id).measures and gap.id not in {d.id for d in again.gaps()}
    from docx import Document

    doc = Document(io.BytesIO(download(at, "map_report")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Interpretation" in text and "Drivers and contract measures" in text

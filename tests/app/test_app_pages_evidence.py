"""Issue 13 in the app (AppTest): one evidence source named on every page, no student codings outside Teaching mode,
one cell per merged quote, readable memos (the teacher's class: test_app_pages_teach_class.py)."""

from __future__ import annotations

import io

import pytest

pytest.importorskip("streamlit")

from app_helpers import download, ok, page, record_downloads  # noqa: E402

from toolkit import charting, teaching  # noqa: E402
from toolkit import familiarize as fam  # noqa: E402
from toolkit.textsafe import md  # noqa: E402


@pytest.fixture(autouse=True)
def _downloads(monkeypatch):
    record_downloads(monkeypatch)


def _student_codes(p):
    units = teaching.passages(p, "P01_gp_rural.txt")
    r = units.iloc[0]
    teaching.code_passage(p, "kari", "P01_gp_rural.txt", int(r["start"]), int(r["end"]), ["ORG02"])


def test_chart_names_its_evidence_and_never_shows_students(sample_project):
    _student_codes(sample_project)
    at = ok(page("chart", sample_project.path))
    captions = " ".join(c.value for c in at.caption)
    assert md("Evidence: lead coder reference") in captions  # shown escaped
    picker = at.selectbox(key="evidence")
    assert not any("student" in o for o in picker.options) and "second (289 codings)" in picker.options
    grid = at.dataframe[0].value
    assert "student" not in " ".join(str(v) for v in grid.to_numpy().ravel())
    # choosing the second coder changes the chart and names it
    picker.set_value("second").run()
    ok(at)
    assert md("Evidence: codings of second (chosen)") in " ".join(c.value for c in at.caption)
    from docx import Document

    doc = Document(io.BytesIO(download(at, "chart_docx")))
    head = "\n".join(p.text for p in doc.paragraphs[:8])
    assert "Evidence: codings of second (chosen)" in head and "Framework: " in head


def test_overlapping_spans_of_the_chosen_coders_are_one_quote(sample_project):
    m = charting.build_matrix(sample_project, "lvi84", coders=["reference", "second"])
    for c in m.cells.values():
        spans = sorted((q.transcript, q.start, q.end) for q in c.quotes)
        for (t1, _a1, b1), (t2, a2, _b2) in zip(spans, spans[1:], strict=False):
            assert t1 != t2 or a2 >= b1  # no two quotes of a cell overlap
    texts = [q.text for c in m.cells.values() for q in c.quotes]
    assert len(texts) < 646 + 289  # merged


def test_interpret_page_shows_ranked_passages_and_no_automatic_verdict(sample_project):
    at = ok(page("interpret", sample_project.path, interpret_tab="Findings", map_framework="lvi84"))
    assert any("you** decide" in c.value for c in at.caption)  # closeness orders; the researcher decides
    over = next(d.value for d in at.dataframe if "not yet checked" in d.value.columns)
    assert over["counter-evidence"].sum() == 0 and over["supports"].sum() == 0
    assert (over["not yet checked"] == over["participants"]).all()
    marks = [r for r in at.radio if str(r.key).startswith("map_find_mark_")]
    assert len(marks) == 12 and all(r.value == "" for r in marks)  # every participant: not yet marked


def test_memos_tab_shows_columns_and_edits(sample_project):
    mid = fam.add_memo(sample_project, "First thought.", author="ann", transcript="P01_gp_rural.txt")
    at = ok(page("familiarize", sample_project.path))
    grid = next(d.value for d in at.dataframe if "memo" in d.value.columns)
    assert list(grid.columns) == ["id", "about", "kind", "title", "memo", "author", "updated"]
    at.session_state["memo_grid"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    ok(at.run())
    next(t for t in at.text_area if t.key == f"memo_edit_text_{mid}").input("Second thought.")
    next(b for b in at.button if b.label == "Save changes").click().run()
    ok(at)
    assert fam.memos_table(sample_project).iloc[0]["memo"] == "Second thought."

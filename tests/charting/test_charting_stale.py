"""Issue 26: a summary records the passages it rests on; when the evidence under its cell changes (here: consensus
recorded on one of its passages) the chart, the Word and Excel matrices, the CSV and the app mark it "written from
earlier evidence" until it is redrafted or confirmed."""

from __future__ import annotations

import pytest
from docx import Document
from openpyxl import load_workbook

from toolkit import charting as ch
from toolkit.export import export_csv, export_docx, export_xlsx
from toolkit.indexing.agreement import compare_coders
from toolkit.indexing.consensus import resolve_unit

P01 = "P01_gp_rural.txt"


def _drafted_then_changed(p, fake_embedder) -> tuple[str, str]:
    """Draft a P01 cell, then record consensus (without that code) on one of its passages; returns the cell."""
    r = compare_coders(p, "reference", "second", framework="lvi84", transcripts=[P01])
    m = ch.build_matrix(p, "lvi84", group_by=())
    u = r["_units"]
    for i, row in enumerate(u.itertuples()):
        for code in sorted(r["_a"][i]):
            if row.transcript == P01 and len(m.cell("P01", code).quotes) >= 2:
                ch.draft_summaries(p, "lvi84", fake_embedder, participants=["P01"], codes=[code], actor="t")
                assert not ch.build_matrix(p, "lvi84").cell("P01", code).stale
                rest = sorted((set(r["_a"][i]) | set(r["_b"][i])) - {code})
                resolve_unit(p, r, P01, int(row.start), int(row.end), rest, actor="ann")
                return "P01", code
    raise AssertionError("no P01 passage with a code coded twice in P01")


def test_a_draft_is_marked_when_its_evidence_changes_until_confirmed(sample_project, fake_embedder, tmp_path):
    p = sample_project
    pid, code = _drafted_then_changed(p, fake_embedder)
    m = ch.build_matrix(p, "lvi84")
    cell = m.cell(pid, code)
    assert cell.summary and cell.stale
    assert sum(c.stale for c in m.cells.values()) == 1  # only the cell whose passages changed

    doc = Document(str(export_docx(m, tmp_path / "m.docx")))
    texts = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    marked = [t for t in texts if cell.summary.split(" ")[0] in t and ch.STALE_NOTE in t]
    assert len(marked) == 1 and f"[{ch.STALE_NOTE}]" in marked[0]
    wb = load_workbook(export_xlsx(m, tmp_path / "m.xlsx"))
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert sum(ch.STALE_NOTE in v for v in values if v.startswith(cell.summary[:20])) == 1
    csv = export_csv(m, tmp_path / "m.csv").read_text(encoding="utf-8-sig")
    assert csv.count(ch.STALE_NOTE) == 1

    # confirming it for the passages under the cell now clears the mark; so would a redraft
    ch.review_summary(p, "lvi84", pid, code, author="ann")
    assert not ch.build_matrix(p, "lvi84").cell(pid, code).stale


def test_the_chart_page_marks_a_stale_draft(sample_project, fake_embedder):
    pytest.importorskip("streamlit")
    from app_helpers import ok, page

    pid, code = _drafted_then_changed(sample_project, fake_embedder)
    at = ok(page("chart", sample_project.path, chart_participant=pid, chart_code=code))
    assert any(ch.STALE_NOTE in w.value for w in at.warning)
    assert any(f"1 {ch.STALE_NOTE}" in c.value for c in at.caption)
    grid = at.dataframe[0].value
    shown = grid.data if hasattr(grid, "data") else grid
    assert shown[code].astype(str).str.startswith("\u26a0").sum() == 1

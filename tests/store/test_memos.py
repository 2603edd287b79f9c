"""Memos on transcripts, passages, codes and chart cells: written, listed with readable columns, edited, deleted,
printed in the interpretation report; the same from the command line."""

from __future__ import annotations

import pytest

from toolkit import familiarize as mm
from toolkit.cli import main
from toolkit.errors import InputError, NotFoundError


def test_memos_on_every_kind_edit_and_delete(sample_project):
    p = sample_project
    t = mm.add_memo(p, "GPs talk about distance.", author="ann", transcript="P01_gp_rural.txt", title="Distance")
    ps = mm.add_memo(p, "Key passage.", author="ann", transcript="P01_gp_rural.txt", start=10, end=80)
    c = mm.add_memo(p, "Overlaps ORG02?", author="ann", framework="lvi84", code="ORG01")
    cell = mm.add_memo(p, "Only hearsay.", author="ann", participant="P01", framework="lvi84", code="ORG01")
    table = mm.memos_table(p).set_index("id")
    assert list(table.columns) == ["about", "kind", "title", "memo", "author", "updated"]
    assert table.loc[t, "kind"] == "transcript" and table.loc[t, "title"] == "Distance"
    assert table.loc[ps, "about"] == "P01_gp_rural.txt, characters 10\u201380"
    assert table.loc[c, "kind"] == "code" and table.loc[c, "about"].startswith("ORG01 ")
    assert table.loc[cell, "about"].startswith("P01 × ORG01 ") and table.loc[cell, "kind"] == "cell"
    assert "None" not in " ".join(table["title"].astype(str))  # no "title None"
    mm.edit_memo(p, cell, "Second-hand account only.", title="Hearsay", author="bo")
    assert mm.memos_table(p, kind="cell").iloc[0][["memo", "title"]].tolist() == ["Second-hand account only.",
                                                                                 "Hearsay"]
    mm.delete_memo(p, ps, author="bo")
    assert ps not in set(mm.memos_table(p)["id"])
    with pytest.raises(NotFoundError):
        mm.delete_memo(p, ps, author="bo")
    with pytest.raises(InputError):
        mm.add_memo(p, "x", author="ann")  # about nothing
    with pytest.raises(NotFoundError):
        mm.add_memo(p, "x", author="ann", framework="lvi84", code="NOPE")
    with pytest.raises(InputError):
        mm.add_memo(p, "x", author="ann", transcript="P01_gp_rural.txt", start=50, end=10)


def test_memos_go_into_the_report_and_the_cli(sample_project, tmp_path, capsys):
    from docx import Document

    from toolkit.export.report import write_report

    path = str(sample_project.path)
    assert main(["memo", "add", path, "--text", "=cmd|' /C calc'!A0", "--participant", "P02", "--framework", "lvi84",
                 "--code", "CUL15"]) == 0
    mid = int(capsys.readouterr().out.split()[1])
    assert main(["memo", "edit", path, str(mid), "--text", "=HYPERLINK(\"x\")", "--title", "Safe side"]) == 0
    assert main(["memo", "list", path, "--csv", str(tmp_path / "m.csv")]) == 0
    assert "'=HYPERLINK" in (tmp_path / "m.csv").read_text(encoding="utf-8")  # no formula in the CSV
    doc = Document(str(write_report(sample_project, tmp_path / "r.docx", catalogue="hmn_radiology_2025")))
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Safe side" in text and "P02 × CUL15" in text
    assert main(["memo", "delete", path, str(mid)]) == 0
    assert mm.memos_table(sample_project).empty

"""Excel and CSV exports of charts: one sheet per category, frozen header, wrapped text, same content as the matrix."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook
from test_charting_common import make_project

from toolkit import charting as ch
from toolkit.errors import NotFoundError
from toolkit.export import export_csv, export_xlsx
from toolkit.export.xlsx_matrix import sheet_name


@pytest.fixture
def charted(tmp_path, fake_embedder):
    p = make_project(tmp_path)
    ch.draft_summaries(p, "lvi84", fake_embedder)
    ch.set_summary(p, "lvi84", "P02", "CUL15", "Fears a missed tumour.", author="ann", status="reviewed")
    ch.set_summary(p, "lvi84", "P01", "REF01", "", author="ann")
    yield p
    p.close()


def test_one_sheet_per_category_same_content(charted, tmp_path):
    m = ch.build_matrix(charted, "lvi84")
    wb = load_workbook(export_xlsx(m, tmp_path / "chart.xlsx", title="My chart"))
    assert wb.sheetnames[0] == "About" and wb.sheetnames[-1] == "Quotes"
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True)}
    assert about["Title"] == "My chart" and about["Framework"] == f"{m.framework_name} (lvi84)"
    cats = wb.sheetnames[1:-1]
    assert len(cats) == 7 and all(len(n) <= 31 for n in cats)
    assert [n.split(" ")[0] for n in cats] == [cid for cid, _ in m.categories]
    for name, (cid, _) in zip(cats, m.categories, strict=True):
        ws = wb[name]
        codes = [c for c in m.columns if c.category_id == cid]
        assert ws.freeze_panes == "D2"  # header row and participant columns stay in view
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0] == ("Participant", "group", "setting", *(f"{c.id} {c.label}" for c in codes))
        assert [r[0] for r in rows[1:]] == m.participants
        for i, pid in enumerate(m.participants, start=2):
            for j, col in enumerate(codes, start=4):
                c, x = m.cell(pid, col.id), ws.cell(i, j)
                assert x.alignment.wrap_text
                if c.summary:
                    assert x.value == c.summary and bool(x.font.i) == (c.status == "draft")
                elif c.quotes:
                    assert x.value.endswith("no summary")
                else:
                    assert x.value is None
    quotes = list(wb["Quotes"].iter_rows(values_only=True))
    assert quotes[0][0] == "participant" and len(quotes) - 1 == sum(len(c.quotes) for c in m.cells.values())
    vtt = [r for r in quotes[1:] if r[4] == "P03_radiologist_urban.vtt" and r[2] == "REF05"]
    assert vtt and vtt[0][5] == "2" and vtt[0][6] == "00:00:06\u201300:00:20" and vtt[0][9] == "yes"


def test_csv_has_one_row_per_cell(charted, tmp_path):
    m = ch.build_matrix(charted, "lvi84", category="ORG")
    df = pd.read_csv(export_csv(m, tmp_path / "chart.csv"), keep_default_na=False)
    assert len(df) == len(m.participants) * 13
    assert list(df.columns[:9]) == ["framework", "evidence", "category_id", "category", "column_id", "column", "participant",
                                    "group", "setting"]
    assert "workplace" not in df.columns  # only the chosen attributes
    row = df[(df["participant"] == "P01") & (df["column_id"] == "ORG01")].iloc[0]
    c = m.cell("P01", "ORG01")
    assert row["summary"] == c.summary and row["status"] == "draft" and row["passages"] == 2
    assert [int(x) for x in str(row["summary_quotes"]).split()] == c.summary_quotes
    df = pd.read_csv(export_csv(m, tmp_path / "all.csv", attributes=["workplace"]), keep_default_na=False)
    assert "workplace" in df.columns and "group" not in df.columns
    with pytest.raises(NotFoundError):
        export_csv(m, tmp_path / "bad.csv", attributes=["nope"])
    with pytest.raises(NotFoundError):
        export_xlsx(m, tmp_path / "bad.xlsx", attributes=["nope"])


def test_category_level_and_refined_workbooks(charted, tmp_path):
    cat = ch.build_matrix(charted, "lvi84", level="category")
    wb = load_workbook(export_xlsx(cat, tmp_path / "cat.xlsx"))
    assert wb.sheetnames == ["About", "Categories", "Quotes"]
    assert [c.value for c in wb["Categories"][1]][3:] == [f"{c} {label}" for c, label in cat.categories]
    ch.refine(charted, "lvi84_to_lvi21")
    m = ch.build_matrix(charted, "lvi21")
    wb = load_workbook(export_xlsx(m, tmp_path / "r.xlsx"))
    assert len(wb.sheetnames) == 5
    assert wb[wb.sheetnames[1]]["A2"].value == m.participants[0]


def test_sheet_names_are_valid_and_unique():
    used: set[str] = set()
    a = sheet_name("ORG/ECON: Organisation [and] economy, access and more", used)
    b = sheet_name("ORG/ECON: Organisation [and] economy, access and more", used)
    assert len(a) <= 31 and len(b) <= 31 and a != b
    assert not set("[]:*?/\\") & set(a + b)


def test_control_characters_do_not_break_the_files(tmp_path, fake_embedder):
    from docx import Document

    from toolkit.export import export_docx

    p = make_project(tmp_path)
    ch.set_summary(p, "lvi84", "P01", "ORG01", "Bell\x07 and form feed\x0c removed.", author="ann")
    m = ch.build_matrix(p, "lvi84")
    wb = load_workbook(export_xlsx(m, tmp_path / "x.xlsx"))
    assert wb[wb.sheetnames[1]]["D2"].value == "Bell and form feed removed."
    doc = Document(str(export_docx(m, tmp_path / "x.docx")))
    assert "Bell and form feed removed." in doc.element.body.xpath("string(//w:tbl[1])")


def test_sheet_names_are_cut_at_word_boundaries():
    used: set[str] = set()
    names = [sheet_name(t, used) for t in ("ORG Organisation of healthcare services and their culture",
                                           "ORG Organisation of healthcare services and their culture",
                                           "HSC Healthcare system and culture (part 2)",
                                           "HSC Healthcare system and culture (part 3)")]
    assert len(set(names)) == 4 and all(len(n) <= 31 for n in names)
    words = set("ORG Organisation of healthcare services and their culture HSC Healthcare system p2 p3 (2)".split())
    assert all(set(n.split()) <= words for n in names), names  # whole words only
    assert not any(n.split()[-1] in ("and", "of") for n in names)
    assert names[2].endswith("p2") and names[3].endswith("p3")

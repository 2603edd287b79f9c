"""Word export of charts: structure and content against the project, and a clean open in LibreOffice."""

from __future__ import annotations

import math
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from test_charting_common import make_project

from toolkit import charting as ch
from toolkit.errors import NotFoundError
from toolkit.export import export_docx


@pytest.fixture
def charted(tmp_path, fake_embedder):
    """The small project with drafts everywhere, one reviewed and one manual summary."""
    p = make_project(tmp_path)
    ch.draft_summaries(p, "lvi84", fake_embedder)
    ch.set_summary(p, "lvi84", "P02", "CUL15", "Refers to be on the safe side; fears a missed tumour.", author="ann",
                   status="reviewed")
    ch.set_summary(p, "lvi84", "P03", "REF05", "Referrals lack the clinical question.\nHard to say no.",
                   author="ann")
    ch.set_summary(p, "lvi84", "P01", "REF01", "", author="ann")  # coded, but no summary
    yield p
    p.close()


def _participant_rows(table):
    """(participant id, cells) of the body rows; group rows are one cell spanning the table."""
    out = []
    for row in table.rows[1:]:
        if len(row._tr.tc_lst) == 1:
            continue
        cells = row.cells
        out.append((cells[0].text, cells))
    return out


def _group_rows(table) -> list[str]:
    return [row.cells[0].text for row in table.rows[1:] if len(row._tr.tc_lst) == 1]


def test_tables_of_at_most_six_codes_labelled_with_summaries(charted, tmp_path):
    m = ch.build_matrix(charted, "lvi84")
    path = export_docx(m, tmp_path / "chart.docx", title="Drivers chart")
    doc = Document(str(path))
    sec = doc.sections[0]
    assert sec.page_width > sec.page_height and sec.orientation == 1  # landscape
    text = "\n".join(p.text for p in doc.paragraphs[:12])
    assert "Drivers chart" in text and m.framework_name in text and "(lvi84)" in text
    assert date.today().isoformat() in text
    assert "Evidence: codings of reference" in text or "Evidence: lead coder reference" in text
    assert "Crosswalk: none" in text
    sizes = {cid: [c for c in m.columns if c.category_id == cid] for cid, _ in m.categories}
    parts = [(cid, codes[i:i + 6]) for cid, codes in sizes.items() for i in range(0, len(codes), 6)]
    assert len(doc.tables) == len(parts) > len(m.categories) == 7
    contents = [p.text for p in doc.paragraphs if p.paragraph_format.tab_stops and len(p.paragraph_format.tab_stops)]
    assert len(contents) == len(parts)  # the table of contents lists every table
    assert doc.element.body.xpath("//w:fldSimple[starts-with(@w:instr, 'PAGEREF T1')]")
    for table, (_cid, codes) in zip(doc.tables, parts, strict=True):
        assert len(table.columns) <= 9
        header = table.rows[0]
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
        heads = [c.text for c in header.cells]
        assert heads[:3] == ["Participant", "group", "setting"]
        assert [h.split("\n")[0] for h in heads[3:]] == [c.label for c in codes]  # labels on top, ids beneath
        assert [h.split("\n")[1] for h in heads[3:]] == [c.id for c in codes]
        # one header row per group of the first attribute (the setting is a column of each row)
        assert _group_rows(table) == ["group: GP", "group: radiographer", "group: radiologist"]
        rows = _participant_rows(table)
        assert [pid for pid, _ in rows] == m.participants
        for pid, cells in rows:
            assert [cells[1].text, cells[2].text] == [m.value(pid, "group"), m.value(pid, "setting")]
            for cell, col in zip(cells[3:], codes, strict=True):
                c = m.cell(pid, col.id)
                if c.summary:
                    assert cell.text.startswith(c.summary)
                    note = "(extract)" if c.origin == "drafted" else "(draft)"
                    assert (note in cell.text) == (c.status == "draft")
                    assert "[Q" in cell.text
                elif c.quotes:
                    assert cell.text == f"{len(c.quotes)} passage{'s' if len(c.quotes) > 1 else ''}, no summary"
                else:
                    assert cell.text == "\u2014"
    body = doc.element.body
    assert body.xpath("//w:tbl//w:t[contains(., 'fears a missed tumour')]")
    assert body.xpath("//w:tbl//w:t[.='Hard to say no.']")  # a line break in a summary stays a break


def test_appendix_lists_the_quotes_behind_each_summary(charted, tmp_path):
    m = ch.build_matrix(charted, "lvi84", coders=["reference", "second"])
    doc = Document(str(export_docx(m, tmp_path / "chart.docx")))
    body = doc.element.body
    marks = [b for b in body.xpath("//w:bookmarkStart/@w:name") if b.startswith("Q")]
    links = body.xpath("//w:tbl//w:hyperlink/@w:anchor")
    summarised = [c for c in m.cells.values() if c.summary]
    assert sorted(marks, key=lambda x: int(x[1:])) == [f"Q{i}" for i in range(1, len(summarised) + 1)]
    assert sorted(links) == sorted(marks)  # every summary links to its entry
    paras = [p.text for p in doc.paragraphs]
    start = paras.index("Appendix: quotes behind the summaries")
    appendix = "\n".join(paras[start:])
    for c in summarised:
        assert c.summary.split("\n")[0] in appendix
        for q in c.cited_quotes():
            assert f"\u201c{q.text.strip()}\u201d" in appendix
            assert q.reference in appendix
    assert "P03_radiologist_urban.vtt, turn 2, 00:00:06\u201300:00:20" in appendix
    assert "characters" not in appendix  # places a reader can find: turn and time, never character offsets
    # the provenance of the drafts is one legend, not a note on every entry
    assert appendix.count("drafted by the toolkit (model") == 1 and "[draft, drafted" not in appendix
    # drafted summaries cite only the passages they drew on
    drafted = m.cell("P01", "ORG02")
    assert drafted.origin == "drafted" and len(drafted.cited_quotes()) == 1
    assert "coder: reference, second" in appendix  # a passage both coders coded
    no_appendix = Document(str(export_docx(m, tmp_path / "b.docx", quotes_appendix=False)))
    assert "Appendix: quotes behind the summaries" not in [p.text for p in no_appendix.paragraphs]
    assert not no_appendix.element.body.xpath("//w:tbl//w:hyperlink")  # only the contents link


def test_wide_categories_are_split_and_options(charted, tmp_path):
    m = ch.build_matrix(charted, "lvi84")
    doc = Document(str(export_docx(m, tmp_path / "c.docx", attributes=["workplace"], max_columns=5)))
    sizes = [sum(1 for c in m.columns if c.category_id == cid) for cid, _ in m.categories]
    assert len(doc.tables) == sum(math.ceil(n / 5) for n in sizes)
    heads = [c.text.split("\n")[-1] for t in doc.tables for c in t.rows[0].cells]
    assert [h for h in heads if h not in ("Participant", "workplace")] == [c.id for c in m.columns]
    assert doc.tables[0].rows[0].cells[1].text == "workplace"
    titles = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    n_cul = math.ceil(sum(1 for c in m.columns if c.category_id == "CUL") / 5)
    assert f"CUL Culture, competence and procedures (part {n_cul} of {n_cul})" in titles
    # asking for more columns than fit in 9 gives 9
    wide = Document(str(export_docx(m, tmp_path / "w.docx", max_columns=40)))
    assert max(len(t.columns) for t in wide.tables) == 9
    # one participant per page, codes as rows
    pp = Document(str(export_docx(m, tmp_path / "pp.docx", layout="participant")))
    heads1 = [p.text for p in pp.paragraphs if p.style.name == "Heading 1"]
    assert [h.split(" ")[0] for h in heads1][:-1] == m.participants and heads1[-1].startswith("Appendix")
    assert [c.text for c in pp.tables[0].rows[0].cells] == ["Category", "Code", "Summary", "Passages"]
    coded = [col for col in m.columns if m.cell(m.participants[0], col.id).quotes
             or m.cell(m.participants[0], col.id).summary]
    assert sum(1 for r in pp.tables[0].rows[1:] if len(r._tr.tc_lst) == 4) == len(coded)
    with pytest.raises(NotFoundError, match="no participant attribute 'age'"):
        export_docx(m, tmp_path / "d.docx", attributes=["age"])
    assert not (tmp_path / "d.docx").exists()
    # one category, no grouping, category level
    one = ch.build_matrix(charted, "lvi84", category="REF", group_by=())
    doc = Document(str(export_docx(one, tmp_path / "e.docx", max_columns=None)))
    n_ref = sum(1 for c in one.columns)
    assert len(doc.tables) == math.ceil(n_ref / 8) and not _group_rows(doc.tables[0])  # no attributes: 8 codes
    assert [pid for pid, _ in _participant_rows(doc.tables[0])] == ["P01", "P02", "P03", "P04"]
    cat = ch.build_matrix(charted, "lvi84", level="category")
    doc = Document(str(export_docx(cat, tmp_path / "f.docx")))
    assert len(doc.tables) == 1
    assert [c.text.split("\n")[-1] for c in doc.tables[0].rows[0].cells][3:] == [c for c, _ in cat.categories]


def test_refined_matrix_exports_the_same_way(charted, tmp_path):
    ch.refine(charted, "lvi84_to_lvi21")
    m = ch.build_matrix(charted, "lvi21")
    doc = Document(str(export_docx(m, tmp_path / "r.docx", max_columns=None)))
    assert len(doc.tables) >= 3 and max(len(t.columns) for t in doc.tables) <= 9
    assert "Crosswalk: lvi84_to_lvi21" in "\n".join(p.text for p in doc.paragraphs[:8])
    assert [pid for pid, _ in _participant_rows(doc.tables[0])] == m.participants
    assert "Refers to be on the safe side" in doc.element.body.xpath("string(//w:body)")


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(_soffice() is None, reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
def test_opens_cleanly_in_libreoffice(charted, tmp_path):
    m = ch.build_matrix(charted, "lvi84")
    path = export_docx(m, tmp_path / "chart.docx", title="Sample chart", max_columns=8)
    out = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()
    proc = subprocess.run([_soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(out), str(path)], capture_output=True, text=True, timeout=180)
    pdf = out / "chart.pdf"
    assert proc.returncode == 0 and pdf.is_file(), proc.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        pages = text.split("\f")
        assert "Sample chart" in pages[0] and "Drivers of low-value imaging" in pages[0]
        assert sum("Participant" in p for p in pages) >= 7  # every category starts on a page with its header
        assert "P03_radiologist_urban.vtt" in text and "Appendix: quotes behind the summaries" in text

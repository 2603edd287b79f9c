"""Small python-docx helpers shared by the mapping export and the interpretation report."""

from __future__ import annotations

from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

GAP_FILL = "F8D7DA"
HEADER_FILL = "D9E2F3"


def new_document(*, landscape: bool = True):
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    return doc


def usable_width(doc) -> int:
    s = doc.sections[-1]
    return s.page_width - s.left_margin - s.right_margin


def shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def set_cell(cell, text: str, *, size: float = 8.5, bold: bool = False, italic_first: str | None = None,
             color: RGBColor | None = None) -> None:
    """Fill a cell: one paragraph per line of ``text``; ``italic_first`` adds a small italic line on top."""
    cell.text = ""
    para = cell.paragraphs[0]
    lines = ([italic_first] if italic_first else []) + (str(text).split("\n") if text else [""])
    for i, line in enumerate(lines):
        if i:
            para = cell.add_paragraph()
        para.paragraph_format.space_after = Pt(1)
        run = para.add_run(line)
        run.font.size = Pt(size - 1 if italic_first and i == 0 else size)
        run.italic = bool(italic_first and i == 0)
        run.bold = bold
        if color is not None:
            run.font.color.rgb = color


def repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def add_table(doc, header: Sequence[str], rows: Sequence[Sequence[str]], *, widths: Sequence[float] | None = None,
              fills: dict[int, str] | None = None, size: float = 8.5, notes: dict[int, str] | None = None):
    """A grid table with a shaded header row repeated on every page.

    ``widths`` are relative column widths; ``fills`` shades whole rows (row index -> hex colour); ``notes`` puts a
    small italic line above the first cell of a row.
    """
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    total = usable_width(doc)
    w = [total * x / sum(widths) for x in widths] if widths else [total / len(header)] * len(header)
    for i, h in enumerate(header):
        cell = table.rows[0].cells[i]
        set_cell(cell, h, size=size, bold=True)
        shade(cell, HEADER_FILL)
    repeat_header(table.rows[0])
    for r, values in enumerate(rows):
        cells = table.add_row().cells
        for i, v in enumerate(values):
            set_cell(cells[i], "" if v is None else str(v), size=size,
                     italic_first=(notes or {}).get(r) if i == 0 else None)
            if fills and r in fills:
                shade(cells[i], fills[r])
    for i, col in enumerate(table.columns):  # the grid (LibreOffice reads it) and every cell (Word reads those)
        col.width = int(w[i])
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = int(w[i])
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(int(sum(w) / 635)))  # EMU -> twentieths of a point
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    return table

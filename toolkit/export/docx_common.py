"""Small python-docx helpers shared by the Word writers: the chart (``docx_matrix``, ``docx_participants``), the mapping
export and the interpretation report."""

from __future__ import annotations

from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..charting.matrix import STALE_NOTE, Cell
from .wordml import GREY, Body, el, link, pageref_field, para, right_tab, run, twips

GAP_FILL = "F8D7DA"
HEADER_FILL = "D9E2F3"
HEAD_FILL, GROUP_FILL = HEADER_FILL, "EDEDED"
STALE_COLOR = "A61C00"
PAGE_W, PAGE_H, MARGIN = Cm(29.7), Cm(21.0), Cm(1.5)  # the chart's landscape A4 page


def status_note(c: Cell) -> str:
    """The short mark after a chart summary: extract (drafted by the toolkit), draft (a researcher's, unreviewed)."""
    if c.status == "reviewed":
        return ""
    return " (extract)" if c.origin == "drafted" else " (draft)"


def table_cell(tr, width, *, fill: str | None = None, span: int = 1):
    """A cell appended to table row ``tr`` (fixed width, optional fill and column span); returns its paragraph."""
    tc = el(tr, "tc")
    pr = el(tc, "tcPr")
    el(pr, "tcW", w=twips(width), type="dxa")
    if span > 1:
        el(pr, "gridSpan", val=span)
    if fill:
        el(pr, "shd", val="clear", color="auto", fill=fill)
    return para(tc)


def summary_cell(p, c: Cell, labels: dict, size: float) -> None:
    """A chart cell: its summary with its status mark, "written from earlier evidence" when the codings under it
    changed since, and its appendix link; else the number of passages, or a dash."""
    if c.summary:
        run(p, c.summary, size=size)
        note = status_note(c)
        if note:
            run(p, note, size=size, italic=True, color=GREY)
        if c.stale:
            run(p, f" [{STALE_NOTE}]", size=size, italic=True, bold=True, color=STALE_COLOR)
        label = labels.get((c.participant, c.column))
        if label:
            run(p, " ", size=size)
            link(p, label, f"[{label}]", size)
    elif c.quotes:
        n = len(c.quotes)
        run(p, f"{n} passage{'s' if n != 1 else ''}, no summary", size=size, italic=True, color=GREY)
    else:
        run(p, "\u2014", size=size, color=GREY)


def contents(body: Body, entries: list[tuple[str, str]]) -> None:
    """A table of contents: every entry's title linking to its bookmark, with its page number."""
    body.p("Contents", style="Heading2", page_break=False, keep_next=True)
    width = (PAGE_W - 2 * MARGIN) / 360000 * 0.6
    for anchor, text in entries:
        p = body.p(after=0)
        right_tab(p, width)
        link(p, anchor, text, 9)
        run(p, "\t", size=9)
        pageref_field(p, anchor, 9)


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

"""The chart as one page per participant (codes as rows): for long summaries that a 6-column table would squeeze.

Each page: the participant and their attributes as a heading, then a table with Category, Code, Summary and the
number of passages, for every code the participant was coded with or has a summary for (empty cells are counted, not
listed).
"""

from __future__ import annotations

from docx.shared import Cm

from ..charting.matrix import Matrix
from .docx_common import GROUP_FILL, HEAD_FILL, MARGIN, PAGE_W, contents, summary_cell, table_cell
from .wordml import GREY, Body, bookmark, el, run, twips


def participant_pages(body: Body, matrix: Matrix, attrs, labels, size: float) -> None:
    usable = PAGE_W - 2 * MARGIN
    widths = [Cm(4.0), Cm(5.5), usable - Cm(4.0) - Cm(5.5) - Cm(1.8), Cm(1.8)]
    entries = []
    for i, pid in enumerate(matrix.participants, start=1):
        who = ", ".join(f"{a}: {matrix.value(pid, a)}" for a in attrs if matrix.value(pid, a))
        entries.append((f"P{i}", pid + (f" ({who})" if who else "")))
    contents(body, entries)
    for (anchor, text), pid in zip(entries, matrix.participants, strict=True):
        head = body.p(text, style="Heading1", page_break=True, keep_next=True)
        bookmark(head, anchor, 1000 + len(anchor) + matrix.participants.index(pid))
        cells = [(col, matrix.cells[(pid, col.id)]) for col in matrix.columns]
        shown = [(col, c) for col, c in cells if c.summary or c.quotes]
        body.p(f"{len(shown)} of {len(cells)} codes coded or summarised; the others are left out.", after=4)
        if not shown:
            continue
        tbl = body.tbl()
        pr = el(tbl, "tblPr")
        el(pr, "tblStyle", val="TableGrid")
        el(pr, "tblW", w=twips(sum(widths)), type="dxa")
        el(pr, "tblLayout", type="fixed")
        grid = el(tbl, "tblGrid")
        for w in widths:
            el(grid, "gridCol", w=twips(w))
        tr = el(tbl, "tr")
        el(el(tr, "trPr"), "tblHeader")
        for w, h in zip(widths, ("Category", "Code", "Summary", "Passages"), strict=True):
            run(table_cell(tr, w, fill=HEAD_FILL), h, size=size, bold=True)
        last_cat = None
        for col, c in shown:
            if col.category_id != last_cat:
                last_cat = col.category_id
                run(table_cell(el(tbl, "tr"), sum(widths), fill=GROUP_FILL, span=len(widths)),
                    f"{col.category_id} {col.category_label}", size=size, bold=True)
            tr = el(tbl, "tr")
            el(el(tr, "trPr"), "cantSplit")
            run(table_cell(tr, widths[0]), col.category_label, size=size, color=GREY)
            p = table_cell(tr, widths[1])
            run(p, col.label, size=size, bold=True)
            run(p, f"\n{col.id}", size=size - 1, color=GREY)
            summary_cell(table_cell(tr, widths[2]), c, labels, size)
            run(table_cell(tr, widths[3]), str(len(c.quotes)), size=size)

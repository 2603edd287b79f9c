"""Word export of a chart: the whole framework in one readable landscape file.

First page: title, framework name and id, the crosswalk the codings came through (if any), the evidence (whose
codings: ``toolkit.evidence``), project, date and a key; then a table of contents linking every table. Then one table
per category, split every ``max_columns`` codes (default 6, and never more than ``MAX_TABLE_COLUMNS`` columns in all),
each part repeating the participant columns, with code labels in the header row (the id beneath), the header
repeated on every page (``w:tblHeader``), participant id and chosen attributes in the first columns, group rows
between attribute groups, and the summaries in the cells. ``layout="participant"`` instead gives one participant per
page with the codes as rows, for long summaries. An optional appendix lists, for every summary, the quotes behind it
with transcript references (name, speaker turn, and timestamps where the segment has them); each summary links to
its appendix entry ``[Qn]``.

python-docx opens, styles and saves the document; paragraphs, runs and tables are appended as WordprocessingML
elements directly, because python-docx's own ``add_run`` handles text one character at a time and is too slow for a
27 x 84 chart with its appendix.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Emu, Pt

from ..charting.matrix import STALE_NOTE, Matrix, Table
from ..errors import InputError
from .docx_common import (
    GROUP_FILL,
    HEAD_FILL,
    MARGIN,
    PAGE_H,
    PAGE_W,
    STALE_COLOR,
    contents,
    status_note,
    summary_cell,
    table_cell,
)
from .docx_participants import participant_pages
from .wordml import GREY, Body, bookmark, clean, el, page_field, run, save, twips, writable

__all__ = ["LAYOUTS", "MAX_COLUMNS", "MAX_TABLE_COLUMNS", "export_docx", "clean", "provenance", "table_plan"]

MAX_COLUMNS = 6  # code columns per table
MAX_TABLE_COLUMNS = 9  # all columns of a table, participant and attribute columns included
LAYOUTS = ("matrix", "participant")


def _check_attributes(matrix: Matrix, attributes: Sequence[str] | None) -> list[str]:
    from ..errors import NotFoundError

    chosen = list(matrix.group_by if attributes is None else attributes)
    for a in chosen:
        if a not in matrix.attributes:
            raise NotFoundError(f"no participant attribute {a!r}; known: {', '.join(matrix.attributes) or 'none'}")
    return chosen


def provenance(matrix: Matrix) -> list[tuple[str, str]]:
    """The title-block facts every chart export states: framework, crosswalk, evidence, project."""
    facts = [("Framework", f"{matrix.framework_name} ({matrix.framework_id})"),
             ("Crosswalk", ", ".join(matrix.crosswalks) if matrix.crosswalks
              else "none (codings made in this framework)")]
    if matrix.evidence is not None:
        facts.append(("Evidence", matrix.evidence.describe().removeprefix("Evidence: ")))
    if matrix.project_name:
        facts.append(("Project", matrix.project_name))
    return facts


def table_plan(matrix: Matrix, n_attributes: int, max_columns: int | None = MAX_COLUMNS) -> list[Table]:
    """The tables of the matrix layout: code columns per table at most ``max_columns`` and at most
    ``MAX_TABLE_COLUMNS`` columns in all (``max_columns=None`` or 0: only the total limit)."""
    room = MAX_TABLE_COLUMNS - 1 - n_attributes
    if room < 1:
        raise InputError(None, f"{n_attributes} attribute columns leave no room for codes in a table of at most "
                               f"{MAX_TABLE_COLUMNS} columns: show fewer attributes")
    per = min(max_columns or room, room)
    return matrix.tables(per)


def _numbering(matrix: Matrix, tables) -> dict[tuple[str, str], str]:
    """Appendix labels ``Q1, Q2, ...`` for every summarised cell, in appendix order (table, column, row)."""
    labels: dict[tuple[str, str], str] = {}
    for tb in tables:
        for col in tb.columns:
            for pid in matrix.participants:
                if matrix.cells[(pid, col.id)].summary and (pid, col.id) not in labels:
                    labels[(pid, col.id)] = f"Q{len(labels) + 1}"
    return labels


def export_docx(matrix: Matrix, path: str | Path, *, title: str | None = None,
                attributes: Sequence[str] | None = None, quotes_appendix: bool = True,
                max_columns: int | None = MAX_COLUMNS, font_size: float = 7.5, layout: str = "matrix") -> Path:
    """Write ``matrix`` as a Word document at ``path`` (see the module doc); returns the path.

    ``attributes``: participant attributes shown after the id (default: the matrix's ``group_by``).
    ``max_columns``: code columns per table (default 6; None: as many as fit in ``MAX_TABLE_COLUMNS``).
    ``layout``: ``matrix`` (participants in rows) or ``participant`` (one participant per page, codes as rows).
    Unknown attribute: ``NotFoundError``.
    """
    if layout not in LAYOUTS:
        raise InputError(None, f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    attrs = _check_attributes(matrix, attributes)
    path = writable(path)
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = PAGE_W, PAGE_H
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, MARGIN)
    doc.styles["Normal"].font.size = Pt(9)
    doc.styles["Normal"].font.name = "Calibri"
    title = title or f"Framework matrix: {matrix.framework_name}"
    doc.core_properties.title = clean(title)
    doc.core_properties.subject = clean(f"{matrix.framework_name} ({matrix.framework_id})")
    foot = sec.footer.paragraphs[0]._p
    ev = f" \u00b7 {matrix.evidence.short}" if matrix.evidence is not None else ""
    run(foot, f"{title} \u00b7 {matrix.framework_id}{ev} \u00b7 page ", size=7, color=GREY)
    page_field(foot, 7)

    body = Body(doc)
    if layout == "participant" or matrix.level == "category":
        tables = matrix.tables(None)
    else:
        tables = table_plan(matrix, len(attrs), max_columns)
    labels = _numbering(matrix, tables) if quotes_appendix else {}
    _front_page(body, matrix, title, attrs, tables, quotes_appendix, layout)
    if layout == "participant":
        participant_pages(body, matrix, attrs, labels, font_size)
    else:
        contents(body, [(f"T{i}", tb.title if matrix.level != "category" else "Categories")
                         for i, tb in enumerate(tables, start=1)])
        bid, previous = 10, None
        for i, tb in enumerate(tables, start=1):
            # a new category starts a page; its further parts follow on
            head = body.p(tb.title if matrix.level != "category" else "Categories", style="Heading1",
                          page_break=tb.category_id != previous or i == 1, keep_next=True)
            previous = tb.category_id
            bid += 1
            bookmark(head, f"T{i}", bid)
            _table(body, matrix, tb, attrs, labels, font_size)
    if quotes_appendix:
        _appendix(body, matrix, tables, attrs, labels)
    save(doc, path)
    return path


def _front_page(body: Body, matrix: Matrix, title: str, attrs, tables, quotes_appendix: bool, layout: str) -> None:
    body.p(title, style="Title")
    facts = provenance(matrix) + [("Date", matrix.created_at.strftime("%Y-%m-%d"))]
    for k, v in facts:
        p = body.p(after=2)
        run(p, f"{k}: ", bold=True)
        run(p, v)
    n_sum = sum(1 for c in matrix.cells.values() if c.summary)
    n_rev = sum(1 for c in matrix.cells.values() if c.status == "reviewed")
    n_coded = sum(1 for c in matrix.cells.values() if c.quotes)
    what = "categories" if matrix.level == "category" else f"codes in {len(matrix.categories)} categories"
    shape = ("one page per participant" if layout == "participant" else f"{len(tables)} table(s)")
    body.p(f"{len(matrix.participants)} participants"
           + (f", ordered and grouped by {', '.join(matrix.group_by)}" if matrix.group_by else "")
           + f"; {len(matrix.columns)} {what}; {shape}. {n_coded} of {len(matrix.cells)} cells have coded passages; "
           f"{n_sum} have a summary, {n_rev} of them reviewed.")
    if matrix.unassigned:
        body.p(f"{matrix.unassigned} coding(s) on transcripts without a participant are not charted.")
    key = ["Rows are participants (columns: id" + (", " + ", ".join(attrs) if attrs else "") + ")"
           + ("; the shaded rows name the group of the participants below them." if matrix.group_by else ".")
           if layout == "matrix" else "Each page is one participant; rows are the codes the participant was coded "
                                      "with or has a summary for.",
           "Each cell holds the summary of what the participant said about the code. \u201c(extract)\u201d marks a "
           "draft made by the toolkit: one or two verbatim sentences from the coded passages (at most about 40 words), "
           "not yet edited or confirmed by a researcher; \u201c(draft)\u201d a researcher's unreviewed text; "
           f"\u201c[{STALE_NOTE}]\u201d a summary written before the codings under its cell changed (redraft or "
           "confirm it).",
           "\u201cn passages, no summary\u201d: the participant was coded there but no summary is written yet; "
           "\u2014: nothing coded."]
    if quotes_appendix:
        key.append("[Qn] leads to the appendix, which lists the passages each summary cites with their transcript, "
                   "speaker turn and, where the recording has them, timestamps.")
    for k in key:
        body.p(k, style="ListBullet")


def _text_width(texts, size: float, lo: float, hi: float):
    """A column width (clamped to lo..hi cm) for the longest short text or word among ``texts``."""
    longest = max((len(w) for t in texts for w in ([t] if len(t) <= 12 else t.split())), default=4)
    return Cm(min(hi, max(lo, longest * size * 0.62 / 28.35 + 0.45)))


def _widths(matrix: Matrix, attrs, n_cols: int, size: float) -> list[int]:
    usable = PAGE_W - 2 * MARGIN
    first = [_text_width(["Participant", *matrix.participants], size, 1.4, 2.5)]
    first += [_text_width([a] + [matrix.value(p, a) for p in matrix.participants], size, 1.4, 3.2) for a in attrs]
    rest = Emu(max(usable - sum(first), Cm(2)) // max(n_cols, 1))
    return first + [rest] * n_cols


def _table(body: Body, matrix: Matrix, tb, attrs, labels, size: float) -> None:
    widths = _widths(matrix, attrs, len(tb.columns), size)
    tbl = body.tbl()
    pr = el(tbl, "tblPr")
    el(pr, "tblStyle", val="TableGrid")
    el(pr, "tblW", w=twips(sum(widths)), type="dxa")
    el(pr, "jc", val="center")
    el(pr, "tblLayout", type="fixed")
    el(pr, "tblLook", val="04A0", firstRow=1, lastRow=0, firstColumn=1, lastColumn=0, noHBand=0, noVBand=1)
    grid = el(tbl, "tblGrid")
    for w in widths:
        el(grid, "gridCol", w=twips(w))
    tr = el(tbl, "tr")
    el(el(tr, "trPr"), "tblHeader")
    heads = [("Participant", "")] + [(a, "") for a in attrs] + [(c.label, c.id) for c in tb.columns]
    for w, (top, sub) in zip(widths, heads, strict=True):
        p = table_cell(tr, w, fill=HEAD_FILL)
        run(p, top, size=size, bold=True)
        if sub:
            run(p, "\n" + sub, size=size - 1, color=GREY)
    groups = matrix.groups() if matrix.group_by else [((), matrix.participants)]
    shown = None
    for key, pids in groups:
        # one header row per group of the first attribute; the further attributes are columns of the rows
        if matrix.group_by and key[:1] != shown:
            shown = key[:1]
            p = table_cell(el(tbl, "tr"), sum(widths), fill=GROUP_FILL, span=len(widths))
            run(p, f"{matrix.group_by[0]}: {key[0] or '(none)'}", size=size, bold=True)
        for pid in pids:
            tr = el(tbl, "tr")
            run(table_cell(tr, widths[0]), pid, size=size, bold=True)
            for j, a in enumerate(attrs, start=1):
                run(table_cell(tr, widths[j]), matrix.value(pid, a), size=size)
            for j, col in enumerate(tb.columns, start=1 + len(attrs)):
                summary_cell(table_cell(tr, widths[j]), matrix.cells[(pid, col.id)], labels, size)


def _appendix(body: Body, matrix: Matrix, tables, attrs, labels) -> None:
    body.p("Appendix: quotes behind the summaries", style="Heading1", page_break=True)
    if not labels:
        body.p("No cell has a summary yet.")
        return
    body.p(_legend(matrix, labels), after=6)
    bid = 100
    seen: set[str] = set()
    for tb in tables:
        if not any((pid, col.id) in labels for col in tb.columns for pid in matrix.participants):
            continue
        cid = tb.category_id or tb.title
        if cid not in seen:
            seen.add(cid)
            body.p(tb.title.split(" (part ")[0] if matrix.level != "category" else "Categories", style="Heading2",
                   keep_next=True)
        for col in tb.columns:
            entries = [(pid, matrix.cells[(pid, col.id)]) for pid in matrix.participants if (pid, col.id) in labels]
            if not entries:
                continue
            body.p(f"{col.id} {col.label}", style="Heading3", keep_next=True)
            for pid, c in entries:
                label = labels[(pid, col.id)]
                p = body.p(before=6, after=3, keep_next=True)
                run(p, f"[{label}] ", bold=True)
                who = ", ".join(v for v in (matrix.value(pid, a) for a in attrs) if v)
                run(p, f"{pid}" + (f" ({who})" if who else "") + ": ", bold=True)
                run(p, c.summary)
                note = status_note(c)
                if note:
                    run(p, note, italic=True, color=GREY, size=8)
                if c.stale:
                    run(p, f" [{STALE_NOTE}]", italic=True, bold=True, color=STALE_COLOR, size=8)
                bid += 1
                bookmark(p, label, bid)
                quotes = c.cited_quotes()
                if not quotes:
                    run(body.p(after=2, indent=0.8), "(no coded passage of this cell is listed)", italic=True,
                         color=GREY)
                for qu in quotes:
                    q = body.p(after=2, indent=0.8)
                    run(q, f"\u201c{qu.text.strip()}\u201d", size=8.5)
                    run(q, f"  \u2014 {qu.reference}; coder: {qu.coder}", size=7.5, italic=True, color=GREY)


def _legend(matrix: Matrix, labels) -> str:
    """The provenance of the summaries in one short paragraph (instead of a note on every entry)."""
    cells = [matrix.cells[k] for k in labels]
    models = sorted({c.author.removeprefix("draft:") for c in cells if c.author and c.author.startswith("draft:")})
    people = sorted({a for c in cells if c.author and not c.author.startswith("draft:") for a in c.author.split(", ")})
    dates = sorted(c.updated_at for c in cells if c.updated_at)
    n = {k: sum(1 for c in cells if status_note(c) == f" ({k})") for k in ("extract", "draft")}
    parts = [f"{len(cells)} summaries: {len(cells) - n['extract'] - n['draft']} reviewed (no mark)",
             f"{n['extract']} extracts drafted by the toolkit" + (f" (model {', '.join(models)})" if models else ""),
             f"{n['draft']} unreviewed drafts of a researcher"]
    stale = sum(c.stale for c in cells)
    if stale:
        parts.append(f"{stale} written from earlier evidence")
    text = "; ".join(parts) + "."
    if people:
        text += f" Written or reviewed by {', '.join(people)}."
    if dates:
        span = {dates[0].strftime("%Y-%m-%d"), dates[-1].strftime("%Y-%m-%d")}
        text += f" Dated {' to '.join(sorted(span))}."
    return text + " Each quote gives its transcript, speaker turn and time (where recorded), and its coder."

"""Word export of a chart: one landscape table per category, for reports and appendices.

First page: title, framework name and id, project, date and a key. Then one table per category (a wide category may
be split every ``max_columns`` codes on request, each part repeating the participant columns; by default it is not), with the header row repeated on
every page (``w:tblHeader``), participant id and chosen attributes in the first columns, group rows between
attribute groups, and the summaries in the cells. An optional appendix lists, for every summary, the quotes behind it
with transcript references (name, character span, and timestamps where the segment has them); each summary links to
its appendix entry ``[Qn]``.

python-docx opens, styles and saves the document; paragraphs, runs and tables are appended as WordprocessingML
elements directly, because python-docx's own ``add_run`` handles text one character at a time and is too slow for a
27 x 84 chart with its appendix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Emu, Pt
from lxml.etree import SubElement

from ..charting.matrix import Cell, Matrix

__all__ = ["export_docx", "clean"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
GREY, LINK, HEAD_FILL, GROUP_FILL = "666666", "1F4E99", "D9E2F3", "EDEDED"
PAGE_W, PAGE_H, MARGIN = Cm(29.7), Cm(21.0), Cm(1.5)
_BAD_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text) -> str:
    """Text safe for XML (Word and Excel refuse control characters)."""
    return _BAD_XML.sub("", "" if text is None else str(text))


def writable(path: str | Path) -> Path:
    """``path`` as a Path, after checking its folder exists (``InputError`` otherwise)."""
    from ..errors import InputError

    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(path, f"cannot write here: no folder {str(path.parent)!r}")
    return path


def save(obj, path: Path) -> None:
    """``obj.save(path)`` through a temporary file renamed into place (nothing half-written is left on failure), with
    OS errors (read-only folder, file open in another program) as ``InputError``."""
    from ..safeio import save_atomic

    save_atomic(obj, path)


def _twips(length) -> str:
    return str(int(Emu(length).twips))


# --- WordprocessingML building blocks -----------------------------------------------------------------------------


def _el(parent, tag: str, **attrs):
    el = SubElement(parent, W + tag)
    for k, v in attrs.items():
        el.set(W + k, str(v))
    return el


def _run(parent, text: str, *, size: float | None = None, bold=False, italic=False, color: str | None = None,
         underline=False):
    """Append a run with ``text`` (line breaks kept) to the paragraph element ``parent``."""
    r = _el(parent, "r")
    if size or bold or italic or color or underline:
        rpr = _el(r, "rPr")
        if bold:
            _el(rpr, "b")
        if italic:
            _el(rpr, "i")
        if color:
            _el(rpr, "color", val=color)
        if size:
            _el(rpr, "sz", val=int(round(size * 2)))
        if underline:
            _el(rpr, "u", val="single")
    for i, line in enumerate(clean(text).split("\n")):
        if i:
            _el(r, "br")
        t = _el(r, "t")
        t.text = line
        t.set(XML_SPACE, "preserve")
    return r


def _p(parent, *, style: str | None = None, before: float | None = None, after: float | None = None,
       indent: float = 0, keep_next: bool = False, page_break: bool = False, anchor=None):
    """A paragraph element appended to ``parent`` (or inserted before ``anchor``); spacing in points, indent in cm."""
    if anchor is not None:
        p = anchor.makeelement(W + "p", {})
        anchor.addprevious(p)
    else:
        p = _el(parent, "p")
    ppr = _el(p, "pPr")
    if style:
        _el(ppr, "pStyle", val=style)
    if keep_next:
        _el(ppr, "keepNext")
    if page_break:
        _el(ppr, "pageBreakBefore")
    if before is not None or after is not None:
        _el(ppr, "spacing", before=int((before or 0) * 20), after=int((after or 0) * 20))
    if indent:
        _el(ppr, "ind", left=int(indent / 2.54 * 1440))
    return p


def _bookmark(p, name: str, bid: int) -> None:
    """Bookmark the paragraph element ``p`` as ``name``."""
    p.find(W + "pPr").addnext(p.makeelement(W + "bookmarkStart", {W + "id": str(bid), W + "name": name}))
    _el(p, "bookmarkEnd", id=bid)


def _link(p, anchor: str, text: str, size: float) -> None:
    """An internal hyperlink to bookmark ``anchor``."""
    _run(_el(p, "hyperlink", anchor=anchor), text, size=size, color=LINK, underline=True)


def _page_field(p, size: float) -> None:
    fld = _el(p, "fldSimple", instr="PAGE")
    _run(fld, "1", size=size, color=GREY)


class _Body:
    """Appends block elements to the document body, before its final section properties."""

    def __init__(self, doc):
        self.anchor = doc.element.body[-1]

    def p(self, text: str = "", *, style: str | None = None, **kw):
        p = _p(None, style=style, anchor=self.anchor, **kw)
        if text:
            _run(p, text)
        return p

    def tbl(self):
        tbl = self.anchor.makeelement(W + "tbl", {})
        self.anchor.addprevious(tbl)
        return tbl


# --- the document -------------------------------------------------------------------------------------------------


def _status_note(c: Cell) -> str:
    return "" if c.status == "reviewed" else " (draft)"


def _check_attributes(matrix: Matrix, attributes: Sequence[str] | None) -> list[str]:
    from ..errors import NotFoundError

    chosen = list(matrix.group_by if attributes is None else attributes)
    for a in chosen:
        if a not in matrix.attributes:
            raise NotFoundError(f"no participant attribute {a!r}; known: {', '.join(matrix.attributes) or 'none'}")
    return chosen


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
                max_columns: int | None = None, font_size: float = 7.5) -> Path:
    """Write ``matrix`` as a Word document at ``path`` (see the module doc); returns the path.

    ``attributes``: participant attributes shown after the id (default: the matrix's ``group_by``).
    ``max_columns``: split categories wider than this many codes into parts (None: one table per category, however
    wide). Unknown attribute: ``NotFoundError``.
    """
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
    _run(foot, f"{title} \u00b7 {matrix.framework_id} \u00b7 page ", size=7, color=GREY)
    _page_field(foot, 7)

    body = _Body(doc)
    tables = matrix.tables(None if matrix.level == "category" else max_columns)
    labels = _numbering(matrix, tables) if quotes_appendix else {}
    _front_page(body, matrix, title, attrs, tables, quotes_appendix)
    for tb in tables:
        body.p(tb.title if matrix.level == "code" else "Categories", style="Heading1", page_break=True,
               keep_next=True)
        _table(body, matrix, tb, attrs, labels, font_size)
    if quotes_appendix:
        _appendix(body, matrix, tables, attrs, labels)
    save(doc, path)
    return path


def _front_page(body: _Body, matrix: Matrix, title: str, attrs, tables, quotes_appendix: bool) -> None:
    body.p(title, style="Title")
    facts = [("Framework", f"{matrix.framework_name} ({matrix.framework_id})"),
             ("Date", matrix.created_at.strftime("%Y-%m-%d"))]
    if matrix.project_name:
        facts.append(("Project", matrix.project_name))
    for k, v in facts:
        p = body.p()
        _run(p, f"{k}: ", bold=True)
        _run(p, v)
    n_sum = sum(1 for c in matrix.cells.values() if c.summary)
    n_rev = sum(1 for c in matrix.cells.values() if c.status == "reviewed")
    n_coded = sum(1 for c in matrix.cells.values() if c.quotes)
    what = "categories" if matrix.level == "category" else f"codes in {len(matrix.categories)} categories"
    body.p(f"{len(matrix.participants)} participants"
           + (f", ordered and grouped by {', '.join(matrix.group_by)}" if matrix.group_by else "")
           + f"; {len(matrix.columns)} {what}; {len(tables)} table(s).")
    body.p(f"{n_coded} of {len(matrix.cells)} cells have coded passages; {n_sum} have a summary, "
           f"{n_rev} of them reviewed.")
    if matrix.unassigned:
        body.p(f"{matrix.unassigned} coding(s) on transcripts without a participant are not charted.")
    body.p("How to read the tables", style="Heading2")
    key = ["Rows are participants (columns: id" + (", " + ", ".join(attrs) if attrs else "") + ")"
           + ("; the shaded rows name the group of the participants below them." if matrix.group_by else "."),
           "Each cell summarises what the participant said about the column's code. \u201c(draft)\u201d marks a "
           "summary no researcher has reviewed yet; drafts made by the toolkit consist of verbatim sentences from "
           "the coded passages, separated by [\u2026].",
           "\u201cn passages, no summary\u201d: the participant was coded there but no summary is written yet; "
           "\u2014: nothing coded."]
    if quotes_appendix:
        key.append("[Qn] leads to the appendix, which lists the quotes behind each summary with their transcript, "
                   "character span and, where the recording has them, timestamps.")
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


def _tc(tr, width, *, fill: str | None = None, span: int = 1):
    tc = _el(tr, "tc")
    pr = _el(tc, "tcPr")
    _el(pr, "tcW", w=_twips(width), type="dxa")
    if span > 1:
        _el(pr, "gridSpan", val=span)
    if fill:
        _el(pr, "shd", val="clear", color="auto", fill=fill)
    return _p(tc)


def _table(body: _Body, matrix: Matrix, tb, attrs, labels, size: float) -> None:
    widths = _widths(matrix, attrs, len(tb.columns), size)
    tbl = body.tbl()
    pr = _el(tbl, "tblPr")
    _el(pr, "tblStyle", val="TableGrid")
    _el(pr, "tblW", w=_twips(sum(widths)), type="dxa")
    _el(pr, "jc", val="center")
    _el(pr, "tblLayout", type="fixed")
    _el(pr, "tblLook", val="04A0", firstRow=1, lastRow=0, firstColumn=1, lastColumn=0, noHBand=0, noVBand=1)
    grid = _el(tbl, "tblGrid")
    for w in widths:
        _el(grid, "gridCol", w=_twips(w))
    tr = _el(tbl, "tr")
    _el(_el(tr, "trPr"), "tblHeader")
    heads = [("Participant", "")] + [(a, "") for a in attrs] + [(c.id, c.label) for c in tb.columns]
    for w, (top, sub) in zip(widths, heads, strict=True):
        p = _tc(tr, w, fill=HEAD_FILL)
        _run(p, top, size=size, bold=True)
        if sub:
            _run(p, "\n" + sub, size=size)
    groups = matrix.groups() if matrix.group_by else [((), matrix.participants)]
    for key, pids in groups:
        if matrix.group_by:
            p = _tc(_el(tbl, "tr"), sum(widths), fill=GROUP_FILL, span=len(widths))
            label = " \u00b7 ".join(f"{a}: {v or '(none)'}" for a, v in zip(matrix.group_by, key, strict=True))
            _run(p, label, size=size, bold=True)
        for pid in pids:
            tr = _el(tbl, "tr")
            _run(_tc(tr, widths[0]), pid, size=size, bold=True)
            for j, a in enumerate(attrs, start=1):
                _run(_tc(tr, widths[j]), matrix.value(pid, a), size=size)
            for j, col in enumerate(tb.columns, start=1 + len(attrs)):
                _cell(_tc(tr, widths[j]), matrix.cells[(pid, col.id)], labels, size)


def _cell(p, c: Cell, labels, size: float) -> None:
    if c.summary:
        _run(p, c.summary, size=size)
        note = _status_note(c)
        if note:
            _run(p, note, size=size, italic=True, color=GREY)
        label = labels.get((c.participant, c.column))
        if label:
            _run(p, " ", size=size)
            _link(p, label, f"[{label}]", size)
    elif c.quotes:
        n = len(c.quotes)
        _run(p, f"{n} passage{'s' if n != 1 else ''}, no summary", size=size, italic=True, color=GREY)
    else:
        _run(p, "\u2014", size=size, color=GREY)


def _appendix(body: _Body, matrix: Matrix, tables, attrs, labels) -> None:
    body.p("Appendix: quotes behind the summaries", style="Heading1", page_break=True)
    if not labels:
        body.p("No cell has a summary yet.")
        return
    bid = 100
    seen: set[str] = set()
    for tb in tables:
        if not any((pid, col.id) in labels for col in tb.columns for pid in matrix.participants):
            continue
        cid = tb.category_id or tb.title
        if cid not in seen:
            seen.add(cid)
            body.p(tb.title.split(" (part ")[0] if matrix.level == "code" else "Categories", style="Heading2",
                   keep_next=True)
        for col in tb.columns:
            entries = [(pid, matrix.cells[(pid, col.id)]) for pid in matrix.participants if (pid, col.id) in labels]
            if not entries:
                continue
            body.p(f"{col.id} {col.label}", style="Heading3", keep_next=True)
            for pid, c in entries:
                label = labels[(pid, col.id)]
                p = body.p(before=6, after=3, keep_next=True)
                _run(p, f"[{label}] ", bold=True)
                who = ", ".join(v for v in (matrix.value(pid, a) for a in attrs) if v)
                _run(p, f"{pid}" + (f" ({who})" if who else "") + ": ", bold=True)
                _run(p, c.summary)
                meta = [c.status + (f", {c.origin}" if c.origin else "")]
                if c.author:
                    meta.append(c.author)
                if c.updated_at:
                    meta.append(c.updated_at.strftime("%Y-%m-%d %H:%M"))
                _run(p, f"  [{'; '.join(meta)}]", italic=True, color=GREY, size=8)
                bid += 1
                _bookmark(p, label, bid)
                quotes = c.cited_quotes()
                if not quotes:
                    _run(body.p(after=2, indent=0.8), "(no coded passage of this cell is listed)", italic=True,
                         color=GREY)
                for qu in quotes:
                    q = body.p(after=2, indent=0.8)
                    _run(q, f"\u201c{qu.text.strip()}\u201d", size=8.5)
                    _run(q, f"  \u2014 {qu.reference}; coder: {qu.coder}", size=7.5, italic=True, color=GREY)

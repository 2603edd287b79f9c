"""Excel and CSV exports of a chart.

Excel: an ``About`` sheet (title, framework, project, date, key), one sheet per category (code level) or one
``Categories`` sheet (category level) with participants in rows, a frozen header row and participant columns, and
wrapped text; then a ``Quotes`` sheet listing every coded passage of the chart with its transcript reference and
whether the cell's summary draws on it. CSV: one row per cell (participant x code) with the summary and its
provenance.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..charting.matrix import STALE_NOTE, Matrix, clock
from ..safeio import write_csv, xlsx_cell
from .docx_matrix import _check_attributes, clean, provenance, save, writable

__all__ = ["export_csv", "export_xlsx", "sheet_name"]

WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)
DRAFT = Font(italic=True, color="666666")
STALE = Font(italic=True, color="A61C00")
HEAD_FILL = PatternFill("solid", fgColor="D9E2F3")


SHEET_MAX = 31


def _fit(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary (mid-word only when the first word is longer)."""
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    while True:  # no dangling "and", "of"... at the end
        shorter = re.sub(r"[\s,;.\-\u2013(&]+$", "", re.sub(r"\s+(?:and|or|of|the|for|in|to|a|an|with|og|i|av)$",
                                                               "", cut, flags=re.IGNORECASE))
        if shorter == cut or not shorter:
            break
        cut = shorter
    return cut or text[:limit]


def sheet_name(title: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name: at most 31 characters, cut at a word boundary, none of ``[]:*?/\\``; a
    repeat gets " (2)", " (3)"... (the name shortened at a word boundary to make room)."""
    base = re.sub(r"\s+", " ", re.sub(r"[\[\]:*?/\\']", " ", title)).strip() or "Sheet"
    part = re.search(r"\s*\((part \d+)\)$", base)  # "... (part 2)" keeps its part number
    tail = f" {part.group(1).replace('part ', 'p')}" if part and len(base) > SHEET_MAX else ""
    if part and tail:
        base = base[:part.start()]
    name, i = _fit(base, SHEET_MAX - len(tail)) + tail, 2
    while name.lower() in used:
        suffix = f"{tail} ({i})"
        name, i = _fit(base, SHEET_MAX - len(suffix)) + suffix, i + 1
    used.add(name.lower())
    return name


def _cell(ws, value, *, font=None, fill=None, wrap=True):
    """A cell of project text: illegal characters dropped, formula-like text neutralised, typed as a string."""
    style = {"alignment": WRAP} if wrap else {}
    if font is not None:
        style["font"] = font
    if fill is not None:
        style["fill"] = fill
    return xlsx_cell(ws, clean(value) if isinstance(value, str) else value, **style)


def export_xlsx(matrix: Matrix, path: str | Path, *, title: str | None = None,
                attributes: Sequence[str] | None = None, quotes: bool = True) -> Path:
    """Write ``matrix`` as an Excel workbook at ``path`` (see the module doc); returns the path.

    ``attributes``: participant attributes shown after the id (default: the matrix's ``group_by``).
    """
    attrs = _check_attributes(matrix, attributes)
    path = writable(path)
    wb = Workbook(write_only=True)
    used: set[str] = set()
    title = title or f"Framework matrix: {matrix.framework_name}"
    about = wb.create_sheet(sheet_name("About", used))
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 100
    rows = [("Title", title), *[(k, v) for k, v in provenance(matrix) if k != "Project"],
            ("Project", matrix.project_name), ("Date", matrix.created_at.strftime("%Y-%m-%d")),
            ("Participants", len(matrix.participants)), ("Grouped by", ", ".join(matrix.group_by)),
            ("Level", matrix.level),
            ("Key", "Cells hold the summary of what the participant said about the column's code. Italic grey: a "
                    "draft no researcher has reviewed; toolkit drafts are extracts: one or two verbatim sentences from the coded "
                    "passages (at most about 40 words). Red, '[written from earlier evidence]': the codings under the cell "
                    "changed since the summary was written (redraft or confirm it). 'n passages, no summary': coded "
                    "but not summarised; empty: nothing coded. The Quotes sheet lists every coded passage with its "
                    "transcript, speaker turn and time.")]
    for k, v in rows:
        about.append([_cell(about, k, font=BOLD), _cell(about, v)])
    tables = matrix.tables(None)
    for tb in tables:
        name = "Categories" if matrix.level == "category" else tb.title
        ws = wb.create_sheet(sheet_name(name, used))
        ws.freeze_panes = f"{get_column_letter(2 + len(attrs))}2"
        ws.column_dimensions["A"].width = 11
        for j in range(len(attrs)):
            ws.column_dimensions[get_column_letter(2 + j)].width = 16
        for j in range(len(tb.columns)):
            ws.column_dimensions[get_column_letter(2 + len(attrs) + j)].width = 42
        ws.append([_cell(ws, h, font=BOLD, fill=HEAD_FILL) for h in
                   ["Participant", *attrs, *(f"{c.id} {c.label}" for c in tb.columns)]])
        for pid in matrix.participants:
            row = [_cell(ws, pid, font=BOLD)] + [_cell(ws, matrix.value(pid, a)) for a in attrs]
            for col in tb.columns:
                c = matrix.cells[(pid, col.id)]
                if c.summary:
                    text = c.summary + (f" [{STALE_NOTE}]" if c.stale else "")
                    row.append(_cell(ws, text, font=STALE if c.stale else None if c.status == "reviewed" else DRAFT))
                elif c.quotes:
                    n = len(c.quotes)
                    row.append(_cell(ws, f"{n} passage{'s' if n != 1 else ''}, no summary", font=DRAFT))
                else:
                    row.append(_cell(ws, None))
            ws.append(row)
    if quotes:
        _quotes_sheet(wb, matrix, tables, used)
    save(wb, path)
    return path


QUOTE_HEADER = ["participant", "category", "column", "code", "transcript", "turn", "time", "coder",
                "coding_ids", "cited_by_summary", "text"]


def _quotes_sheet(wb, matrix: Matrix, tables, used: set[str]) -> None:
    ws = wb.create_sheet(sheet_name("Quotes", used))
    ws.freeze_panes = "A2"
    for j, w in enumerate([11, 10, 10, 10, 26, 8, 18, 14, 12, 10, 100], start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.append([_cell(ws, h, font=BOLD, fill=HEAD_FILL, wrap=False) for h in QUOTE_HEADER])
    for tb in tables:
        for col in tb.columns:
            for pid in matrix.participants:
                c = matrix.cells[(pid, col.id)]
                cited = {id(q) for q in c.cited_quotes()} if c.summary else set()
                for q in c.quotes:
                    t = f"{clock(q.t_start)}\u2013{clock(q.t_end)}" if q.t_start is not None else ""
                    a, b = q.turns or ("", "")
                    turn = str(a) if a == b else f"{a}\u2013{b}"
                    vals = [pid, col.category_id, col.id, q.code_id, q.transcript, turn, t, q.coder,
                            " ".join(map(str, q.coding_ids or (q.coding_id,))), "yes" if id(q) in cited else "",
                            q.text]
                    ws.append([_cell(ws, v, wrap=False) for v in vals[:-1]] + [_cell(ws, vals[-1])])


def export_csv(matrix: Matrix, path: str | Path, *, attributes: Sequence[str] | None = None) -> Path:
    """Write one row per cell: framework, category, column, participant, attributes, status, origin, author, time,
    summary, number of passages, coding ids the summary draws on and all coding ids of the cell (UTF-8)."""
    attrs = _check_attributes(matrix, attributes)
    path = writable(path)
    df = matrix.long()
    drop = [a for a in matrix.attributes if a not in attrs]
    df = df.drop(columns=drop)
    return write_csv(df, path)

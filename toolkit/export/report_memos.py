"""The memos section of the interpretation report: every memo, grouped by what it is about."""

from __future__ import annotations

from ..familiarize.memos import memos_table
from .docx_common import add_table


def add_memos(doc, project, *, heading: str = "Memos") -> int:
    """Add a heading and a table of the project's memos (what about, title, memo, author, when); returns how many."""
    doc.add_heading(heading, level=1)
    table = memos_table(project)
    if table.empty:
        doc.add_paragraph("No memos yet.")
        return 0
    order = {"transcript": 0, "passage": 1, "code": 2, "cell": 3}
    table = table.assign(_o=table["kind"].map(order).fillna(9)).sort_values(["_o", "about", "id"])
    add_table(doc, ["About", "Title", "Memo", "Author", "When"],
              [[f"{r.kind}: {r.about}", r.title, r.memo, r.author, r.updated] for r in table.itertuples()],
              widths=[3.5, 2.2, 8, 1.6, 1.8])
    return len(table)

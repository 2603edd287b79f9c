"""Charting, the third stage of the Framework Method: participant-by-code matrices with traceable summaries.

- ``build_matrix(project, framework_id, category=None, group_by=("group", "setting"), level="code")`` -> ``Matrix``
- ``draft_summaries(project, framework_id, embedder)``: extractive drafts (verbatim sentences, with their quotes)
- ``set_summary`` / ``review_summary``: the researcher's own text and review
- ``coverage(project, framework_id, by=...)``: passages and participants per code and group, gaps
- ``refine(project, crosswalk_id)``: recode the project into a condensed framework through a crosswalk
- ``chart(project, framework_id, docx=..., xlsx=..., csv=...)``: build and export in one call

Exports live in ``toolkit.export`` (Word, Excel, CSV).
"""

from __future__ import annotations

from .coverage import Coverage, coverage
from .matrix import DEFAULT_GROUP_BY, Cell, Column, Matrix, Quote, Table, build_matrix
from .refine import RefineReport, refine
from .summaries import (
    DRAFT_SEPARATOR,
    DraftReport,
    draft_summaries,
    drafted_sentences,
    review_summary,
    set_summary,
)

__all__ = ["DEFAULT_GROUP_BY", "DRAFT_SEPARATOR", "Cell", "Column", "Coverage", "DraftReport", "Matrix", "Quote",
           "RefineReport", "Table", "build_matrix", "chart", "coverage", "draft_summaries", "drafted_sentences",
           "refine", "review_summary", "set_summary"]


def chart(project, framework_id: str, *, docx=None, xlsx=None, csv=None, category: str | None = None,
          group_by=DEFAULT_GROUP_BY, level: str = "code", attributes=None, title: str | None = None,
          quotes_appendix: bool = True, coders=None, max_columns: int | None = None) -> Matrix:
    """Build the matrix and write whichever of ``docx``, ``xlsx`` and ``csv`` paths are given; returns the matrix."""
    from ..export import export_csv, export_docx, export_xlsx

    m = build_matrix(project, framework_id, category=category, group_by=group_by, level=level, coders=coders)
    if docx:
        export_docx(m, docx, title=title, attributes=attributes, quotes_appendix=quotes_appendix,
                    max_columns=max_columns)
    if xlsx:
        export_xlsx(m, xlsx, title=title, attributes=attributes)
    if csv:
        export_csv(m, csv, attributes=attributes)
    return m

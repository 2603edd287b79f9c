"""Build a chart matrix and write it to Word, Excel and/or CSV in one call."""

from __future__ import annotations

from ..charting.matrix import DEFAULT_GROUP_BY, Matrix, build_matrix
from .docx_matrix import export_docx
from .xlsx_matrix import export_csv, export_xlsx


def chart(project, framework_id: str, *, docx=None, xlsx=None, csv=None, category: str | None = None,
          group_by=DEFAULT_GROUP_BY, level: str = "code", attributes=None, title: str | None = None,
          quotes_appendix: bool = True, coders=None, max_columns: int | None = 6,
          layout: str = "matrix") -> Matrix:
    """Build the matrix and write whichever of ``docx``, ``xlsx`` and ``csv`` paths are given; returns the matrix."""
    m = build_matrix(project, framework_id, category=category, group_by=group_by, level=level, coders=coders)
    if docx:
        export_docx(m, docx, title=title, attributes=attributes, quotes_appendix=quotes_appendix,
                    max_columns=max_columns, layout=layout)
    if xlsx:
        export_xlsx(m, xlsx, title=title, attributes=attributes)
    if csv:
        export_csv(m, csv, attributes=attributes)
    return m

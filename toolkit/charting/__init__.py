"""Charting, the third stage of the Framework Method: participant-by-code matrices with traceable summaries.

- ``build_matrix(project, framework_id, category=None, group_by=("group", "setting"), level="code")`` -> ``Matrix``
- ``draft_summaries(project, framework_id, embedder)``: extractive drafts (verbatim sentences, with their quotes)
- ``set_summary`` / ``review_summary``: the researcher's own text and review
- ``coverage(project, framework_id, by=...)``: passages and participants per code and group, gaps
- ``compare(project, framework_id, by=..., where=...)``: codes x an attribute's values, passages one step away
- ``refine(project, crosswalk_id)``: recode the project into a condensed framework through a crosswalk

Writers live in ``toolkit.export`` (Word, Excel, CSV; ``export.chart`` builds and writes in one call).
"""

from __future__ import annotations

from .compare import Comparison, compare
from .coverage import Coverage, coverage
from .matrix import DEFAULT_GROUP_BY, STALE_NOTE, Cell, Column, Matrix, Quote, Table, build_matrix
from .refine import RefineReport, refine
from .summaries import (
    DRAFT_SEPARATOR,
    DraftReport,
    draft_summaries,
    drafted_sentences,
    review_summary,
    set_summary,
)

__all__ = ["DEFAULT_GROUP_BY", "DRAFT_SEPARATOR", "STALE_NOTE", "Cell", "Column", "Comparison", "Coverage", "DraftReport",
           "Matrix", "Quote", "RefineReport", "Table", "build_matrix", "compare", "coverage", "draft_summaries",
           "drafted_sentences",
           "refine", "review_summary", "set_summary"]


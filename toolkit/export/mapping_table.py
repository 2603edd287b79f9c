"""Writers for the mapping table (see ``toolkit.mapping.table``), laid out like Table 2 of the reference study: Summary | Key elements | Key dimensions |
Categorization, one row per summary (in Word and CSV), and a long CSV with one row per key element and its quotes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from .. import settings
from ..mapping.table import TABLE_COLUMNS, mapping_frames
from ..safeio import save_atomic, write_csv
from ..store import Project
from ..store import core as db
from .docx_common import add_table, new_document


def add_mapping_table(doc, table: pd.DataFrame, code_labels: dict[str, str] | None = None) -> None:
    notes = {i: f"{r.participant} · {r.code} {(code_labels or {}).get(r.code, '')}".strip()
             for i, r in enumerate(table.itertuples()) if r.participant or r.code}
    add_table(doc, TABLE_COLUMNS, table[TABLE_COLUMNS].values.tolist(), widths=[4.5, 3, 2.5, 2], notes=notes)


def export_mapping(project: Project, framework_id: str, *, docx: str | Path | None = None,
                   csv: str | Path | None = None, long_csv: str | Path | None = None,
                   accepted_only: bool = False) -> pd.DataFrame:
    """Write the mapping table to Word and/or CSV (Table-2 layout) and/or the long CSV. Returns the table."""
    table, long = mapping_frames(project, framework_id, accepted_only=accepted_only)
    if csv:
        write_csv(table, csv)
    if long_csv:
        write_csv(long, long_csv)
    if docx:
        with project.read() as s:
            fw = db.get_framework(s, framework_id)
            name = settings.read(s, settings.NAME) or project.path.stem
        doc = new_document()
        doc.add_heading(f"Mapping: {name}", level=1)
        doc.add_paragraph(f"Framework: {fw.name} ({fw.id}). {len(long)} key elements from {len(table)} summaries. "
                          f"Exported {date.today().isoformat()}.")
        if table.empty:
            doc.add_paragraph("No key elements yet.")
        else:
            add_mapping_table(doc, table, {c.id: c.label for c in fw.codes})
        save_atomic(doc, docx)
    return table

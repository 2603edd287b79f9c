"""Copy a whole project between locations (an SQLite file and a PostgreSQL database, either way) and prove that
nothing was lost: every table's row count and a content hash over its rows are compared after the copy.

Rows keep their ids, so codings, summaries and quotes keep pointing at the same things; on PostgreSQL the id
sequences are moved past the copied ids afterwards.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import JSON, MetaData, Table, func, insert, select
from sqlalchemy.engine import Connection

from ..errors import ProjectError
from . import Project, create_empty, open_project, undo_create
from .backend import after_bulk_insert
from .schema import Base

CHUNK = 2000


@dataclass
class CopyReport:
    source: str
    target: str
    tables: dict[str, dict] = field(default_factory=dict)  # name -> {"rows": n, "sha256": hex}

    @property
    def rows(self) -> int:
        return sum(v["rows"] for v in self.tables.values())


def _norm(value):
    """One value in a form that is the same whichever backend it was read from."""
    if value is None:
        return None
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _ordered(table: Table):
    pk = list(table.primary_key.columns) or list(table.columns)
    return select(table).order_by(*pk)


def table_fingerprint(conn: Connection, table: Table) -> dict:
    """Row count and a sha256 over all rows (in primary-key order, values normalised) of one table."""
    h = hashlib.sha256()
    n = 0
    names = [c.name for c in table.columns]
    for row in conn.execute(_ordered(table)).mappings():
        h.update(json.dumps([_norm(row[c]) for c in names], ensure_ascii=False, default=str).encode())
        h.update(b"\n")
        n += 1
    return {"rows": n, "sha256": h.hexdigest()}


def fingerprint(project: Project) -> dict[str, dict]:
    """``{table: {"rows", "sha256"}}`` for every table of the schema: equal fingerprints mean equal projects."""
    with project.engine.connect() as conn:
        return {t.name: table_fingerprint(conn, t) for t in Base.metadata.sorted_tables}


def _insertable(table: Table, md: MetaData) -> Table:
    """The table with JSON columns that write Python ``None`` as SQL NULL, as the source had it."""
    clone = table.to_metadata(md)
    for col in clone.columns:
        if isinstance(col.type, JSON):
            col.type = JSON(none_as_null=True)
    return clone


def copy_project(source: str | Path, target: str | Path, *,
                 progress: Callable[[int, int, str], None] | None = None) -> CopyReport:
    """Copy project ``source`` to a new project ``target`` (file or database URL) and verify every table.

    The target must not exist yet (or be an empty database). On any failure, the target is removed again.
    """
    src = open_project(source)
    try:
        dst = create_empty(target)
        try:
            _copy(src, dst, progress)
            dst.close()
            created = dst.created
            dst = open_project(dst.path)  # compare what was committed, through a new connection
            dst.created = created
            report = _verify(src, dst)
        except BaseException:
            undo_create(dst)
            raise
        dst.close()
    finally:
        src.close()
    return report


def _copy(src: Project, dst: Project, progress) -> None:
    tables = Base.metadata.sorted_tables
    md = MetaData()
    with src.engine.connect() as sconn, dst.engine.begin() as dconn:
        counts = {t.name: sconn.scalar(select(func.count()).select_from(t)) for t in tables}
        total, done = sum(counts.values()), 0
        for t in tables:
            target_table = _insertable(t, md)
            result = sconn.execution_options(stream_results=True, yield_per=CHUNK).execute(_ordered(t))
            for chunk in result.mappings().partitions(CHUNK):
                dconn.execute(insert(target_table), [dict(r) for r in chunk])
                done += len(chunk)
                if progress:
                    progress(done, total, t.name)
            after_bulk_insert(dconn, t)


def _verify(src: Project, dst: Project) -> CopyReport:
    a, b = fingerprint(src), fingerprint(dst)
    for name, fa in a.items():
        if fa != b.get(name):
            raise ProjectError(f"{dst.label}: table {name} differs after the copy ({fa['rows']} rows -> "
                               f"{b.get(name, {}).get('rows')}); nothing was kept")
    return CopyReport(source=src.label, target=dst.label, tables=a)

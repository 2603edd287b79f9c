"""provenance as link tables: summary quotes, key-element quotes and coding sources

The JSON lists of coding ids (``summary.quotes``, ``key_element.quotes``, ``coding.sources``) become rows of
``summary_quote``, ``key_element_quote`` and ``coding_source``, with foreign keys at both ends. Ids that name no
coding any more are dropped and counted: the count goes to the log and to a ``project.migrate`` event.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 21:40:00
"""

import logging
import sqlite3
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# (link table, owner column, coding column, owner table, old JSON column); the owner's FK and the coding FK both
# cascade: deleting either end deletes the link.
LINKS = [
    ("summary_quote", "summary_id", "coding_id", "summary", "quotes"),
    ("key_element_quote", "key_element_id", "coding_id", "key_element", "quotes"),
    ("coding_source", "coding_id", "source_id", "coding", "sources"),
]


def _old(table: str, column: str) -> sa.TableClause:
    return sa.table(table, sa.column("id", sa.Integer), sa.column(column, sa.JSON))


def _link(name: str, owner: str, target: str) -> sa.TableClause:
    return sa.table(name, sa.column(owner, sa.Integer), sa.column(target, sa.Integer),
                    sa.column("position", sa.Integer))


def _native_drop_column(bind) -> bool:
    """SQLite drops a column in place from 3.35 on; before that alembic rebuilds the table."""
    if bind.dialect.name != "sqlite":
        return True
    dbapi = getattr(bind.dialect, "loaded_dbapi", None) or sqlite3
    return dbapi.sqlite_version_info >= (3, 35, 0)


def _ids(value) -> list:
    """The ids of one stored JSON list, as ints in order (None, non-lists and non-ids give nothing)."""
    out = []
    for v in value if isinstance(value, list) else []:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            out.append(None)
    return out


def _drop_json_columns(bind) -> None:
    native = _native_drop_column(bind)
    recreate = "never" if native else "always"
    with op.batch_alter_table("coding", recreate=recreate) as b:
        b.drop_column("sources")
    with op.batch_alter_table("key_element", recreate=recreate) as b:
        b.drop_column("quotes")
    # Rebuilding ``summary`` (old SQLite only) drops the old table, and with foreign keys on that deletes its key
    # elements (ON DELETE CASCADE): keep them and put back any that went.
    kept, elements = [], None
    if not native:
        elements = sa.Table("key_element", sa.MetaData(), autoload_with=bind)
        kept = [dict(r) for r in bind.execute(sa.select(elements)).mappings()]
    with op.batch_alter_table("summary", recreate=recreate) as b:
        b.drop_column("quotes")
    if kept:
        present = set(bind.scalars(sa.select(elements.c.id)))
        missing = [r for r in kept if r["id"] not in present]
        if missing:
            bind.execute(elements.insert(), missing)


def upgrade() -> None:
    bind = op.get_bind()
    codings = set(bind.scalars(sa.select(_old("coding", "sources").c.id)))
    old = {name: bind.execute(sa.select(_old(table, column))).all() for name, _, _, table, column in LINKS}
    _drop_json_columns(bind)
    for name, owner, target, table, _ in LINKS:
        op.create_table(
            name,
            sa.Column(owner, sa.Integer(), nullable=False),
            sa.Column(target, sa.Integer(), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint([owner], [f"{table}.id"], name=op.f(f"fk_{name}_{owner}_{table}"),
                                    ondelete="CASCADE"),
            sa.ForeignKeyConstraint([target], ["coding.id"], name=op.f(f"fk_{name}_{target}_coding"),
                                    ondelete="CASCADE"),
            sa.PrimaryKeyConstraint(owner, target, name=op.f(f"pk_{name}")),
        )
        with op.batch_alter_table(name) as b:
            b.create_index(b.f(f"ix_{name}_{target}"), [target], unique=False)
    kept, dropped = {}, {}
    for name, owner, target, _, _ in LINKS:
        rows, lost = [], 0
        for owner_id, value in old[name]:
            ids = _ids(value)
            good = list(dict.fromkeys(i for i in ids if i in codings))
            lost += len(ids) - len([i for i in ids if i in codings])
            rows += [{owner: owner_id, target: cid, "position": n} for n, cid in enumerate(good)]
        if rows:
            op.bulk_insert(_link(name, owner, target), rows)
        kept[name], dropped[name] = len(rows), lost
    if any(kept.values()) or any(dropped.values()):
        log.info("provenance links carried over: %s; ids naming no coding dropped: %s", kept, dropped)
        event = sa.table("event", sa.column("at", sa.DateTime), sa.column("actor", sa.String),
                         sa.column("action", sa.String), sa.column("payload", sa.JSON))
        op.bulk_insert(event, [{"at": datetime.now(UTC).replace(microsecond=0, tzinfo=None), "actor": None,
                                "action": "project.migrate",
                                "payload": {"revision": revision, "links_kept": kept, "ids_dropped": dropped}}])


def downgrade() -> None:
    bind = op.get_bind()
    for name, owner, target, table, column in LINKS:
        lists: dict = {}
        q = sa.select(_link(name, owner, target)).order_by(sa.column(owner), sa.column("position"))
        for row in bind.execute(q).mappings():
            lists.setdefault(row[owner], []).append(row[target])
        nullable = column == "sources"
        # added in place (no table rebuild: rebuilding ``summary`` would cascade into its key elements)
        with op.batch_alter_table(table, recreate="never") as b:
            b.add_column(sa.Column(column, sa.JSON(), nullable=nullable,
                                   server_default=None if nullable else sa.text("'[]'")))
        t = _old(table, column)
        for owner_id, ids in lists.items():
            bind.execute(t.update().where(t.c.id == owner_id).values({column: ids}))
        op.drop_table(name)

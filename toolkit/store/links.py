"""Provenance links: the codings a chart summary or a key element quotes, and the codings a crosswalk or consensus
coding came from. Each is a link table with foreign keys at both ends (``summary_quote``, ``key_element_quote``,
``coding_source``); the repository functions above keep speaking in lists of ids, read back in the order written.

Every function takes an open ``Session`` and never commits on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from . import schema as t


@dataclass(frozen=True)
class Link:
    model: type
    owner: str  # column naming the row that holds the list
    target: str  # column naming a coding of the list
    what: str  # how an error names the list

    @property
    def owner_col(self):
        return getattr(self.model, self.owner)

    @property
    def target_col(self):
        return getattr(self.model, self.target)


SUMMARY_QUOTES = Link(t.SummaryQuote, "summary_id", "coding_id", "a summary's quote")
ELEMENT_QUOTES = Link(t.KeyElementQuote, "key_element_id", "coding_id", "a key element's quote")
CODING_SOURCES = Link(t.CodingSource, "coding_id", "source_id", "a coding's source")


CHUNK = 5000  # ids per IN (...) list: well under the bound-parameter limits of SQLite and PostgreSQL


def clean_ids(ids: Iterable[int] | None) -> list[int]:
    """Integer ids in first-seen order, each once (a link table holds a pair once)."""
    return list(dict.fromkeys(int(i) for i in ids or ()))


_EXISTING = select(t.Coding.__table__.c.id).where(t.Coding.__table__.c.id.in_(bindparam("ids", expanding=True)))


def check_codings(s: Session, ids: Iterable[int], what: str) -> None:
    """Refuse ids that name no coding, before the foreign key would (with a clearer message)."""
    ids = set(ids)
    if not ids:
        return
    ordered = sorted(ids)
    found: set[int] = set()
    conn = s.connection()
    for i in range(0, len(ordered), CHUNK):
        found.update(conn.scalars(_EXISTING, {"ids": ordered[i:i + CHUNK]}))
    missing = sorted(ids - found)
    if missing:
        raise NotFoundError(f"no coding with id {', '.join(map(str, missing))} ({what} must be a coded passage)")


def set_links(s: Session, link: Link, owner_id: int, ids: Iterable[int] | None, *, check: bool = True,
              new: bool = False) -> list[int]:
    """Replace the list of ``owner_id`` by ``ids`` (order kept, repeats dropped); returns the stored list.

    ``check``: first look the ids up, to name a missing one in a ``NotFoundError`` (without it the foreign key still
    refuses, with an ``IntegrityError``; bulk writers of ids they just read skip the lookup). ``new``: the owner was
    just inserted, so it has no list to delete yet. Runs as plain Core statements on the session's connection (the
    caller has flushed the owner): a bulk action writes thousands of lists."""
    ids = clean_ids(ids)
    if check:
        check_codings(s, ids, link.what)
    conn = s.connection()
    table = link.model.__table__
    if not new:
        conn.execute(delete(table).where(table.c[link.owner] == int(owner_id)))
    if ids:
        conn.execute(insert(table), [{link.owner: int(owner_id), link.target: i, "position": n}
                                     for n, i in enumerate(ids)])
    return ids


def links_of(s: Session, link: Link, owners: Iterable[int] | Select) -> dict[int, list[int]]:
    """``{owner id: [coding ids in order]}`` for the given owners (ids, or a SELECT of ids); owners without links
    are absent."""
    if isinstance(owners, Select):
        chunks: list = [owners]
    else:
        ids = sorted({int(o) for o in owners})
        chunks = [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]
    out: dict[int, list[int]] = {}
    for chunk in chunks:
        q = (select(link.owner_col, link.target_col).where(link.owner_col.in_(chunk))
             .order_by(link.owner_col, link.model.position))
        for owner, target in s.execute(q):
            out.setdefault(owner, []).append(target)
    return out


def links_one(s: Session, link: Link, owner_id: int) -> list[int]:
    q = select(link.target_col).where(link.owner_col == int(owner_id)).order_by(link.model.position)
    return list(s.scalars(q))
JUDGEMENT_QUOTES = Link(t.FindingJudgementQuote, "judgement_id", "coding_id", "a finding judgement's quote")

"""Repository functions behind undoing mapping edits: every key element, dimension and map category of a framework
as plain rows (``MapRows``), putting chosen rows back exactly as they were (same ids, labels, membership, status,
positions, quote links in their order), and the undo log (``map_undo``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from . import links, mapping
from . import schema as t
from .schema_base import utcnow

R = TypeVar("R")


def _one(s: Session, model: type[R], row_id: int) -> R:
    row = s.get(model, int(row_id))
    if row is None:
        raise NotFoundError(f"no {model.__name__} row {row_id} (changed by someone else meanwhile?)")
    return row


@dataclass(frozen=True)
class ElementRow:
    id: int
    label: str
    summary_id: int | None
    dimension_id: int | None
    status: str
    created_at: str  # ISO time, as stored
    quotes: tuple[int, ...]  # coding ids, in their order


@dataclass(frozen=True)
class DimensionRow:
    id: int
    label: str
    category_id: int | None
    status: str
    position: int


@dataclass(frozen=True)
class CategoryRow:
    id: int
    label: str
    description: str | None
    position: int


@dataclass
class MapRows:
    """Rows of a framework's mapping by id: all of them (``map_rows``), or the ones an edit touched."""

    elements: dict[int, ElementRow] = field(default_factory=dict)
    dimensions: dict[int, DimensionRow] = field(default_factory=dict)
    categories: dict[int, CategoryRow] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {kind: [asdict(r) for _, r in sorted(getattr(self, kind).items())] for kind in KINDS}

    @classmethod
    def from_json(cls, data: dict) -> MapRows:
        return cls(elements={int(r["id"]): ElementRow(**{**r, "quotes": tuple(r["quotes"])})
                             for r in data.get("elements", [])},
                   dimensions={int(r["id"]): DimensionRow(**r) for r in data.get("dimensions", [])},
                   categories={int(r["id"]): CategoryRow(**r) for r in data.get("categories", [])})


KINDS = ("elements", "dimensions", "categories")


@dataclass(frozen=True)
class UndoEntry:
    """One row of the undo log."""

    id: int
    framework_id: str
    action: str
    what: str
    change: dict
    actor: str | None
    at: datetime


def map_rows(s: Session, framework_id: str) -> MapRows:
    """Every key element, dimension and map category of the framework, as stored now."""
    els = s.execute(select(t.KeyElement.id, t.KeyElement.label, t.KeyElement.summary_id, t.KeyElement.dimension_id,
                           t.KeyElement.status, t.KeyElement.created_at)
                    .where(t.KeyElement.framework_id == framework_id)).all()
    quotes = links.links_of(s, links.ELEMENT_QUOTES,
                            select(t.KeyElement.id).where(t.KeyElement.framework_id == framework_id))
    dims = s.execute(select(t.Dimension.id, t.Dimension.label, t.Dimension.category_id, t.Dimension.status,
                            t.Dimension.position).where(t.Dimension.framework_id == framework_id)).all()
    cats = s.execute(select(t.MapCategory.id, t.MapCategory.label, t.MapCategory.description, t.MapCategory.position)
                     .where(t.MapCategory.framework_id == framework_id)).all()
    return MapRows(
        elements={r.id: ElementRow(r.id, r.label, r.summary_id, r.dimension_id, r.status,
                                   r.created_at.isoformat() if r.created_at else "",
                                   tuple(quotes.get(r.id, []))) for r in els},
        dimensions={r.id: DimensionRow(r.id, r.label, r.category_id, r.status, r.position) for r in dims},
        categories={r.id: CategoryRow(r.id, r.label, r.description, r.position) for r in cats})


def missing_summaries(s: Session, framework_id: str, ids: Iterable[int]) -> list[int]:
    """The summary ids among ``ids`` that are not (or no longer) summaries of the framework."""
    want = sorted({int(i) for i in ids})
    if not want:
        return []
    have = set(s.scalars(select(t.Summary.id).where(t.Summary.framework_id == framework_id,
                                                    t.Summary.id.in_(want))))
    return [i for i in want if i not in have]


def missing_codings(s: Session, ids: Iterable[int]) -> list[int]:
    """The coding ids among ``ids`` that no longer exist."""
    want = sorted({int(i) for i in ids})
    have: set[int] = set()
    for i in range(0, len(want), links.CHUNK):
        have |= set(s.scalars(select(t.Coding.id).where(t.Coding.id.in_(want[i:i + links.CHUNK]))))
    return [i for i in want if i not in have]


def put_back(s: Session, framework_id: str, rows: MapRows, drop: MapRows) -> None:
    """Make the given rows exactly as in ``rows`` (inserted with their ids where they are missing, else updated) and
    delete the rows of ``drop``. The caller has checked that the result is whole: every dimension and category a
    kept row names exists afterwards, and no row left behind names a dropped one."""
    have = map_rows(s, framework_id)
    for c in rows.categories.values():
        if c.id not in have.categories:
            mapping.add_map_category(s, framework_id, c.label, c.description, position=c.position, row_id=c.id)
    for d in rows.dimensions.values():
        if d.id not in have.dimensions:
            mapping.add_dimension(s, framework_id, d.label, category_id=d.category_id, status=d.status,
                                  position=d.position, row_id=d.id)
    for e in rows.elements.values():
        if e.id not in have.elements:
            mapping.add_key_element(s, framework_id, e.label, summary_id=e.summary_id, quotes=e.quotes,
                                    dimension_id=e.dimension_id, status=e.status, row_id=e.id,
                                    created_at=datetime.fromisoformat(e.created_at) if e.created_at else None)
    for e in rows.elements.values():
        old = have.elements.get(e.id)
        if old is None:
            continue
        if old != e:
            row = _one(s, t.KeyElement, e.id)
            row.label, row.summary_id, row.dimension_id, row.status = e.label, e.summary_id, e.dimension_id, e.status
            if old.quotes != e.quotes:
                links.set_links(s, links.ELEMENT_QUOTES, e.id, e.quotes, check=False)
    for d in rows.dimensions.values():
        if d.id in have.dimensions and have.dimensions[d.id] != d:
            drow = _one(s, t.Dimension, d.id)
            drow.label, drow.category_id, drow.status, drow.position = d.label, d.category_id, d.status, d.position
    for c in rows.categories.values():
        if c.id in have.categories and have.categories[c.id] != c:
            crow = _one(s, t.MapCategory, c.id)
            crow.label, crow.description, crow.position = c.label, c.description, c.position
    s.flush()
    for model, ids in ((t.KeyElement, drop.elements), (t.Dimension, drop.dimensions), (t.MapCategory, drop.categories)):
        for i in ids:
            s.delete(_one(s, model, i))
        s.flush()


# --- the undo log -------------------------------------------------------------------------------------------------


def add_undo(s: Session, framework_id: str, action: str, what: str, change: dict, actor: str | None) -> int:
    row = t.MapUndo(framework_id=framework_id, action=action, what=what, change=change, actor=actor)
    s.add(row)
    s.flush()
    return row.id


def last_undo(s: Session, framework_id: str) -> UndoEntry | None:
    """The framework's newest edit not undone yet, or None."""
    row = s.scalars(select(t.MapUndo).where(t.MapUndo.framework_id == framework_id, t.MapUndo.undone_at.is_(None))
                    .order_by(t.MapUndo.id.desc()).limit(1)).first()
    if row is None:
        return None
    return UndoEntry(row.id, row.framework_id, row.action, row.what, row.change, row.actor, row.at)


def mark_undone(s: Session, undo_id: int, actor: str | None) -> None:
    row = _one(s, t.MapUndo, undo_id)
    row.undone_at, row.undone_by = utcnow(), actor
    s.flush()

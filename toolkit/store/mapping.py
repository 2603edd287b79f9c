"""Repository functions for mapping: key elements, key dimensions and map categories (and reading chart summaries).

A key element is a short phrase attached to a chart summary and to the coded passages (coding ids) behind it; key
elements are grouped into key dimensions, and dimensions into map categories. Every function takes an open
``Session`` and never commits on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import pandas as pd
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..errors import InputError, NotFoundError
from . import links
from . import schema as t

SUMMARY_COLUMNS = ["id", "framework_id", "participant_id", "code_id", "code_label", "category_id", "category_label",
                   "text", "status", "quotes"]
ELEMENT_COLUMNS = ["id", "framework_id", "label", "summary_id", "quotes", "dimension_id", "status", "participant_id",
                   "code_id", "code_label", "category_id", "summary"]
DIMENSION_COLUMNS = ["id", "framework_id", "label", "category_id", "status", "position", "elements"]
CATEGORY_COLUMNS = ["id", "framework_id", "label", "description", "position", "dimensions"]


# --- summaries (read only: charting writes them) ------------------------------------------------------------------


def map_summaries_frame(s: Session, framework_id: str, *, with_empty: bool = False) -> pd.DataFrame:
    """The chart summaries of one framework, with their participant, code and category."""
    q = (select(t.Summary.id, t.Summary.framework_id, t.Summary.participant_id, t.Code.id.label("code_id"),
                t.Code.label.label("code_label"), t.Category.id.label("category_id"),
                t.Category.label.label("category_label"), t.Summary.text, t.Summary.status)
         .join(t.Code, t.Code.pk == t.Summary.code_pk)
         .join(t.Category, t.Category.pk == t.Code.category_pk)
         .where(t.Summary.framework_id == framework_id)
         .order_by(t.Category.position, t.Code.position, t.Summary.participant_id))
    df = pd.DataFrame(s.execute(q).mappings().all(), columns=SUMMARY_COLUMNS[:-1])
    if not with_empty and not df.empty:
        df = df[df["text"].fillna("").str.strip() != ""].reset_index(drop=True)
    quotes = links.links_of(s, links.SUMMARY_QUOTES, select(t.Summary.id).where(t.Summary.framework_id == framework_id))
    df["quotes"] = [quotes.get(int(i), []) for i in df["id"]]
    return df


def summary_quotes(s: Session, summary_id: int) -> list[int]:
    _get(s, t.Summary, summary_id, "summary")
    return links.links_one(s, links.SUMMARY_QUOTES, summary_id)


def coding_texts(s: Session, coding_ids: Iterable[int]) -> dict[int, str]:
    """The transcript words of the given codings (removed ones included: a quote stays readable)."""
    ids = sorted({int(i) for i in coding_ids})
    if not ids:
        return {}
    rows = s.execute(select(t.Coding.id, t.Coding.transcript_id, t.Coding.start, t.Coding.end)
                     .where(t.Coding.id.in_(ids))).all()
    texts = dict(s.execute(select(t.Transcript.id, t.Transcript.text)
                           .where(t.Transcript.id.in_({r.transcript_id for r in rows}))).all())
    return {r.id: texts[r.transcript_id][r.start:r.end] for r in rows}


# --- map categories -----------------------------------------------------------------------------------------------


def _get(s: Session, model, row_id: int, what: str, framework_id: str | None = None):
    row = s.get(model, int(row_id))
    if row is None or (framework_id is not None and row.framework_id != framework_id):
        where = f" in framework {framework_id!r}" if framework_id else ""
        raise NotFoundError(f"no {what} with id {row_id}{where}")
    return row


def add_map_category(s: Session, framework_id: str, label: str, description: str | None = None, *,
                     position: int | None = None, row_id: int | None = None) -> int:
    """A map category, placed last unless ``position`` is given (an import keeps the file's); ``row_id`` puts back a
    row an undo removed, under its old id."""
    label = _label(label, "category")
    if position is None:
        position = s.scalar(select(func.coalesce(func.max(t.MapCategory.position), -1))
                            .where(t.MapCategory.framework_id == framework_id)) + 1
    row = t.MapCategory(id=row_id, framework_id=framework_id, label=label, description=description, position=position)
    s.add(row)
    s.flush()
    return row.id


def map_category_by_label(s: Session, framework_id: str, label: str) -> int | None:
    return s.scalar(select(t.MapCategory.id).where(t.MapCategory.framework_id == framework_id,
                                                   func.lower(t.MapCategory.label) == label.strip().lower()))


def update_map_category(s: Session, category_id: int, *, label: str | None = None, description: str | None = None,
                        framework_id: str | None = None) -> None:
    row = _get(s, t.MapCategory, category_id, "map category", framework_id)
    if label is not None:
        row.label = _label(label, "category")
    if description is not None:
        row.description = description


def delete_map_category(s: Session, category_id: int, framework_id: str | None = None) -> None:
    row = _get(s, t.MapCategory, category_id, "map category", framework_id)
    s.execute(update(t.Dimension).where(t.Dimension.category_id == row.id).values(category_id=None))
    s.delete(row)
    s.flush()


def map_categories_frame(s: Session, framework_id: str) -> pd.DataFrame:
    n = (select(t.Dimension.category_id, func.count().label("n")).where(t.Dimension.framework_id == framework_id)
         .group_by(t.Dimension.category_id).subquery())
    q = (select(t.MapCategory.id, t.MapCategory.framework_id, t.MapCategory.label, t.MapCategory.description,
                t.MapCategory.position, func.coalesce(n.c.n, 0).label("dimensions"))
         .outerjoin(n, n.c.category_id == t.MapCategory.id)
         .where(t.MapCategory.framework_id == framework_id).order_by(t.MapCategory.position, t.MapCategory.id))
    return pd.DataFrame(s.execute(q).mappings().all(), columns=CATEGORY_COLUMNS)


# --- dimensions ---------------------------------------------------------------------------------------------------


def add_dimension(s: Session, framework_id: str, label: str, *, category_id: int | None = None,
                  status: str = "proposed", position: int | None = None, row_id: int | None = None) -> int:
    """A key dimension, placed last unless ``position`` is given (an import keeps the file's); ``row_id`` puts back a
    row an undo removed, under its old id."""
    if category_id is not None:
        _get(s, t.MapCategory, category_id, "map category", framework_id)
    if position is None:
        position = s.scalar(select(func.coalesce(func.max(t.Dimension.position), -1))
                            .where(t.Dimension.framework_id == framework_id)) + 1
    row = t.Dimension(id=row_id, framework_id=framework_id, label=_label(label, "dimension"), category_id=category_id,
                      status=_status(status), position=position)
    s.add(row)
    s.flush()
    return row.id


def update_dimension(s: Session, dimension_id: int, *, framework_id: str | None = None, **fields) -> None:
    row = _get(s, t.Dimension, dimension_id, "key dimension", framework_id)
    for key, value in fields.items():
        if key == "label":
            value = _label(value, "dimension")
        elif key == "status":
            value = _status(value)
        elif key == "category_id":
            if value is not None:
                _get(s, t.MapCategory, value, "map category", row.framework_id)
        elif key != "position":
            raise ValueError(f"cannot set dimension field {key!r}")
        setattr(row, key, value)
    s.flush()


def delete_dimensions(s: Session, dimension_ids: Iterable[int], framework_id: str | None = None) -> None:
    for did in dimension_ids:
        row = _get(s, t.Dimension, did, "key dimension", framework_id)
        s.execute(update(t.KeyElement).where(t.KeyElement.dimension_id == row.id).values(dimension_id=None))
        s.delete(row)
    s.flush()


def dimensions_frame(s: Session, framework_id: str) -> pd.DataFrame:
    n = (select(t.KeyElement.dimension_id, func.count().label("n")).where(t.KeyElement.framework_id == framework_id)
         .group_by(t.KeyElement.dimension_id).subquery())
    q = (select(t.Dimension.id, t.Dimension.framework_id, t.Dimension.label, t.Dimension.category_id,
                t.Dimension.status, t.Dimension.position, func.coalesce(n.c.n, 0).label("elements"))
         .outerjoin(n, n.c.dimension_id == t.Dimension.id)
         .where(t.Dimension.framework_id == framework_id).order_by(t.Dimension.position, t.Dimension.id))
    df = pd.DataFrame(s.execute(q).mappings().all(), columns=DIMENSION_COLUMNS)
    df["category_id"] = df["category_id"].astype("Int64")
    return df


# --- key elements -------------------------------------------------------------------------------------------------


def add_key_element(s: Session, framework_id: str, label: str, *, summary_id: int | None = None,
                    quotes: Iterable[int] = (), dimension_id: int | None = None, status: str = "proposed",
                    created_at: datetime | None = None, row_id: int | None = None) -> int:
    """A key element with its quotes; ``row_id`` puts back a row an undo removed, under its old id."""
    if summary_id is not None:
        _get(s, t.Summary, summary_id, "summary", framework_id)
    if dimension_id is not None:
        _get(s, t.Dimension, dimension_id, "key dimension", framework_id)
    quotes = links.clean_ids(quotes)
    links.check_codings(s, quotes, links.ELEMENT_QUOTES.what)
    row = t.KeyElement(id=row_id, framework_id=framework_id, label=_label(label, "key element"), summary_id=summary_id,
                       dimension_id=dimension_id, status=_status(status))
    if created_at is not None:
        row.created_at = created_at
    s.add(row)
    s.flush()
    links.set_links(s, links.ELEMENT_QUOTES, row.id, quotes, check=False, new=True)
    return row.id


def update_key_element(s: Session, element_id: int, *, framework_id: str | None = None, **fields) -> None:
    row = _get(s, t.KeyElement, element_id, "key element", framework_id)
    for key, value in fields.items():
        if key == "label":
            value = _label(value, "key element")
        elif key == "status":
            value = _status(value)
        elif key == "dimension_id":
            if value is not None:
                _get(s, t.Dimension, value, "key dimension", row.framework_id)
        elif key == "quotes":
            links.set_links(s, links.ELEMENT_QUOTES, row.id, sorted({int(q) for q in value}))
            continue
        else:
            raise ValueError(f"cannot set key element field {key!r}")
        setattr(row, key, value)
    s.flush()


def delete_key_elements(s: Session, element_ids: Iterable[int], framework_id: str | None = None) -> None:
    for eid in element_ids:
        s.delete(_get(s, t.KeyElement, eid, "key element", framework_id))
    s.flush()


def set_elements_dimension(s: Session, element_ids: Iterable[int], dimension_id: int | None,
                           framework_id: str | None = None) -> None:
    for eid in element_ids:
        update_key_element(s, eid, framework_id=framework_id, dimension_id=dimension_id)


def move_dimension_elements(s: Session, from_ids: Iterable[int], to_id: int) -> None:
    s.execute(update(t.KeyElement).where(t.KeyElement.dimension_id.in_([int(i) for i in from_ids]))
              .values(dimension_id=int(to_id)))
    s.flush()


def element(s: Session, element_id: int, framework_id: str | None = None) -> dict:
    row = _get(s, t.KeyElement, element_id, "key element", framework_id)
    return {"id": row.id, "framework_id": row.framework_id, "label": row.label, "summary_id": row.summary_id,
            "quotes": links.links_one(s, links.ELEMENT_QUOTES, row.id), "dimension_id": row.dimension_id,
            "status": row.status}


def key_elements_frame(s: Session, framework_id: str) -> pd.DataFrame:
    """Key elements with the participant, code and text of the summary they came from."""
    q = (select(t.KeyElement.id, t.KeyElement.framework_id, t.KeyElement.label, t.KeyElement.summary_id,
                t.KeyElement.dimension_id, t.KeyElement.status, t.Summary.participant_id,
                t.Code.id.label("code_id"), t.Code.label.label("code_label"), t.Category.id.label("category_id"),
                t.Summary.text.label("summary"))
         .outerjoin(t.Summary, t.Summary.id == t.KeyElement.summary_id)
         .outerjoin(t.Code, t.Code.pk == t.Summary.code_pk)
         .outerjoin(t.Category, t.Category.pk == t.Code.category_pk)
         .where(t.KeyElement.framework_id == framework_id).order_by(t.KeyElement.id))
    df = pd.DataFrame(s.execute(q).mappings().all(), columns=[c for c in ELEMENT_COLUMNS if c != "quotes"])
    quotes = links.links_of(s, links.ELEMENT_QUOTES,
                            select(t.KeyElement.id).where(t.KeyElement.framework_id == framework_id))
    df.insert(ELEMENT_COLUMNS.index("quotes"), "quotes", [quotes.get(int(i), []) for i in df["id"]])
    for col in ("summary_id", "dimension_id"):
        df[col] = df[col].astype("Int64")
    return df


def clear_proposed(s: Session, framework_id: str, *, elements: bool = False, dimensions: bool = False) -> int:
    """Delete the still-proposed elements and/or dimensions of a framework (accepted ones stay). Returns how many."""
    n = 0
    if dimensions:
        ids = list(s.scalars(select(t.Dimension.id).where(t.Dimension.framework_id == framework_id,
                                                          t.Dimension.status == "proposed")))
        delete_dimensions(s, ids)
        n += len(ids)
    if elements:
        res = s.execute(delete(t.KeyElement).where(t.KeyElement.framework_id == framework_id,
                                                   t.KeyElement.status == "proposed"))
        n += res.rowcount or 0
    s.flush()
    return n


def _label(label: str | None, what: str) -> str:
    label = (label or "").strip()
    if not label:
        raise InputError(None, f"a {what} needs a non-empty label")
    return label


def _status(status: str) -> str:
    if status not in ("proposed", "accepted"):
        raise InputError(None, f"status must be 'proposed' or 'accepted', not {status!r}")
    return status

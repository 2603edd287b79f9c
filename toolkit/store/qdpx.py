"""Repository functions the REFI-QDA exchange needs beyond ``core``: chart summaries, mapping key elements (with
their dimensions and map categories), and setting the original timestamps of imported rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import links, mapping
from . import schema as t


def project_seed(s: Session) -> str:
    """A stable identity of this project (its name and the time of its first event), to derive export GUIDs from."""
    name = s.get(t.ProjectInfo, "name")
    first = s.scalar(select(t.Event.at).order_by(t.Event.id).limit(1))
    return f"{name.value if name else ''}|{first.isoformat() if first else ''}"


def code_keys_by_pk(s: Session) -> dict[int, tuple[str, str]]:
    """code pk -> (framework id, code id), for every framework."""
    return {pk: (fid, cid) for pk, fid, cid in s.execute(select(t.Code.pk, t.Code.framework_id, t.Code.id))}


def transcript_meta(s: Session) -> dict[int, tuple[dict, datetime | None]]:
    return {tid: (meta or {}, at) for tid, meta, at in
            s.execute(select(t.Transcript.id, t.Transcript.meta, t.Transcript.imported_at))}


# --- summaries ----------------------------------------------------------------------------------------------------


def summaries(s: Session, framework_ids: list[str] | None = None) -> list[dict]:
    q = (select(t.Summary, t.Code.id.label("code_id"), t.Coder.name.label("author"))
         .join(t.Code, t.Code.pk == t.Summary.code_pk)
         .outerjoin(t.Coder, t.Coder.id == t.Summary.author_id)
         .order_by(t.Summary.framework_id, t.Summary.participant_id, t.Code.position, t.Summary.id))
    if framework_ids is not None:
        q = q.where(t.Summary.framework_id.in_(framework_ids))
    rows = s.execute(q).all()
    quotes = links.links_of(s, links.SUMMARY_QUOTES, [r.id for r, _, _ in rows])
    return [{"id": r.id, "framework_id": r.framework_id, "participant_id": r.participant_id, "code_id": code_id,
             "code_pk": r.code_pk, "text": r.text, "status": r.status, "origin": r.origin,
             "quotes": quotes.get(r.id, []), "author": author, "updated_at": r.updated_at}
            for r, code_id, author in rows]


# --- key elements -------------------------------------------------------------------------------------------------


def key_elements(s: Session, framework_ids: list[str] | None = None) -> list[dict]:
    q = (select(t.KeyElement, t.Dimension, t.MapCategory)
         .outerjoin(t.Dimension, t.Dimension.id == t.KeyElement.dimension_id)
         .outerjoin(t.MapCategory, t.MapCategory.id == t.Dimension.category_id)
         .order_by(t.KeyElement.framework_id, t.KeyElement.id))
    if framework_ids is not None:
        q = q.where(t.KeyElement.framework_id.in_(framework_ids))
    rows = s.execute(q).all()
    quotes = links.links_of(s, links.ELEMENT_QUOTES, [ke.id for ke, _, _ in rows])
    out = []
    for ke, dim, cat in rows:
        d = {"id": ke.id, "framework_id": ke.framework_id, "label": ke.label, "summary_id": ke.summary_id,
             "quotes": quotes.get(ke.id, []), "status": ke.status, "created_at": ke.created_at, "dimension": None}
        if dim is not None:
            d["dimension"] = {"label": dim.label, "status": dim.status, "position": dim.position,
                              "category": None if cat is None else
                              {"label": cat.label, "description": cat.description, "position": cat.position}}
        out.append(d)
    return out


def _dimension_id(s: Session, framework_id: str, dim: dict) -> int:
    """The dimension of this label in the framework, else a new one through the mapping repository (with its map
    category, found by label or created the same way)."""
    cat_id = None
    if dim.get("category"):
        c = dim["category"]
        cat_id = s.scalar(select(t.MapCategory.id).where(t.MapCategory.framework_id == framework_id,
                                                         t.MapCategory.label == (c["label"] or "").strip()))
        if cat_id is None:
            cat_id = mapping.add_map_category(s, framework_id, c["label"], c.get("description"),
                                              position=int(c.get("position") or 0))
    dim_id = s.scalar(select(t.Dimension.id).where(t.Dimension.framework_id == framework_id,
                                                   t.Dimension.label == (dim["label"] or "").strip()))
    if dim_id is None:
        dim_id = mapping.add_dimension(s, framework_id, dim["label"], category_id=cat_id,
                                       status=dim.get("status") or "proposed", position=int(dim.get("position") or 0))
    return dim_id


def add_key_element(s: Session, *, framework_id: str, label: str, summary_id: int | None = None,
                    quotes: list[int] | None = None, status: str = "proposed", dimension: dict | None = None,
                    created_at: datetime | None = None) -> int:
    """A key element; ``dimension`` ``{label, status, position, category: {label, description, position}}`` is
    found by label in the framework or created."""
    return mapping.add_key_element(s, framework_id, label, summary_id=summary_id, quotes=quotes or [],
                                   status=status, created_at=created_at,
                                   dimension_id=_dimension_id(s, framework_id, dimension) if dimension else None)


# --- original timestamps ------------------------------------------------------------------------------------------


def set_coding_created(s: Session, coding_id: int, at: datetime) -> None:
    s.get(t.Coding, coding_id).created_at = at


def set_memo_times(s: Session, memo_id: int, created: datetime | None, updated: datetime | None) -> None:
    row = s.get(t.Memo, memo_id)
    if created is not None:
        row.created_at = created
    if updated is not None or created is not None:
        row.updated_at = updated or created

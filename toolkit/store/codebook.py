"""Repository functions of the framework editor: categories and codes added, renamed, moved, reordered, merged, split
and deleted in place; the codings, memos, decisions and summaries of a code that goes follow it; crosswalks and
measure links that name a code follow its new id; named versions and code lineage.

Every function takes an open ``Session`` and never commits on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from .. import models
from ..errors import NotFoundError
from . import links
from . import schema as t
from .frameworks import insert_category, insert_code
from .schema import utcnow

# --- reading ------------------------------------------------------------------------------------------------------


def framework_row(s: Session, framework_id: str) -> t.Framework:
    row = s.get(t.Framework, framework_id)
    if row is None:
        known = ", ".join(s.scalars(select(t.Framework.id).order_by(t.Framework.id))) or "none"
        raise NotFoundError(f"no framework {framework_id!r} in this project (known: {known})")
    return row


def code_row(s: Session, framework_id: str, code_id: str) -> t.Code:
    row = s.scalar(select(t.Code).where(t.Code.framework_id == framework_id, t.Code.id == code_id))
    if row is None:
        raise NotFoundError(f"no code {code_id!r} in framework {framework_id!r}")
    return row


def has_code(s: Session, framework_id: str, code_id: str) -> bool:
    return s.scalar(select(t.Code.pk).where(t.Code.framework_id == framework_id, t.Code.id == code_id)) is not None


def category_row(s: Session, framework_id: str, category_id: str | None) -> t.Category:
    """The category's row; NotFoundError when there is none (always for ``category_id`` None)."""
    row = s.scalar(select(t.Category).where(t.Category.framework_id == framework_id, t.Category.id == category_id))
    if row is None:
        known = ", ".join(s.scalars(select(t.Category.id).where(t.Category.framework_id == framework_id))) or "none"
        raise NotFoundError(f"no category {category_id!r} in framework {framework_id!r} (known: {known})")
    return row


def coding_counts(s: Session, framework_id: str, *, active: bool = True) -> dict[str, int]:
    """Code id -> number of its codings (active ones, or all rows with ``active=False``)."""
    q = (select(t.Code.id, func.count(t.Coding.id)).join(t.Coding, t.Coding.code_pk == t.Code.pk)
         .where(t.Code.framework_id == framework_id).group_by(t.Code.id))
    if active:
        q = q.where(t.Coding.removed_at.is_(None))
    return dict(s.execute(q).all())


def code_codings(s: Session, code_pk: int) -> list[dict]:
    """The active codings of a code, in transcript order: id, transcript, span, coder."""
    q = (select(t.Coding.id, t.Coding.transcript_id, t.Coding.start, t.Coding.end, t.Coder.name.label("coder"),
                t.Coding.origin)
         .join(t.Coder, t.Coder.id == t.Coding.coder_id)
         .where(t.Coding.code_pk == code_pk, t.Coding.removed_at.is_(None))
         .order_by(t.Coding.transcript_id, t.Coding.start, t.Coding.id))
    return [dict(r) for r in s.execute(q).mappings()]


def parent_of(s: Session, row: t.Code) -> t.Code | None:
    """The code a code sits under (None: directly under its category)."""
    return s.get(t.Code, row.parent_pk) if row.parent_pk else None


def children(s: Session, code_pk: int) -> list[t.Code]:
    return list(s.scalars(select(t.Code).where(t.Code.parent_pk == code_pk).order_by(t.Code.position)))


def descendants(s: Session, code_pk: int) -> list[t.Code]:
    out, todo = [], [code_pk]
    while todo:
        kids = children(s, todo.pop())
        out += kids
        todo += [k.pk for k in kids]
    return out


# --- categories and codes -----------------------------------------------------------------------------------------


def add_category(s: Session, framework_id: str, category_id: str, label: str, description: str = "") -> int:
    framework_row(s, framework_id)
    pos = s.execute(select(func.coalesce(func.max(t.Category.position), -1))
                    .where(t.Category.framework_id == framework_id)).scalar_one() + 1
    return insert_category(s, framework_id, category_id, label, description, pos).pk


def update_category(s: Session, framework_id: str, category_id: str, **fields) -> None:
    row = category_row(s, framework_id, category_id)
    for k, v in fields.items():
        setattr(row, k, v)
    s.flush()


def add_code(s: Session, framework_id: str, code: models.Code, *, position: int | None = None) -> int:
    """Insert ``code`` in its category (``code.category_id``) under ``code.parent`` (None: the category), at
    ``position`` among its category's codes (None: last). Returns the new pk."""
    cat = category_row(s, framework_id, code.category_id)
    parent_pk = code_row(s, framework_id, code.parent).pk if code.parent else None
    last = s.execute(select(func.coalesce(func.max(t.Code.position), -1))
                     .where(t.Code.category_pk == cat.pk)).scalar_one() + 1
    if position is not None and position < last:
        s.execute(update(t.Code).where(t.Code.category_pk == cat.pk, t.Code.position >= position)
                  .values(position=t.Code.position + 1))
    row = insert_code(s, framework_id, cat.pk, code, last if position is None or position >= last else position,
                      parent_pk)
    s.flush()
    return row.pk


def set_code_place(s: Session, row: t.Code, category_pk: int, parent_pk: int | None) -> None:
    """Put a code (and the codes below it) in a category, under ``parent_pk``; last in the new category."""
    if row.category_pk != category_pk:
        last = s.execute(select(func.coalesce(func.max(t.Code.position), -1))
                         .where(t.Code.category_pk == category_pk)).scalar_one()
        row.position = last + 1
        for n, d in enumerate(descendants(s, row.pk), start=1):
            d.category_pk = category_pk
            d.position = last + 1 + n
        row.category_pk = category_pk
    row.parent_pk = parent_pk
    s.flush()


def reorder(s: Session, row: t.Code, position: int) -> None:
    """Move a code to ``position`` (0-based) among its category's codes, the others closing up around it."""
    rows = [r for r in s.scalars(select(t.Code).where(t.Code.category_pk == row.category_pk)
                                 .order_by(t.Code.position, t.Code.pk)) if r.pk != row.pk]
    rows.insert(max(0, min(position, len(rows))), row)
    for n, r in enumerate(rows):
        r.position = n
    s.flush()


def delete_code(s: Session, row: t.Code) -> int:
    """Delete a code with no active codings (its removed codings' rows go with it); its child codes move up to its
    parent. Returns how many removed codings went."""
    for k in children(s, row.pk):
        k.parent_pk = row.parent_pk
    gone = s.execute(select(func.count()).select_from(t.Coding).where(t.Coding.code_pk == row.pk)).scalar_one()
    s.delete(row)
    s.flush()
    return gone


# --- codings and what hangs on a code ----------------------------------------------------------------------------


def add_lineage(s: Session, framework_id: str, kind: str, src: t.Code | tuple[str, int], dst: t.Code,
                actor: str | None) -> int:
    from_code, from_pk = (src.id, src.pk) if isinstance(src, t.Code) else src
    row = t.CodeLineage(framework_id=framework_id, kind=kind, from_code=from_code, from_pk=from_pk, to_code=dst.id,
                        to_pk=dst.pk, actor=actor, at=utcnow())
    s.add(row)
    s.flush()
    return row.id


def move_codings(s: Session, coding_ids: Sequence[int], to_pk: int, lineage_id: int) -> int:
    """Re-point codings to another code (every other field stays: coder, time, origin, span) and record that they
    followed the edit ``lineage_id``."""
    ids = links.clean_ids(coding_ids)
    conn = s.connection()
    coding = cast(Table, t.Coding.__table__)  # a declarative class's __table__ is a Table; typed as FromClause
    for i in range(0, len(ids), links.CHUNK):
        chunk = ids[i:i + links.CHUNK]
        conn.execute(update(coding).where(coding.c.id.in_(chunk)).values(code_pk=to_pk))
    if ids:
        conn.execute(insert(cast(Table, t.CodingMove.__table__)),
                     [{"coding_id": i, "lineage_id": lineage_id} for i in ids])
    return len(ids)


def all_coding_ids(s: Session, code_pk: int) -> list[int]:
    """Every coding row of a code, removed ones too (their history follows the code)."""
    return list(s.scalars(select(t.Coding.id).where(t.Coding.code_pk == code_pk).order_by(t.Coding.id)))


def fold_duplicates(s: Session, code_pk: int, coder_id_of_actor: int) -> int:
    """After a merge: one active coding per coder and span of a code. A later duplicate is marked removed (by the
    actor) and its sources join the one kept, so nothing is counted twice and nothing is lost. Returns how many."""
    q = (select(t.Coding.id, t.Coding.transcript_id, t.Coding.start, t.Coding.end, t.Coding.coder_id)
         .where(t.Coding.code_pk == code_pk, t.Coding.removed_at.is_(None)).order_by(t.Coding.id))
    kept: dict[tuple, int] = {}
    dups: list[tuple[int, int]] = []
    for cid, tid, a, b, coder in s.execute(q):
        key = (tid, a, b, coder)
        if key in kept:
            dups.append((cid, kept[key]))
        else:
            kept[key] = cid
    if not dups:
        return 0
    now = utcnow()
    srcs = links.links_of(s, links.CODING_SOURCES, [i for pair in dups for i in pair])
    for dup, keep in dups:
        s.execute(update(t.Coding).where(t.Coding.id == dup).values(removed_at=now, removed_by=coder_id_of_actor))
        extra = srcs.get(dup, [])
        if extra:
            merged = links.clean_ids(srcs.get(keep, []) + extra)
            srcs[keep] = merged
            links.set_links(s, links.CODING_SOURCES, keep, merged, check=False)
    return len(dups)


def repoint_code_refs(s: Session, from_pk: int, to_pk: int) -> None:
    """Memos and decisions about a code that goes follow it to ``to_pk``; its suggestions go (the next run ranks the
    new code)."""
    s.execute(update(t.Memo).where(t.Memo.code_pk == from_pk).values(code_pk=to_pk))
    s.execute(update(t.Decision).where(t.Decision.code_pk == from_pk).values(code_pk=to_pk))
    s.execute(delete(t.Suggestion).where(t.Suggestion.code_pk == from_pk))


def carry_summaries(s: Session, from_pk: int, from_id: str, to_pk: int, author_id: int | None) -> int:
    """Chart summaries of a code that goes: a cell the target has no summary for takes it as it is; else the texts
    are joined (``[code] text``) into the target's, as a draft. Returns how many cells changed."""
    n = 0
    for src in list(s.scalars(select(t.Summary).where(t.Summary.code_pk == from_pk))):
        dst = s.scalar(select(t.Summary).where(t.Summary.framework_id == src.framework_id,
                                               t.Summary.participant_id == src.participant_id,
                                               t.Summary.code_pk == to_pk))
        quotes = links.links_one(s, links.SUMMARY_QUOTES, src.id)
        if dst is None:
            src.code_pk = to_pk
        elif src.text.strip():
            dst.text = f"{dst.text.strip()}\n\n[{from_id}] {src.text.strip()}".strip()
            dst.status, dst.origin, dst.author_id, dst.updated_at = "draft", "carried", author_id, utcnow()
            dst.sources = list(dst.sources or []) + [src.id]
            s.flush()
            links.set_links(s, links.SUMMARY_QUOTES, dst.id,
                            links.links_one(s, links.SUMMARY_QUOTES, dst.id) + quotes, check=False)
            s.delete(src)
        else:
            s.delete(src)
        n += 1
    s.flush()
    return n


# --- crosswalks and measure links that name a code ----------------------------------------------------------------


def crosswalks_touching(s: Session, framework_id: str) -> list[t.Crosswalk]:
    return list(s.scalars(select(t.Crosswalk).where((t.Crosswalk.from_framework == framework_id)
                                                    | (t.Crosswalk.to_framework == framework_id))
                          .order_by(t.Crosswalk.id)))


def rewrite_crosswalks(s: Session, framework_id: str, renames: dict[str, str | None], *, note: str = "",
                       added: Iterable[str] = ()) -> list[str]:
    """Keep every crosswalk that names codes of ``framework_id`` true after an edit: ``renames`` maps an old code id to
    its new one (a merge: several to one; a deleted code: None). On the source side entries that now share a code
    become one (the first one's target; a note names the others), a deleted code's entry goes, an ``added`` code gets
    an entry mapping it to nothing (to be decided); on the target side the entries follow. Returns the crosswalk ids
    changed."""
    changed = []
    added = list(added)
    for cw in crosswalks_touching(s, framework_id):
        mapping = [dict(m) for m in cw.mapping]
        before = [dict(m) for m in mapping]
        if cw.to_framework == framework_id:
            for m in mapping:
                if m.get("to") in renames:
                    new = renames[m["to"]]
                    if new is None:
                        m["reason"] = (m.get("reason") or "") + (" " if m.get("reason") else "") + \
                            f"its target {m['to']} was deleted"
                    m["to"] = new
        if cw.from_framework == framework_id:
            out: list[dict] = []
            at: dict[str, dict] = {}
            for m in mapping:
                src = renames.get(m["from"], m["from"]) if m["from"] in renames else m["from"]
                if src is None:
                    continue
                if src in at:
                    first = at[src]
                    if first.get("to") is None and m.get("to") is not None:
                        first["to"], first["reason"] = m["to"], m.get("reason") or ""
                    elif m.get("to") is not None and m.get("to") != first.get("to"):
                        first["note"] = ((first.get("note") or "") + f" {m['from']} mapped to {m['to']}").strip()
                    continue
                m["from"] = src
                at[src] = m
                out.append(m)
            for code in added:
                if code not in at:
                    out.append({"from": code, "to": None, "reason": "added after this crosswalk was made",
                                "note": note})
            mapping = out
        if mapping != before:
            cw.mapping = mapping
            flag_modified(cw, "mapping")
            changed.append(cw.id)
    s.flush()
    return changed


def rename_measure_links(s: Session, framework_id: str, old: str, new: str) -> None:
    """Measure links to driver ``old`` of the framework's catalogues now name ``new`` (a rename or a merge)."""
    cats = select(t.MeasureCatalogue.id).where(t.MeasureCatalogue.framework_id == framework_id)
    measures = select(t.Measure.pk).where(t.Measure.catalogue_id.in_(cats))
    linked = select(t.MeasureLink.measure_pk).where(t.MeasureLink.code_id == new)
    s.execute(delete(t.MeasureLink).where(t.MeasureLink.measure_pk.in_(measures), t.MeasureLink.code_id == old,
                                          t.MeasureLink.measure_pk.in_(linked)))  # a merge: already linked to new
    s.execute(update(t.MeasureLink).where(t.MeasureLink.measure_pk.in_(measures), t.MeasureLink.code_id == old)
              .values(code_id=new))


# --- versions and lineage -----------------------------------------------------------------------------------------


def add_version(s: Session, framework_id: str, name: str, snapshot: dict, *, note: str | None = None,
                created_by: str | None = None) -> int:
    row = t.FrameworkVersion(framework_id=framework_id, name=name, snapshot=snapshot, note=note,
                             created_by=created_by, created_at=utcnow())
    s.add(row)
    s.flush()
    return row.id


def has_version(s: Session, framework_id: str, name: str) -> bool:
    return s.scalar(select(t.FrameworkVersion.id).where(t.FrameworkVersion.framework_id == framework_id,
                                                        t.FrameworkVersion.name == name)) is not None


def versions(s: Session, framework_id: str) -> list[dict]:
    q = (select(t.FrameworkVersion.name, t.FrameworkVersion.note, t.FrameworkVersion.created_by,
                t.FrameworkVersion.created_at, t.FrameworkVersion.snapshot)
         .where(t.FrameworkVersion.framework_id == framework_id).order_by(t.FrameworkVersion.id))
    return [dict(r) for r in s.execute(q).mappings()]


def version_snapshot(s: Session, framework_id: str, name: str) -> dict:
    row = s.scalar(select(t.FrameworkVersion).where(t.FrameworkVersion.framework_id == framework_id,
                                                    t.FrameworkVersion.name == name))
    if row is None:
        known = ", ".join(v["name"] for v in versions(s, framework_id)) or "none yet"
        raise NotFoundError(f"framework {framework_id!r} has no version {name!r} (versions: {known}; 'current' is "
                            "the framework as it is now)")
    return row.snapshot


def lineage(s: Session, framework_id: str) -> list[dict]:
    q = (select(t.CodeLineage.id, t.CodeLineage.kind, t.CodeLineage.from_code, t.CodeLineage.from_pk,
                t.CodeLineage.to_code, t.CodeLineage.to_pk, t.CodeLineage.actor, t.CodeLineage.at,
                func.count(t.CodingMove.coding_id).label("codings"))
         .outerjoin(t.CodingMove, t.CodingMove.lineage_id == t.CodeLineage.id)
         .where(t.CodeLineage.framework_id == framework_id)
         .group_by(t.CodeLineage.id).order_by(t.CodeLineage.id))
    return [dict(r) for r in s.execute(q).mappings()]


def moves_of(s: Session, coding_ids: Iterable[int]) -> dict[int, list[str]]:
    """Coding id -> the codes it was coded with before, oldest first (from the lineage of the edits it followed)."""
    ids = links.clean_ids(coding_ids)
    out: dict[int, list[str]] = {}
    for i in range(0, len(ids), links.CHUNK):
        q = (select(t.CodingMove.coding_id, t.CodeLineage.from_code)
             .join(t.CodeLineage, t.CodeLineage.id == t.CodingMove.lineage_id)
             .where(t.CodingMove.coding_id.in_(ids[i:i + links.CHUNK])).order_by(t.CodeLineage.id))
        for cid, code in s.execute(q):
            out.setdefault(cid, []).append(code)
    return out


def code_pk_map(s: Session, framework_id: str) -> dict[str, int]:
    return dict(s.execute(select(t.Code.id, t.Code.pk).where(t.Code.framework_id == framework_id)).all())

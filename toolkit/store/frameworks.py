"""Repository functions for frameworks: categories and codes (with their parents in the code tree), read back as
``models.Framework``. Re-exported by ``core`` (``db.get_framework`` etc.), where callers have always found them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .. import models
from ..errors import NotFoundError
from . import schema as t


def insert_category(s: Session, framework_id: str, category_id: str, label: str, description: str | None,
                    position: int, color: str | None = None) -> t.Category:
    """The one place a category row is inserted (a whole framework, or one category added by the editor)."""
    row = t.Category(framework_id=framework_id, id=category_id, label=label, description=description,
                     position=position, color=color)
    s.add(row)
    s.flush()
    return row


def insert_code(s: Session, framework_id: str, category_pk: int, code: models.Code, position: int,
                parent_pk: int | None = None) -> t.Code:
    """The one place a code row is inserted (a whole framework, or one code added by the editor)."""
    row = t.Code(framework_id=framework_id, category_pk=category_pk, id=code.id, label=code.label,
                 definition=code.definition, include=code.include, exclude=code.exclude, examples=list(code.examples),
                 ring=code.ring, kind=code.kind, color=code.color, parent_pk=parent_pk, position=position)
    s.add(row)
    return row


def add_framework(s: Session, fw: models.Framework) -> None:
    row = t.Framework(id=fw.id, name=fw.name, version=fw.version, language=fw.language, description=fw.description,
                      rings=list(fw.rings), source_file=fw.source_file)
    s.add(row)
    s.flush()
    for ci, cat in enumerate(fw.categories):
        crow = insert_category(s, fw.id, cat.id, cat.label, cat.description, ci, cat.color)
        for ki, c in enumerate(cat.codes):
            insert_code(s, fw.id, crow.pk, c, ki)
    s.flush()
    pks = code_pks(s, fw.id)
    for c in fw.codes:
        if c.parent is not None:
            s.get(t.Code, pks[c.id]).parent_pk = pks[c.parent]
    s.flush()


def has_framework(s: Session, framework_id: str) -> bool:
    return s.get(t.Framework, framework_id) is not None


def framework_ids(s: Session) -> list[str]:
    return list(s.scalars(select(t.Framework.id).order_by(t.Framework.id)))


def get_framework(s: Session, framework_id: str) -> models.Framework:
    # categories and their codes in two queries (not one per category): every page that names codes asks
    row = s.get(t.Framework, framework_id,
                options=[selectinload(t.Framework.categories).selectinload(t.Category.codes)])
    if row is None:
        known = ", ".join(framework_ids(s)) or "none"
        raise NotFoundError(f"no framework {framework_id!r} in this project (known: {known})")
    cats = []
    ids = dict(s.execute(select(t.Code.pk, t.Code.id).where(t.Code.framework_id == framework_id)).all())
    for crow in row.categories:
        codes = [models.Code(id=c.id, label=c.label, definition=c.definition or "", include=c.include or "",
                             exclude=c.exclude or "", examples=list(c.examples or []), ring=c.ring, kind=c.kind,
                             category_id=crow.id, color=c.color, parent=ids.get(c.parent_pk)) for c in crow.codes]
        cats.append(models.Category(id=crow.id, label=crow.label, description=crow.description or "", codes=codes,
                                    color=crow.color))
    return models.Framework(id=row.id, name=row.name, categories=cats, version=row.version or "",
                            language=row.language or "en", description=row.description or "",
                            rings=list(row.rings or []), source_file=row.source_file)


def frameworks_summary(s: Session) -> list[dict]:
    """id, name and the number of codes and categories of every framework (counted in SQL: every page asks)."""
    codes = dict(s.execute(select(t.Code.framework_id, func.count()).group_by(t.Code.framework_id)).all())
    cats = dict(s.execute(select(t.Category.framework_id, func.count()).group_by(t.Category.framework_id)).all())
    return [{"id": fid, "name": name, "codes": codes.get(fid, 0), "categories": cats.get(fid, 0)}
            for fid, name in s.execute(select(t.Framework.id, t.Framework.name).order_by(t.Framework.id))]


def code_pks(s: Session, framework_id: str) -> dict[str, int]:
    """Map code id -> primary key for one framework."""
    return dict(s.execute(select(t.Code.id, t.Code.pk).where(t.Code.framework_id == framework_id)).all())


def update_code(s: Session, framework_id: str, code_id: str, **fields) -> None:
    row = s.scalar(select(t.Code).where(t.Code.framework_id == framework_id, t.Code.id == code_id))
    if row is None:
        raise NotFoundError(f"no code {code_id!r} in framework {framework_id!r}")
    for k, v in fields.items():
        setattr(row, k, v)

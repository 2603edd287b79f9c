"""Schema of the framework editor (migration 0008): named versions of a framework, and the lineage of its codes.

``code_lineage`` says a code went into another (a merge or a split: which code, into which, who, when) and
``coding_move`` names the codings that followed it, so every coding moved by an edit says where it came from; the
coding row itself is never rewritten beyond its code (coder, time, origin stay). Imported at the end of ``schema``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .schema_base import Base, utcnow


class FrameworkVersion(Base):
    """A named snapshot of a framework (e.g. "preliminary", "after testing on P05-P08"): the whole code tree as
    JSON, with each code's primary key so that two versions can be compared code by code (renames, moves)."""

    __tablename__ = "framework_version"
    __table_args__ = (UniqueConstraint("framework_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[str] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String)
    snapshot: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CodeLineage(Base):
    """Code ``from_code`` went into ``to_code`` (kind ``merge`` or ``split``). Ids and pks are kept as values, not
    foreign keys: the code merged away is gone, its lineage stays."""

    __tablename__ = "code_lineage"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[str] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String)  # merge | split
    from_code: Mapped[str] = mapped_column(String)
    from_pk: Mapped[int] = mapped_column(Integer)
    to_code: Mapped[str] = mapped_column(String)
    to_pk: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str | None] = mapped_column(String)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CodingMove(Base):
    """Coding ``coding_id`` followed the code edit ``lineage_id`` (it was coded with the lineage's ``from_code``)."""

    __tablename__ = "coding_move"
    coding_id: Mapped[int] = mapped_column(ForeignKey("coding.id", ondelete="CASCADE"), primary_key=True)
    lineage_id: Mapped[int] = mapped_column(ForeignKey("code_lineage.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)

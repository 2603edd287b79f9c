"""Schema of steps 4 and 5: map categories, dimensions and key elements, and the contract-measure catalogues the
driver map links to (in ``Base.metadata`` through ``schema``, which imports this module)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .schema_base import Base, utcnow


class MapCategory(Base):
    __tablename__ = "map_category"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[str] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String)
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Dimension(Base):
    __tablename__ = "dimension"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[str] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("map_category.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String, default="proposed")  # proposed | accepted
    position: Mapped[int] = mapped_column(Integer, default=0)


class KeyElement(Base):
    __tablename__ = "key_element"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[str] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String)
    summary_id: Mapped[int | None] = mapped_column(ForeignKey("summary.id", ondelete="CASCADE"), index=True)
    dimension_id: Mapped[int | None] = mapped_column(ForeignKey("dimension.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String, default="proposed")  # proposed | accepted
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MapUndo(Base):
    """One mapping edit that can be undone (migration 0013): the framework's rows it touched, as they were before
    and as it left them (``mapping.undo.MapChange`` as JSON), written in the edit's own transaction. An undo marks
    the row undone (who, when); the newest row not undone is the next to undo."""

    __tablename__ = "map_undo"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[str] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String)  # the edit's events.Action value
    what: Mapped[str] = mapped_column(Text)  # the edit in words ("merge of 'A' and 'B' into 'A'")
    change: Mapped[dict] = mapped_column(JSON)
    actor: Mapped[str | None] = mapped_column(String)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str | None] = mapped_column(String)


class MeasureCatalogue(Base):
    __tablename__ = "measure_catalogue"
    id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    framework_id: Mapped[str] = mapped_column(String)  # the framework whose driver codes the measures target
    source: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)  # e.g. choosing_wisely list
    source_file: Mapped[str | None] = mapped_column(String)


class Measure(Base):
    __tablename__ = "measure"
    __table_args__ = (UniqueConstraint("catalogue_id", "id"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    catalogue_id: Mapped[str] = mapped_column(ForeignKey("measure_catalogue.id", ondelete="CASCADE"), index=True)
    id: Mapped[str] = mapped_column(String)
    title: Mapped[str] = mapped_column(String)
    description: Mapped[str | None] = mapped_column(Text)
    section: Mapped[dict | None] = mapped_column(JSON)
    quantities: Mapped[list] = mapped_column(JSON, default=list)
    origin: Mapped[str] = mapped_column(String, default="catalogue")  # catalogue | user


class MeasureLink(Base):
    __tablename__ = "measure_link"
    __table_args__ = (UniqueConstraint("measure_pk", "code_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure_pk: Mapped[int] = mapped_column(ForeignKey("measure.pk", ondelete="CASCADE"), index=True)
    code_id: Mapped[str] = mapped_column(String)  # a driver code id of the catalogue's framework
    rationale: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String, default="catalogue")  # catalogue | user

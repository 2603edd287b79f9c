"""Schema of teaching a class (migration 0012): classes, the exercises a teacher sets, members, comments.

Each student's work on an exercise stays in ``teaching_work`` (item ``exercise:<id>``). Imported at the end of
``schema`` so that the tables are part of ``Base.metadata``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .schema_base import Base, utcnow


class TeachingClass(Base):
    """A class a teacher runs on this project (its students, its exercises)."""

    __tablename__ = "teaching_class"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    teacher: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class TeachingExercise(Base):
    """One exercise of a class: a step, its transcripts, its framework (or a subset of its codes), the instructions,
    open/close dates, whether suggestions are shown, and the teacher's key (``key``: the reference the feedback
    compares with where the project holds none, e.g. the marks of step 5)."""

    __tablename__ = "teaching_exercise"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("teaching_class.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str] = mapped_column(String)  # familiarize | index | chart | map | interpret
    transcripts: Mapped[list] = mapped_column(JSON, default=list)  # transcript names
    framework: Mapped[str] = mapped_column(String)
    codes: Mapped[list] = mapped_column(JSON, default=list)  # a subset of the framework's codes ([] = all)
    reference: Mapped[str] = mapped_column(String)  # the coder whose work is the reference
    item: Mapped[str | None] = mapped_column(String)  # chart: participant; map: code; interpret: the finding
    instructions: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime | None] = mapped_column(DateTime)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime)
    suggestions: Mapped[bool] = mapped_column(Boolean, default=False)
    key: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class TeachingMember(Base):
    """A student of a class (``student``: the name; their work is kept as coder ``student:<name>``)."""

    __tablename__ = "teaching_member"
    __table_args__ = (UniqueConstraint("class_id", "student"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("teaching_class.id", ondelete="CASCADE"), index=True)
    student: Mapped[str] = mapped_column(String)
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class TeachingComment(Base):
    """The teacher's comment on one student's work on one exercise."""

    __tablename__ = "teaching_comment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("teaching_exercise.id", ondelete="CASCADE"), index=True)
    student: Mapped[str] = mapped_column(String)
    author: Mapped[str] = mapped_column(String)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

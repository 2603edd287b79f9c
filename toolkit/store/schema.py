"""The project database schema (SQLAlchemy ORM). Changes to it go through a migration in ``migrations/versions``.

Only ``toolkit.store`` imports this module; the stages talk to the repository functions of the store package.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .schema_base import NAMING, Base, utcnow  # noqa: F401 - re-exported: the tables' base lives apart


class ProjectInfo(Base):
    """Key/value settings of the project (name, created_at, embedding model path, ...)."""

    __tablename__ = "project_info"
    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)


class Event(Base):
    """Append-only log of every user action: who, when, what, with a JSON payload."""

    __tablename__ = "event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str | None] = mapped_column(String)
    action: Mapped[str] = mapped_column(String, index=True)
    payload: Mapped[dict | None] = mapped_column(JSON)


class Coder(Base):
    __tablename__ = "coder"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    kind: Mapped[str] = mapped_column(String, default="human")  # human | model
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Participant(Base):
    __tablename__ = "participant"
    id: Mapped[str] = mapped_column(String, primary_key=True)
    pseudonym: Mapped[str | None] = mapped_column(String)
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Transcript(Base):
    __tablename__ = "transcript"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    participant_id: Mapped[str | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL", onupdate="CASCADE"), index=True
    )
    source_name: Mapped[str] = mapped_column(String)
    sha256: Mapped[str] = mapped_column(String, index=True)
    format: Mapped[str] = mapped_column(String)
    encoding: Mapped[str | None] = mapped_column(String)
    language: Mapped[str | None] = mapped_column(String)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    text: Mapped[str] = deferred(mapped_column(Text))
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    segments: Mapped[list[Segment]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan", order_by="Segment.idx", passive_deletes=True
    )


class Segment(Base):
    """A speaker turn: ``transcript.text[start:end]`` is what was said (without the speaker label)."""

    __tablename__ = "segment"
    __table_args__ = (UniqueConstraint("transcript_id", "idx"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcript.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String)
    role: Mapped[str] = mapped_column(String, default="unknown")  # interviewer | participant | unknown
    t_start: Mapped[float | None] = mapped_column(Float)
    t_end: Mapped[float | None] = mapped_column(Float)
    transcript: Mapped[Transcript] = relationship(back_populates="segments")


class Framework(Base):
    __tablename__ = "framework"
    id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    version: Mapped[str | None] = mapped_column(String)
    language: Mapped[str | None] = mapped_column(String)
    description: Mapped[str | None] = mapped_column(Text)
    rings: Mapped[list] = mapped_column(JSON, default=list)
    source_file: Mapped[str | None] = mapped_column(String)
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    categories: Mapped[list[Category]] = relationship(
        back_populates="framework", cascade="all, delete-orphan", order_by="Category.position", passive_deletes=True
    )


class Category(Base):
    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("framework_id", "id"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[str] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"), index=True)
    id: Mapped[str] = mapped_column(String)
    label: Mapped[str] = mapped_column(String)
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    color: Mapped[str | None] = mapped_column(String)  # kept from a REFI-QDA top-level code
    framework: Mapped[Framework] = relationship(back_populates="categories")
    codes: Mapped[list[Code]] = relationship(
        back_populates="category", cascade="all, delete-orphan", order_by="Code.position", passive_deletes=True
    )


class Code(Base):
    __tablename__ = "code"
    __table_args__ = (UniqueConstraint("framework_id", "id"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[str] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"), index=True)
    category_pk: Mapped[int] = mapped_column(ForeignKey("category.pk", ondelete="CASCADE"), index=True)
    id: Mapped[str] = mapped_column(String)
    label: Mapped[str] = mapped_column(String)
    definition: Mapped[str | None] = mapped_column(Text)
    include: Mapped[str | None] = mapped_column(Text)
    exclude: Mapped[str | None] = mapped_column(Text)
    examples: Mapped[list] = mapped_column(JSON, default=list)
    ring: Mapped[str | None] = mapped_column(String)
    kind: Mapped[str | None] = mapped_column(String)
    color: Mapped[str | None] = mapped_column(String)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # pk of the parent code (same framework and category) in a code tree; NULL: directly under the category. Not a
    # foreign key so that migration 0004 adds it in place (a rebuilt table would cascade-delete codings); codes are
    # only ever removed with their whole framework.
    parent_pk: Mapped[int | None] = mapped_column(Integer, index=True)
    category: Mapped[Category] = relationship(back_populates="codes")


class Coding(Base):
    """A code applied to a character span of a transcript, with full provenance.

    Removing a coding sets ``removed_at``/``removed_by`` (the row stays, so history and undo are possible).
    """

    __tablename__ = "coding"
    __table_args__ = (Index("ix_coding_transcript_span", "transcript_id", "start", "end"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcript.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id", ondelete="SET NULL"), index=True)
    code_pk: Mapped[int] = mapped_column(ForeignKey("code.pk", ondelete="CASCADE"), index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id"), index=True)
    # manual | suggestion | imported | consensus | crosswalk
    origin: Mapped[str] = mapped_column(String, default="manual")
    score: Mapped[float | None] = mapped_column(Float)
    model: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    batch: Mapped[str | None] = mapped_column(String, index=True)  # groups a bulk action for undo
    counter: Mapped[bool] = mapped_column(Boolean, default=False)  # marked as counter-evidence for its code
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("coder.id"))


class Memo(Base):
    __tablename__ = "memo"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(String)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id"))
    transcript_id: Mapped[int | None] = mapped_column(ForeignKey("transcript.id", ondelete="CASCADE"), index=True)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    participant_id: Mapped[str | None] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    code_pk: Mapped[int | None] = mapped_column(ForeignKey("code.pk", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class TeachingWork(Base):
    """A student's exercise of one step (familiarize, chart, map, interpret), kept apart from the analysis."""

    __tablename__ = "teaching_work"
    __table_args__ = (UniqueConstraint("student", "step", "item"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student: Mapped[str] = mapped_column(String, index=True)  # student:<name>
    step: Mapped[str] = mapped_column(String)
    item: Mapped[str] = mapped_column(String)  # what was worked on (a cell, a category...)
    payload: Mapped[dict | None] = mapped_column(JSON)  # the student's answer and the feedback
    score: Mapped[float | None] = mapped_column(Float)  # agreement with the reference (step's own measure)
    n: Mapped[int | None] = mapped_column(Integer)  # how many items the score rests on
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- indexing assistant -------------------------------------------------------------------------------------------


class Passage(Base):
    """A unit of analysis cut from a participant turn under a segmentation scheme (``turn``, ``sentences:3``...)."""

    __tablename__ = "passage"
    __table_args__ = (UniqueConstraint("transcript_id", "scheme", "start", "end"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcript.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"), index=True)
    context_segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id", ondelete="SET NULL"))
    scheme: Mapped[str] = mapped_column(String, default="turn")
    idx: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class Embedding(Base):
    """Vector cache keyed by model name and sha256 of the text: unchanged text is never encoded twice."""

    __tablename__ = "embedding"
    model: Mapped[str] = mapped_column(String, primary_key=True)
    text_hash: Mapped[str] = mapped_column(String, primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class Suggestion(Base):
    __tablename__ = "suggestion"
    __table_args__ = (UniqueConstraint("passage_id", "code_pk"),
                      Index("ix_suggestion_framework_status", "framework_id", "status"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    passage_id: Mapped[int] = mapped_column(ForeignKey("passage.id", ondelete="CASCADE"), index=True)
    code_pk: Mapped[int] = mapped_column(ForeignKey("code.pk", ondelete="CASCADE"), index=True)
    framework_id: Mapped[str] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    suggested: Mapped[bool] = mapped_column(Boolean, default=False)  # above the code's calibrated threshold
    model: Mapped[str] = mapped_column(String)
    reason: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String, default="open")  # open | accepted | rejected
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("coder.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Decision(Base):
    """One indexing decision of a coder, kept for the per-passage history and for undo.

    ``kind``: accept | reject | add | remove | nocode | bulk | consensus. ``coding_ids`` are the codings the decision
    created (accept, add, bulk, consensus) or removed (remove); undoing sets ``undone_at``/``undone_by`` and reverses
    them. A suggestion's status is derived from the active codings and the decisions not undone, never stored alone.
    ``note`` holds what else the decision needs (e.g. the two coders a consensus resolved).
    """

    __tablename__ = "decision"
    __table_args__ = (Index("ix_decision_framework_transcript", "framework_id", "transcript_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[str] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    transcript_id: Mapped[int | None] = mapped_column(ForeignKey("transcript.id", ondelete="CASCADE"))
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    passage_id: Mapped[int | None] = mapped_column(ForeignKey("passage.id", ondelete="SET NULL"), index=True)
    code_pk: Mapped[int | None] = mapped_column(ForeignKey("code.pk", ondelete="CASCADE"))
    suggestion_id: Mapped[int | None] = mapped_column(ForeignKey("suggestion.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    coding_ids: Mapped[list] = mapped_column(JSON, default=list)
    batch: Mapped[str | None] = mapped_column(String, index=True)
    note: Mapped[dict | None] = mapped_column(JSON)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[int | None] = mapped_column(ForeignKey("coder.id"))


# --- charting -----------------------------------------------------------------------------------------------------


class Summary(Base):
    """A chart cell's summary: participant x code of a framework. The codings it quotes are rows of
    ``summary_quote``."""

    __tablename__ = "summary"
    __table_args__ = (UniqueConstraint("framework_id", "participant_id", "code_pk"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[str] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[str] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE", onupdate="CASCADE"))
    code_pk: Mapped[int] = mapped_column(ForeignKey("code.pk", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String, default="draft")  # draft | reviewed
    origin: Mapped[str] = mapped_column(String, default="manual")  # manual | drafted | carried
    author_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sources: Mapped[list | None] = mapped_column(JSON)  # summary ids carried over by refinement
    # bumped by every update (optimistic locking): a save based on an older version is refused, nothing overwritten
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}


class Crosswalk(Base):
    __tablename__ = "crosswalk"
    id: Mapped[str] = mapped_column(String, primary_key=True)
    from_framework: Mapped[str] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    to_framework: Mapped[str] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    mapping: Mapped[list] = mapped_column(JSON)  # [{from, to, reason, note}]
    description: Mapped[str | None] = mapped_column(Text)
    source_file: Mapped[str | None] = mapped_column(String)
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- provenance links: which codings a summary or key element quotes, which codings a coding came from ---------
# Each link row has a position so a list of ids reads back in the order it was written; removing either end
# (a hard delete) removes the link.


class SummaryQuote(Base):
    __tablename__ = "summary_quote"
    summary_id: Mapped[int] = mapped_column(ForeignKey("summary.id", ondelete="CASCADE"), primary_key=True)
    coding_id: Mapped[int] = mapped_column(ForeignKey("coding.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class KeyElementQuote(Base):
    __tablename__ = "key_element_quote"
    key_element_id: Mapped[int] = mapped_column(ForeignKey("key_element.id", ondelete="CASCADE"), primary_key=True)
    coding_id: Mapped[int] = mapped_column(ForeignKey("coding.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class CodingSource(Base):
    """A crosswalk or consensus coding (``coding_id``) came from ``source_id``."""

    __tablename__ = "coding_source"
    coding_id: Mapped[int] = mapped_column(ForeignKey("coding.id", ondelete="CASCADE"), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("coding.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


# --- mapping and interpretation -----------------------------------------------------------------------------------


from .schema_mapping import Dimension, KeyElement, MapCategory, MapUndo, Measure, MeasureCatalogue, MeasureLink  # noqa: E402,F401,I001
from .schema_team import Account, Assignment, LoginThrottle, Reveal, TeachingTranscript  # noqa: E402,F401  (team tables, in Base.metadata)
from .schema_codebook import CodeLineage, CodingMove, FrameworkVersion  # noqa: E402,F401  (framework editor)
from .schema_teaching import TeachingClass, TeachingComment, TeachingExercise, TeachingMember  # noqa: E402,F401,I001
from .schema_findings import Finding, FindingJudgement, FindingJudgementQuote, SummaryEvidence  # noqa: E402,F401  (migration 0010)

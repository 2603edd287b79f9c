"""Schema of checked findings and of the evidence a summary rests on (migration 0010).

A ``finding`` is a statement about a theme (a framework category, a code, or a map category); a
``finding_judgement`` is a researcher's mark of one participant against it (support, counter-evidence, mentions,
silent), with the quotes kept as its evidence (``finding_judgement_quote``). ``summary_evidence`` is the fingerprint
of the codings a chart summary or draft was written (or confirmed) from, so a summary whose cell has other evidence
now is shown as "written from earlier evidence". Imported at the end of ``schema`` (tables in ``Base.metadata``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .schema_base import Base, utcnow


class Finding(Base):
    """A finding statement to check against the transcripts, about one theme of a framework."""

    __tablename__ = "finding"
    __table_args__ = (UniqueConstraint("framework_id", "level", "theme_id", "statement"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[str] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String)  # category | code | map
    theme_id: Mapped[str] = mapped_column(String)
    statement: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("coder.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class FindingJudgement(Base):
    """A researcher's current mark of one participant against a finding (earlier marks are in the event log)."""

    __tablename__ = "finding_judgement"
    __table_args__ = (UniqueConstraint("finding_id", "participant_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[str] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE",
                                                           onupdate="CASCADE"))
    verdict: Mapped[str] = mapped_column(String)  # support | counter | mentions | silent
    note: Mapped[str | None] = mapped_column(Text)
    judged_by: Mapped[int] = mapped_column(ForeignKey("coder.id"))
    judged_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class FindingJudgementQuote(Base):
    """A coded passage a judgement rests on."""

    __tablename__ = "finding_judgement_quote"
    judgement_id: Mapped[int] = mapped_column(ForeignKey("finding_judgement.id", ondelete="CASCADE"),
                                              primary_key=True)
    coding_id: Mapped[int] = mapped_column(ForeignKey("coding.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class SummaryEvidence(Base):
    """The codings a summary was written, drafted or confirmed from: their count and a fingerprint of their ids."""

    __tablename__ = "summary_evidence"
    summary_id: Mapped[int] = mapped_column(ForeignKey("summary.id", ondelete="CASCADE"), primary_key=True,
                                            autoincrement=False)
    fingerprint: Mapped[str] = mapped_column(String)
    codings: Mapped[int] = mapped_column(Integer, default=0)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

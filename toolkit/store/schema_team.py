"""Schema of the team server (migration 0007): accounts that log in, transcript assignments, and reveals.

A coder's account is tied to a ``coder`` row of the same name, so every coding keeps the coder identity that comes
from the login. Imported at the end of ``schema`` so that the tables are part of ``Base.metadata``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .schema_base import Base, utcnow


class Account(Base):
    """Someone who logs in to the team server. ``password_hash`` is an argon2id hash (never the password);
    ``failed_logins``/``last_failed_at`` slow down guessing (each failure doubles the wait before the next try)."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id"), unique=True)
    role: Mapped[str] = mapped_column(String)  # lead | coder | student
    password_hash: Mapped[str] = mapped_column(String)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Assignment(Base):
    """The lead assigned transcript ``transcript_id`` to coder ``coder_id`` (blind double coding: two coders)."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("transcript_id", "coder_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcript.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id"), index=True)
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("coder.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Reveal(Base):
    """The lead revealed a transcript's codings: from then on every coder sees everyone's codings of it."""

    __tablename__ = "reveal"
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcript.id", ondelete="CASCADE"), primary_key=True,
                                               autoincrement=False)
    revealed_by: Mapped[int | None] = mapped_column(ForeignKey("coder.id"))
    revealed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class TeamDecision(Base):
    """One coder's decision on a suggestion when coding blind: each coder accepts or rejects for themselves (the
    suggestion's shared ``status`` would show one coder's choices to the other). An accept points at its coding."""

    __tablename__ = "team_decision"
    __table_args__ = (UniqueConstraint("suggestion_id", "coder_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id"), index=True)
    status: Mapped[str] = mapped_column(String)  # accepted | rejected
    coding_id: Mapped[int | None] = mapped_column(ForeignKey("coding.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

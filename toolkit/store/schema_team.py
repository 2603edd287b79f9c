"""Schema of the team server (migrations 0007, 0011): accounts that log in, login throttling per name and client,
transcript assignments, reveals, and the transcripts the lead marks for teaching.

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
    #: bumped by every change of password, role or active flag: an open session whose version differs ends
    credential_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
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


class LoginThrottle(Base):
    """Failed logins of one name from one client (an address, or ``-`` when unknown), whether or not the name is an
    account: the slow-down is the same for every name, and a guesser elsewhere cannot lock an account out of another
    client. ``python -m toolkit user unlock`` clears it."""

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("name", "client"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    client: Mapped[str] = mapped_column(String)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime)


class TeachingTranscript(Base):
    """A transcript the lead marked for teaching: students on a team server see only these."""

    __tablename__ = "teaching_transcript"
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcript.id", ondelete="CASCADE"), primary_key=True,
                                               autoincrement=False)
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("coder.id"))
    marked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

"""Repository functions of the team server: accounts, login throttling, assignments, reveals, teaching transcripts.

Every function takes an open ``Session``; none commits. Password hashing and the rules (who may do what) live in
``toolkit.team``; this module only stores and reads rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, Result, delete, select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from . import schema as t
from .core import coder_id, insert_ignore
from .schema import utcnow


def _rowcount(result: Result) -> int:
    """The rows a DELETE touched: ``Session.execute`` is typed to return a ``Result``, but a DML statement's result
    is a ``CursorResult``, which counts them."""
    return cast(CursorResult, result).rowcount

# --- accounts -----------------------------------------------------------------------------------------------------


def add_account(s: Session, *, name: str, role: str, password_hash: str) -> int | None:
    """A new account (insert-or-ignore on the name: two ``user add`` of one name at once make one); None when the
    name is taken."""
    return s.scalar(insert_ignore(s, t.Account, ["name"]).values(
        name=name, role=role, password_hash=password_hash, coder_id=coder_id(s, name), active=True, failed_logins=0,
        credential_version=0, created_at=utcnow()).returning(t.Account.id))


def account_for_update(s: Session, name: str) -> t.Account | None:
    """The account row, locked until the end of the transaction (PostgreSQL; SQLite locks the whole file on write),
    so that two simultaneous logins of one name count their failures one after the other."""
    return s.scalar(select(t.Account).where(t.Account.name == name).with_for_update())


def account(s: Session, name: str) -> dict | None:
    row = s.scalar(select(t.Account).where(t.Account.name == name))
    return _account_dict(row) if row is not None else None


def accounts(s: Session) -> list[dict]:
    return [_account_dict(r) for r in s.scalars(select(t.Account).order_by(t.Account.name))]


def _account_dict(r: t.Account) -> dict:
    return {"id": r.id, "name": r.name, "role": r.role, "active": bool(r.active), "coder_id": r.coder_id,
            "credential_version": r.credential_version or 0,
            "failed_logins": r.failed_logins, "last_failed_at": r.last_failed_at, "last_login_at": r.last_login_at,
            "created_at": r.created_at}


def update_account(s: Session, name: str, *, bump: bool = True, **fields) -> None:
    row = s.scalar(select(t.Account).where(t.Account.name == name))
    if row is None:
        raise NotFoundError(f"no account named {name!r}")
    for k, v in fields.items():
        setattr(row, k, v)
    if bump:
        row.credential_version = (row.credential_version or 0) + 1  # open sessions of this account end at their next run
    s.flush()


def record_login(s: Session, row: t.Account, *, ok: bool, at: datetime | None = None) -> None:
    at = at or utcnow()
    if ok:
        row.failed_logins, row.last_failed_at, row.last_login_at = 0, None, at
    else:
        row.failed_logins = (row.failed_logins or 0) + 1
        row.last_failed_at = at
    s.flush()


# --- assignments and reveals ---------------------------------------------------------------------------------------


def assign(s: Session, transcript_id: int, coder: int, by: int | None) -> bool:
    """Assign (insert-or-ignore: two leads assigning at once store it once); returns False when it was already
    assigned."""
    return s.scalar(insert_ignore(s, t.Assignment, ["transcript_id", "coder_id"]).values(
        transcript_id=transcript_id, coder_id=coder, assigned_by=by, assigned_at=utcnow())
        .returning(t.Assignment.id)) is not None


def unassign(s: Session, transcript_id: int, coder: int) -> int:
    return _rowcount(s.execute(delete(t.Assignment).where(t.Assignment.transcript_id == transcript_id,
                                                          t.Assignment.coder_id == coder)))


def assignments(s: Session, coder: int | None = None) -> list[dict]:
    """Assignments with transcript and coder names, and whether the transcript is revealed."""
    assigned_by = t.Coder.__table__.alias("lead")
    q = (select(t.Assignment.transcript_id, t.Transcript.name.label("transcript"), t.Coder.name.label("coder"),
                assigned_by.c.name.label("assigned_by"), t.Assignment.assigned_at,
                t.Reveal.revealed_at)
         .join(t.Transcript, t.Transcript.id == t.Assignment.transcript_id)
         .join(t.Coder, t.Coder.id == t.Assignment.coder_id)
         .outerjoin(assigned_by, assigned_by.c.id == t.Assignment.assigned_by)
         .outerjoin(t.Reveal, t.Reveal.transcript_id == t.Assignment.transcript_id)
         .order_by(t.Transcript.name, t.Coder.name))
    if coder is not None:
        q = q.where(t.Assignment.coder_id == coder)
    return [dict(r, revealed=r["revealed_at"] is not None) for r in s.execute(q).mappings()]


def assigned_coders(s: Session, transcript_id: int) -> list[str]:
    q = (select(t.Coder.name).join(t.Assignment, t.Assignment.coder_id == t.Coder.id)
         .where(t.Assignment.transcript_id == transcript_id).order_by(t.Coder.name))
    return list(s.scalars(q))


def reveal(s: Session, transcript_id: int, by: int | None) -> bool:
    """Reveal (insert-or-ignore); returns False when it already was revealed."""
    return s.scalar(insert_ignore(s, t.Reveal, ["transcript_id"]).values(
        transcript_id=transcript_id, revealed_by=by, revealed_at=utcnow()).returning(t.Reveal.transcript_id)) is not None


def hide(s: Session, transcript_id: int) -> int:
    return _rowcount(s.execute(delete(t.Reveal).where(t.Reveal.transcript_id == transcript_id)))


def has_accounts(s: Session) -> bool:
    """Whether the project has any account (it is served to a team)."""
    return s.scalar(select(t.Account.id).limit(1)) is not None


def blind_transcript_ids(s: Session) -> set[int]:
    """Transcripts assigned to coders and not revealed yet (blind double coding in progress)."""
    return set(s.scalars(select(t.Assignment.transcript_id).distinct().where(
        t.Assignment.transcript_id.not_in(select(t.Reveal.transcript_id)))))


# --- login throttling (per name and client) -------------------------------------------------------------------------


def throttle_for_update(s: Session, name: str, client: str) -> t.LoginThrottle:
    """The failure count of ``name`` from ``client``, created at zero when new, locked until the end of the
    transaction so that parallel guesses are counted one by one."""
    s.execute(insert_ignore(s, t.LoginThrottle, ["name", "client"]).values(name=name, client=client, failures=0))
    return s.execute(select(t.LoginThrottle).where(t.LoginThrottle.name == name, t.LoginThrottle.client == client)
                     .with_for_update()).scalar_one()


def clear_throttle(s: Session, name: str) -> int:
    """Forget every failed login of ``name`` (from any client); returns how many clients were waiting."""
    waiting = _rowcount(s.execute(delete(t.LoginThrottle).where(t.LoginThrottle.name == name,
                                                                t.LoginThrottle.failures > 0)))
    s.execute(delete(t.LoginThrottle).where(t.LoginThrottle.name == name))
    return waiting


# --- transcripts marked for teaching ---------------------------------------------------------------------------------


def set_teaching(s: Session, transcript_id: int, on: bool, by: int | None) -> bool:
    """Mark (or unmark) a transcript for teaching; returns whether anything changed."""
    if on:
        return s.scalar(insert_ignore(s, t.TeachingTranscript, ["transcript_id"]).values(
            transcript_id=transcript_id, marked_by=by, marked_at=utcnow())
            .returning(t.TeachingTranscript.transcript_id)) is not None
    return _rowcount(s.execute(delete(t.TeachingTranscript).where(
        t.TeachingTranscript.transcript_id == transcript_id))) > 0


def teaching_ids(s: Session) -> set[int]:
    return set(s.scalars(select(t.TeachingTranscript.transcript_id)))

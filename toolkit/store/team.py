"""Repository functions of the team server: accounts, login throttling state, assignments and reveals.

Every function takes an open ``Session``; none commits. Password hashing and the rules (who may do what) live in
``toolkit.team``; this module only stores and reads rows.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import InputError, NotFoundError
from . import schema as t
from .core import coder_id
from .schema import utcnow

# --- accounts -----------------------------------------------------------------------------------------------------


def add_account(s: Session, *, name: str, role: str, password_hash: str) -> int:
    row = t.Account(name=name, role=role, password_hash=password_hash, coder_id=coder_id(s, name),
                    active=True, failed_logins=0)
    s.add(row)
    s.flush()
    return row.id


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
            "failed_logins": r.failed_logins, "last_failed_at": r.last_failed_at, "last_login_at": r.last_login_at,
            "created_at": r.created_at}


def update_account(s: Session, name: str, **fields) -> None:
    row = s.scalar(select(t.Account).where(t.Account.name == name))
    if row is None:
        raise NotFoundError(f"no account named {name!r}")
    for k, v in fields.items():
        setattr(row, k, v)
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
    """Assign; returns False when it was already assigned."""
    exists = s.scalar(select(t.Assignment.id).where(t.Assignment.transcript_id == transcript_id,
                                                    t.Assignment.coder_id == coder))
    if exists:
        return False
    s.add(t.Assignment(transcript_id=transcript_id, coder_id=coder, assigned_by=by))
    s.flush()
    return True


def unassign(s: Session, transcript_id: int, coder: int) -> int:
    return s.execute(delete(t.Assignment).where(t.Assignment.transcript_id == transcript_id,
                                                t.Assignment.coder_id == coder)).rowcount


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
    if s.get(t.Reveal, transcript_id) is not None:
        return False
    s.add(t.Reveal(transcript_id=transcript_id, revealed_by=by))
    s.flush()
    return True


def hide(s: Session, transcript_id: int) -> int:
    return s.execute(delete(t.Reveal).where(t.Reveal.transcript_id == transcript_id)).rowcount


def revealed_ids(s: Session) -> set[int]:
    return set(s.scalars(select(t.Reveal.transcript_id)))


def is_revealed(s: Session, transcript_id: int) -> bool:
    return s.get(t.Reveal, transcript_id) is not None


# --- per-coder decisions on suggestions ----------------------------------------------------------------------------


def add_decision(s: Session, suggestion_id: int, coder: int, status: str, coding_id: int | None) -> int:
    row = t.TeamDecision(suggestion_id=int(suggestion_id), coder_id=coder, status=status, coding_id=coding_id)
    s.add(row)
    try:
        s.flush()
    except IntegrityError as e:
        raise InputError(None, f"suggestion {suggestion_id} is already decided by this coder") from e
    return row.id


def decision(s: Session, suggestion_id: int, coder: int) -> t.TeamDecision | None:
    return s.scalar(select(t.TeamDecision).where(t.TeamDecision.suggestion_id == int(suggestion_id),
                                             t.TeamDecision.coder_id == coder))


def decisions_frame(s: Session, coder: int | None = None) -> pd.DataFrame:
    q = (select(t.TeamDecision.id, t.TeamDecision.suggestion_id, t.Coder.name.label("coder"), t.TeamDecision.status,
                t.TeamDecision.coding_id, t.TeamDecision.decided_at)
         .join(t.Coder, t.Coder.id == t.TeamDecision.coder_id).order_by(t.TeamDecision.id))
    if coder is not None:
        q = q.where(t.TeamDecision.coder_id == coder)
    return pd.DataFrame(s.execute(q).all(), columns=["id", "suggestion_id", "coder", "status", "coding_id",
                                                      "decided_at"])


def decided_suggestion_ids(s: Session, coder: int) -> set[int]:
    return set(s.scalars(select(t.TeamDecision.suggestion_id).where(t.TeamDecision.coder_id == coder)))

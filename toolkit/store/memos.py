"""Repository functions for memos beyond core's add/update: deleting, and a readable listing of what each is about."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from . import schema as t

MEMO_COLUMNS = ["id", "title", "text", "transcript_id", "transcript", "start", "end", "participant_id", "code_pk",
                "framework_id", "code_id", "code_label", "author", "created_at", "updated_at"]


def get_memo(s: Session, memo_id: int) -> t.Memo:
    row = s.get(t.Memo, memo_id)
    if row is None:
        raise NotFoundError(f"no memo with id {memo_id}")
    return row


def delete_memo(s: Session, memo_id: int) -> dict:
    """Delete a memo; returns what it held (for the event log)."""
    row = get_memo(s, memo_id)
    old = {"title": row.title, "text": row.text, "transcript_id": row.transcript_id, "start": row.start,
           "end": row.end, "participant_id": row.participant_id, "code_pk": row.code_pk}
    s.delete(row)
    s.flush()
    return old


def set_memo_title(s: Session, memo_id: int, title: str | None) -> None:
    get_memo(s, memo_id).title = title


def memos_frame(s: Session, transcript_id: int | None = None) -> pd.DataFrame:
    """Every memo (of one transcript, when given) with the transcript, participant and code (framework, id, label)
    it is attached to."""
    q = (select(t.Memo.id, t.Memo.title, t.Memo.text, t.Memo.transcript_id, t.Transcript.name.label("transcript"),
                t.Memo.start, t.Memo.end, t.Memo.participant_id, t.Memo.code_pk, t.Code.framework_id,
                t.Code.id.label("code_id"), t.Code.label.label("code_label"), t.Coder.name.label("author"),
                t.Memo.created_at, t.Memo.updated_at)
         .outerjoin(t.Transcript, t.Transcript.id == t.Memo.transcript_id)
         .outerjoin(t.Code, t.Code.pk == t.Memo.code_pk)
         .outerjoin(t.Coder, t.Coder.id == t.Memo.author_id)
         .order_by(t.Memo.id))
    if transcript_id is not None:
        q = q.where(t.Memo.transcript_id == transcript_id)
    return pd.DataFrame(s.execute(q).all(), columns=MEMO_COLUMNS)

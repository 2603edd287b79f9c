"""Memos: the researcher's notes while reading."""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from ..store import Project
from ..store import core as db
from ..store.events import Action


def add_memo(project: Project, text: str, *, author: str, transcript: str | int | None = None,
             start: int | None = None, end: int | None = None, title: str | None = None) -> int:
    if not text.strip():
        raise InputError(None, "empty memo")
    with project.transaction(Action.MEMO_ADD, actor=author, payload={"transcript": transcript, "start": start}) as s:
        tid = db.resolve_transcript(s, transcript).id if transcript is not None else None
        return db.add_memo(s, text=text, title=title, author=db.coder_id(s, author), transcript_id=tid,
                           start=start, end=end)


def edit_memo(project: Project, memo_id: int, text: str, *, author: str) -> None:
    """Replace a memo's text (the event log keeps who changed it and when)."""
    if not text.strip():
        raise InputError(None, "empty memo (delete it instead)")
    with project.transaction("memo.edit", actor=author, payload={"memo": memo_id}) as s:
        db.update_memo(s, memo_id, text)


def delete_memo(project: Project, memo_id: int, *, author: str) -> None:
    """Delete a memo; its text stays in the event log's entry for the deletion."""
    payload: dict = {"memo": memo_id}
    with project.transaction("memo.delete", actor=author, payload=payload) as s:
        payload["deleted"] = db.delete_memo(s, memo_id)  # the event row is written from this dict at commit


def memos(project: Project, transcript: str | int | None = None) -> pd.DataFrame:
    with project.read() as s:
        tid = db.resolve_transcript(s, transcript).id if transcript is not None else None
        return db.memos_frame(s, tid)

"""Memos: the researcher's notes while reading."""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from ..store import Project
from ..store import core as db


def add_memo(project: Project, text: str, *, author: str, transcript: str | int | None = None,
             start: int | None = None, end: int | None = None, title: str | None = None) -> int:
    if not text.strip():
        raise InputError(None, "empty memo")
    with project.transaction("memo.add", actor=author, payload={"transcript": transcript, "start": start}) as s:
        tid = db.resolve_transcript(s, transcript).id if transcript is not None else None
        return db.add_memo(s, text=text, title=title, author=db.coder_id(s, author), transcript_id=tid,
                           start=start, end=end)


def memos(project: Project, transcript: str | int | None = None) -> pd.DataFrame:
    with project.read() as s:
        tid = db.resolve_transcript(s, transcript).id if transcript is not None else None
        return db.memos_frame(s, tid)

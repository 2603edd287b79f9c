"""Memos: the researcher's notes on a transcript, a passage of it, a code, or a chart cell (participant x code).

A memo is attached to one of those: a transcript (``transcript``), a passage (``transcript`` with ``start``/``end``),
a code (``framework`` and ``code``), or a cell (``participant``, ``framework`` and ``code``). ``memos_table`` lists
them with readable columns (what the memo is about, title, text, author, when); memos can be edited and deleted, and
the interpretation report prints them.
"""

from __future__ import annotations

import pandas as pd

from .. import access
from ..errors import InputError, NotFoundError, PermissionDenied
from ..store import Project
from ..store import core as db
from ..store import memos as mdb
from ..store.events import Action

__all__ = ["KINDS", "add_memo", "delete_memo", "edit_memo", "memos", "memos_table"]

KINDS = ("transcript", "passage", "code", "cell")
TABLE_COLUMNS = ["id", "about", "kind", "title", "memo", "author", "updated"]


def _code_pk(s, framework: str | None, code: str | None) -> int | None:
    if code is None:
        return None
    if not framework:
        raise InputError(None, "a memo on a code names its framework too")
    pks = db.code_pks(s, framework)
    if code not in pks:
        raise NotFoundError(f"no code {code!r} in framework {framework!r}")
    return pks[code]


def add_memo(project: Project, text: str, *, author: str, transcript: str | int | None = None,
             start: int | None = None, end: int | None = None, title: str | None = None,
             participant: str | None = None, framework: str | None = None, code: str | None = None) -> int:
    """Write a memo on a transcript, a passage, a code or a cell (see the module doc); returns its id."""
    if not (text or "").strip():
        raise InputError(None, "empty memo")
    if (start is None) != (end is None) or (start is not None and (transcript is None or start >= end)):
        raise InputError(None, "a passage memo needs a transcript and start < end")
    if transcript is None and participant is None and code is None:
        raise InputError(None, "a memo is about a transcript, a passage, a code or a cell: name one")
    payload = {"transcript": transcript, "start": start, "participant": participant, "code": code}
    with project.transaction(Action.MEMO_ADD, actor=author, payload=payload) as s:
        access.require(access.viewer_in(s, author), "memo")
        tid = db.resolve_transcript(s, transcript).id if transcript is not None else None
        if start is not None and end > len(db.transcript_text(s, tid)):
            raise InputError(None, f"the passage {start}-{end} runs past the end of the transcript")
        if participant is not None and participant not in {p["id"] for p in db.participants(s)}:
            raise NotFoundError(f"no participant {participant!r} in this project")
        return db.add_memo(s, text=text.strip(), title=(title or "").strip() or None, author=db.coder_id(s, author),
                           transcript_id=tid, start=start, end=end, participant_id=participant,
                           code_pk=_code_pk(s, framework, code))


def edit_memo(project: Project, memo_id: int, text: str, *, title: str | None = None, author: str) -> None:
    """Replace a memo's text (and title when given); the old text stays in the event log."""
    if not (text or "").strip():
        raise InputError(None, "empty memo: delete it instead")
    payload: dict = {"memo": int(memo_id)}
    with project.transaction(Action.MEMO_EDIT, actor=author, payload=payload) as s:
        old = mdb.get_memo(s, int(memo_id))
        _may_change(s, old, author)
        payload["previous"] = {"title": old.title, "text": old.text}
        db.update_memo(s, int(memo_id), text.strip())
        if title is not None:
            mdb.set_memo_title(s, int(memo_id), title.strip() or None)


def delete_memo(project: Project, memo_id: int, *, author: str) -> None:
    """Delete a memo (what it said is kept in the event log)."""
    payload: dict = {"memo": int(memo_id)}
    with project.transaction(Action.MEMO_DELETE, actor=author, payload=payload) as s:
        _may_change(s, mdb.get_memo(s, int(memo_id)), author)
        payload["was"] = mdb.delete_memo(s, int(memo_id))


def _may_change(s, memo, author: str) -> None:
    """A coder edits or deletes only their own memos (the lead and a single-file project's owner: any)."""
    v = access.viewer_in(s, author)
    access.require(v, "memo")
    if v.role == "coder" and memo.author_id != db.coder_id_or_none(s, author):
        raise PermissionDenied(f"memo {memo.id} is not {author}'s")


def memos(project: Project, transcript: str | int | None = None, *, viewer=None) -> pd.DataFrame:
    """The raw memo rows (optionally of one transcript); with ``viewer`` only those they may see (blind coding:
    another coder's memo on a transcript they code blind is hidden)."""
    with project.read() as s:
        df = mdb.memos_frame(s)
        if transcript is not None:
            df = df[df["transcript_id"] == db.resolve_transcript(s, transcript).id]
        vis = access.visibility(s, viewer) if viewer is not None else None
    if vis is not None:
        df = vis.filter(df, coder="author")
    return df.reset_index(drop=True)


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def _about(r) -> tuple[str, str]:
    code = f"{r.code_id} {r.code_label}" if isinstance(r.code_id, str) else ""
    if isinstance(r.participant_id, str) and code:
        return "cell", f"{r.participant_id} × {code} ({r.framework_id})"
    if code:
        return "code", f"{code} ({r.framework_id})"
    if isinstance(r.transcript, str) and pd.notna(r.start):
        return "passage", f"{r.transcript}, characters {int(r.start)}\u2013{int(r.end)}"
    if isinstance(r.transcript, str):
        return "transcript", r.transcript
    return "participant", str(r.participant_id or "")


def memos_table(project: Project, *, kind: str | None = None, viewer=None) -> pd.DataFrame:
    """One row per memo with readable columns: id, about, kind, title, memo, author, updated (``viewer``: only those
    they may see)."""
    df = memos(project, viewer=viewer)
    rows = []
    for r in df.itertuples(index=False):
        k, about = _about(r)
        if kind and k != kind:
            continue
        when = r.updated_at if pd.notna(r.updated_at) else r.created_at
        rows.append({"id": int(r.id), "about": about, "kind": k, "title": _text(r.title), "memo": r.text,
                     "author": _text(r.author), "updated": when.strftime("%Y-%m-%d %H:%M") if pd.notna(when) else ""})
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)

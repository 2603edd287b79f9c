"""Blind double coding across people: the lead assigns a transcript to coders; each coder sees only their own
codings of it until the lead reveals it; then everyone sees everyone's (and Agreement and consensus work as in one
project, since every coding carries its coder).

These are the functions the app calls in team mode (and the CLI and the load test): every change is one small
transaction, and every read is fresh, so what one coder commits shows up for another on their next rerun once the
transcript is revealed.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .. import charting
from ..errors import InputError, PermissionDenied
from ..indexing import service as sv
from ..store import Action, Project
from ..store import core as db
from ..store import indexing as idb
from ..store import team as tdb
from .accounts import User

# --- the lead's side ----------------------------------------------------------------------------------------------


def assign(project: Project, lead: User, transcript: str | int, coders: Iterable[str]) -> list[str]:
    """Assign ``transcript`` to each of ``coders`` (accounts with role coder or lead); returns those newly assigned."""
    lead.require("assign")
    coders = [c.strip() for c in coders if c and c.strip()]
    if not coders:
        raise InputError(None, "name at least one coder to assign")
    new = []
    with project.transaction(Action.TEAM_ASSIGN, actor=lead.name, payload={"transcript": str(transcript),
                                                                      "coders": coders}) as s:
        tr = db.resolve_transcript(s, transcript)
        by = db.coder_id(s, lead.name)
        for name in coders:
            acc = tdb.account(s, name)
            if acc is None or acc["role"] not in ("coder", "lead"):
                raise InputError(None, f"{name!r} is not a coder's account (add it with `user add`)")
            if tdb.assign(s, tr.id, acc["coder_id"], by):
                new.append(name)
    return new


def unassign(project: Project, lead: User, transcript: str | int, coder: str) -> int:
    lead.require("assign")
    with project.transaction(Action.TEAM_UNASSIGN, actor=lead.name, payload={"transcript": str(transcript),
                                                                        "coder": coder}) as s:
        tr = db.resolve_transcript(s, transcript)
        return tdb.unassign(s, tr.id, db.coder_id(s, coder))


def reveal(project: Project, lead: User, transcript: str | int) -> bool:
    """Let every coder see every coding of ``transcript`` (returns False if it already was revealed)."""
    lead.require("reveal")
    with project.transaction(Action.TEAM_REVEAL, actor=lead.name, payload={"transcript": str(transcript)}) as s:
        tr = db.resolve_transcript(s, transcript)
        return tdb.reveal(s, tr.id, db.coder_id(s, lead.name))


def assignments(project: Project, user: User) -> list[dict]:
    """The lead sees all assignments; a coder their own."""
    with project.read() as s:
        if user.can("assign"):
            return tdb.assignments(s)
        return tdb.assignments(s, coder=db.coder_id_or_none(s, user.name))


def my_transcripts(project: Project, user: User) -> list[str]:
    """Transcript names this user may code: all for the lead, the assigned ones for a coder."""
    with project.read() as s:
        if user.can("assign"):
            return [t["name"] for t in db.transcripts(s)]
        if not user.can("index"):
            return []
        return [a["transcript"] for a in tdb.assignments(s, coder=db.coder_id_or_none(s, user.name))]


# --- what a user may see --------------------------------------------------------------------------------------------


def visible_coders(project: Project, user: User, transcript: str | int) -> list[str] | None:
    """Whose codings of ``transcript`` ``user`` may see: ``None`` = everyone's (the lead; or revealed), else only
    their own."""
    if user.can("reveal"):
        return None
    with project.read() as s:
        tr = db.resolve_transcript(s, transcript)
        return None if tdb.is_revealed(s, tr.id) else [user.name]


def chart_coders(project: Project, user: User) -> list[str] | None:
    """Whose codings ``user``'s chart may quote: everyone's for the lead, or once every transcript assigned to
    ``user`` is revealed; until then only their own (a chart spans transcripts, so one blind transcript is enough)."""
    if user.can("reveal"):
        return None
    with project.read() as s:
        mine = tdb.assignments(s, coder=db.coder_id_or_none(s, user.name) or -1)
    return None if all(a["revealed"] for a in mine) else [user.name]


def codings(project: Project, user: User, transcript: str | int, *, framework: str | None = None) -> pd.DataFrame:
    """The codings of ``transcript`` that ``user`` may see (fresh from the project)."""
    coders = visible_coders(project, user, transcript)
    with project.read() as s:
        tr = db.resolve_transcript(s, transcript)
        return db.codings_frame(s, framework_id=framework, transcript_ids=[tr.id], coders=coders)


def open_suggestions(project: Project, user: User, framework: str, transcript: str | int, *,
                     scheme: str | None = None) -> pd.DataFrame:
    """Suggestions of ``transcript`` that ``user`` has not decided yet (others' decisions are not shown)."""
    from ..indexing.workspace import unit_of_analysis

    scheme = scheme or unit_of_analysis(project, framework)
    with project.read() as s:
        tr = db.resolve_transcript(s, transcript)
        pas = idb.passages_frame(s, scheme, [tr.id])
        sug = idb.suggestions_frame(s, framework, passage_ids=pas["id"].tolist())
        mine = set(tdb.decided_suggestion_ids(s, db.coder_id_or_none(s, user.name) or -1))
        own = db.codings_frame(s, framework_id=framework, transcript_ids=[tr.id], coders=[user.name])
    # a suggestion is also decided for this coder when they coded its passage with its code (on any page): the status
    # is derived from the codings, never stored alone
    span = pas.set_index("id")[["start", "end"]]
    for row in sug.itertuples():
        a, b = span.loc[row.passage_id]
        hit = own[(own["code_id"] == row.code_id) & (own["start"] < b) & (own["end"] > a)]
        if not hit.empty:
            mine.add(row.id)
    return sug[~sug["id"].isin(mine) & _listed(sug)].reset_index(drop=True)


def _listed(sug: pd.DataFrame) -> pd.Series:
    """Rows a run listed: not those a blind run kept only to refresh someone's decided row (``"listed": false``)."""
    return pd.Series([(r or {}).get("listed", True) is not False for r in sug["reason"]], index=sug.index, dtype=bool)


# --- a coder's decisions --------------------------------------------------------------------------------------------


def _may_code(s, user: User, transcript_id: int) -> None:
    user.require("index")
    if user.can("assign"):
        return
    assigned = tdb.assigned_coders(s, transcript_id)
    if user.name not in assigned:
        raise PermissionDenied(f"{user.name} is not assigned to this transcript")


def accept(project: Project, user: User, suggestion_id: int) -> int:
    """``user`` accepts a suggestion for themselves: a coding (origin 'suggestion', score, model) and their
    decision, in one transaction. Another coder's view of the same suggestion is unchanged."""
    with project.transaction(Action.TEAM_ACCEPT, actor=user.name, payload={"suggestion": int(suggestion_id)}) as s:
        sg = idb.suggestion(s, suggestion_id)
        p = idb.passage(s, sg.passage_id)
        _may_code(s, user, p.transcript_id)
        cid = db.coder_id(s, user.name)
        if tdb.decision(s, sg.id, cid) is not None:
            raise InputError(None, f"suggestion {suggestion_id} is already decided by {user.name}")
        coding = db.add_coding(s, transcript_id=p.transcript_id, start=p.start, end=p.end, code_pk=sg.code_pk,
                               coder=cid, origin="suggestion", score=sg.score, model=sg.model,
                               segment_id=p.segment_id)
        tdb.add_decision(s, sg.id, cid, "accepted", coding)
        return coding


def reject(project: Project, user: User, suggestion_id: int) -> None:
    with project.transaction(Action.TEAM_REJECT, actor=user.name, payload={"suggestion": int(suggestion_id)}) as s:
        sg = idb.suggestion(s, suggestion_id)
        _may_code(s, user, idb.passage(s, sg.passage_id).transcript_id)
        tdb.add_decision(s, sg.id, db.coder_id(s, user.name), "rejected", None)


def add_code(project: Project, user: User, framework: str, transcript: str | int, start: int, end: int,
             code: str) -> int:
    """``user`` codes a span by hand (origin 'manual'); the coder is the login, never typed in."""
    with project.read() as s:
        _may_code(s, user, db.resolve_transcript(s, transcript).id)
    return sv.add_code(project, framework, transcript, start, end, code, coder=user.name)


def remove_code(project: Project, user: User, coding_id: int) -> None:
    """Remove one of ``user``'s own codings (the lead may remove any)."""
    with project.read() as s:
        owner = db.coding_coder(s, coding_id)
    if owner is None:
        raise InputError(None, f"no active coding with id {coding_id}")
    if owner != user.name and not user.can("reveal"):
        raise PermissionDenied(f"coding {coding_id} is not {user.name}'s")
    sv.remove_code(project, int(coding_id), coder=user.name)


def save_summary(project: Project, user: User, framework: str, participant: str, code: str, text: str, *,
                 base_version: int, status: str = "draft") -> int | None:
    """Save a chart cell's summary as ``user``, refused with ``ConflictError`` if someone saved it since
    ``base_version`` (the ``Cell.version`` the edit started from)."""
    user.require("chart")
    return charting.set_summary(project, framework, participant, code, text, status=status, author=user.name,
                                base_version=base_version)


def review_view(project: Project, user: User, framework: str, transcript: str | int, *,
                scheme: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """What the Index page shows ``user`` for one transcript: (passages, suggestions, codings) as
    ``indexing.service.passages`` gives them, but blind: the suggestions' status is this user's own decision (open
    until they decide) and the codings are those ``visible_coders`` allows."""
    pas, sug, cod = sv.passages(project, framework, transcript, scheme=scheme)
    with project.read() as s:
        mine = tdb.decisions_frame(s, db.coder_id_or_none(s, user.name) or -1)
    status = dict(zip(mine["suggestion_id"], mine["status"], strict=True))
    sug = sug[_listed(sug) | sug["id"].isin(status)].copy()  # a row kept only to refresh another's decision: hidden
    sug["status"] = [status.get(i, "open") for i in sug["id"]]
    sug["decided_by"] = [user.name if i in status else None for i in sug["id"]]
    coders = visible_coders(project, user, transcript)
    if coders is not None:
        cod = cod[cod["coder"].isin(coders)].reset_index(drop=True)
    return pas, sug, cod

"""Blind double coding across people: the lead assigns a transcript to coders; each coder sees only their own
codings of it until the lead reveals it; then everyone sees everyone's (and Agreement and consensus work as in one
project, since every coding carries its coder).

The coding itself goes through the same functions as in a single-file project (``indexing.decisions``: one decision
log, the ``decision`` table); who may code which transcript and see whose work is ``toolkit.access``.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import access
from ..errors import InputError
from ..store import Action, Project
from ..store import core as db
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
        ids = access.codable_transcript_ids(s, access.Viewer(user.name, user.role, team=True))
        return [t["name"] for t in db.transcripts(s) if ids is None or t["id"] in ids]


# --- transcripts for teaching ------------------------------------------------------------------------------------


def mark_teaching(project: Project, lead: User, transcript: str | int, on: bool = True) -> bool:
    """Mark (``on``) or unmark a transcript for teaching: students on a team server see only marked transcripts.
    Returns whether anything changed."""
    lead.require("teaching_mark")
    with project.transaction(Action.TEAM_TEACHING, actor=lead.name, payload={"transcript": str(transcript),
                                                                        "on": bool(on)}) as s:
        tr = db.resolve_transcript(s, transcript)
        return tdb.set_teaching(s, tr.id, bool(on), db.coder_id(s, lead.name))


def teaching_transcripts(project: Project) -> list[str]:
    """Names of the transcripts marked for teaching (in the project's order)."""
    with project.read() as s:
        ids = tdb.teaching_ids(s)
        return [t["name"] for t in db.transcripts(s) if t["id"] in ids]

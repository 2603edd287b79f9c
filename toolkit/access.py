"""Who is asking, what they may see, what they may do: the one authorisation and visibility layer.

Every toolkit entry point that writes or shows another coder's work asks here, so the app (any page), the CLI and the
Python API answer alike.

- **Who** (``viewer``): on a project with accounts (a team server), a name that is an account is that account, with
  its role; a disabled account may do nothing. A name without an account (a single-file project's chosen coder, or a
  command-line operator, who holds the database's credentials anyway) is the project's ``owner``: every action.
- **What they may do** (``ACTIONS``, ``require``): the action x role table below, the same one ARCHITECTURE.md shows;
  a coder writes codings and decisions only on the transcripts assigned to them (``may_code``).
- **What they may see** (``visibility``): a coder does not see other coders' codings, decisions, memos, suggestion
  states or reasons on a transcript that is assigned (blind double coding) and not revealed yet; the lead and the
  owner see everything; a student sees only their own work.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .errors import InputError, PermissionDenied
from .store import Project
from .store import core as db
from .store import team as tdb

__all__ = ["ACTIONS", "OWNER", "Viewer", "Visibility", "check", "may_code", "require", "viewer", "visibility",
           "codable_transcript_ids", "viewer_in"]

OWNER = "owner"
_ALL = frozenset({OWNER, "lead", "coder"})
_LEAD = frozenset({OWNER, "lead"})
#: every action a user can take or page they can read, and the roles allowed (a coder: on assigned transcripts only)
ACTIONS: dict[str, frozenset[str]] = {
    "project": _LEAD,            # create, import, settings, backup, copy
    "frameworks": _LEAD,         # add, edit or remove a framework, its codes or a crosswalk
    "familiarize": _ALL,         # read transcripts, keyword in context, distinctive terms
    "memo": _ALL,                # write memos (a coder edits or deletes only their own)
    "index": _ALL,               # accept, reject, code, remove, no code here, bulk accept, undo their own
    "suggest": _LEAD,            # update the project's suggestions
    "learn": _LEAD,              # learn from the coding (the project's choice of evidence)
    "agreement": _LEAD,          # two-coder agreement
    "consensus": _LEAD,          # record consensus, write consensus codings
    "chart": _ALL,               # the matrix, summaries, coverage, exports (blind transcripts: own codings only)
    "export": _ALL,              # Word, Excel, CSV of what they may see
    "refine": _LEAD,             # apply a crosswalk to the project's codings
    "map": _LEAD,                # mapping and interpretation
    "assign": _LEAD,             # assign transcripts to coders
    "reveal": _LEAD,             # reveal a blind transcript
    "users": _LEAD,              # add, disable, change role or password, clear the login slow-down
    "teach": frozenset({OWNER, "lead", "student"}),  # Teaching mode (a student: as themselves, marked transcripts)
    "teaching_mark": _LEAD,      # mark transcripts for teaching
    "teaching_reset": _LEAD,     # reset a student's work (a student resets only their own)
}


@dataclass(frozen=True)
class Viewer:
    """The person asking: ``name`` (the coder identity every write records) and ``role`` (lead, coder, student, or
    ``owner`` where there is no account); ``team``: the project has accounts."""

    name: str
    role: str = OWNER
    team: bool = False

    def can(self, action: str) -> bool:
        return self.role in ACTIONS.get(action, frozenset())


@dataclass(frozen=True)
class Visibility:
    """What ``own`` may see of others' work: nothing on the transcripts in ``hidden`` (ids), everything elsewhere;
    ``everything_hidden``: a student, who sees only their own work anywhere."""

    own: str
    hidden: frozenset[int] = frozenset()
    everything_hidden: bool = False

    def hides(self, transcript_id, coder) -> bool:
        if coder == self.own:
            return False
        return self.everything_hidden or (transcript_id is not None and int(transcript_id) in self.hidden)

    def filter(self, df: pd.DataFrame, *, coder: str = "coder", transcript: str = "transcript_id") -> pd.DataFrame:
        """The rows of a frame (codings, decisions, memos) this viewer may see."""
        if df.empty or (not self.hidden and not self.everything_hidden):
            return df
        keep = [not self.hides(t if pd.notna(t) else None, c) for t, c in zip(df[transcript], df[coder], strict=True)]
        return df[keep]


def viewer(project: Project, name: str | Viewer) -> Viewer:
    """The viewer named ``name`` (a ``Viewer`` is returned as it is). Refused for a disabled account."""
    if isinstance(name, Viewer):
        return name
    with project.read() as s:
        return viewer_in(s, name)


def viewer_in(s, name: str) -> Viewer:
    """``viewer`` inside an open session (an action's transaction). A name must be printable, without tabs or line
    breaks, and not empty: it is recorded on every coding."""
    if not isinstance(name, str) or not name.strip() or name != name.strip() or len(name) > 200 or any(
            not ch.isprintable() for ch in name):
        raise InputError(None, f"coder name {name!r}: printable characters, not empty, no tabs or line breaks")
    acc = tdb.account(s, name)
    if acc is None:
        return Viewer(name, OWNER, team=tdb.has_accounts(s))
    if not acc["active"]:
        raise PermissionDenied(f"the account {name!r} is disabled")
    return Viewer(name, acc["role"], team=True)


def require(v: Viewer, action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not v.can(action):
        raise PermissionDenied(f"{v.name} ({v.role}) may not do this ({action})")


def check(project_or_session, actor: str | Viewer | None, action: str) -> None:
    """Refuse unless ``actor`` may do ``action`` (``None``: no identity given, the Python API used directly by the
    project's owner: allowed). Works with a Project or inside an open session."""
    if actor is None:
        return
    if isinstance(actor, Viewer):
        require(actor, action)
    elif isinstance(project_or_session, Project):
        require(viewer(project_or_session, actor), action)
    else:
        require(viewer_in(project_or_session, actor), action)


def may_code(s, name: str | Viewer, transcript_id: int) -> Viewer:
    """Refuse unless ``name`` may write codings and decisions on this transcript (inside the action's transaction);
    returns the viewer."""
    v = name if isinstance(name, Viewer) else viewer_in(s, name)
    require(v, "index")
    if v.role == "coder" and v.name not in tdb.assigned_coders(s, int(transcript_id)):
        raise PermissionDenied(f"{v.name} is not assigned to this transcript")
    return v


def codable_transcript_ids(s, v: Viewer) -> set[int] | None:
    """Ids of the transcripts ``v`` may code (None: every one)."""
    if v.role != "coder":
        return None if v.can("index") else set()
    return {int(a["transcript_id"]) for a in tdb.assignments(s, coder=db.coder_id_or_none(s, v.name) or -1)}


def visibility(project_or_session, name: str | Viewer) -> Visibility | None:
    """What ``name`` may see of others' work (None: everything)."""
    if isinstance(project_or_session, Project):
        with project_or_session.read() as s:
            return visibility(s, name)
    s = project_or_session
    v = name if isinstance(name, Viewer) else viewer_in(s, name)
    if v.role in (OWNER, "lead"):
        return None
    if v.role == "student":
        return Visibility(v.name, everything_hidden=True)
    return Visibility(v.name, frozenset(tdb.blind_transcript_ids(s)))

"""Small read-only questions every page and command asks about a project: which frameworks, transcripts, coders,
attributes, crosswalks and catalogues it has, which model it embeds with, and its version (a number that changes with
every action, the key of cached reads; ``structure_version``: one that coding decisions leave as it was)."""

from __future__ import annotations

from .store import Project
from .store import core as db
from .store import measures as mdb
from .store.events import CODING_DECISIONS

__all__ = ["attribute_names", "catalogue_ids", "coders", "crosswalk_ids", "frameworks", "structure_version", "transcripts",
           "version"]


def version(project: Project) -> int:
    """The newest event id: it changes whenever anything in the project changes."""
    with project.read() as s:
        return db.latest_event_id(s)


def structure_version(project: Project) -> int:
    """The newest event id of any action but the coding decisions (``store.events.CODING_DECISIONS``: accept, reject,
    code, remove, no code here, undo): the key of cached reads of what those never change (passages, transcripts,
    codes, the suggestions' scores and reasons, who may see what), so a click on the Index page leaves them valid."""
    with project.read() as s:
        return db.latest_event_id(s, skip=CODING_DECISIONS)


def frameworks(project: Project) -> list[dict]:
    """One dict per framework: id, name, codes, categories."""
    with project.read() as s:
        return db.frameworks_summary(s)


def transcripts(project: Project) -> list[dict]:
    """One dict per transcript (name, participant, format, ...), in import order."""
    with project.read() as s:
        return db.transcripts(s)


def coders(project: Project, kind: str | None = None) -> list[dict]:
    """The project's coders (name, kind: human or model), optionally of one kind."""
    with project.read() as s:
        return [c for c in db.list_coders(s) if kind is None or c["kind"] == kind]


def attribute_names(project: Project) -> list[str]:
    """The participant attributes (e.g. group, setting), in first-seen order."""
    with project.read() as s:
        return db.attribute_names(s)


def crosswalk_ids(project: Project) -> list[str]:
    with project.read() as s:
        return mdb.crosswalk_ids(s)


def catalogue_ids(project: Project) -> list[str]:
    with project.read() as s:
        return mdb.catalogue_ids(s)

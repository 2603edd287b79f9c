"""Who codes: the project's human coders, kept apart from model and student identities, and the rules for a new one.

A new coder is an explicit action (``add_coder``): the name must not be empty, must hold no tab or control character,
and must not clash, ignoring case, with a coder already in the project ("Researcher" when "researcher" exists is
refused with a message naming the existing coder), so a typo never silently starts a second identity.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .errors import InputError
from .store import Project
from .store import core as db
from .store.events import Action

__all__ = ["CoderInfo", "STUDENT_PREFIX", "add_coder", "check_new_name", "coders", "human_coders"]

STUDENT_PREFIX = "student:"
MAX_NAME = 80


@dataclass(frozen=True)
class CoderInfo:
    """One identity of a project: ``role`` is ``human``, ``model`` or ``student``."""

    name: str
    role: str


def _role(name: str, kind: str) -> str:
    if kind == "model":
        return "model"
    return "student" if name.startswith(STUDENT_PREFIX) else "human"


def coders(project: Project) -> list[CoderInfo]:
    """Every identity in the project, humans first, then students, then models (each by name)."""
    with project.read() as s:
        rows = db.list_coders(s)
    order = {"human": 0, "student": 1, "model": 2}
    out = [CoderInfo(c["name"], _role(c["name"], c["kind"])) for c in rows]
    return sorted(out, key=lambda c: (order[c.role], c.name.lower()))


def human_coders(project: Project) -> list[str]:
    """The names a person may choose to work as: human coders, never models or students."""
    return [c.name for c in coders(project) if c.role == "human"]


def check_new_name(name: str, existing: list[str]) -> str:
    """The cleaned name (surrounding spaces dropped) if it may become a new coder; else an ``InputError`` saying why."""
    clean = (name or "").strip()
    if not clean:
        raise InputError(None, "a coder's name cannot be empty")
    bad = [ch for ch in clean if unicodedata.category(ch)[0] == "C"]
    if bad:
        raise InputError(None, f"a coder's name cannot hold tabs or control characters (found {bad[0]!r})")
    if len(clean) > MAX_NAME:
        raise InputError(None, f"a coder's name has at most {MAX_NAME} characters ({len(clean)} given)")
    if clean.startswith(STUDENT_PREFIX):
        raise InputError(None, f"names starting with {STUDENT_PREFIX!r} are Teaching mode's students")
    for other in existing:
        if other == clean:
            raise InputError(None, f"coder {other!r} already exists: choose it instead of adding it")
        if other.casefold() == clean.casefold():
            raise InputError(None, f"{clean!r} clashes with the existing coder {other!r} (names differ only in "
                                   f"case): choose {other!r}, or pick a clearly different name")
    return clean


def add_coder(project: Project, name: str, *, actor: str | None = None) -> str:
    """Add a human coder (refused as ``check_new_name`` says); returns the stored name."""
    with project.transaction(Action.CODER_ADD, actor=actor or name, payload={"name": name}) as s:
        clean = check_new_name(name, [c["name"] for c in db.list_coders(s)])
        db.coder_id(s, clean, kind="human")
        return clean

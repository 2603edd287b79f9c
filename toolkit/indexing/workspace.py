"""Where a coder works: the framework's unit of analysis (one named passage scheme per framework, used by the Index,
Agreement and Teaching pages, the CLI and the exports) and each coder's place in the indexing (framework, transcript,
passage), kept in the project so a reload or another machine restores it."""

from __future__ import annotations

import json

from ..errors import InputError
from ..store import Project
from ..store import core as db
from ..store.events import Action
from .units import DEFAULT_SCHEME, parse_scheme

__all__ = ["unit_of_analysis", "unit_of_analysis_in", "set_unit_of_analysis", "unit_label", "get_position", "set_position"]


def _unit_key(framework: str) -> str:
    return f"unit_of_analysis:{framework}"


def unit_of_analysis(project: Project, framework: str) -> str:
    """The passage scheme this framework is indexed, compared and exported in (``sentences:3`` unless set)."""
    with project.read() as s:
        return unit_of_analysis_in(s, framework)


def unit_of_analysis_in(session, framework: str) -> str:
    """``unit_of_analysis`` inside an open session (for readers that already hold one, e.g. the evidence rule)."""
    return db.get_setting(session, _unit_key(framework)) or DEFAULT_SCHEME


def set_unit_of_analysis(project: Project, framework: str, scheme: str, *, actor: str | None = None) -> str:
    """Name the unit of analysis of a framework (``turn``, ``paragraph`` or ``sentences:N``)."""
    parse_scheme(scheme)
    with project.transaction(Action.UNIT_SET, actor=actor, payload={"framework": framework, "scheme": scheme}) as s:
        if not db.has_framework(s, framework):
            raise InputError(None, f"no framework {framework!r}")
        db.set_setting(s, _unit_key(framework), scheme)
    return scheme


def unit_label(scheme: str) -> str:
    """The unit in words: 'passages of up to 3 sentences of a participant turn'."""
    kind, n = parse_scheme(scheme)
    if kind == "turn":
        return "whole participant turns"
    if kind == "paragraph":
        return "paragraphs of participant turns"
    return "single sentences of participant turns" if n == 1 else \
        f"passages of up to {n} sentences of a participant turn"


def _pos_key(coder: str, framework: str) -> str:
    return f"position:{coder}:{framework}"


def get_position(project: Project, coder: str, framework: str) -> dict | None:
    """The coder's last place in this framework: ``{"transcript": name, "passage": id}``, or None."""
    with project.read() as s:
        raw = db.get_setting(s, _pos_key(coder, framework))
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def set_position(project: Project, coder: str, framework: str, transcript: str, passage: int | None) -> None:
    """Remember where the coder is. Not an action of the study: no event is logged, so cached reads stay valid."""
    value = json.dumps({"transcript": transcript, "passage": None if passage is None else int(passage)})
    with project.transaction() as s:
        if db.get_setting(s, _pos_key(coder, framework)) != value:
            db.set_setting(s, _pos_key(coder, framework), value)

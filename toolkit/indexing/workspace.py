"""Where a coder works: the framework's unit of analysis (one named passage scheme per framework, used by the Index,
Agreement and Teaching pages, the CLI and the exports) and each coder's place in the indexing (framework, transcript,
passage), kept in the project so a reload or another machine restores it."""

from __future__ import annotations

from collections.abc import Iterable

from .. import settings
from ..errors import InputError
from ..store import Project
from ..store import core as db
from ..store import indexing as idb
from ..store.events import Action
from .units import DEFAULT_SCHEME, parse_scheme, passages_from_segments

__all__ = ["unit_of_analysis", "unit_of_analysis_in", "set_unit_of_analysis", "unit_label", "get_position",
           "set_position", "ensure_passages", "cut_passages", "project_schemes"]


def unit_of_analysis(project: Project, framework: str) -> str:
    """The one rule for a framework's unit of analysis: the passage scheme it is indexed, suggested, compared, covered
    and exported in (its ``unit_of_analysis`` setting; ``sentences:3`` unless set). Every function that takes
    ``scheme=None`` asks this."""
    with project.read() as s:
        return unit_of_analysis_in(s, framework)


def unit_of_analysis_in(session, framework: str) -> str:
    """``unit_of_analysis`` inside an open session (for readers that already hold one, e.g. the evidence rule)."""
    return settings.read(session, settings.UNIT, framework=framework) or DEFAULT_SCHEME


def project_schemes(project: Project) -> list[str]:
    """The units of analysis of every framework of the project (the default one when it has none)."""
    with project.read() as s:
        fids = db.framework_ids(s)
        found = [settings.read(s, settings.UNIT, framework=f) or DEFAULT_SCHEME for f in fids]
    return sorted(set(found)) or [DEFAULT_SCHEME]


def set_unit_of_analysis(project: Project, framework: str, scheme: str, *, actor: str | None = None) -> str:
    """Name the unit of analysis of a framework (``turn``, ``paragraph`` or ``sentences:N``); its passages are cut."""
    parse_scheme(scheme)
    with project.transaction(Action.UNIT_SET, actor=actor, payload={"framework": framework, "scheme": scheme}) as s:
        if not db.has_framework(s, framework):
            raise InputError(None, f"no framework {framework!r}")
        settings.write(s, settings.UNIT, scheme, framework=framework)
    ensure_passages(project, scheme)
    return scheme


def cut_passages(s, scheme: str | None = None, transcript_ids: Iterable[int] | None = None) -> int:
    """Inside a write transaction ``s``: cut the passages of ``scheme`` (None: every framework's unit of analysis)
    for the transcripts (None: all) that have none yet; returns how many were added. The one place passages are cut
    (``ensure_passages``, and the import of transcripts in the same transaction as the transcripts)."""
    if scheme:
        schemes = [scheme]
    else:
        schemes = sorted({settings.read(s, settings.UNIT, framework=f) or DEFAULT_SCHEME
                          for f in db.framework_ids(s)} or {DEFAULT_SCHEME})
    ids = [tr["id"] for tr in db.transcripts(s)] if transcript_ids is None else list(transcript_ids)
    added = 0
    for sch in schemes:
        parse_scheme(sch)
        for tid in ids:
            if not idb.has_passages(s, tid, sch):
                rows = passages_from_segments(db.segments_frame(s, tid), sch)
                idb.add_passages(s, rows)
                added += len(rows)
    return added


def ensure_passages(project: Project, scheme: str | None = None, *,
                    transcripts: Iterable[int | str] | None = None) -> int:
    """The passages of ``scheme`` (None: every framework's unit of analysis) for the transcripts (ids or names; None:
    all) that have none yet, cut in one write transaction (nothing is written when none is missing). Returns how many
    were added. Called by the actions that need them (a new unit, suggest, opening a transcript to index, a project
    made by an older version), never inside a read."""
    schemes = [scheme] if scheme else project_schemes(project)
    with project.read() as s:
        ids = [tr["id"] for tr in db.transcripts(s)] if transcripts is None else \
            [db.resolve_transcript(s, x).id for x in transcripts]
        todo = sorted({tid for sch in schemes for tid in ids if not idb.has_passages(s, tid, sch)})
    if not todo:
        return 0
    with project.transaction(Action.PASSAGES_CUT, payload={"schemes": schemes, "transcripts": len(todo)}) as s:
        # checked again inside the write: another program may have cut them meanwhile
        return sum(cut_passages(s, sch, todo) for sch in schemes)


def unit_label(scheme: str) -> str:
    """The unit in words: 'passages of up to 3 sentences of a participant turn'."""
    kind, n = parse_scheme(scheme)
    if kind == "turn":
        return "whole participant turns"
    if kind == "paragraph":
        return "paragraphs of participant turns"
    return "single sentences of participant turns" if n == 1 else \
        f"passages of up to {n} sentences of a participant turn"


def get_position(project: Project, coder: str, framework: str) -> dict | None:
    """The coder's last place in this framework: ``{"transcript": name, "passage": id}``, or None."""
    with project.read() as s:
        return settings.read(s, settings.POSITION, coder=coder, framework=framework)


def set_position(project: Project, coder: str, framework: str, transcript: str, passage: int | None) -> None:
    """Remember where the coder is. Not an action of the study: no event is logged, so cached reads stay valid."""
    value = {"transcript": transcript, "passage": None if passage is None else int(passage)}
    with project.transaction() as s:
        if settings.read(s, settings.POSITION, coder=coder, framework=framework) != value:
            settings.write(s, settings.POSITION, value, coder=coder, framework=framework)

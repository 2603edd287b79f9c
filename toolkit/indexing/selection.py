"""Select-to-code: the whole transcript as the selection view shows it (turns with their exact character offsets, the
codings over them) and coding a selected span, through the indexing decisions so provenance and undo work.

Offsets are Python string indices (code points) into the stored transcript text; the browser counts UTF-16 units,
and the app's component converts before it sends a span. Blind double coding follows the Index page's rule
(``review.blind_mode``): a coder sees only their own codings unless ``show_others``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..errors import InputError
from ..store import Project
from ..store import core as db
from ..store import decisions as ddb
from . import decisions as dec
from .review import blind_mode, code_choices

__all__ = ["SelectionView", "SpanCoding", "Turn", "code_selection", "selection_view", "transcript_turns", "trim_span",
           "trimmed_span"]


@dataclass(frozen=True)
class Turn:
    """One speaker turn: ``text`` is exactly ``transcript_text[start:end]``."""

    start: int
    end: int
    speaker: str
    role: str
    text: str


@dataclass(frozen=True)
class SpanCoding:
    id: int
    code_id: str
    label: str
    coder: str
    origin: str
    start: int
    end: int
    mine: bool


@dataclass(frozen=True)
class SelectionView:
    transcript: str
    framework: str
    coder: str
    blind: bool
    turns: tuple[Turn, ...]
    codings: tuple[SpanCoding, ...]
    codes: tuple[dict, ...]  # the picker's choices: id, label, category, definition, recent

    def component_args(self) -> dict:
        """Plain JSON for the browser component (the texts travel as data and are rendered as text, never as HTML)."""
        return {"turns": [asdict(t) for t in self.turns], "codings": [asdict(c) for c in self.codings],
                "codes": list(self.codes), "blind": self.blind}


def transcript_turns(project: Project, transcript: str | int) -> tuple[Turn, ...]:
    """The transcript's speaker turns with their text (what no coding changes: cache it by
    ``overview.structure_version`` and pass it to ``selection_view``)."""
    with project.read() as s:
        tr = db.resolve_transcript(s, transcript)
        text = tr.text
        segs = db.segments_frame(s, tr.id)
    return tuple(Turn(int(r.start), int(r.end), str(r.speaker or ""), str(r.role or ""), text[int(r.start):int(r.end)])
                 for r in segs.itertuples())


def selection_view(project: Project, framework: str | None, transcript: str | int, coder: str, *,
                   show_others: bool = False, turns: tuple[Turn, ...] | None = None,
                   codes: list[dict] | None = None) -> SelectionView:
    """The transcript's turns and the codings of ``framework`` over it that ``coder`` may see (no framework: the
    turns only, e.g. to select a span for a memo). ``turns`` (``transcript_turns``) and ``codes``
    (``review.code_choices`` of the framework and coder): read here when not given."""
    blind = blind_mode(project, coder) and not show_others
    with project.read() as s:
        tr = db.resolve_transcript(s, transcript)
        cod = db.codings_frame(s, framework_id=framework, transcript_ids=[tr.id], with_text=False) \
            if framework else db.codings_frame(s, transcript_ids=[], with_text=False)
        name = tr.name
    if turns is None:
        turns = transcript_turns(project, transcript)
    if blind:
        cod = cod[cod.coder == coder]
    codings = tuple(SpanCoding(int(r.id), str(r.code_id), str(r.code_label or ""), str(r.coder), str(r.origin),
                               int(r.start), int(r.end), r.coder == coder) for r in cod.itertuples())
    if codes is None:
        codes = code_choices(project, framework, coder) if framework else []
    return SelectionView(name, framework or "", coder, blind, tuple(turns), codings, tuple(codes) if framework else ())


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the white space at its ends (a mouse selection often takes a space with it)."""
    start, end = max(0, int(start)), min(len(text), int(end))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def trimmed_span(project: Project, transcript: str | int, start: int, end: int) -> tuple[int, int]:
    """``trim_span`` on the stored text of ``transcript``; refused when nothing but white space is selected."""
    with project.read() as s:
        tr = db.resolve_transcript(s, transcript)
        text, name = tr.text, tr.name
    a, b = trim_span(text, start, end)
    if a >= b:
        raise InputError(name, f"the selection {start}:{end} holds no text")
    return a, b


def code_selection(project: Project, framework: str, transcript: str | int, start: int, end: int,
                   codes: list[str], *, coder: str) -> dict:
    """Code the selected span (white space at its ends dropped) with ``codes``: one hand-coding decision (undoable).
    Returns ``{"codings": ids, "decision": id, "start", "end", "text"}``."""
    with project.read() as s:
        tr = db.resolve_transcript(s, transcript)
        text, name = tr.text, tr.name
    a, b = trim_span(text, start, end)
    if a >= b:
        raise InputError(name, f"the selection {start}:{end} holds no text to code")
    ids = dec.add_span(project, framework, name, a, b, list(codes), coder=coder)
    with project.read() as s:
        who = db.coder_id_or_none(s, coder)
        last = ddb.last_decision(s, framework, who) if who is not None else None
    return {"codings": ids, "decision": int(last.id) if last is not None else None, "start": a, "end": b,
            "text": text[a:b]}

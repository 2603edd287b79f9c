"""Speaker-turn detection in plain text (txt, md, and the text rendered from docx)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from toolkit.models import Turn

from ..textspans import strip_span
from .speakers import assign_roles, is_known_label, matches_interviewer_name, name_shape_ok, norm

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_EMPH = r"(?:\*\*|__|\*|_)"
# A name: starts with a letter, up to 4 words of letters, digits, dots, apostrophes, hyphens, parentheses.
_NAME = r"[^\W\d_][\w.'\u2019\-]*(?:[ \t]+[\w.'\u2019()\-]+){0,3}?"

_LABEL_LINE = re.compile(
    rf"""^[ \t]{{0,8}}
    (?:>[ \t]*)?(?:[-+][ \t]+|\*[ \t]+(?!\*))?
    (?P<open>{_EMPH}[ \t]*)?
    (?:(?:\[(?P<ts1>{_TS})\]|\((?P<ts2>{_TS})\)|(?P<ts3>{_TS}))[ \t]+)?
    (?P<open2>{_EMPH}[ \t]*)?
    (?P<name>{_NAME})
    (?:[ \t]*(?:\[(?P<ts4>{_TS})\]|\((?P<ts5>{_TS})\)))?
    [ \t]*(?:{_EMPH}[ \t]*)?
    :(?!\d)
    (?(open)(?:[ \t]*{_EMPH})?|(?(open2)(?:[ \t]*{_EMPH})?))
    [ \t]*(?P<rest>.*)$""",
    re.VERBOSE,
)
# "Speaker 1   00:03" / "Kari Nordmann [00:12:03]" alone on a line, the speech on the next lines (Otter style).
_LABEL_ALONE = re.compile(
    rf"""^[ \t]{{0,8}}(?:{_EMPH}[ \t]*)?(?P<name>{_NAME})[ \t]+
    (?:\[(?P<ts4>{_TS})\]|\((?P<ts5>{_TS})\)|(?P<ts6>{_TS}))[ \t]*(?:{_EMPH})?[ \t]*$""",
    re.VERBOSE,
)


def parse_timestamp(ts: str) -> float:
    """``'00:12:03'`` -> 723.0, ``'12:03'`` -> 723.0 (mm:ss), ``'1:02:03,5'`` -> 3723.5."""
    parts = ts.replace(",", ".").split(":")
    seconds = 0.0
    for p in parts:
        seconds = seconds * 60 + float(p)
    return seconds


def format_timestamp(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


@dataclass
class _Candidate:
    line_no: int
    line_start: int
    content_start: int  # where the spoken text starts (after the label), absolute offset
    name: str
    t_start: float | None
    has_timestamp: bool


def _timestamp_ok(ts: str) -> bool:
    parts = ts.replace(",", ".").split(":")
    return all(float(p) < 60 for p in parts[1:])


def _candidates(text: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    pos = 0
    for line_no, line in enumerate(text.split("\n"), start=1):
        m = _LABEL_ALONE.match(line) or _LABEL_LINE.match(line)
        if m:
            name = m.group("name").strip().strip("*_").strip()
            ts = next((m.groupdict().get(g) for g in ("ts1", "ts2", "ts3", "ts4", "ts5", "ts6")
                       if m.groupdict().get(g)), None)
            if ts is None or _timestamp_ok(ts):
                rest_start = m.start("rest") if "rest" in m.groupdict() else len(line)
                found.append(_Candidate(
                    line_no, pos, pos + rest_start, name,
                    parse_timestamp(ts) if ts else None, ts is not None,
                ))
        pos += len(line) + 1
    return found


def _accept(cands: list[_Candidate], interviewer_names: Iterable[str],
            forced_lines: frozenset[int]) -> list[_Candidate]:
    names = list(interviewer_names)
    counts = Counter(norm(c.name) for c in cands)
    accepted: list[_Candidate] = []
    pending: list[_Candidate] = []
    for c in cands:
        known = is_known_label(c.name) or matches_interviewer_name(c.name, names)
        if c.line_no in forced_lines:
            accepted.append(c)
        elif not name_shape_ok(c.name, known=known):
            continue
        elif known or counts[norm(c.name)] >= 2:
            accepted.append(c)
        else:
            pending.append(c)
    # A one-off label is a speaker only in a timestamped transcript where the other labels are timestamped too.
    if accepted and pending and all(c.has_timestamp for c in accepted):
        accepted.extend(c for c in pending if c.has_timestamp)
    accepted.sort(key=lambda c: c.line_start)
    return accepted


def paragraphs(text: str) -> list[Turn]:
    """One turn (role 'unknown') per block of text separated by blank lines."""
    turns: list[Turn] = []
    for m in re.finditer(r"\S(?:.*\S)?(?:\n[ \t]*\S.*)*", text):
        start, end = strip_span(text, m.start(), m.end())
        if end > start:
            turns.append(Turn(start=start, end=end))
    return turns


def detect_turns(
    text: str,
    interviewer_names: Iterable[str] = (),
    *,
    forced_lines: Iterable[int] = (),
) -> tuple[list[Turn], list[str]]:
    """Find speaker turns in ``text``; return ``(turns, warnings)``.

    A label starts a line (``I:``, ``Q:``, ``Interviewer:``, ``P07:``, ``Dr. Hansen:``, ``[00:12:03] Kari:``,
    ``00:12:03 Kari:``, ``(00:12:03) Kari:``, ``Kari [00:12:03]:``, ``**Kari:**``) and is short (<= 4 words,
    <= 40 chars); it must recur in the text or be a known convention. A turn runs to the next label line,
    across blank lines. Turn offsets cover the spoken text only. ``forced_lines`` (1-based line numbers)
    are label lines known from the source format (bold runs in docx) and are accepted without recurring.
    Without labels, the text is split into paragraphs (role 'unknown') with a warning.
    """
    names = list(interviewer_names)
    cands = _accept(_candidates(text), names, frozenset(forced_lines))
    warnings: list[str] = []
    if not cands:
        turns = paragraphs(text)
        warnings.append(f"no speaker labels found; split into {len(turns)} paragraphs")
        return turns, warnings
    turns: list[Turn] = []
    for i, c in enumerate(cands):
        end = cands[i + 1].line_start if i + 1 < len(cands) else len(text)
        start, end = strip_span(text, c.content_start, end)
        if end <= start:
            warnings.append(f"line {c.line_no}: speaker label '{c.name}' without text")
            continue
        turns.append(Turn(start=start, end=end, speaker=c.name, t_start=c.t_start))
    for a, b in zip(turns, turns[1:], strict=False):
        if a.t_start is not None and b.t_start is not None and b.t_start >= a.t_start:
            a.t_end = b.t_start
    before = text[: cands[0].line_start]
    if before.strip():
        last = before.rstrip().count("\n") + 1
        warnings.append(f"lines 1-{last}: text before the first speaker label is not in any turn")
    warnings.extend(assign_roles(turns, text, names))
    return turns, warnings

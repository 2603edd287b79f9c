"""Units of analysis: passages cut from participant turns, with the interviewer's question as their context.

Schemes: ``turn`` (the whole turn), ``paragraph`` (the turn's paragraphs), ``sentences:N`` (windows of N sentences,
not overlapping; default N=3). Interviewer turns are not passages: the last interviewer turn before a participant
turn is kept as the passage's context, because the question asked is strong evidence for the code.
"""

from __future__ import annotations

import re

import pandas as pd

from ..errors import InputError
from ..textspans import split_sentences, strip_span

PARAGRAPH = re.compile(r"\S(?:.*?\S)?(?=\n\s*\n|\Z)", re.S)
DEFAULT_SCHEME = "sentences:3"


def parse_scheme(scheme: str) -> tuple[str, int]:
    if scheme in ("turn", "paragraph"):
        return scheme, 0
    m = re.fullmatch(r"sentences:(\d+)", scheme)
    if not m or int(m.group(1)) < 1:
        raise InputError(None, f"unknown passage scheme {scheme!r} (use turn, paragraph or sentences:N)")
    return "sentences", int(m.group(1))


def split_turn(text: str, scheme: str) -> list[tuple[int, int]]:
    """Spans (relative to ``text``) of the passages of one turn."""
    kind, n = parse_scheme(scheme)
    if kind == "turn":
        spans = [(0, len(text))]
    elif kind == "paragraph":
        spans = [m.span() for m in PARAGRAPH.finditer(text)] or [(0, len(text))]
    else:
        sents = split_sentences(text)
        spans = [(sents[i][0], sents[min(i + n, len(sents)) - 1][1]) for i in range(0, len(sents), n)]
    out = [strip_span(text, a, b) for a, b in spans]
    return [(a, b) for a, b in out if b > a]


def passages_from_segments(segments: pd.DataFrame, scheme: str = DEFAULT_SCHEME, *,
                           code_interviewer: bool = False) -> list[dict]:
    """Passage rows (for ``store.indexing.add_passages``) for the segments of one transcript, in order."""
    rows: list[dict] = []
    question = None
    idx = 0
    for seg in segments.sort_values("idx").itertuples():
        if seg.role == "interviewer":
            question = int(seg.id)
            if not code_interviewer:
                continue
        for a, b in split_turn(seg.text, scheme):
            rows.append({"transcript_id": int(seg.transcript_id), "segment_id": int(seg.id),
                         "context_segment_id": None if seg.role == "interviewer" else question,
                         "scheme": scheme, "idx": idx, "start": int(seg.start) + a, "end": int(seg.start) + b})
            idx += 1
    return rows

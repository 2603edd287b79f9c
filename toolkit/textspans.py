"""Spans of text: trimming and sentence boundaries, shared by readers, passages, agreement units and summaries.

Spans are ``(start, end)`` Python string indices; nothing here copies or rewrites text.
"""

from __future__ import annotations

import re

_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*\s+|\n+")
_OPENERS = "\"'\u201c\u2018([-\u2013"


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` moved inwards past whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` (shifted by ``offset``), trimmed of surrounding whitespace.

    A sentence ends at ``.``, ``!``, ``?`` or ``...`` followed by space and a capital letter or digit (so "I send...
    maybe ten" stays one sentence), or at a line break.
    """
    out = []
    pos = 0
    for m in _END.finditer(text):
        nxt = text[m.end():m.end() + 2].lstrip(_OPENERS)[:1]
        if "\n" not in m.group() and nxt and not (nxt.isupper() or nxt.isdigit()):
            continue
        out.append((pos, m.end()))
        pos = m.end()
    out.append((pos, len(text)))
    spans = []
    for a, b in out:
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if b - trail > a + lead:
            spans.append((offset + a + lead, offset + b - trail))
    return spans

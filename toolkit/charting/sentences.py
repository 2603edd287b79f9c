"""Verbatim sentence candidates of coded passages, for extractive summaries.

A candidate is always ``transcript_text[start:end]``: nothing is rewritten, only cut at sentence ends. Words said by
the interviewer are left out when the transcript's segments say who spoke.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..textspans import split_sentences


@dataclass(frozen=True)
class Sentence:
    transcript_id: int
    start: int
    end: int
    text: str
    coding_ids: tuple[int, ...]

    @property
    def words(self) -> int:
        return len(self.text.split())


def spoken_ranges(start: int, end: int, segments: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """The parts of ``[start, end)`` inside segments not spoken by the interviewer (all of it without segments).

    ``segments`` are ``(start, end, role)`` of one transcript, sorted by start.
    """
    if not segments:
        return [(start, end)]
    out = []
    for a, b, role in segments:
        if b <= start or a >= end or role == "interviewer":
            continue
        out.append((max(a, start), min(b, end)))
    return out


def candidates(passage: str, start: int, transcript_id: int, coding_ids: tuple[int, ...],
               segments: list[tuple[int, int, str]]) -> list[Sentence]:
    """Sentences of one coded passage: ``passage`` is the transcript text from offset ``start``."""
    out = []
    for a, b in spoken_ranges(start, start + len(passage), segments):
        for s, e in split_sentences(passage[a - start:b - start], a):
            out.append(Sentence(transcript_id, s, e, passage[s - start:e - start], coding_ids))
    return out

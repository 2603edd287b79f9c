"""Reading transcripts: one transcript with its turns, times, codings and memos; keyword in context."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..errors import InputError
from ..ingest.turns import format_timestamp
from ..store import Project
from ..store import core as db
from ..store import memos as memo_db


def format_time(seconds: float | None) -> str:
    return "" if seconds is None or pd.isna(seconds) else format_timestamp(seconds)


@dataclass
class TranscriptView:
    name: str
    participant_id: str | None
    attributes: dict
    turns: pd.DataFrame  # segment id, idx, speaker, role, start, end, t_start, time, text
    codings: pd.DataFrame  # active codings of this transcript (all frameworks unless filtered)
    memos: pd.DataFrame


def transcript_view(project: Project, transcript: str | int, *, framework: str | None = None,
                    coders: list[str] | None = None) -> TranscriptView:
    """Everything needed to read one transcript: its turns (with times), codings and memos."""
    with project.read() as s:
        tr = db.resolve_transcript(s, transcript)
        turns = db.segments_frame(s, tr.id)
        codings = db.codings_frame(s, framework_id=framework, coders=coders, transcript_ids=[tr.id])
        notes = memo_db.memos_frame(s, tr.id)
        attrs = next((p for p in db.participants(s) if p["id"] == tr.participant_id), {})
    turns["time"] = [format_time(x) for x in turns["t_start"]]
    return TranscriptView(tr.name, tr.participant_id, {k: v for k, v in attrs.items() if k not in ("id",)},
                          turns, codings, notes)


def kwic(project: Project, query: str, *, window: int = 60, regex: bool = False, whole_word: bool = True,
         roles: tuple[str, ...] = ("participant", "unknown", "interviewer")) -> pd.DataFrame:
    """Keyword in context across all transcripts: one row per hit with its transcript, participant, speaker,
    character offset and the text to its left and right. Case-insensitive."""
    if not query.strip():
        raise InputError(None, "empty search")
    pattern = query if regex else re.escape(query.strip())
    if whole_word and not regex:
        pattern = rf"(?<!\w){pattern}\w*"
    try:
        rx = re.compile(pattern, re.IGNORECASE)
    except re.error as e:
        raise InputError(None, f"invalid search pattern: {e}") from None
    with project.read() as s:
        segs = db.segments_frame(s)
        attrs = {p["id"]: p for p in db.participants(s)}
    rows = []
    for seg in segs.itertuples():
        if seg.role not in roles:
            continue
        for m in rx.finditer(seg.text):
            a, b = m.span()
            rows.append({"transcript": seg.transcript, "participant_id": seg.participant_id,
                         "group": attrs.get(seg.participant_id, {}).get("group"), "speaker": seg.speaker,
                         "segment_id": seg.id, "start": seg.start + a, "end": seg.start + b,
                         "time": format_time(seg.t_start),
                         "left": seg.text[max(0, a - window):a], "match": m.group(0),
                         "right": seg.text[b:b + window]})
    return pd.DataFrame(rows, columns=["transcript", "participant_id", "group", "speaker", "segment_id", "start",
                                       "end", "time", "left", "match", "right"])

"""Repository functions behind the evidence source: who coded how much, and where consensus exists."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import schema as t

STAT_COLUMNS = ["coder", "kind", "origin", "transcript_id", "codings"]


def coder_stats(s: Session) -> pd.DataFrame:
    """Active codings counted per coder, coder kind, origin and transcript (all frameworks)."""
    q = (select(t.Coder.name, t.Coder.kind, t.Coding.origin, t.Coding.transcript_id, func.count(t.Coding.id))
         .join(t.Coder, t.Coder.id == t.Coding.coder_id)
         .where(t.Coding.removed_at.is_(None))
         .group_by(t.Coder.name, t.Coder.kind, t.Coding.origin, t.Coding.transcript_id))
    return pd.DataFrame(s.execute(q).all(), columns=STAT_COLUMNS)


SPAN_COLUMNS = ["framework_id", "transcript_id", "start", "end"]


def consensus_spans(s: Session, coder: str) -> pd.DataFrame:
    """Where consensus was recorded: the spans of ``coder``'s active codings (consensus, or crosswalked from it) and
    of the consensus decisions not undone that resolved a unit as ``coder`` (also a unit resolved with no code),
    per framework and transcript."""
    q = (select(t.Code.framework_id, t.Coding.transcript_id, t.Coding.start, t.Coding.end)
         .join(t.Code, t.Code.pk == t.Coding.code_pk)
         .join(t.Coder, t.Coder.id == t.Coding.coder_id)
         .where(t.Coding.removed_at.is_(None), t.Coder.name == coder).distinct())
    rows = [tuple(r) for r in s.execute(q).all()]
    d = (select(t.Decision.framework_id, t.Decision.transcript_id, t.Decision.start, t.Decision.end, t.Decision.note)
         .where(t.Decision.kind == "consensus", t.Decision.undone_at.is_(None), t.Decision.start.is_not(None),
                t.Decision.transcript_id.is_not(None)))
    rows += [(f, tid, a, b) for f, tid, a, b, note in s.execute(d).all()
             if (note or {}).get("as", coder) == coder]
    return pd.DataFrame(sorted(set(rows)), columns=SPAN_COLUMNS)


def passage_spans(s: Session, scheme: str, transcript_ids: list[int]) -> pd.DataFrame:
    """The stored passages of a scheme (transcript_id, start, end) in these transcripts."""
    q = (select(t.Passage.transcript_id, t.Passage.start, t.Passage.end)
         .where(t.Passage.scheme == scheme, t.Passage.transcript_id.in_([int(x) for x in transcript_ids]))
         .order_by(t.Passage.transcript_id, t.Passage.start))
    return pd.DataFrame(s.execute(q).all(), columns=["transcript_id", "start", "end"])


def transcript_labels(s: Session, transcript_ids: list[int]) -> dict[int, str]:
    """A transcript's participant id (its name when it has none), for one-line descriptions."""
    q = (select(t.Transcript.id, t.Transcript.participant_id, t.Transcript.name)
         .where(t.Transcript.id.in_([int(x) for x in transcript_ids])))
    return {int(i): str(p or n) for i, p, n in s.execute(q).all()}


def resolved_as(s: Session) -> list[str]:
    """The coder names consensus decisions not undone were recorded as (one per decision; default ``consensus``)."""
    q = select(t.Decision.note).where(t.Decision.kind == "consensus", t.Decision.undone_at.is_(None))
    return [str((note or {}).get("as") or "consensus") for (note,) in s.execute(q).all()]

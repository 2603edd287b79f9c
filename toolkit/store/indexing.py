"""Repository functions of the indexing assistant: passages, the embedding cache, suggestions and decisions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from . import schema as t
from .core import insert_ignore, transcript_text
from .schema import utcnow

# --- passages -----------------------------------------------------------------------------------------------------


def has_passages(s: Session, transcript_id: int, scheme: str) -> bool:
    return s.scalar(select(t.Passage.id).where(t.Passage.transcript_id == transcript_id,
                                               t.Passage.scheme == scheme).limit(1)) is not None


def add_passages(s: Session, rows: Iterable[dict]) -> None:
    """Insert-or-ignore on (transcript, scheme, start, end): two programs cutting the same transcript at once store
    each passage once, and neither fails."""
    rows = list(rows)
    if rows:  # one executemany: thousands of passages per study
        s.execute(insert_ignore(s, t.Passage, ["transcript_id", "scheme", "start", "end"]), rows)
    s.flush()


PASSAGE_COLUMNS = ["id", "transcript_id", "transcript", "participant_id", "segment_id", "context_segment_id",
                   "scheme", "idx", "start", "end", "speaker", "t_start", "text", "context"]


def passages_frame(s: Session, scheme: str, transcript_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Passages of a scheme with their text, the question asked before them (``context``), transcript and participant."""
    q = (select(t.Passage.id, t.Passage.transcript_id, t.Transcript.name.label("transcript"),
                t.Transcript.participant_id, t.Passage.segment_id, t.Passage.context_segment_id, t.Passage.scheme,
                t.Passage.idx, t.Passage.start, t.Passage.end, t.Segment.speaker, t.Segment.t_start)
         .join(t.Transcript, t.Transcript.id == t.Passage.transcript_id)
         .outerjoin(t.Segment, t.Segment.id == t.Passage.segment_id)
         .where(t.Passage.scheme == scheme)
         .order_by(t.Transcript.name, t.Passage.start))
    if transcript_ids is not None:
        q = q.where(t.Passage.transcript_id.in_(list(transcript_ids)))
    df = pd.DataFrame(s.execute(q).mappings().all())
    if df.empty:
        return pd.DataFrame(columns=PASSAGE_COLUMNS)
    texts = {int(tid): transcript_text(s, int(tid)) for tid in df["transcript_id"].unique()}
    ctx: dict[int, str] = {}
    ctx_ids = [int(x) for x in df["context_segment_id"].dropna().unique()]
    for i in range(0, len(ctx_ids), 900):
        for sid, a, b, tid in s.execute(select(t.Segment.id, t.Segment.start, t.Segment.end, t.Segment.transcript_id)
                                        .where(t.Segment.id.in_(ctx_ids[i:i + 900]))):
            ctx[int(sid)] = (texts.get(int(tid)) or transcript_text(s, int(tid)))[a:b]
    df["text"] = [texts[int(tid)][a:b] for tid, a, b in zip(df["transcript_id"], df["start"], df["end"], strict=True)]
    df["context"] = [ctx.get(int(c), "") if pd.notna(c) else "" for c in df["context_segment_id"]]
    return df


# --- embedding cache ----------------------------------------------------------------------------------------------


def cached_vectors(s: Session, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    hashes = list(dict.fromkeys(hashes))
    for i in range(0, len(hashes), 900):
        chunk = hashes[i:i + 900]
        for h, blob in s.execute(select(t.Embedding.text_hash, t.Embedding.vector)
                                 .where(t.Embedding.model == model, t.Embedding.text_hash.in_(chunk))):
            out[h] = np.frombuffer(blob, dtype=np.float32)
    return out


def store_vectors(s: Session, model: str, vectors: dict[str, np.ndarray]) -> None:
    rows = [{"model": model, "text_hash": h, "vector": np.asarray(v, dtype=np.float32).tobytes()}
            for h, v in vectors.items()]
    if rows:
        s.execute(t.Embedding.__table__.insert(), rows)
    s.flush()


# --- suggestions --------------------------------------------------------------------------------------------------


def decided_pairs(s: Session, framework_id: str) -> pd.DataFrame:
    """Accepted and rejected suggestions of a framework: passage, code, status. Each coder's rejection is their own
    decision (the suggestion's shared status may say accepted when another coder coded it): every rejection not
    undone counts as rejected too, with the coder's name in ``coder`` (None for the shared status)."""
    q = (select(t.Suggestion.passage_id, t.Code.id.label("code_id"), t.Suggestion.status)
         .join(t.Code, t.Code.pk == t.Suggestion.code_pk)
         .where(t.Suggestion.framework_id == framework_id, t.Suggestion.status != "open"))
    rows = [dict(r, coder=None) for r in s.execute(q).mappings().all()]
    own = (select(t.Suggestion.passage_id, t.Code.id.label("code_id"), t.Coder.name.label("coder"))
           .join(t.Decision, t.Decision.suggestion_id == t.Suggestion.id)
           .join(t.Code, t.Code.pk == t.Suggestion.code_pk)
           .join(t.Coder, t.Coder.id == t.Decision.coder_id)
           .where(t.Suggestion.framework_id == framework_id, t.Decision.kind == "reject",
                  t.Decision.undone_at.is_(None)))
    rows += [dict(r, status="rejected") for r in s.execute(own).mappings().all()]
    return pd.DataFrame(rows, columns=["passage_id", "code_id", "status", "coder"])


def replace_open_suggestions(s: Session, framework_id: str, passage_ids: Sequence[int], rows: list[dict], *,
                             refresh_decided: bool = False) -> None:
    """Drop the open suggestions of these passages and store new ones; decided (accepted/rejected) rows stay, and so
    do rows a coder decided for themselves (an accept or reject not undone: the row is what their decision names).
    A new row for such a team-decided suggestion, and with ``refresh_decided`` (blind double coding) for any decided
    one, updates its score, rank, threshold flag, model and reason (its status and decisions stay), so no coder sees
    another's stale scores."""
    ids = [int(x) for x in passage_ids]
    now = utcnow()
    team = select(t.Decision.suggestion_id).where(t.Decision.kind.in_(("accept", "reject")),
                                                  t.Decision.undone_at.is_(None),
                                                  t.Decision.suggestion_id.is_not(None))
    for i in range(0, len(ids), 900):
        s.execute(delete(t.Suggestion).where(t.Suggestion.framework_id == framework_id, t.Suggestion.status == "open",
                                             t.Suggestion.passage_id.in_(ids[i:i + 900]), t.Suggestion.id.not_in(team)))
    decided = {(int(p), int(c)): int(i) for i, p, c in s.execute(
        select(t.Suggestion.id, t.Suggestion.passage_id, t.Suggestion.code_pk).where(
            t.Suggestion.framework_id == framework_id, t.Suggestion.status != "open")).all()}
    kept = {(int(p), int(c)): int(i) for i, p, c in s.execute(
        select(t.Suggestion.id, t.Suggestion.passage_id, t.Suggestion.code_pk).where(
            t.Suggestion.framework_id == framework_id, t.Suggestion.status == "open", t.Suggestion.id.in_(team))).all()}
    new = [dict(r, framework_id=framework_id, status="open", created_at=now) for r in rows
           if (key := (int(r["passage_id"]), int(r["code_pk"]))) not in decided and key not in kept]
    if new:  # one executemany (tens of thousands of suggestions in a study)
        s.execute(t.Suggestion.__table__.insert(), new)
    refresh = {**decided, **kept} if refresh_decided else kept
    if refresh:
        fresh = [{"id": refresh[key], **{k: r[k] for k in ("score", "rank", "suggested", "model", "reason")}}
                 for r in rows if (key := (int(r["passage_id"]), int(r["code_pk"]))) in refresh]
        if fresh:  # an ORM bulk update by primary key
            s.execute(update(t.Suggestion), fresh)
    listed, here = {(int(r["passage_id"]), int(r["code_pk"])) for r in rows}, set(ids)
    for key, sid in kept.items():  # a team-decided row this run did not rank: kept for its decision, listed to nobody
        if key[0] in here and key not in listed:
            row = s.get(t.Suggestion, sid)
            row.reason = {**(row.reason or {}), "listed": False}
    s.flush()


SUGGESTION_COLUMNS = ["id", "passage_id", "code_pk", "code_id", "code_label", "score", "rank", "suggested", "model",
                      "reason", "status", "decided_by", "decided_at"]


def suggestions_frame(s: Session, framework_id: str, *, passage_ids: Sequence[int] | None = None,
                      status: str | None = None, code_id: str | None = None) -> pd.DataFrame:
    q = (select(t.Suggestion.id, t.Suggestion.passage_id, t.Suggestion.code_pk, t.Code.id.label("code_id"),
                t.Code.label.label("code_label"), t.Suggestion.score, t.Suggestion.rank, t.Suggestion.suggested,
                t.Suggestion.model, t.Suggestion.reason, t.Suggestion.status, t.Coder.name.label("decided_by"),
                t.Suggestion.decided_at)
         .join(t.Code, t.Code.pk == t.Suggestion.code_pk)
         .outerjoin(t.Coder, t.Coder.id == t.Suggestion.decided_by)
         .where(t.Suggestion.framework_id == framework_id)
         .order_by(t.Suggestion.passage_id, t.Suggestion.rank))
    if passage_ids is not None:
        q = q.where(t.Suggestion.passage_id.in_([int(x) for x in passage_ids]))
    if status is not None:
        q = q.where(t.Suggestion.status == status)
    if code_id is not None:
        q = q.where(t.Code.id == code_id)
    return pd.DataFrame(s.execute(q).mappings().all(), columns=SUGGESTION_COLUMNS)


def passage_ids_of(s: Session, transcript_ids: Iterable[int]) -> list[int]:
    """Ids of every passage (any scheme) of these transcripts."""
    tids = [int(x) for x in transcript_ids]
    return [int(x) for x in s.scalars(select(t.Passage.id).where(t.Passage.transcript_id.in_(tids)))] if tids else []


def suggestion(s: Session, suggestion_id: int) -> t.Suggestion:
    row = s.get(t.Suggestion, int(suggestion_id))
    if row is None:
        raise NotFoundError(f"no suggestion with id {suggestion_id}")
    return row


def passage(s: Session, passage_id: int) -> t.Passage:
    row = s.get(t.Passage, int(passage_id))
    if row is None:
        raise NotFoundError(f"no passage with id {passage_id}")
    return row


"""Repository functions of indexing decisions (accept, reject, add, remove, no-code, bulk, consensus), their undo,
and the derived status of suggestions."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session, aliased

from ..errors import NotFoundError
from . import schema as t
from .schema import utcnow

DECISION_COLUMNS = ["id", "framework_id", "transcript_id", "start", "end", "passage_id", "code_pk", "code_id",
                    "code_label", "suggestion_id", "kind", "coder", "at", "coding_ids", "batch", "note", "undone_at",
                    "undone_by"]
# a coding labels a passage (for the derived status) when it covers at least half of it
MIN_COVER = 0.5
HUMAN_ORIGINS = ("manual", "suggestion", "consensus")


def add_decision(s: Session, *, framework_id: str, kind: str, coder_id: int, transcript_id: int | None = None,
                 start: int | None = None, end: int | None = None, passage_id: int | None = None,
                 code_pk: int | None = None, suggestion_id: int | None = None,
                 coding_ids: Sequence[int] = (), batch: str | None = None, note: dict | None = None) -> int:
    row = t.Decision(framework_id=framework_id, kind=kind, coder_id=coder_id, transcript_id=transcript_id,
                     start=start, end=end, passage_id=passage_id, code_pk=code_pk, suggestion_id=suggestion_id,
                     coding_ids=[int(c) for c in coding_ids], batch=batch, note=note)
    s.add(row)
    s.flush()
    return row.id


def decision(s: Session, decision_id: int) -> t.Decision:
    row = s.get(t.Decision, int(decision_id))
    if row is None:
        raise NotFoundError(f"no decision with id {decision_id}")
    return row


def mark_undone(s: Session, decision_id: int, coder_id: int) -> None:
    s.execute(update(t.Decision).where(t.Decision.id == int(decision_id)).values(undone_at=utcnow(),
                                                                                 undone_by=coder_id))


def last_decision(s: Session, framework_id: str, coder_id: int) -> t.Decision | None:
    """The coder's newest decision in this framework that is not undone."""
    return s.scalar(select(t.Decision).where(t.Decision.framework_id == framework_id,
                                             t.Decision.coder_id == coder_id, t.Decision.undone_at.is_(None))
                    .order_by(t.Decision.id.desc()).limit(1))


def decision_by_batch(s: Session, batch: str) -> t.Decision | None:
    return s.scalar(select(t.Decision).where(t.Decision.batch == batch, t.Decision.undone_at.is_(None))
                    .order_by(t.Decision.id.desc()).limit(1))


def decisions_frame(s: Session, framework_id: str, *, transcript_ids: Sequence[int] | None = None,
                    coders: Sequence[str] | None = None, kinds: Sequence[str] | None = None,
                    active_only: bool = False) -> pd.DataFrame:
    """Decisions of a framework, newest last: with the code and the coder's name."""
    undoer = aliased(t.Coder)
    q = (select(t.Decision.id, t.Decision.framework_id, t.Decision.transcript_id, t.Decision.start, t.Decision.end,
                t.Decision.passage_id, t.Decision.code_pk, t.Code.id.label("code_id"),
                t.Code.label.label("code_label"), t.Decision.suggestion_id, t.Decision.kind,
                t.Coder.name.label("coder"), t.Decision.at, t.Decision.coding_ids, t.Decision.batch, t.Decision.note,
                t.Decision.undone_at, undoer.name.label("undone_by"))
         .join(t.Coder, t.Coder.id == t.Decision.coder_id)
         .outerjoin(undoer, undoer.id == t.Decision.undone_by)
         .outerjoin(t.Code, t.Code.pk == t.Decision.code_pk)
         .where(t.Decision.framework_id == framework_id)
         .order_by(t.Decision.id))
    if transcript_ids is not None:
        q = q.where(t.Decision.transcript_id.in_([int(x) for x in transcript_ids]))
    if coders is not None:
        q = q.where(t.Coder.name.in_(list(coders)))
    if kinds is not None:
        q = q.where(t.Decision.kind.in_(list(kinds)))
    if active_only:
        q = q.where(t.Decision.undone_at.is_(None))
    return pd.DataFrame(s.execute(q).mappings().all(), columns=DECISION_COLUMNS)


def nocode_passages(s: Session, framework_id: str) -> list[int]:
    """Passages some coder marked 'no code here' (not undone) and nobody coded since: the learner reads them as
    having none of the framework's codes."""
    return [int(x) for x in s.scalars(select(t.Decision.passage_id).where(
        t.Decision.framework_id == framework_id, t.Decision.kind == "nocode", t.Decision.undone_at.is_(None),
        t.Decision.passage_id.is_not(None)).distinct())]


def _covers(c_start: int, c_end: int, p_start: int, p_end: int) -> bool:
    return min(c_end, p_end) - max(c_start, p_start) >= MIN_COVER * max(p_end - p_start, 1)


def sync_suggestions(s: Session, framework_id: str, passage_ids: Sequence[int]) -> None:
    """Recompute the stored status of the suggestions of these passages from what is true now: ``accepted`` when an
    active coding of the code (by a person, or accepted) covers the passage, else ``rejected`` when a rejection of it
    is not undone, else ``open``. The stored status is a cache of this rule (used by the learner, the review queue and
    bulk accept); the pages derive each coder's own view the same way."""
    ids = sorted({int(x) for x in passage_ids if x is not None})
    if not ids:
        return
    sug = s.execute(select(t.Suggestion.id, t.Suggestion.passage_id, t.Suggestion.code_pk, t.Suggestion.status,
                           t.Suggestion.decided_by, t.Suggestion.decided_at,
                           t.Passage.transcript_id, t.Passage.start, t.Passage.end)
                    .join(t.Passage, t.Passage.id == t.Suggestion.passage_id)
                    .where(t.Suggestion.framework_id == framework_id, t.Suggestion.passage_id.in_(ids))).all()
    if not sug:
        return
    tids = {r.transcript_id for r in sug}
    codings = s.execute(select(t.Coding.transcript_id, t.Coding.start, t.Coding.end, t.Coding.code_pk,
                               t.Coding.coder_id, t.Coding.created_at)
                        .where(t.Coding.transcript_id.in_(tids), t.Coding.removed_at.is_(None),
                               t.Coding.origin.in_(HUMAN_ORIGINS))).all()
    rejects = s.execute(select(t.Decision.passage_id, t.Decision.code_pk, t.Decision.coder_id, t.Decision.at)
                        .where(t.Decision.framework_id == framework_id, t.Decision.kind == "reject",
                               t.Decision.undone_at.is_(None), t.Decision.passage_id.in_(ids))
                        .order_by(t.Decision.id)).all()
    rejected = {(r.passage_id, r.code_pk): (r.coder_id, r.at) for r in rejects}
    by_t: dict[int, list] = {}
    for c in codings:
        by_t.setdefault(c.transcript_id, []).append(c)
    changed = []
    for r in sug:
        hit = [c for c in by_t.get(r.transcript_id, ()) if c.code_pk == r.code_pk
               and _covers(c.start, c.end, r.start, r.end)]
        if hit:
            who, when, status = hit[-1].coder_id, hit[-1].created_at, "accepted"
        elif (r.passage_id, r.code_pk) in rejected:
            (who, when), status = rejected[(r.passage_id, r.code_pk)], "rejected"
        else:
            who, when, status = None, None, "open"
        if (status, who, when) != (r.status, r.decided_by, r.decided_at):
            changed.append({"id": r.id, "status": status, "decided_by": who, "decided_at": when})
    if changed:  # one executemany (an UPDATE per row took 8 s for 20,000 rows)
        s.execute(update(t.Suggestion), changed)


def passages_of_span(s: Session, transcript_id: int, start: int, end: int) -> list[int]:
    """Ids of the passages (any scheme) a span overlaps."""
    return [int(x) for x in s.scalars(select(t.Passage.id).where(t.Passage.transcript_id == transcript_id,
                                                                 t.Passage.start < end, t.Passage.end > start))]


def coded_by(s: Session, coder_id: int, transcript_id: int, code_pk: int, start: int, end: int) -> bool:
    """Whether this coder has an active coding of this code covering the span (at least half of it)."""
    rows = s.execute(select(t.Coding.start, t.Coding.end).where(
        t.Coding.transcript_id == transcript_id, t.Coding.code_pk == code_pk, t.Coding.coder_id == coder_id,
        t.Coding.removed_at.is_(None))).all()
    return any(_covers(a, b, start, end) for a, b in rows)


def rejected_by(s: Session, coder_id: int, suggestion_id: int) -> bool:
    """Whether this coder's rejection of this suggestion stands (not undone)."""
    return s.scalar(select(t.Decision.id).where(
        t.Decision.suggestion_id == int(suggestion_id), t.Decision.coder_id == coder_id, t.Decision.kind == "reject",
        t.Decision.undone_at.is_(None)).limit(1)) is not None


def open_for_coder(s: Session, framework_id: str, coder_id: int, suggestion_ids: Sequence[int]) -> list[int]:
    """Of these suggestions, those still open for this coder: no active coding of theirs covers the passage with the
    code, and no rejection of theirs stands. Each coder's own state, whatever the others decided (blind coding)."""
    ids = sorted({int(x) for x in suggestion_ids})
    if not ids:
        return []
    rows: list[Row] = []
    for i in range(0, len(ids), 900):
        rows += s.execute(select(t.Suggestion.id, t.Suggestion.code_pk, t.Passage.transcript_id, t.Passage.start,
                                 t.Passage.end).join(t.Passage, t.Passage.id == t.Suggestion.passage_id)
                          .where(t.Suggestion.id.in_(ids[i:i + 900]))).all()
    tids = {r.transcript_id for r in rows}
    mine: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for tid, pk, a, b in s.execute(select(t.Coding.transcript_id, t.Coding.code_pk, t.Coding.start, t.Coding.end)
                                   .where(t.Coding.coder_id == coder_id, t.Coding.removed_at.is_(None),
                                          t.Coding.transcript_id.in_(tids))):
        mine.setdefault((tid, pk), []).append((a, b))
    rejected = set(s.scalars(select(t.Decision.suggestion_id).where(
        t.Decision.framework_id == framework_id, t.Decision.coder_id == coder_id, t.Decision.kind == "reject",
        t.Decision.undone_at.is_(None), t.Decision.suggestion_id.is_not(None))))
    return [int(r.id) for r in rows if r.id not in rejected
            and not any(_covers(a, b, r.start, r.end) for a, b in mine.get((r.transcript_id, r.code_pk), ()))]


def creator_undone(s: Session, transcript_id: int, coding_id: int) -> bool:
    """Whether the decision that created this coding (accept, add, bulk, consensus) has been undone: a later undo of
    its removal must then not bring it back."""
    rows = list(s.execute(select(t.Decision.coding_ids, t.Decision.undone_at).where(
        t.Decision.transcript_id == transcript_id, t.Decision.kind != "remove")).all())
    rows += s.execute(select(t.Decision.coding_ids, t.Decision.undone_at).where(
        t.Decision.kind == "bulk", t.Decision.transcript_id.is_(None))).all()
    return any(u is not None and int(coding_id) in [int(x) for x in (ids or [])] for ids, u in rows)


def codes_on_span(s: Session, coder_id: int, transcript_id: int, start: int, end: int) -> set[int]:
    """Code pks this coder has on exactly this span (active codings)."""
    return {int(x) for x in s.scalars(select(t.Coding.code_pk).where(
        t.Coding.transcript_id == transcript_id, t.Coding.start == start, t.Coding.end == end,
        t.Coding.coder_id == coder_id, t.Coding.removed_at.is_(None)))}


def resolved_units(s: Session, framework_id: str, coders: Sequence[str]) -> set[tuple[int, int, int]]:
    """(transcript id, start, end) of the units resolved in consensus for this pair of coders (not undone)."""
    pair = sorted(coders)
    rows = s.execute(select(t.Decision.transcript_id, t.Decision.start, t.Decision.end, t.Decision.note).where(
        t.Decision.framework_id == framework_id, t.Decision.kind == "consensus", t.Decision.undone_at.is_(None),
        t.Decision.start.is_not(None))).all()
    return {(int(r.transcript_id), int(r.start), int(r.end)) for r in rows
            if sorted((r.note or {}).get("coders", [])) == pair}


def coding_or_none(s: Session, coding_id: int) -> t.Coding | None:
    return s.get(t.Coding, int(coding_id))


def coding_row(s: Session, coding_id: int) -> t.Coding:
    row = s.get(t.Coding, int(coding_id))
    if row is None:
        raise NotFoundError(f"no coding with id {coding_id}")
    return row


def framework_of_code(s: Session, code_pk: int) -> str:
    return s.scalar(select(t.Code.framework_id).where(t.Code.pk == int(code_pk)))


def recent_codes(s: Session, framework_id: str, coder: str, n: int = 8) -> list[str]:
    """The codes this coder used most recently in this framework (newest first)."""
    q = (select(t.Code.id, t.Coding.id.label("cid"))
         .join(t.Coding, t.Coding.code_pk == t.Code.pk).join(t.Coder, t.Coder.id == t.Coding.coder_id)
         .where(t.Code.framework_id == framework_id, t.Coder.name == coder)
         .order_by(t.Coding.id.desc()).limit(200))
    out: list[str] = []
    for code, _ in s.execute(q):
        if code not in out:
            out.append(code)
        if len(out) >= n:
            break
    return out

"""Repository functions for the core entities: settings, coders, participants, transcripts, segments (frameworks: ``frameworks``, re-exported),
codings, memos and the event log. Every function takes an open ``Session`` from ``Project.transaction()`` or
``Project.read()``; none commits on its own.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence

import pandas as pd
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import models
from ..errors import NotFoundError
from . import links
from . import schema as t
from .frameworks import (  # noqa: F401 (the frameworks repository, importable from core as always)
    add_framework,
    code_pks,
    framework_ids,
    frameworks_summary,
    get_framework,
    has_framework,
    update_code,
)
from .schema import utcnow

# --- settings -----------------------------------------------------------------------------------------------------


def set_setting(s: Session, key: str, value: str | None) -> None:
    s.merge(t.ProjectInfo(key=key, value=value))


def get_setting(s: Session, key: str, default: str | None = None) -> str | None:
    row = s.get(t.ProjectInfo, key)
    return row.value if row is not None and row.value is not None else default


# --- races between writers ----------------------------------------------------------------------------------------


def insert_ignore(s: Session, table, keys: Sequence[str]):
    """An INSERT that skips rows clashing on the unique ``keys`` (SQLite and PostgreSQL): two programs adding the same
    row at once store it once, and neither fails."""
    dialect = s.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):  # pragma: no cover - other back ends: a plain insert
        return table.__table__.insert()
    insert = importlib.import_module(f"sqlalchemy.dialects.{dialect}").insert
    return insert(table).on_conflict_do_nothing(index_elements=list(keys))


def lock(s: Session, *key) -> None:
    """Serialise the check-then-write of one thing (e.g. one coder's accept of one suggestion) across programs until
    the end of the transaction: a PostgreSQL advisory lock on ``key``; SQLite's write transaction holds the whole file
    already (``BEGIN IMMEDIATE``). Under READ COMMITTED the statements after the lock see what the previous holder
    committed."""
    if s.get_bind().dialect.name != "postgresql":
        return
    import hashlib

    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
    s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": int.from_bytes(digest, "big", signed=True)})


def transcript_languages(s: Session) -> dict[str | None, int]:
    """Characters of transcript text per detected language (``en``, ``no``...; None where none was detected)."""
    rows = s.execute(select(t.Transcript.language, func.sum(func.length(t.Transcript.text)))
                     .group_by(t.Transcript.language)).all()
    return {lang: int(n or 0) for lang, n in rows}


# --- coders -------------------------------------------------------------------------------------------------------


def coder_id(s: Session, name: str, kind: str = "human") -> int:
    """The id of coder ``name``, created on first use; safe when two programs create the same coder at once
    (insert-or-ignore on the unique name, then select)."""
    found = s.scalar(select(t.Coder.id).where(t.Coder.name == name))
    if found is not None:
        return found
    dialect = s.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = importlib.import_module(f"sqlalchemy.dialects.{dialect}").insert
        s.execute(insert(t.Coder).values(name=name, kind=kind, created_at=utcnow())
                  .on_conflict_do_nothing(index_elements=["name"]))
    else:  # pragma: no cover - other back ends: a savepoint, retried as a select on a clash
        try:
            with s.begin_nested():
                s.add(t.Coder(name=name, kind=kind))
        except IntegrityError:
            pass
    return s.scalar(select(t.Coder.id).where(t.Coder.name == name))


def coder_id_or_none(s: Session, name: str) -> int | None:
    """The id of coder ``name`` if it exists (never creates one)."""
    return s.scalar(select(t.Coder.id).where(t.Coder.name == name))


def list_coders(s: Session) -> list[dict]:
    return [{"id": c.id, "name": c.name, "kind": c.kind} for c in s.scalars(select(t.Coder).order_by(t.Coder.name))]


# --- participants -------------------------------------------------------------------------------------------------


def upsert_participant(s: Session, pid: str, attributes: dict | None = None, pseudonym: str | None = None) -> None:
    row = s.get(t.Participant, pid)
    if row is None:
        s.add(t.Participant(id=pid, pseudonym=pseudonym, attributes=dict(attributes or {})))
    else:
        merged = dict(row.attributes or {})
        merged.update(attributes or {})
        row.attributes = merged
        if pseudonym:
            row.pseudonym = pseudonym
    s.flush()


def set_participant_attributes(s: Session, pid: str, values: dict[str, str]) -> None:
    """Set attributes of an existing participant: an empty value removes the attribute. ``NotFoundError`` if none."""
    row = s.get(t.Participant, pid)
    if row is None:
        raise NotFoundError(f"no participant {pid!r} in this project")
    merged = dict(row.attributes or {})
    for k, v in values.items():
        if v == "":
            merged.pop(k, None)
        else:
            merged[k] = v
    row.attributes = merged
    s.flush()


def participants(s: Session) -> list[dict]:
    rows = s.scalars(select(t.Participant).order_by(t.Participant.id))
    return [{"id": p.id, "pseudonym": p.pseudonym, **(p.attributes or {})} for p in rows]


def participants_frame(s: Session) -> pd.DataFrame:
    """One row per participant: ``id``, ``pseudonym`` and one column per attribute."""
    rows = participants(s)
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=["id", "pseudonym"])


def attribute_names(s: Session) -> list[str]:
    names: dict[str, None] = {}
    for p in s.scalars(select(t.Participant)):
        for k in p.attributes or {}:
            names.setdefault(k, None)
    return list(names)


# --- transcripts and segments -------------------------------------------------------------------------------------


def add_transcript(s: Session, *, name: str, parsed: models.ParsedTranscript, source_name: str, sha256: str,
                   participant_id: str | None = None, meta: dict | None = None) -> int:
    row = t.Transcript(name=name, participant_id=participant_id, source_name=source_name, sha256=sha256,
                       format=parsed.format, encoding=parsed.encoding, language=parsed.language, text=parsed.text,
                       meta=dict(meta or {}, warnings=list(parsed.warnings)))
    row.segments = [
        t.Segment(idx=i, start=tu.start, end=tu.end, speaker=tu.speaker, role=tu.role, t_start=tu.t_start,
                  t_end=tu.t_end)
        for i, tu in enumerate(parsed.turns)
    ]
    s.add(row)
    s.flush()
    return row.id


def transcript_by_name(s: Session, name: str) -> t.Transcript | None:
    return s.scalar(select(t.Transcript).where(t.Transcript.name == name))


def transcript_by_sha(s: Session, sha256: str) -> t.Transcript | None:
    return s.scalar(select(t.Transcript).where(t.Transcript.sha256 == sha256))


def transcripts(s: Session) -> list[dict]:
    """All transcripts (without their text), with the number of segments."""
    counts = dict(s.execute(select(t.Segment.transcript_id, func.count()).group_by(t.Segment.transcript_id)).all())
    out = []
    for r in s.scalars(select(t.Transcript).order_by(t.Transcript.name)):
        out.append({"id": r.id, "name": r.name, "participant_id": r.participant_id, "source_name": r.source_name,
                    "sha256": r.sha256, "format": r.format, "encoding": r.encoding, "language": r.language,
                    "imported_at": r.imported_at, "segments": counts.get(r.id, 0),
                    "warnings": (r.meta or {}).get("warnings", [])})
    return out


def transcript_text(s: Session, transcript_id: int) -> str:
    row = s.get(t.Transcript, int(transcript_id))
    if row is None:
        raise NotFoundError(f"no transcript with id {transcript_id}")
    return row.text


def transcript_texts(s: Session) -> dict[int, str]:
    return dict(s.execute(select(t.Transcript.id, t.Transcript.text)).all())


def resolve_transcript(s: Session, ref: str | int) -> t.Transcript:
    """A transcript by id, name, or file stem."""
    row = None
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        row = s.get(t.Transcript, int(ref))
    if row is None:
        row = transcript_by_name(s, str(ref))
    if row is None:
        cands = [r for r in s.scalars(select(t.Transcript)) if r.name.rsplit(".", 1)[0] == str(ref)]
        row = cands[0] if len(cands) == 1 else None
    if row is None:
        raise NotFoundError(f"no transcript named {ref!r}")
    return row


def set_transcript_participant(s: Session, transcript_id: int, participant_id: str | None) -> None:
    s.get(t.Transcript, transcript_id).participant_id = participant_id


def segments_frame(s: Session, transcript_id: int | None = None) -> pd.DataFrame:
    """Segments with their transcript name, participant and text."""
    q = (select(t.Segment.id, t.Segment.transcript_id, t.Transcript.name.label("transcript"),
                t.Transcript.participant_id, t.Segment.idx, t.Segment.start, t.Segment.end, t.Segment.speaker,
                t.Segment.role, t.Segment.t_start, t.Segment.t_end)
         .join(t.Transcript, t.Transcript.id == t.Segment.transcript_id)
         .order_by(t.Transcript.name, t.Segment.idx))
    if transcript_id is not None:
        q = q.where(t.Segment.transcript_id == transcript_id)
    df = pd.DataFrame(s.execute(q).mappings().all())
    if df.empty:
        return pd.DataFrame(columns=["id", "transcript_id", "transcript", "participant_id", "idx", "start", "end",
                                     "speaker", "role", "t_start", "t_end", "text"])
    texts = {tid: transcript_text(s, tid) for tid in df["transcript_id"].unique()}
    df["text"] = [texts[tid][a:b] for tid, a, b in zip(df["transcript_id"], df["start"], df["end"], strict=True)]
    return df


def count(s: Session, table: str) -> int:
    model = {"participant": t.Participant, "transcript": t.Transcript, "segment": t.Segment,
             "framework": t.Framework, "coding": t.Coding, "memo": t.Memo, "event": t.Event,
             "decision": t.Decision}[table]
    q = select(func.count()).select_from(model)
    if model is t.Coding:
        q = q.where(t.Coding.removed_at.is_(None))
    return s.scalar(q)


# --- codings ------------------------------------------------------------------------------------------------------


def add_coding(s: Session, *, transcript_id: int, start: int, end: int, code_pk: int, coder: int, origin: str,
               score: float | None = None, model: str | None = None, segment_id: int | None = None,
               batch: str | None = None, sources: Sequence[int] | None = None) -> int:
    if segment_id is None:
        segment_id = s.scalar(select(t.Segment.id).where(t.Segment.transcript_id == transcript_id,
                                                        t.Segment.start <= start, t.Segment.end >= end))
    row = t.Coding(transcript_id=transcript_id, start=start, end=end, code_pk=code_pk, coder_id=coder, origin=origin,
                   score=score, model=model, segment_id=segment_id, batch=batch)
    s.add(row)
    s.flush()
    if sources:
        # the callers pass ids they read from the store; the foreign key refuses any other
        links.set_links(s, links.CODING_SOURCES, row.id, sources, check=False, new=True)
    return row.id


def coding_keys(s: Session, coder: int) -> set[tuple[int, int, int, int]]:
    """(transcript, start, end, code pk) of the coder's active codings: to recognise a re-imported row."""
    q = select(t.Coding.transcript_id, t.Coding.start, t.Coding.end, t.Coding.code_pk).where(
        t.Coding.coder_id == coder, t.Coding.removed_at.is_(None))
    return {tuple(r) for r in s.execute(q).all()}


def remove_coding(s: Session, coding_id: int, coder: int) -> None:
    row = s.get(t.Coding, coding_id)
    if row is None or row.removed_at is not None:
        raise NotFoundError(f"no active coding with id {coding_id}")
    row.removed_at = utcnow()
    row.removed_by = coder


def restore_coding(s: Session, coding_id: int) -> None:
    row = s.get(t.Coding, coding_id)
    row.removed_at = None
    row.removed_by = None


def set_counter_evidence(s: Session, coding_id: int, counter: bool) -> None:
    row = s.get(t.Coding, coding_id)
    if row is None:
        raise NotFoundError(f"no coding with id {coding_id}")
    row.counter = counter


CODING_COLUMNS = ["id", "transcript_id", "transcript", "participant_id", "start", "end", "segment_id", "framework_id",
                  "category_id", "code_id", "code_pk", "code_label", "coder", "origin", "score", "model",
                  "created_at", "batch", "sources", "counter", "text"]


def codings_frame(s: Session, *, framework_id: str | None = None, coders: Iterable[str] | None = None,
                  transcript_ids: Iterable[int] | None = None, include_removed: bool = False,
                  with_text: bool = True) -> pd.DataFrame:
    """Active codings with everything needed to trace them: transcript, participant, place, code, coder, origin."""
    q = (select(t.Coding.id, t.Coding.transcript_id, t.Transcript.name.label("transcript"), t.Transcript.participant_id,
                t.Coding.start, t.Coding.end, t.Coding.segment_id, t.Code.framework_id, t.Category.id.label("category_id"),
                t.Code.id.label("code_id"), t.Code.pk.label("code_pk"), t.Code.label.label("code_label"),
                t.Coder.name.label("coder"), t.Coding.origin, t.Coding.score, t.Coding.model, t.Coding.created_at,
                t.Coding.batch, t.Coding.counter, t.Coding.removed_at)
         .join(t.Transcript, t.Transcript.id == t.Coding.transcript_id)
         .join(t.Code, t.Code.pk == t.Coding.code_pk)
         .join(t.Category, t.Category.pk == t.Code.category_pk)
         .join(t.Coder, t.Coder.id == t.Coding.coder_id)
         .order_by(t.Transcript.name, t.Coding.start, t.Coding.end, t.Code.position))
    if framework_id is not None:
        q = q.where(t.Code.framework_id == framework_id)
    if coders is not None:
        q = q.where(t.Coder.name.in_(list(coders)))
    if transcript_ids is not None:
        q = q.where(t.Coding.transcript_id.in_(list(transcript_ids)))
    if not include_removed:
        q = q.where(t.Coding.removed_at.is_(None))
    df = pd.DataFrame(s.execute(q).mappings().all())
    if df.empty:
        return pd.DataFrame(columns=CODING_COLUMNS + (["removed_at"] if include_removed else []))
    if not include_removed:
        df = df.drop(columns=["removed_at"])
    sources = links.links_of(s, links.CODING_SOURCES, q.with_only_columns(t.Coding.id).order_by(None))
    df.insert(df.columns.get_loc("batch") + 1, "sources", [sources.get(int(i)) for i in df["id"]])
    if with_text:
        texts = {tid: transcript_text(s, tid) for tid in df["transcript_id"].unique()}
        df["text"] = [texts[tid][a:b] for tid, a, b in zip(df["transcript_id"], df["start"], df["end"], strict=True)]
    return df


# --- memos --------------------------------------------------------------------------------------------------------


def add_memo(s: Session, *, text: str, author: int | None = None, title: str | None = None,
             transcript_id: int | None = None, start: int | None = None, end: int | None = None,
             participant_id: str | None = None, code_pk: int | None = None) -> int:
    row = t.Memo(text=text, title=title, author_id=author, transcript_id=transcript_id, start=start, end=end,
                 participant_id=participant_id, code_pk=code_pk)
    s.add(row)
    s.flush()
    return row.id


def update_memo(s: Session, memo_id: int, text: str) -> None:
    row = s.get(t.Memo, memo_id)
    if row is None:
        raise NotFoundError(f"no memo with id {memo_id}")
    row.text = text
    row.updated_at = utcnow()


# --- events -------------------------------------------------------------------------------------------------------


def latest_event_id(s: Session, skip: Iterable[str] = ()) -> int:
    """The newest event id: changes with every action, so it keys cached reads of the project. ``skip``: the newest
    event of any other action (e.g. ``events.CODING_DECISIONS``: a key that coding clicks leave valid)."""
    if not skip:
        return int(s.scalar(select(func.max(t.Event.id))) or 0)
    q = select(t.Event.id).where(t.Event.action.not_in(sorted(str(a) for a in skip))).order_by(t.Event.id.desc())
    return int(s.scalar(q.limit(1)) or 0)


def events_frame(s: Session, limit: int = 200) -> pd.DataFrame:
    q = select(t.Event.id, t.Event.at, t.Event.actor, t.Event.action, t.Event.payload).order_by(t.Event.id.desc())
    return pd.DataFrame(s.execute(q.limit(limit)).mappings().all())

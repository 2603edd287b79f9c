"""Repository functions for charting: chart-cell summaries, segment places, and the codings a crosswalk writes.

Every function takes an open ``Session`` from ``Project.transaction()`` or ``Project.read()``; none commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from . import links
from . import schema as t
from .schema import utcnow

SUMMARY_COLUMNS = ["id", "framework_id", "participant_id", "code_pk", "code_id", "category_id", "text", "status",
                   "origin", "quotes", "author", "author_id", "updated_at", "sources"]


# --- summaries ----------------------------------------------------------------------------------------------------


def summaries_frame(s: Session, framework_id: str, *, participant_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Every stored summary of a framework, with its code id, category id and author name."""
    q = (select(t.Summary.id, t.Summary.framework_id, t.Summary.participant_id, t.Summary.code_pk,
                t.Code.id.label("code_id"), t.Category.id.label("category_id"), t.Summary.text, t.Summary.status,
                t.Summary.origin, t.Coder.name.label("author"), t.Summary.author_id,
                t.Summary.updated_at, t.Summary.sources)
         .join(t.Code, t.Code.pk == t.Summary.code_pk)
         .join(t.Category, t.Category.pk == t.Code.category_pk)
         .outerjoin(t.Coder, t.Coder.id == t.Summary.author_id)
         .where(t.Summary.framework_id == framework_id)
         .order_by(t.Summary.participant_id, t.Category.position, t.Code.position))
    if participant_ids is not None:
        q = q.where(t.Summary.participant_id.in_(list(participant_ids)))
    cols = [c for c in SUMMARY_COLUMNS if c != "quotes"]
    df = pd.DataFrame(s.execute(q).all(), columns=cols)
    quotes = links.links_of(s, links.SUMMARY_QUOTES, q.with_only_columns(t.Summary.id).order_by(None))
    df.insert(cols.index("origin") + 1, "quotes", [quotes.get(int(i), []) for i in df["id"]])
    return df


def get_summary(s: Session, framework_id: str, participant_id: str, code_pk: int) -> dict | None:
    row = s.scalar(select(t.Summary).where(t.Summary.framework_id == framework_id,
                                           t.Summary.participant_id == participant_id,
                                           t.Summary.code_pk == code_pk))
    if row is None:
        return None
    return {"id": row.id, "text": row.text, "status": row.status, "origin": row.origin,
            "quotes": links.links_one(s, links.SUMMARY_QUOTES, row.id), "author_id": row.author_id,
            "updated_at": row.updated_at,
            "sources": list(row.sources) if row.sources is not None else None}


def put_summary(s: Session, *, framework_id: str, participant_id: str, code_pk: int, text: str, status: str,
                origin: str, quotes: Sequence[int], author_id: int | None,
                sources: Sequence[int] | None = None, updated_at: datetime | None = None) -> int:
    """Insert or replace the summary of one chart cell; returns its id. ``updated_at`` keeps an imported summary's
    own time (default: now)."""
    row = s.scalar(select(t.Summary).where(t.Summary.framework_id == framework_id,
                                           t.Summary.participant_id == participant_id,
                                           t.Summary.code_pk == code_pk))
    new = row is None
    if new:
        row = t.Summary(framework_id=framework_id, participant_id=participant_id, code_pk=code_pk)
        s.add(row)
    row.text = text
    row.status = status
    row.origin = origin
    row.author_id = author_id
    row.sources = [int(x) for x in sources] if sources is not None else None
    row.updated_at = updated_at or utcnow()
    s.flush()
    # charting checks a user's quotes against the cell; the foreign key refuses an id that names no coding
    links.set_links(s, links.SUMMARY_QUOTES, row.id, quotes, check=False, new=new)
    return row.id


def delete_summary(s: Session, summary_id: int) -> None:
    row = s.get(t.Summary, summary_id)
    if row is not None:
        s.delete(row)
        s.flush()


def cell_coding_ids(s: Session, participant_id: str, code_pk: int) -> set[int]:
    """Ids of the active codings of one chart cell (a participant's transcripts, one code)."""
    q = (select(t.Coding.id).join(t.Transcript, t.Transcript.id == t.Coding.transcript_id)
         .where(t.Transcript.participant_id == participant_id, t.Coding.code_pk == code_pk,
                t.Coding.removed_at.is_(None)))
    return set(s.scalars(q))


def participant_ids(s: Session) -> list[str]:
    return list(s.scalars(select(t.Participant.id).order_by(t.Participant.id)))


# --- places -------------------------------------------------------------------------------------------------------


def segment_places(s: Session, transcript_ids: Iterable[int]) -> pd.DataFrame:
    """Segments (no text) of some transcripts: id, transcript_id, start, end, role, t_start, t_end."""
    ids = [int(x) for x in transcript_ids]
    cols = ["id", "transcript_id", "start", "end", "role", "t_start", "t_end"]
    if not ids:
        return pd.DataFrame(columns=cols)
    q = (select(t.Segment.id, t.Segment.transcript_id, t.Segment.start, t.Segment.end, t.Segment.role,
                t.Segment.t_start, t.Segment.t_end)
         .where(t.Segment.transcript_id.in_(ids)).order_by(t.Segment.transcript_id, t.Segment.idx))
    return pd.DataFrame(s.execute(q).all(), columns=cols)


# --- refinement ---------------------------------------------------------------------------------------------------


def batch_codings(s: Session, batch: str) -> list[dict]:
    """Codings written by one bulk action (e.g. ``crosswalk:lvi84_to_lvi21``), removed ones included."""
    q = select(t.Coding).where(t.Coding.batch == batch).order_by(t.Coding.id)
    sources = links.links_of(s, links.CODING_SOURCES, select(t.Coding.id).where(t.Coding.batch == batch))
    return [{"id": c.id, "transcript_id": c.transcript_id, "start": c.start, "end": c.end, "code_pk": c.code_pk,
             "coder_id": c.coder_id, "sources": sources.get(c.id, []), "removed": c.removed_at is not None,
             "removed_by": c.removed_by} for c in s.scalars(q)]


def set_coding_sources(s: Session, coding_id: int, sources: Sequence[int]) -> None:
    if s.get(t.Coding, coding_id) is None:
        raise NotFoundError(f"no coding with id {coding_id}")
    links.set_links(s, links.CODING_SOURCES, coding_id, sources, check=False)


def coder_ids(s: Session, names: Iterable[str]) -> dict[str, int]:
    names = list(names)
    return dict(s.execute(select(t.Coder.name, t.Coder.id).where(t.Coder.name.in_(names))).all()) if names else {}

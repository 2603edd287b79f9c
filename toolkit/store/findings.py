"""Repository functions of checked findings: finding statements, the researcher's judgement of each participant
against one (with its quotes), and the evidence fingerprint a chart summary was written from."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import links
from . import schema as t
from .schema import utcnow

JUDGEMENT_COLUMNS = ["id", "finding_id", "participant_id", "verdict", "note", "judged_by", "judged_at", "quotes"]
FINDING_COLUMNS = ["id", "framework_id", "level", "theme_id", "statement", "created_at"]


def finding_id(s: Session, framework_id: str, level: str, theme_id: str, statement: str, *,
               created_by: int | None = None, create: bool = True) -> int | None:
    """The id of this finding statement, added on first use (``create``)."""
    q = select(t.Finding.id).where(t.Finding.framework_id == framework_id, t.Finding.level == level,
                                   t.Finding.theme_id == theme_id, t.Finding.statement == statement)
    found = s.scalar(q)
    if found is not None or not create:
        return found
    row = t.Finding(framework_id=framework_id, level=level, theme_id=theme_id, statement=statement,
                    created_by=created_by)
    s.add(row)
    s.flush()
    return row.id


def findings_frame(s: Session, framework_id: str, level: str | None = None) -> pd.DataFrame:
    q = select(*(getattr(t.Finding, c) for c in FINDING_COLUMNS)).where(t.Finding.framework_id == framework_id)
    if level is not None:
        q = q.where(t.Finding.level == level)
    return pd.DataFrame(s.execute(q.order_by(t.Finding.id)).all(), columns=FINDING_COLUMNS)


def judgement(s: Session, finding: int, participant_id: str) -> dict | None:
    row = s.scalar(select(t.FindingJudgement).where(t.FindingJudgement.finding_id == finding,
                                                    t.FindingJudgement.participant_id == participant_id))
    if row is None:
        return None
    return {"id": row.id, "verdict": row.verdict, "note": row.note,
            "quotes": links.links_one(s, links.JUDGEMENT_QUOTES, row.id)}


def put_judgement(s: Session, finding: int, participant_id: str, verdict: str, *, judged_by: int,
                  quotes: Iterable[int] = (), note: str | None = None) -> int:
    """Write (or replace) the judgement of one participant against a finding, with its quotes."""
    row = s.scalar(select(t.FindingJudgement).where(t.FindingJudgement.finding_id == finding,
                                                    t.FindingJudgement.participant_id == participant_id))
    if row is None:
        row = t.FindingJudgement(finding_id=finding, participant_id=participant_id)
        s.add(row)
    row.verdict, row.note, row.judged_by, row.judged_at = verdict, note, judged_by, utcnow()
    s.flush()
    links.set_links(s, links.JUDGEMENT_QUOTES, row.id, quotes)
    return row.id


def delete_judgement(s: Session, finding: int, participant_id: str) -> None:
    s.execute(delete(t.FindingJudgement).where(t.FindingJudgement.finding_id == finding,
                                               t.FindingJudgement.participant_id == participant_id))


def judgements_frame(s: Session, finding_ids: Iterable[int]) -> pd.DataFrame:
    """The judgements of these findings, with the judge's name and the coding ids of their quotes (in order)."""
    ids = [int(i) for i in finding_ids]
    if not ids:
        return pd.DataFrame(columns=JUDGEMENT_COLUMNS)
    q = (select(t.FindingJudgement.id, t.FindingJudgement.finding_id, t.FindingJudgement.participant_id,
                t.FindingJudgement.verdict, t.FindingJudgement.note, t.Coder.name, t.FindingJudgement.judged_at)
         .join(t.Coder, t.Coder.id == t.FindingJudgement.judged_by)
         .where(t.FindingJudgement.finding_id.in_(ids))
         .order_by(t.FindingJudgement.finding_id, t.FindingJudgement.participant_id))
    df = pd.DataFrame(s.execute(q).all(), columns=JUDGEMENT_COLUMNS[:-1])
    quotes = links.links_of(s, links.JUDGEMENT_QUOTES, df["id"].tolist()) if len(df) else {}
    df["quotes"] = [quotes.get(int(i), []) for i in df["id"]]
    return df


# --- the evidence a summary rests on ----------------------------------------------------------------------------


def put_summary_evidence(s: Session, summary_id: int, fingerprint: str, codings: int) -> None:
    row = s.get(t.SummaryEvidence, int(summary_id))
    if row is None:
        row = t.SummaryEvidence(summary_id=int(summary_id))
        s.add(row)
    row.fingerprint, row.codings, row.recorded_at = fingerprint, int(codings), utcnow()
    s.flush()


def summary_fingerprints(s: Session, framework_id: str) -> dict[int, str]:
    """``{summary id: fingerprint}`` of a framework's summaries that recorded their evidence."""
    q = (select(t.SummaryEvidence.summary_id, t.SummaryEvidence.fingerprint)
         .join(t.Summary, t.Summary.id == t.SummaryEvidence.summary_id)
         .where(t.Summary.framework_id == framework_id))
    return {int(i): f for i, f in s.execute(q).all()}

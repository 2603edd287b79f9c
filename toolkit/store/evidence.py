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

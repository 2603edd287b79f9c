"""Repository functions for Teaching mode: each student's exercise work per step."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import schema as t
from .schema import utcnow

WORK_COLUMNS = ["student", "step", "item", "payload", "score", "n", "updated_at"]


def put_work(s: Session, *, student: str, step: str, item: str, payload: dict, score: float | None,
             n: int | None) -> None:
    row = s.scalar(select(t.TeachingWork).where(t.TeachingWork.student == student, t.TeachingWork.step == step,
                                                t.TeachingWork.item == item))
    if row is None:
        row = t.TeachingWork(student=student, step=step, item=item)
        s.add(row)
    row.payload, row.score, row.n, row.updated_at = payload, score, n, utcnow()
    s.flush()


def work_frame(s: Session, student: str | None = None) -> pd.DataFrame:
    q = select(*[getattr(t.TeachingWork, c) for c in WORK_COLUMNS]).order_by(t.TeachingWork.student,
                                                                             t.TeachingWork.step)
    if student is not None:
        q = q.where(t.TeachingWork.student == student)
    return pd.DataFrame(s.execute(q).all(), columns=WORK_COLUMNS)


def delete_work(s: Session, student: str) -> int:
    return s.execute(delete(t.TeachingWork).where(t.TeachingWork.student == student)).rowcount or 0

"""Repository functions for Teaching mode: each student's exercise work per step, and a teacher's classes
(exercises, members, comments)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import InputError, NotFoundError
from . import schema as t
from .schema import utcnow

WORK_COLUMNS = ["student", "step", "item", "payload", "score", "n", "updated_at"]
EXERCISE_FIELDS = ["id", "class_id", "position", "step", "transcripts", "framework", "codes", "reference", "item",
                   "instructions", "opens_at", "closes_at", "suggestions", "key"]


def put_work(s: Session, *, student: str, step: str, item: str, payload: dict, score: float | None,
             n: int | None) -> None:
    row = s.scalar(select(t.TeachingWork).where(t.TeachingWork.student == student, t.TeachingWork.step == step,
                                                t.TeachingWork.item == item))
    if row is None:
        row = t.TeachingWork(student=student, step=step, item=item)
        s.add(row)
    row.payload, row.score, row.n, row.updated_at = payload, score, n, utcnow()
    s.flush()


def get_work(s: Session, student: str, step: str, item: str) -> tuple[dict, datetime | None]:
    """The stored payload of one piece of work ({} if none) and when it was last saved."""
    row = s.scalar(select(t.TeachingWork).where(t.TeachingWork.student == student, t.TeachingWork.step == step,
                                                t.TeachingWork.item == item))
    return (dict(row.payload or {}), row.updated_at) if row is not None else ({}, None)


def delete_work(s: Session, student: str) -> int:
    return s.execute(delete(t.TeachingWork).where(t.TeachingWork.student == student)).rowcount or 0


# --- classes ------------------------------------------------------------------------------------------------------


def add_class(s: Session, name: str, teacher: str) -> int:
    if s.scalar(select(t.TeachingClass.id).where(t.TeachingClass.name == name)) is not None:
        raise InputError(None, f"a class named {name!r} exists already")
    row = t.TeachingClass(name=name, teacher=teacher)
    s.add(row)
    s.flush()
    return row.id


def class_id(s: Session, name: str) -> int:
    cid = s.scalar(select(t.TeachingClass.id).where(t.TeachingClass.name == name))
    if cid is None:
        raise NotFoundError(f"no class named {name!r} (see: class list)")
    return cid


def classes(s: Session) -> list[tuple[str, str, datetime]]:
    """(name, teacher, created) of every class, by name."""
    q = select(t.TeachingClass.name, t.TeachingClass.teacher, t.TeachingClass.created_at).order_by(
        t.TeachingClass.name)
    return [(r[0], r[1], r[2]) for r in s.execute(q).all()]


def add_exercise(s: Session, class_id: int, **fields) -> int:
    n = len(s.scalars(select(t.TeachingExercise.id).where(t.TeachingExercise.class_id == class_id)).all())
    row = t.TeachingExercise(class_id=class_id, position=n + 1, **fields)
    s.add(row)
    s.flush()
    return row.id


def exercises(s: Session, class_id: int) -> list[dict]:
    q = select(t.TeachingExercise).where(t.TeachingExercise.class_id == class_id).order_by(
        t.TeachingExercise.position)
    return [{f: getattr(r, f) for f in EXERCISE_FIELDS} for r in s.scalars(q)]


def exercise(s: Session, exercise_id: int) -> dict:
    r = s.get(t.TeachingExercise, exercise_id)
    if r is None:
        raise NotFoundError(f"no exercise {exercise_id}")
    return {f: getattr(r, f) for f in EXERCISE_FIELDS}


def set_exercise_key(s: Session, exercise_id: int, key: dict) -> None:
    r = s.get(t.TeachingExercise, exercise_id)
    if r is None:
        raise NotFoundError(f"no exercise {exercise_id}")
    r.key = dict(key)
    s.flush()


def add_member(s: Session, class_id: int, student: str) -> bool:
    """Add a student to a class; False if they are a member already."""
    have = s.scalar(select(t.TeachingMember.id).where(t.TeachingMember.class_id == class_id,
                                                      t.TeachingMember.student == student))
    if have is not None:
        return False
    s.add(t.TeachingMember(class_id=class_id, student=student))
    s.flush()
    return True


def members(s: Session, class_id: int) -> list[str]:
    q = select(t.TeachingMember.student).where(t.TeachingMember.class_id == class_id).order_by(
        t.TeachingMember.student)
    return list(s.scalars(q))


def add_comment(s: Session, exercise_id: int, student: str, author: str, text: str) -> int:
    row = t.TeachingComment(exercise_id=exercise_id, student=student, author=author, text=text)
    s.add(row)
    s.flush()
    return row.id


def comments(s: Session, exercise_ids: list[int], student: str | None = None) -> list[tuple]:
    """(exercise id, student, author, text, created) of the comments on these exercises, oldest first."""
    c = t.TeachingComment
    q = select(c.exercise_id, c.student, c.author, c.text, c.created_at).where(c.exercise_id.in_(exercise_ids))
    if student is not None:
        q = q.where(c.student == student)
    return [tuple(r) for r in s.execute(q.order_by(c.created_at, c.id)).all()]

"""The teacher follows a class: for every exercise each student's status, figures and their work, comments, and the
class results as CSV (one row per student and exercise) and as a Word summary. Shares are written with ``pct``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..safeio import save_atomic, write_csv
from ..store import Project
from . import pct
from .cells_work import mapping_feedback, marks_feedback, summary_feedback
from .classes import Exercise, comments, get_class
from .codes_work import codes_feedback, exercise_passages, index_feedback

COLUMNS = ["class", "exercise", "step", "student", "status", "figures", "comments"]


@dataclass(frozen=True)
class StudentResult:
    exercise: Exercise
    student: str
    status: str  # not started | in progress | done
    figures: str
    comments: int


def result(project: Project, exercise: Exercise, student: str, n_comments: int = 0) -> StudentResult:
    """One student's status and figures on one exercise (read from their stored work)."""
    step, status, figures = exercise.step, "not started", ""
    if step == "familiarize":
        codes = codes_feedback(project, exercise, student)
        if codes:
            status = "done"
            figures = (f"{len(codes)} code(s); {sum(1 for f in codes if f.matched)} matched on passages or by the "
                       f"teacher; {sum(len(f.passages) for f in codes)} passage(s) ticked")
    elif step == "index":
        ix = index_feedback(project, exercise, student)
        if ix.decided:
            status = "done" if ix.decided >= ix.total else "in progress"
            figures = (f"{ix.decided} of {ix.total} passages decided ({ix.no_code} 'no code here'); positive "
                       f"agreement {pct(ix.positive_agreement)}; kappa "
                       f"{'–' if ix.kappa is None else f'{ix.kappa:.2f}'} ({ix.reading})")
    elif step == "chart":
        ch = summary_feedback(project, exercise, student)
        if ch:
            status = "done"
            figures = (f"summary of {len(ch.summary.split())} words; cites {sum(1 for _, a, _ in ch.passages if a)} "
                       f"of {len(ch.passages)} passages, {ch.shared} shared with the reference"
                       + ("" if ch.reference else "; no reference summary"))
    elif step == "map":
        mp = mapping_feedback(project, exercise, student)
        if mp:
            mine = [r for _, ys, _ in mp.rows for r in ys]
            status = "done"
            figures = (f"{len(mine)} key element(s), {len({r.dimension for r in mine})} dimension(s), "
                       f"{len({r.category for r in mine})} categor{'y' if len({r.category for r in mine}) == 1 else 'ies'}")
    elif step == "interpret":
        rows = [r for r in marks_feedback(project, exercise, student) if r.yours]
        if rows:
            keyed = [r for r in rows if r.key]
            status = "done"
            figures = f"{len(rows)} passage(s) marked" + (
                f"; {sum(1 for r in keyed if r.yours == r.key)} of {len(keyed)} as in the key ("
                f"{pct(sum(1 for r in keyed if r.yours == r.key) / len(keyed))})" if keyed else "; no key set")
    return StudentResult(exercise, student, status, figures, n_comments)


def class_results(project: Project, class_name: str) -> list[StudentResult]:
    info = get_class(project, class_name)
    notes = comments(project, list(info.exercises))
    return [result(project, e, who, sum(1 for c in notes if c.exercise_id == e.id and c.student == who))
            for e in info.exercises for who in info.students]


def class_overview(project: Project, class_name: str) -> pd.DataFrame:
    """One row per student and exercise: status, figures (with their n), comments."""
    rows = [{"class": class_name, "exercise": r.exercise.position, "step": r.exercise.step, "student": r.student,
             "status": r.status, "figures": r.figures, "comments": r.comments}
            for r in class_results(project, class_name)]
    return pd.DataFrame(rows, columns=COLUMNS)


def export_csv(project: Project, class_name: str, path: str | Path) -> Path:
    return write_csv(class_overview(project, class_name), path)


def work_lines(project: Project, exercise: Exercise, student: str) -> list[str]:
    """The student's actual work on an exercise, as plain lines (for the Word summary and the command line)."""
    step, out = exercise.step, []
    if step == "familiarize":
        for f in codes_feedback(project, exercise, student):
            out.append(f"{f.label}: {f.reading}; nearest: " + ", ".join(f"{n.code} {n.label}" for n in f.near))
    elif step == "index":
        for d in index_feedback(project, exercise, student).differences:
            out.append(f"{d.transcript} {d.start}-{d.end}: only the reference: {'; '.join(d.reference) or '-'} | "
                       f"only {student}: {'; '.join(d.yours) or '-'}")
    elif step == "chart":
        ch = summary_feedback(project, exercise, student)
        if ch:
            out += [f"Summary: {ch.summary}", f"Reference ({ch.reference_source}): {ch.reference or '-'}"]
    elif step == "map":
        mp = mapping_feedback(project, exercise, student)
        for pid, mine, ref in mp.rows if mp else ():
            out.append(f"{pid}: " + "; ".join(f"{r.key_element} → {r.dimension} → {r.category}" for r in mine)
                       + " | reference: " + ("; ".join(f"{r.key_element} → {r.dimension} → {r.category}"
                                                       for r in ref) or "-"))
    elif step == "interpret":
        for r in marks_feedback(project, exercise, student):
            out.append(f"{r.transcript} {r.start}-{r.end}: {r.yours or '-'} (key: {r.key or '-'})")
    return out


def export_docx(project: Project, class_name: str, path: str | Path) -> Path:
    """A Word summary of the class: the exercises, one table of results per exercise, then each student's work and
    the teacher's comments."""
    from ..export.docx_common import add_table, new_document
    from ..export.wordml import clean as safe_cell
    from ..export.wordml import writable

    path = writable(path)

    info = get_class(project, class_name)
    results = class_results(project, class_name)
    notes = comments(project, list(info.exercises))
    doc = new_document(landscape=True)
    doc.add_heading(safe_cell(f"Class {class_name}"), level=1)
    doc.add_paragraph(safe_cell(f"Teacher: {info.teacher}. {len(info.students)} student(s), "
                                f"{len(info.exercises)} exercise(s)."))
    for e in info.exercises:
        doc.add_heading(safe_cell(e.title), level=2)
        n = len(exercise_passages(project, e)) if e.transcripts else 0
        doc.add_paragraph(safe_cell(f"{e.instructions} ({e.when()}; framework {e.framework}"
                                    + (f", codes {', '.join(e.codes)}" if e.codes else "")
                                    + (f"; {n} passages" if n else "") + ")"))
        rows = [[r.student, r.status, r.figures, str(r.comments)] for r in results if r.exercise.id == e.id]
        add_table(doc, ["Student", "Status", "Figures", "Comments"], [[safe_cell(x) for x in r] for r in rows],
                  widths=[2, 1.5, 8, 1.5])
        for who in info.students:
            lines = work_lines(project, e, who)
            mine = [c for c in notes if c.exercise_id == e.id and c.student == who]
            if not lines and not mine:
                continue
            doc.add_heading(safe_cell(f"{who}"), level=3)
            for line in lines[:40]:
                doc.add_paragraph(safe_cell(line), style="List Bullet")
            for c in mine:
                doc.add_paragraph(safe_cell(f"Comment by {c.author}: {c.text}"))
    return save_atomic(doc, path)

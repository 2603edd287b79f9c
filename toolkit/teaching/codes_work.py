"""Steps 1 and 2 of a class exercise: a student's own codes (familiarization) and their indexing, with feedback a
teacher would sign.

- Step 1: each of the student's codes beside its three nearest reference codes (definitions, and the reference
  passages of each). "Matched" only where the student's code and a reference code were applied to the same
  passages, or where the teacher accepted the match; similarity orders the list and decides nothing.
- Step 2: every passage the student decided (codes, or "no code here": a decision too) against the reference:
  positive agreement and Cohen's kappa over the (passage, code) decisions, with a verbal reading and a warning under
  ``MIN_PASSAGES`` decided passages.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from ..store import Project
from ..store import core as db
from ..store import teaching as tdb
from ..store.events import Action
from ..vectors import encode_cached
from . import passages, set_codes_in, student_coder
from .classes import Exercise, student_name

NEAREST = 3
MIN_PASSAGES = 20
Span = tuple[str, int, int]  # transcript name, start, end


def item(exercise: Exercise) -> str:
    return f"exercise:{exercise.id}"


def exercise_passages(project: Project, exercise: Exercise) -> pd.DataFrame:
    """The passages of the exercise's transcripts (the framework's unit of analysis), with ``transcript``."""
    frames = [passages(project, t, framework=exercise.framework).assign(transcript=t) for t in exercise.transcripts]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["transcript", "start", "end", "text"])


def reference_codes(project: Project, exercise: Exercise, spans: pd.DataFrame) -> list[set[str]]:
    """For each passage of ``spans``: the codes the reference gave anything overlapping it (in the exercise's
    codes)."""
    with project.read() as s:
        ids = [db.resolve_transcript(s, t).id for t in exercise.transcripts]
        ref = db.codings_frame(s, framework_id=exercise.framework, coders=[exercise.reference], transcript_ids=ids,
                               with_text=False)
    scope = set(exercise.codes)
    out = []
    for r in spans.itertuples():
        here = ref[(ref["transcript"] == r.transcript) & (ref["start"] < r.end) & (ref["end"] > r.start)]
        out.append({c for c in here["code_id"] if not scope or c in scope})
    return out


def load_work(project: Project, exercise: Exercise, student: str) -> dict:
    """The student's stored work on an exercise ({} if none)."""
    with project.read() as s:
        return tdb.get_work(s, student_coder(student), exercise.step, item(exercise))[0]


def save_work(project: Project, exercise: Exercise, student: str, payload: dict, *, actor: str | None = None) -> None:
    who = student_coder(student)
    with project.transaction(Action.CLASS_WORK, actor=actor or who,
                             payload={"exercise": exercise.id, "student": who}) as s:
        tdb.put_work(s, student=who, step=exercise.step, item=item(exercise), payload=payload, score=None, n=None)


# --- step 1 -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudentCode:
    label: str
    passages: tuple[Span, ...]


@dataclass(frozen=True)
class NearCode:
    code: str
    label: str
    definition: str
    similarity: float
    shared: int  # passages both the student's code and this reference code were applied to
    passages: tuple[str, ...]  # the reference passages of this code in the exercise's transcripts
    accepted: bool  # the teacher accepted the match


@dataclass(frozen=True)
class CodeFeedback:
    label: str
    passages: tuple[str, ...]  # the student's passages
    near: tuple[NearCode, ...]
    matched: tuple[str, ...]  # reference codes matched: same passages, or accepted by the teacher

    @property
    def reading(self) -> str:
        if self.matched:
            how = ["same passages" if n.shared else "accepted by the teacher" for n in self.near if n.code in
                   self.matched]
            return "matched: " + ", ".join(f"{c} ({h})" for c, h in zip(self.matched, how, strict=True))
        if not self.passages:
            return "not applied to any passage yet: tick the passages it applies to, or compare the definitions"
        return "not on the same passages as a nearby code: compare the definitions (your teacher can accept a match)"


def save_codes(project: Project, exercise: Exercise, student: str, codes: list[StudentCode], embedder) -> None:
    """Step 1: store the student's codes and the passages each applies to; the nearest reference codes of each are
    found now (the embedding model) and kept with the work, so the teacher's view needs no model."""
    if exercise.step != "familiarize":
        raise InputError(None, f"exercise {exercise.position} is a {exercise.step} exercise")
    codes = [c for c in codes if c.label.strip()]
    if not codes:
        raise InputError(None, "write at least one code")
    units = exercise_passages(project, exercise)
    known = {(r.transcript, int(r.start), int(r.end)) for r in units.itertuples()}
    bad = [s for c in codes for s in c.passages if tuple(s) not in known]
    if bad:
        raise InputError(None, f"{bad[0][0]} {bad[0][1]}-{bad[0][2]} is not a passage of this exercise")
    with project.read() as s:
        fw = db.get_framework(s, exercise.framework)
    scope = [c for c in fw.codes if not exercise.codes or c.id in exercise.codes]
    study = [f"{c.label}. {c.definition}" if c.definition else c.label for c in scope]
    mine = [c.label.strip() for c in codes]
    vecs = encode_cached(project, embedder, mine + study)
    sims = vecs[:len(mine)] @ vecs[len(mine):].T
    units_ref = reference_codes(project, exercise, units)
    on_span = {(r.transcript, int(r.start), int(r.end)): units_ref[i] for i, r in enumerate(units.itertuples())}
    index = {c.id: j for j, c in enumerate(scope)}
    rows = []
    for i, c in enumerate(codes):
        order = [int(j) for j in np.argsort(-sims[i])[:NEAREST]]
        order += [index[x] for x in sorted({x for s in c.passages for x in on_span[(s[0], int(s[1]), int(s[2]))]})
                  if x in index and index[x] not in order]  # a reference code on the same passages: shown too
        rows.append({"label": c.label.strip(), "passages": [list(s) for s in c.passages],
                     "near": [[scope[j].id, round(float(sims[i, j]), 2)] for j in order]})
    old = load_work(project, exercise, student)
    save_work(project, exercise, student, {"codes": rows, "accepted": old.get("accepted", [])})


def accept_match(project: Project, exercise: Exercise, student: str, label: str, code: str, *,
                 teacher: str) -> None:
    """The teacher accepts that the student's code ``label`` matches reference code ``code``."""
    work = load_work(project, exercise, student)
    if label not in [c["label"] for c in work.get("codes", [])]:
        raise InputError(None, f"{student_name(student)} has no code {label!r} in exercise {exercise.position}")
    accepted = [a for a in work.get("accepted", []) if a != [label, code]] + [[label, code]]
    save_work(project, exercise, student, {**work, "accepted": accepted}, actor=teacher)


def codes_feedback(project: Project, exercise: Exercise, student: str) -> list[CodeFeedback]:
    """Step 1's feedback from the stored work: nearest codes, with the passages they share with the student's."""
    work = load_work(project, exercise, student)
    if not work.get("codes"):
        return []
    units = exercise_passages(project, exercise)
    refs = reference_codes(project, exercise, units)
    by_span = {(r.transcript, int(r.start), int(r.end)): (r.text, refs[i]) for i, r in enumerate(units.itertuples())}
    with project.read() as s:
        fw = db.get_framework(s, exercise.framework)
    info = {c.id: c for c in fw.codes}
    ref_texts: dict[str, list[str]] = {}
    for text, codes in by_span.values():
        for c in codes:
            ref_texts.setdefault(c, []).append(text)
    accepted = {tuple(a) for a in work.get("accepted", [])}
    out = []
    for row in work["codes"]:
        spans = [tuple(s) for s in row["passages"]]
        on_mine = [c for s in spans for c in sorted(by_span.get(s, ("", set()))[1])]
        near_ids = [c for c, _ in row["near"]]
        sims = dict(map(tuple, row["near"]))
        ids = near_ids + [c for c in dict.fromkeys(on_mine) if c not in near_ids]  # a code on my passages always
        near = tuple(NearCode(c, info[c].label, info[c].definition or "", float(sims.get(c, float("nan"))),
                              on_mine.count(c), tuple(ref_texts.get(c, ())), (row["label"], c) in accepted)
                     for c in ids if c in info)
        matched = tuple(n.code for n in near if n.shared or n.accepted)
        out.append(CodeFeedback(row["label"], tuple(by_span.get(s, ("",))[0] for s in spans), near, matched))
    return out


# --- step 2 -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    transcript: str
    start: int
    end: int
    text: str
    reference: tuple[str, ...]  # "CODE label: definition" of the codes only the reference gave
    yours: tuple[str, ...]  # ... only the student gave
    both: tuple[str, ...]


@dataclass(frozen=True)
class IndexFeedback:
    decided: int  # passages the student decided (codes or "no code here")
    no_code: int  # of which "no code here"
    total: int  # passages of the exercise
    positive_agreement: float | None
    kappa: float | None
    reading: str
    warning: str | None
    differences: tuple[Difference, ...]


def index_passage(project: Project, exercise: Exercise, student: str, transcript: str, start: int, end: int,
                  codes: list[str]) -> int:
    """Step 2: the student's decision on one passage: its codes, or none ("no code here"; a decision too). Returns
    how many passages they have decided."""
    if exercise.step != "index":
        raise InputError(None, f"exercise {exercise.position} is a {exercise.step} exercise")
    codes = list(dict.fromkeys(codes))
    outside = [c for c in codes if exercise.codes and c not in exercise.codes]
    if outside:
        raise InputError(None, f"code(s) {', '.join(outside)} are not among this exercise's codes")
    units = exercise_passages(project, exercise)
    if not ((units["transcript"] == transcript) & (units["start"] == start) & (units["end"] == end)).any():
        raise InputError(transcript, f"{start}-{end} is not a passage of this exercise")
    who = student_coder(student)
    with project.transaction(Action.CLASS_WORK, actor=who, payload={"exercise": exercise.id, "student": who,
                                                                     "start": start, "end": end, "codes": codes}) as s:
        set_codes_in(s, who, transcript, start, end, codes, exercise.framework)
        work = tdb.get_work(s, who, exercise.step, item(exercise))[0]
        decided = [d for d in work.get("decided", []) if d != [transcript, start, end]] + [[transcript, start, end]]
        tdb.put_work(s, student=who, step=exercise.step, item=item(exercise), payload={"decided": decided},
                     score=None, n=len(decided))
    return len(decided)


def student_decisions(project: Project, exercise: Exercise, student: str) -> dict[Span, list[str]]:
    """The passages the student decided -> their codes ([] = "no code here")."""
    who = student_coder(student)
    units = exercise_passages(project, exercise)
    with project.read() as s:
        ids = [db.resolve_transcript(s, t).id for t in exercise.transcripts]
        mine = db.codings_frame(s, framework_id=exercise.framework, coders=[who], transcript_ids=ids,
                                with_text=False)
        work = tdb.get_work(s, who, exercise.step, item(exercise))[0]
    out: dict[Span, list[str]] = {tuple(d): [] for d in work.get("decided", [])}
    spans = {(r.transcript, int(r.start), int(r.end)) for r in units.itertuples()}
    for r in mine.itertuples():
        key = (r.transcript, int(r.start), int(r.end))
        if key in spans:
            out.setdefault(key, []).append(r.code_id)
    return out


def reading(kappa: float | None) -> str:
    """Landis & Koch's words for a kappa."""
    if kappa is None:
        return "not defined: every decision the same"
    for bound, word in ((0, "poor"), (0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
        if kappa < bound or (bound and kappa <= bound):
            return f"{word} agreement"
    return "almost perfect agreement"


def index_feedback(project: Project, exercise: Exercise, student: str) -> IndexFeedback:
    units = exercise_passages(project, exercise)
    refs = reference_codes(project, exercise, units)
    mine = student_decisions(project, exercise, student)
    with project.read() as s:
        fw = db.get_framework(s, exercise.framework)
    info = {c.id: f"{c.id} {c.label}: {c.definition or ''}".rstrip(": ") for c in fw.codes}
    pairs, diffs = [], []
    rows = [(r, refs[i]) for i, r in enumerate(units.itertuples()) if (r.transcript, int(r.start), int(r.end)) in mine]
    scope = set(exercise.codes) or {c for r, ref in rows for c in ref | set(mine[(r.transcript, r.start, r.end)])}
    for r, ref in rows:
        yours = set(mine[(r.transcript, int(r.start), int(r.end))])
        pairs += [(c in ref, c in yours) for c in sorted(scope)]
        if ref != yours:
            diffs.append(Difference(r.transcript, int(r.start), int(r.end), r.text,
                                    tuple(info.get(c, c) for c in sorted(ref - yours)),
                                    tuple(info.get(c, c) for c in sorted(yours - ref)),
                                    tuple(sorted(ref & yours))))
    a = np.array([p[0] for p in pairs], dtype=bool)
    b = np.array([p[1] for p in pairs], dtype=bool)
    pos = (2 * int((a & b).sum()) / int(a.sum() + b.sum())) if a.sum() + b.sum() else None
    kappa = None
    if len(pairs):
        po = float((a == b).mean())
        pe = float(a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean()))
        kappa = None if pe >= 1 else round((po - pe) / (1 - pe), 2)
    n = len(rows)
    warning = None if n >= MIN_PASSAGES else (
        f"Only {n} passage(s) decided: under {MIN_PASSAGES}, agreement and kappa swing widely with one passage "
        "more or less. Read them as a first impression.")
    return IndexFeedback(n, sum(1 for c in mine.values() if not c), len(units), pos, kappa, reading(kappa), warning,
                         tuple(diffs))


def suggested_codes(project: Project, exercise: Exercise) -> dict[Span, list[str]]:
    """Where the exercise shows suggestions: the model's suggested codes of each passage (stored suggestions of the
    framework's unit of analysis, best first, in the exercise's codes); {} where it does not or none were made."""
    if not exercise.suggestions:
        return {}
    from ..indexing.workspace import unit_of_analysis
    from ..store import indexing as idb

    scheme = unit_of_analysis(project, exercise.framework)
    scope = set(exercise.codes)
    with project.read() as s:
        ids = [db.resolve_transcript(s, t).id for t in exercise.transcripts]
        ps = idb.passages_frame(s, scheme, ids)
        if ps.empty:
            return {}
        sg = idb.suggestions_frame(s, exercise.framework, passage_ids=list(ps["id"]))
    names = dict(zip(ids, exercise.transcripts, strict=True))
    where = {int(r.id): (names[int(r.transcript_id)], int(r.start), int(r.end)) for r in ps.itertuples()}
    out: dict[Span, list[str]] = {}
    for r in sg[sg["suggested"].astype(bool)].itertuples():
        if not scope or r.code_id in scope:
            out.setdefault(where[int(r.passage_id)], []).append(r.code_id)
    return out

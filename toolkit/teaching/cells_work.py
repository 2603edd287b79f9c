"""Steps 3, 4 and 5 of a class exercise, with feedback that sets the student's work beside the reference and lets
them judge (no similarity verdicts, no automatic stance).

- Step 3: the student's summary of a cell beside the reference summary (the project's stored summary of the cell,
  else the teacher's key), or a plain "there is no reference summary"; the cited passages shared.
- Step 4: for one code's summaries, the student's key elements -> key dimensions -> categories (the study's Table 2)
  beside the reference mapping (the project's key elements of those summaries, else the teacher's key), in labels.
- Step 5: the student checks a finding against passages (ordered by closeness to the finding: an order, not a
  verdict) and marks each support / counter / mentions / silent; the feedback compares the marks with the teacher's
  key. ``rank_passages`` is small so the researcher-decided finding check of ``toolkit.interpret`` can replace it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import InputError
from ..store import Project
from ..store import charting as cdb
from ..store import core as db
from ..store import mapping as mdb
from ..vectors import encode_cached
from .classes import Exercise
from .codes_work import exercise_passages, load_work, save_work

MARKS = ("support", "counter", "mentions", "silent")
RANKED = 12  # passages a student marks in step 5


@dataclass(frozen=True)
class CellPassage:
    coding_id: int
    transcript: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ChartFeedback:
    summary: str
    reference: str | None  # None: there is no reference summary of this cell
    reference_source: str
    passages: tuple[tuple[CellPassage, bool, bool], ...]  # (passage, you cite it, the reference cites it)

    @property
    def shared(self) -> int:
        return sum(1 for _, a, b in self.passages if a and b)


def _need(exercise: Exercise, step: str) -> None:
    if exercise.step != step:
        raise InputError(None, f"exercise {exercise.position} is a {exercise.step} exercise, not {step}")


def cell_passages(project: Project, exercise: Exercise, participant: str | None = None) -> list[CellPassage]:
    """The reference's passages of a cell: the exercise's participant (or ``participant``) x its one code."""
    pid = participant or exercise.item
    with project.read() as s:
        df = db.codings_frame(s, framework_id=exercise.framework, coders=[exercise.reference])
    df = df[(df["participant_id"] == pid) & (df["code_id"].isin(exercise.codes))]
    return [CellPassage(int(r.id), r.transcript, int(r.start), int(r.end), r.text) for r in df.itertuples()]


def save_summary(project: Project, exercise: Exercise, student: str, text: str, cited: list[int]) -> None:
    _need(exercise, "chart")
    if not (text or "").strip():
        raise InputError(None, "write your summary of the cell first")
    ids = {p.coding_id for p in cell_passages(project, exercise)}
    bad = [i for i in cited if int(i) not in ids]
    if bad:
        raise InputError(None, f"passage(s) {bad} are not passages of this cell")
    save_work(project, exercise, student, {"summary": text.strip(), "cited": sorted({int(i) for i in cited})})


def _reference_summary(project: Project, exercise: Exercise) -> tuple[str | None, set[tuple], str]:
    with project.read() as s:
        pk = db.code_pks(s, exercise.framework)[exercise.codes[0]]
        stored = cdb.get_summary(s, exercise.framework, exercise.item or "", pk)
        spans = set()
        if stored and stored["text"].strip():
            q = db.codings_frame(s, framework_id=exercise.framework, with_text=False)
            q = q[q["id"].isin(stored["quotes"])]
            spans = {(r.transcript, int(r.start), int(r.end)) for r in q.itertuples()}
            return stored["text"], spans, "the project's summary of this cell"
    key = exercise.key.get("summary")
    if key:
        cited = {int(i) for i in exercise.key.get("cited", [])}
        spans = {(p.transcript, p.start, p.end) for p in cell_passages(project, exercise) if p.coding_id in cited}
        return key, spans, "your teacher's summary"
    return None, set(), ("There is no reference summary of this cell (nobody has written one): read the passages "
                         "and judge your summary against them yourself")


def summary_feedback(project: Project, exercise: Exercise, student: str) -> ChartFeedback | None:
    _need(exercise, "chart")
    work = load_work(project, exercise, student)
    if not work.get("summary"):
        return None
    ref, spans, source = _reference_summary(project, exercise)
    mine = set(work.get("cited", []))
    rows = tuple((p, p.coding_id in mine, any(t == p.transcript and a < p.end and b > p.start for t, a, b in spans))
                 for p in cell_passages(project, exercise))
    return ChartFeedback(work["summary"], ref, source, rows)


# --- step 4 -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapRow:
    """One line of the study's Table 2 for one participant's summary: key element -> dimension -> category."""
    participant: str
    key_element: str
    dimension: str
    category: str


@dataclass(frozen=True)
class MapItem:
    participant: str
    text: str  # the summary, or the passages where no summary was written
    is_summary: bool


@dataclass(frozen=True)
class MapFeedback:
    rows: tuple[tuple[str, tuple[MapRow, ...], tuple[MapRow, ...]], ...]  # participant, yours, reference
    reference_source: str


def map_items(project: Project, exercise: Exercise) -> list[MapItem]:
    """The summaries of the exercise's code, one per participant the reference coded it for (the passages where
    nobody wrote a summary, said so)."""
    _need(exercise, "map")
    code = exercise.codes[0]
    with project.read() as s:
        sums = cdb.summaries_frame(s, exercise.framework)
        df = db.codings_frame(s, framework_id=exercise.framework, coders=[exercise.reference])
    sums = sums[sums["code_id"] == code]
    text = dict(zip(sums["participant_id"], sums["text"], strict=True))
    df = df[df["code_id"] == code]
    out = []
    for pid in sorted(set(df["participant_id"].dropna()) | set(text)):
        if str(text.get(pid) or "").strip():
            out.append(MapItem(pid, text[pid], True))
        else:
            quotes = df[df["participant_id"] == pid]["text"]
            out.append(MapItem(pid, "\n".join(f"“{q.strip()}”" for q in quotes), False))
    return out


def save_mapping(project: Project, exercise: Exercise, student: str, rows: list[MapRow]) -> None:
    """Step 4: the student's key elements, each with its dimension and category (labels of their own)."""
    _need(exercise, "map")
    pids = {i.participant for i in map_items(project, exercise)}
    rows = [r for r in rows if r.key_element.strip()]
    if not rows:
        raise InputError(None, "write at least one key element")
    for r in rows:
        if r.participant not in pids:
            raise InputError(None, f"{r.participant} has no summary of this code")
        if not r.dimension.strip() or not r.category.strip():
            raise InputError(None, f"give the key element {r.key_element!r} a dimension and a category")
    save_work(project, exercise, student, {"rows": [[r.participant, r.key_element.strip(), r.dimension.strip(),
                                                 r.category.strip()] for r in rows]})


def reference_mapping(project: Project, exercise: Exercise) -> tuple[list[MapRow], str]:
    code = exercise.codes[0]
    with project.read() as s:
        ke = mdb.key_elements_frame(s, exercise.framework)
        dims = mdb.dimensions_frame(s, exercise.framework)
        cats = mdb.map_categories_frame(s, exercise.framework)
    ke = ke[ke["code_id"] == code]
    if not ke.empty:
        dim = {int(r.id): (r.label, r.category_id) for r in dims.itertuples()}
        cat = {int(r.id): r.label for r in cats.itertuples()}
        rows = []
        for r in ke.itertuples():
            d_label, c_id = dim.get(int(r.dimension_id), ("", None)) if pd.notna(r.dimension_id) else ("", None)
            c_label = cat.get(int(c_id), "") if c_id is not None and pd.notna(c_id) else ""
            rows.append(MapRow(r.participant_id, r.label, d_label, c_label))
        return rows, "the project's mapping of these summaries"
    key = exercise.key.get("mapping") or []
    if key:
        return [MapRow(*r) for r in key], "your teacher's mapping"
    return [], "There is no reference mapping of these summaries yet: your teacher will discuss yours"


def mapping_feedback(project: Project, exercise: Exercise, student: str) -> MapFeedback | None:
    work = load_work(project, exercise, student)
    if not work.get("rows"):
        return None
    mine = [MapRow(*r) for r in work["rows"]]
    ref, source = reference_mapping(project, exercise)
    pids = sorted({r.participant for r in mine} | {r.participant for r in ref})
    return MapFeedback(tuple((p, tuple(r for r in mine if r.participant == p),
                              tuple(r for r in ref if r.participant == p)) for p in pids), source)


# --- step 5 -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    transcript: str
    start: int
    end: int
    text: str
    closeness: float  # cosine to the finding: orders the list, decides nothing

    @property
    def key(self) -> str:
        return f"{self.transcript}|{self.start}|{self.end}"


@dataclass(frozen=True)
class MarkRow:
    transcript: str
    start: int
    end: int
    text: str
    yours: str | None
    key: str | None


def rank_passages(finding: str, units: pd.DataFrame, project: Project, embedder, k: int = RANKED) -> list[Candidate]:
    """The ``k`` passages closest in meaning to the finding (an order to read them in; no stance is read)."""
    if units.empty:
        return []
    texts = list(units["text"])
    v = encode_cached(project, embedder, [finding] + texts)
    sims = v[1:] @ v[0]
    order = sorted(range(len(texts)), key=lambda i: -sims[i])[:k]
    return [Candidate(units.iloc[i]["transcript"], int(units.iloc[i]["start"]), int(units.iloc[i]["end"]), texts[i],
                      round(float(sims[i]), 2)) for i in sorted(order, key=lambda i: (units.iloc[i]["transcript"],
                                                                                      units.iloc[i]["start"]))]


def candidates(project: Project, exercise: Exercise, embedder) -> list[Candidate]:
    _need(exercise, "interpret")
    return rank_passages(exercise.item or "", exercise_passages(project, exercise), project, embedder)


def _check_marks(project: Project, exercise: Exercise, marks: dict[str, str]) -> dict[str, str]:
    units = exercise_passages(project, exercise)
    known = {f"{r.transcript}|{int(r.start)}|{int(r.end)}" for r in units.itertuples()}
    out = {}
    for k, m in marks.items():
        if not m:
            continue
        if m not in MARKS:
            raise InputError(None, f"a mark is one of {', '.join(MARKS)}, not {m!r}")
        if k not in known:
            raise InputError(None, f"{k} is not a passage of this exercise")
        out[k] = m
    if not out:
        raise InputError(None, "mark at least one passage")
    return out


def save_marks(project: Project, exercise: Exercise, student: str, marks: dict[str, str]) -> None:
    """Step 5: the student's marks (passage key ``transcript|start|end`` -> support/counter/mentions/silent)."""
    _need(exercise, "interpret")
    save_work(project, exercise, student, {"marks": _check_marks(project, exercise, marks)})


def key_marks(project: Project, exercise: Exercise, marks: dict[str, str], *, teacher: str) -> None:
    """Step 5: the teacher's key (the same marks, by the teacher)."""
    from .classes import set_key

    _need(exercise, "interpret")
    set_key(project, exercise, {**exercise.key, "marks": _check_marks(project, exercise, marks)}, teacher=teacher)


def marks_feedback(project: Project, exercise: Exercise, student: str) -> tuple[MarkRow, ...]:
    """Each passage the student or the key marked: the student's mark beside the key's (None where absent)."""
    _need(exercise, "interpret")
    mine = load_work(project, exercise, student).get("marks", {})
    key = exercise.key.get("marks", {})
    with project.read() as s:
        texts = {t: db.resolve_transcript(s, t).text for t in exercise.transcripts}
    rows = []
    for k in sorted(set(mine) | set(key), key=lambda k: (k.split("|")[0], int(k.split("|")[1]))):
        t, a, b = k.split("|")
        rows.append(MarkRow(t, int(a), int(b), texts[t][int(a):int(b)], mine.get(k), key.get(k)))
    return tuple(rows)

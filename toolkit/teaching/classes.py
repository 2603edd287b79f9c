"""A teacher's classes: exercises set on this project (step, transcripts, framework or a subset of its codes,
instructions, open/close dates, suggestions shown or not, the teacher's key), students who join, comments back.

Students are names (their work is kept as coder ``student:<name>``); on a team server, logins with the student role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from ..errors import InputError, NotFoundError
from ..store import Project
from ..store import core as db
from ..store import teaching as tdb
from ..store.events import Action
from . import DEFAULT_FRAMEWORK, REFERENCE_CODER, STEPS, STUDENT_PREFIX

STEP_KEYS = tuple(s.key for s in STEPS)

#: the instructions an exercise gets unless the teacher writes others (each says what the task below asks)
DEFAULT_INSTRUCTIONS = {
    "familiarize": "Read the transcript. Write the codes you would index it with (a short label each) and tick the "
                   "passages each code applies to. The feedback shows each of your codes beside the three nearest "
                   "codes of the study's framework and the passages the study gave them.",
    "index": "Index the transcript passage by passage: choose the codes that apply, or say 'no code here'. The "
             "feedback compares your decisions with the reference indexing, passage by passage.",
    "chart": "Summarise the chart cell (one participant, one code) in your own words and tick the passages your "
             "summary rests on. The feedback sets your summary beside the reference summary.",
    "map": "For the summaries of one code, write a key element for each participant, group the key elements into "
           "key dimensions and name a category for each dimension (as in the study's Table 2). The feedback sets the "
           "reference mapping beside yours.",
    "interpret": "Check the finding against the passages: mark each passage as support, counter-evidence, a mere "
                 "mention, or silent on the finding. The feedback compares your marks with the teacher's key.",
}


@dataclass(frozen=True)
class Exercise:
    id: int
    position: int
    step: str
    transcripts: tuple[str, ...]
    framework: str
    codes: tuple[str, ...]  # () = every code of the framework
    reference: str  # the coder whose work is the reference
    item: str | None  # chart: the participant; interpret: the finding
    instructions: str
    opens_at: datetime | None
    closes_at: datetime | None
    suggestions: bool
    key: dict = field(default_factory=dict, hash=False, compare=False)  # the teacher's key (JSON)

    @property
    def title(self) -> str:
        step = next(s.title for s in STEPS if s.key == self.step)
        what = {"chart": f"{self.item} × {', '.join(self.codes)}", "map": ", ".join(self.codes),
                "interpret": self.item}.get(self.step) or ", ".join(self.transcripts)
        return f"Exercise {self.position}: {step.split('. ', 1)[-1]} ({what})"

    def is_open(self, now: datetime | None = None) -> bool:
        now = (now or datetime.now(UTC)).replace(tzinfo=None)
        return (self.opens_at is None or self.opens_at <= now) and (self.closes_at is None or now <= self.closes_at)

    def when(self) -> str:
        f = "%Y-%m-%d %H:%M"
        return (f"opens {self.opens_at:{f}}" if self.opens_at else "open") + (
            f", closes {self.closes_at:{f}} UTC" if self.closes_at else "")


@dataclass(frozen=True)
class ClassInfo:
    name: str
    teacher: str
    students: tuple[str, ...]
    exercises: tuple[Exercise, ...]


@dataclass(frozen=True)
class Comment:
    exercise_id: int
    student: str
    author: str
    text: str
    created_at: datetime


def _exercise(row: dict) -> Exercise:
    return Exercise(id=row["id"], position=row["position"], step=row["step"], transcripts=tuple(row["transcripts"]),
                    framework=row["framework"], codes=tuple(row["codes"] or ()), reference=row["reference"],
                    item=row["item"], instructions=row["instructions"] or "", opens_at=row["opens_at"],
                    closes_at=row["closes_at"], suggestions=bool(row["suggestions"]), key=dict(row["key"] or {}))


def _name(text: str, what: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise InputError(None, f"give the {what}'s name")
    if len(text) > 80:
        raise InputError(None, f"the {what}'s name is longer than 80 characters")
    return text


def student_name(name: str) -> str:
    """A student's plain name (``student:kari`` and ``kari`` are the same student)."""
    return _name((name or "").strip().removeprefix(STUDENT_PREFIX), "student")


def parse_date(text: str | date | datetime | None, *, end: bool = False) -> datetime | None:
    """``2026-12-01`` (the start of the day, or its end with ``end``) or ``2026-12-01T14:00``, in UTC."""
    if text is None or text == "":
        return None
    if isinstance(text, datetime):
        return text.astimezone(UTC).replace(tzinfo=None) if text.tzinfo else text
    if isinstance(text, date):
        return datetime.combine(text, time.max.replace(microsecond=0) if end else time.min)
    try:
        if len(text.strip()) == 10:
            return parse_date(date.fromisoformat(text.strip()), end=end)
        return parse_date(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise InputError(None, f"not a date: {text!r} (write 2026-12-01 or 2026-12-01T14:00)") from None


def default_framework(project: Project) -> str:
    """The framework an exercise uses unless told: the study's lvi84 if the project has it, else its first."""
    with project.read() as s:
        ids = db.framework_ids(s)
    if not ids:
        raise InputError(None, "teaching needs a framework in the project: add one on the Project page "
                               "(or build the sample study: python -m toolkit sample S.fa)")
    return DEFAULT_FRAMEWORK if DEFAULT_FRAMEWORK in ids else ids[0]


def default_reference(project: Project) -> str:
    """The reference coder: ``reference`` where the project has it (the sample), else the project's lead coder."""
    from ..evidence import lead_coder

    with project.read() as s:
        names = {c["name"] for c in db.list_coders(s)}
    if REFERENCE_CODER in names:
        return REFERENCE_CODER
    lead = lead_coder(project)
    if lead is None:
        raise InputError(None, "teaching compares students with a reference indexing, and this project has no "
                               "coded transcripts yet: import a reference coder's codings first")
    return lead


def create_class(project: Project, name: str, *, teacher: str) -> str:
    name = _name(name, "class")
    with project.transaction(Action.CLASS_CREATE, actor=teacher, payload={"class": name}) as s:
        tdb.add_class(s, name, teacher)
    return name


def list_classes(project: Project) -> list[ClassInfo]:
    with project.read() as s:
        out = []
        for name, teacher, _ in tdb.classes(s):
            cid = tdb.class_id(s, name)
            out.append(ClassInfo(name, teacher, tuple(tdb.members(s, cid)),
                                 tuple(_exercise(r) for r in tdb.exercises(s, cid))))
    return out


def get_class(project: Project, name: str) -> ClassInfo:
    with project.read() as s:
        cid = tdb.class_id(s, name)
        teacher = next(t for n, t, _ in tdb.classes(s) if n == name)
        return ClassInfo(name, teacher, tuple(tdb.members(s, cid)),
                         tuple(_exercise(r) for r in tdb.exercises(s, cid)))


def get_exercise(project: Project, class_name: str, exercise: int | str) -> Exercise:
    """An exercise of a class by its number in the class (1, 2, ...)."""
    info = get_class(project, class_name)
    try:
        n = int(exercise)
    except (TypeError, ValueError):
        raise InputError(None, f"an exercise is named by its number in the class, not {exercise!r}") from None
    found = next((e for e in info.exercises if e.position == n), None)
    if found is None:
        raise NotFoundError(f"class {class_name!r} has no exercise {n} (it has {len(info.exercises)})")
    return found


def add_exercise(project: Project, class_name: str, step: str, transcripts: list[str] | tuple[str, ...] = (), *,
                 teacher: str, framework: str | None = None, codes: list[str] | tuple[str, ...] = (),
                 instructions: str | None = None, opens: str | date | datetime | None = None,
                 closes: str | date | datetime | None = None, suggestions: bool = False, item: str | None = None,
                 reference: str | None = None, key: dict | None = None) -> Exercise:
    """Set an exercise. ``chart`` needs ``item`` (the participant) and one code; ``map`` one code; ``interpret``
    ``item`` (the finding to check). Everything is checked before anything is written."""
    if step not in STEP_KEYS:
        raise InputError(None, f"unknown step {step!r}: one of {', '.join(STEP_KEYS)}")
    framework = framework or default_framework(project)
    reference = reference or default_reference(project)
    opens_at, closes_at = parse_date(opens), parse_date(closes, end=True)
    if opens_at and closes_at and closes_at < opens_at:
        raise InputError(None, "the exercise closes before it opens")
    codes = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    with project.read() as s:
        if framework not in db.framework_ids(s):
            raise InputError(None, f"no framework {framework!r} in the project")
        known = db.code_pks(s, framework)
        names = [db.resolve_transcript(s, tr).name for tr in transcripts]
        participants = {p["id"] for p in db.participants(s)}
        if reference not in {c["name"] for c in db.list_coders(s)}:
            raise InputError(None, f"no coder {reference!r} to be the reference")
    bad = [c for c in codes if c not in known]
    if bad:
        raise InputError(None, f"unknown code(s) {', '.join(bad)} (not in framework {framework!r})")
    if step in ("familiarize", "index", "interpret") and not names:
        raise InputError(None, f"a {step} exercise needs a transcript (--transcript)")
    if step in ("chart", "map") and len(codes) != 1:
        raise InputError(None, f"a {step} exercise is about one code: give exactly one (--codes)")
    if step == "chart" and (item or "") not in participants:
        raise InputError(None, f"a chart exercise needs a participant of the project (--participant), not {item!r}")
    if step == "interpret" and not (item or "").strip():
        raise InputError(None, "an interpretation exercise needs the finding to check (--finding)")
    fields = {"step": step, "transcripts": names, "framework": framework, "codes": codes, "reference": reference,
              "item": (item or "").strip() or None, "instructions": (instructions or "").strip()
              or DEFAULT_INSTRUCTIONS[step], "opens_at": opens_at, "closes_at": closes_at,
              "suggestions": bool(suggestions), "key": dict(key or {})}
    payload = {"class": class_name, **{k: v for k, v in fields.items() if k not in ("opens_at", "closes_at", "key")}}
    with project.transaction(Action.CLASS_EXERCISE, actor=teacher, payload=payload) as s:
        eid = tdb.add_exercise(s, tdb.class_id(s, class_name), **fields)
        return _exercise(tdb.exercise(s, eid))


def set_key(project: Project, exercise: Exercise, key: dict, *, teacher: str) -> None:
    """Replace the teacher's key of an exercise (e.g. step 5's marks, a reference summary)."""
    with project.transaction(Action.CLASS_KEY, actor=teacher, payload={"exercise": exercise.id}) as s:
        tdb.set_exercise_key(s, exercise.id, key)


def join_class(project: Project, class_name: str, student: str) -> bool:
    """Add a student to a class (True if new). On a team server a student is a login with the student role."""
    name = student_name(student)
    from ..store import team as teamdb

    with project.read() as s:
        account = teamdb.account(s, name)
    if account is not None and account["role"] != "student":
        raise InputError(None, f"{name} is a {account['role']} of the team, not a student")
    with project.transaction(Action.CLASS_JOIN, actor=STUDENT_PREFIX + name,
                             payload={"class": class_name, "student": name}) as s:
        return tdb.add_member(s, tdb.class_id(s, class_name), name)


def open_exercises(project: Project, class_name: str, now: datetime | None = None) -> list[Exercise]:
    """The exercises of a class a student sees now: the open ones."""
    return [e for e in get_class(project, class_name).exercises if e.is_open(now)]


def comment(project: Project, class_name: str, exercise: int | str, student: str, text: str, *,
            teacher: str) -> int:
    ex = get_exercise(project, class_name, exercise)
    name = student_name(student)
    text = (text or "").strip()
    if not text:
        raise InputError(None, "write the comment first")
    with project.transaction(Action.CLASS_COMMENT, actor=teacher,
                             payload={"exercise": ex.id, "student": name}) as s:
        if name not in tdb.members(s, tdb.class_id(s, class_name)):
            raise InputError(None, f"{name} is not a student of {class_name}")
        return tdb.add_comment(s, ex.id, name, teacher, text)


def comments(project: Project, exercises: list[Exercise], student: str | None = None) -> list[Comment]:
    with project.read() as s:
        rows = tdb.comments(s, [e.id for e in exercises], student_name(student) if student else None)
    return [Comment(*r) for r in rows]

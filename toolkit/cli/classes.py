"""``class``: teaching a class from the command line: create, exercise add|key, join, list, the students' work
(codes, index, summary, map, mark), accept, feedback, comment, overview (CSV) and export (Word)."""

from __future__ import annotations

import argparse

from ..errors import InputError
from ..teaching import cells_work as cw5
from ..teaching import classes as cl
from ..teaching import codes_work as cw
from ..teaching import results as rs
from ._common import embedder, open_, print_table


def _span(text: str) -> tuple[str, int, int]:
    """``T:START-END`` -> (T, start, end)."""
    t, sep, rng = text.rpartition(":")
    a, dash, b = rng.partition("-")
    if not sep or not dash or not a.isdigit() or not b.isdigit():
        raise InputError(None, f"a passage is TRANSCRIPT:START-END, not {text!r}")
    return t, int(a), int(b)


def _marks(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        where, sep, mark = item.rpartition("=")
        if not sep:
            raise InputError(None, f"--mark is TRANSCRIPT:START-END=MARK, not {item!r}")
        t, a, b = _span(where)
        out[f"{t}|{a}|{b}"] = mark.strip()
    return out


def register(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("class", help="teaching a class: exercises a teacher sets, students' work, feedback, overview")
    cs = c.add_subparsers(dest="class_command", required=True, metavar="ACTION")

    def cmd(name: str, handler, help_: str, *, klass: bool = True, ex: bool = False, student: bool = False):
        p = cs.add_parser(name, help=help_)
        p.add_argument("project")
        if klass:
            p.add_argument("klass", metavar="CLASS")
        if ex:
            p.add_argument("exercise", type=int, metavar="N", help="the exercise's number in the class")
        if student:
            p.add_argument("student", metavar="STUDENT")
        p.set_defaults(handler=handler)
        return p

    p = cmd("create", cmd_create, "create a class")
    p.add_argument("--teacher", default="teacher")
    cmd("list", cmd_list, "the classes, their students and exercises", klass=False)
    p = cs.add_parser("exercise", help="set an exercise (add) or its teacher's key (key)")
    es = p.add_subparsers(dest="exercise_command", required=True, metavar="ACTION")
    q = es.add_parser("add", help="add an exercise to a class")
    q.add_argument("project")
    q.add_argument("klass", metavar="CLASS")
    q.add_argument("--step", required=True, choices=cl.STEP_KEYS)
    q.add_argument("--transcript", action="append", default=[], help="repeat for several")
    q.add_argument("--framework")
    q.add_argument("--codes", nargs="*", default=[], help="a subset of the framework's codes (chart, map: one)")
    q.add_argument("--participant", help="chart: the cell's participant")
    q.add_argument("--finding", help="interpret: the finding the students check")
    q.add_argument("--instructions")
    q.add_argument("--opens", help="2026-12-01 or 2026-12-01T14:00 (UTC)")
    q.add_argument("--closes")
    q.add_argument("--suggestions", action="store_true", help="show the model's code suggestions (index)")
    q.add_argument("--reference", help="the reference coder (default: 'reference', else the lead coder)")
    q.add_argument("--teacher", default="teacher")
    q.set_defaults(handler=cmd_exercise_add)
    q = es.add_parser("key", help="the teacher's key: step 5's marks, step 3's summary")
    q.add_argument("project")
    q.add_argument("klass", metavar="CLASS")
    q.add_argument("exercise", type=int, metavar="N")
    q.add_argument("--mark", action="append", default=[], metavar="T:START-END=MARK")
    q.add_argument("--summary")
    q.add_argument("--teacher", default="teacher")
    q.set_defaults(handler=cmd_key)
    cmd("join", cmd_join, "a student joins a class", student=True)
    p = cmd("passages", cmd_passages, "the passages of an exercise (step 5: the ones to mark)", ex=True)
    p.add_argument("--model")
    p = cmd("codes", cmd_codes, "step 1: a student's codes and the passages each applies to", ex=True, student=True)
    p.add_argument("--code", action="append", required=True, metavar="LABEL=T:START-END[,T:START-END]")
    p.add_argument("--model")
    p = cmd("index", cmd_index, "step 2: a student's codes of one passage (none: 'no code here')", ex=True,
            student=True)
    p.add_argument("passage", metavar="T:START-END")
    p.add_argument("codes", nargs="*", metavar="CODE")
    p = cmd("summary", cmd_summary, "step 3: a student's summary of the cell", ex=True, student=True)
    p.add_argument("--text", required=True)
    p.add_argument("--cite", type=int, nargs="*", default=[], help="coding ids (see class passages)")
    p = cmd("map", cmd_map, "step 4: a student's key element -> dimension -> category rows", ex=True, student=True)
    p.add_argument("--row", action="append", required=True, metavar="PARTICIPANT=ELEMENT|DIMENSION|CATEGORY")
    p = cmd("mark", cmd_mark, "step 5: a student's marks", ex=True, student=True)
    p.add_argument("--mark", action="append", required=True, metavar="T:START-END=MARK")
    p = cmd("accept", cmd_accept, "step 1: the teacher accepts a student's code as matching a reference code",
            ex=True, student=True)
    p.add_argument("label")
    p.add_argument("code")
    p.add_argument("--teacher", default="teacher")
    cmd("feedback", cmd_feedback, "a student's work on an exercise beside the reference", ex=True, student=True)
    p = cmd("comment", cmd_comment, "the teacher's comment on a student's work", ex=True, student=True)
    p.add_argument("text")
    p.add_argument("--teacher", default="teacher")
    p = cmd("overview", cmd_overview, "one row per student and exercise: status, figures, comments")
    p.add_argument("--csv", help="write the overview here")
    p = cmd("export", cmd_export, "the class results as a Word summary (and CSV)")
    p.add_argument("--docx", required=True)
    p.add_argument("--csv")


def cmd_create(a) -> int:
    print(f"created class {cl.create_class(open_(a.project), a.klass, teacher=a.teacher)}")
    return 0


def cmd_list(a) -> int:
    for info in cl.list_classes(open_(a.project)):
        print(f"{info.name} (teacher {info.teacher}): {len(info.students)} student(s): {', '.join(info.students)}")
        for e in info.exercises:
            print(f"  {e.title} - {e.when()}")
    return 0


def cmd_exercise_add(a) -> int:
    item = a.participant if a.step == "chart" else a.finding if a.step == "interpret" else None
    e = cl.add_exercise(open_(a.project), a.klass, a.step, a.transcript, teacher=a.teacher, framework=a.framework,
                        codes=a.codes, instructions=a.instructions, opens=a.opens, closes=a.closes,
                        suggestions=a.suggestions, item=item, reference=a.reference)
    print(f"{a.klass}: {e.title} ({e.when()})")
    return 0


def cmd_key(a) -> int:
    p = open_(a.project)
    e = cl.get_exercise(p, a.klass, a.exercise)
    if a.mark:
        cw5.key_marks(p, e, _marks(a.mark), teacher=a.teacher)
    if a.summary:
        cl.set_key(p, cl.get_exercise(p, a.klass, a.exercise), {**e.key, "summary": a.summary}, teacher=a.teacher)
    print(f"key of exercise {e.position} saved")
    return 0


def cmd_join(a) -> int:
    new = cl.join_class(open_(a.project), a.klass, a.student)
    print(f"{a.student} {'joined' if new else 'is already in'} {a.klass}")
    return 0


def cmd_passages(a) -> int:
    p = open_(a.project)
    e = cl.get_exercise(p, a.klass, a.exercise)
    if e.step == "interpret":
        rows = [{"passage": f"{c.transcript}:{c.start}-{c.end}", "text": c.text[:90]}
                for c in cw5.candidates(p, e, embedder(p, a.model))]
    elif e.step in ("chart",):
        rows = [{"coding": str(c.coding_id), "passage": f"{c.transcript}:{c.start}-{c.end}", "text": c.text[:90]}
                for c in cw5.cell_passages(p, e)]
    elif e.step == "map":
        rows = [{"participant": i.participant, "summary" if i.is_summary else "passages": i.text[:90]}
                for i in cw5.map_items(p, e)]
    else:
        rows = [{"passage": f"{r.transcript}:{r.start}-{r.end}", "text": r.text[:90]}
                for r in cw.exercise_passages(p, e).itertuples()]
    print_table(rows)
    return 0


def cmd_codes(a) -> int:
    codes = []
    for item in a.code:
        label, sep, spans = item.partition("=")
        codes.append(cw.StudentCode(label.strip(), tuple(_span(x) for x in spans.split(",") if x.strip())
                                    if sep else ()))
    p = open_(a.project)
    e = cl.get_exercise(p, a.klass, a.exercise)
    cw.save_codes(p, e, a.student, codes, embedder(p, a.model))
    return cmd_feedback(a, p)


def cmd_index(a) -> int:
    p = open_(a.project)
    t, s, e_ = _span(a.passage)
    cw.index_passage(p, cl.get_exercise(p, a.klass, a.exercise), a.student, t, s, e_, a.codes)
    print(f"{a.student}: {' '.join(a.codes) or 'no code here'} at {a.passage}")
    return 0


def cmd_summary(a) -> int:
    p = open_(a.project)
    cw5.save_summary(p, cl.get_exercise(p, a.klass, a.exercise), a.student, a.text, a.cite)
    return cmd_feedback(a, p)


def cmd_map(a) -> int:
    rows = []
    for item in a.row:
        pid, sep, rest = item.partition("=")
        parts = rest.split("|")
        if not sep or len(parts) != 3:
            raise InputError(None, f"--row is PARTICIPANT=ELEMENT|DIMENSION|CATEGORY, not {item!r}")
        rows.append(cw5.MapRow(pid.strip(), *(x.strip() for x in parts)))
    p = open_(a.project)
    cw5.save_mapping(p, cl.get_exercise(p, a.klass, a.exercise), a.student, rows)
    return cmd_feedback(a, p)


def cmd_mark(a) -> int:
    p = open_(a.project)
    cw5.save_marks(p, cl.get_exercise(p, a.klass, a.exercise), a.student, _marks(a.mark))
    return cmd_feedback(a, p)


def cmd_accept(a) -> int:
    p = open_(a.project)
    cw.accept_match(p, cl.get_exercise(p, a.klass, a.exercise), a.student, a.label, a.code, teacher=a.teacher)
    print(f"accepted: {a.label} matches {a.code}")
    return 0


def cmd_feedback(a, p=None) -> int:
    p = p or open_(a.project)
    e = cl.get_exercise(p, a.klass, a.exercise)
    r = rs.result(p, e, cl.student_name(a.student))
    print(f"{e.title}: {r.student}: {r.status}" + (f"; {r.figures}" if r.figures else ""))
    if e.step == "index":
        fb = cw.index_feedback(p, e, a.student)
        if fb.warning:
            print(f"note: {fb.warning}")
    for line in rs.work_lines(p, e, a.student):
        print(f"  {' '.join(line.split())}")
    for c in cl.comments(p, [e], a.student):
        print(f"  comment by {c.author}: {c.text}")
    return 0


def cmd_comment(a) -> int:
    cl.comment(open_(a.project), a.klass, a.exercise, a.student, a.text, teacher=a.teacher)
    print(f"comment saved for {a.student} on exercise {a.exercise}")
    return 0


def cmd_overview(a) -> int:
    p = open_(a.project)
    table = rs.class_overview(p, a.klass)
    if a.csv:
        rs.export_csv(p, a.klass, a.csv)
        print(f"wrote {len(table)} row(s) to {a.csv}")
    print_table(table.to_dict("records"))
    return 0


def cmd_export(a) -> int:
    p = open_(a.project)
    rs.export_docx(p, a.klass, a.docx)
    print(f"wrote {a.docx}")
    if a.csv:
        rs.export_csv(p, a.klass, a.csv)
        print(f"wrote {a.csv}")
    return 0

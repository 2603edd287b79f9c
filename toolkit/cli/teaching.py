"""Teaching mode from the command line: ``teach steps|passages|code|feedback|students|reset`` (a class: ``class``).

The same toolkit calls as the Teaching page (``toolkit.teaching``): a student's work is stored as coder
``student:<name>``, apart from the researchers' coding, and compared with the reference indexing.
"""

from __future__ import annotations

import argparse
import math

from .. import teaching
from ._common import open_, print_table


def _one_line(text, width: int | None = None) -> str:
    s = "".join(ch if ch.isprintable() else " " for ch in str(text if text is not None else ""))
    return s if width is None or len(s) <= width else s[: width - 1] + "…"


def register(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser("teach", help="teaching mode: the five steps, a student's indexing exercise and feedback")
    ts = t.add_subparsers(dest="teach_command", required=True, metavar="ACTION")
    p = ts.add_parser("steps", help="the five steps in the study's words, each with its exercise")
    p.set_defaults(handler=cmd_steps)
    p = ts.add_parser("passages", help="the passages of a transcript's indexing exercise (participant turns)")
    p.add_argument("project")
    p.add_argument("transcript")
    p.add_argument("--student", help="also show this student's codes of each passage")
    p.set_defaults(handler=cmd_passages)
    p = ts.add_parser("code", help="set a student's codes of one passage (no codes: clear them)")
    p.add_argument("project")
    p.add_argument("transcript")
    p.add_argument("start", type=int, help="the passage's start offset (see teach passages)")
    p.add_argument("end", type=int)
    p.add_argument("codes", nargs="*", metavar="CODE")
    p.add_argument("--student", required=True)
    p.add_argument("--framework", default=teaching.DEFAULT_FRAMEWORK)
    p.set_defaults(handler=cmd_code)
    p = ts.add_parser("feedback", help="a student's indexing of a transcript against the reference indexing")
    p.add_argument("project")
    p.add_argument("transcript")
    p.add_argument("--student", required=True)
    p.add_argument("--framework", default=teaching.DEFAULT_FRAMEWORK)
    p.add_argument("--csv", help="write the per-code table here")
    p.set_defaults(handler=cmd_feedback)
    p = ts.add_parser("students", help="the students who have coded in this project")
    p.add_argument("project")
    p.set_defaults(handler=cmd_students)
    p = ts.add_parser("reset", help="remove a student's codings and exercise work (kept in the history)")
    p.add_argument("project")
    p.add_argument("--student", required=True)
    p.add_argument("--teacher", default="teacher")
    p.set_defaults(handler=cmd_reset)


def cmd_steps(a) -> int:
    for s in teaching.STEPS:
        print(f"{s.title} ({s.key})")
        for w in s.what:
            print(f"  - {w}")
        print(f"  exercise: {s.exercise}")
    print(f"source: {teaching.SOURCE}")
    return 0


def cmd_passages(a) -> int:
    project = open_(a.project)
    df = teaching.passages(project, a.transcript)
    mine = teaching.student_codes(project, a.student, a.transcript) if a.student else {}
    rows = [{"n": i + 1, "start": r.start, "end": r.end, "speaker": _one_line(r.speaker, 16),
             **({"codes": " ".join(mine.get((r.start, r.end), []))} if a.student else {}),
             "text": _one_line(r.text, 70)} for i, r in enumerate(df.itertuples())]
    print_table(rows)
    return 0


def cmd_code(a) -> int:
    added, removed = teaching.code_passage(open_(a.project), a.student, a.transcript, a.start, a.end, a.codes,
                                           framework=a.framework)
    print(f"{teaching.student_coder(a.student)}: {added} code(s) added, {removed} removed at {a.start}-{a.end}")
    return 0


def _fmt(x, pattern: str) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return format(0.0 if abs(x) < 0.005 else x, pattern)  # no "-0.00"


def cmd_feedback(a) -> int:
    fb = teaching.feedback(open_(a.project), a.student, a.transcript, framework=a.framework)
    o = fb["overall"]
    print(f"{teaching.student_coder(a.student)} against the reference, {fb['units']} passages of {a.transcript} "
          "(a passage not coded yet counts as 'no code'):")
    print(f"  positive agreement:                    {teaching.pct(o['pooled_positive'])}")
    print(f"  mean kappa per code:                   {_fmt(o['mean_kappa'], '.2f')}")
    print(f"  agreement on coding a passage at all:  {teaching.pct(o['coded_at_all_agreement'])}")
    per = fb["per_code"]
    per = per[(per["units_a"] > 0) | (per["units_b"] > 0)].rename(
        columns={"units_a": "reference", "units_b": "you", "units_both": "both"})
    if a.csv:
        from ..safeio import write_csv

        write_csv(per, a.csv)
        print(f"wrote {len(per)} code(s) to {a.csv}")
    else:
        cols = [c for c in ("code", "reference", "you", "both", "agreement", "kappa") if c in per.columns]
        print_table([{c: (_fmt(r[c], ".2f") if isinstance(r[c], float) else r[c]) for c in cols}
                     for r in per.to_dict("records")], cols)
    print(f"{len(fb['disagreements'])} passage(s) where the codes differ")
    return 0


def cmd_students(a) -> int:
    names = teaching.students(open_(a.project))
    print("\n".join(names) if names else "(no student has coded yet)")
    return 0


def cmd_reset(a) -> int:
    n = teaching.reset_student(open_(a.project), a.student, teacher=a.teacher)
    print(f"removed {n} coding(s) and the exercise work of {teaching.student_coder(a.student)}")
    return 0

"""`teach`: Teaching mode from the command line: the exercises of steps 1, 3, 4 and 5, the teacher's overview, reset."""

from __future__ import annotations

from pathlib import Path

from .. import teaching
from ..errors import InputError
from ..teaching import exercises as ex
from ..teaching.overview import class_overview
from ._common import embedder, open_, print_table


def register_steps(s) -> None:
    """The step exercises, the teacher's overview and reset, added to the ``teach`` command of ``cli.teaching``."""
    q = s.add_parser("overview", help="every student's progress and agreement with the reference, per step")
    q.add_argument("project")
    q.add_argument("--csv", help="write the overview here")
    q.set_defaults(handler=cmd_overview)
    q = s.add_parser("familiarize", help="step 1: a preliminary framework (one code per line) against the study's")
    q.add_argument("project")
    q.add_argument("--student", required=True)
    q.add_argument("--codes", required=True, help="a UTF-8 text file, one code per line")
    q.add_argument("--model")
    q.set_defaults(handler=cmd_familiarize)
    q = s.add_parser("chart", help="step 3: a cell's summary and cited passages against the reference")
    q.add_argument("project")
    q.add_argument("--student", required=True)
    q.add_argument("--participant", required=True)
    q.add_argument("--code", required=True)
    q.add_argument("--summary", required=True)
    q.add_argument("--cite", type=int, nargs="*", default=[], help="coding ids the summary cites")
    q.add_argument("--model")
    q.set_defaults(handler=cmd_chart)
    q = s.add_parser("map", help="step 4: group a category's codes; adjusted Rand index against the study's groups")
    q.add_argument("project")
    q.add_argument("--student", required=True)
    q.add_argument("--category", required=True)
    q.add_argument("--group", action="append", default=[], metavar="CODE=GROUP", help="repeat for every code")
    q.set_defaults(handler=cmd_map)
    q = s.add_parser("interpret", help="step 5: a finding on a category checked against the reference passages")
    q.add_argument("project")
    q.add_argument("--student", required=True)
    q.add_argument("--theme", required=True, help="category id")
    q.add_argument("--statement", required=True)
    q.add_argument("--model")
    q.set_defaults(handler=cmd_interpret)
    q = s.add_parser("reset", help="remove a student's codings and exercise work (kept in the history)")
    q.add_argument("project")
    q.add_argument("--student", required=True)
    q.add_argument("--teacher", default="teacher")
    q.set_defaults(handler=cmd_reset)


def cmd_overview(a) -> int:
    table = class_overview(open_(a.project))
    if a.csv:
        from ..safeio import write_csv

        write_csv(table, a.csv)
        print(f"wrote {a.csv}")
    print_table(table.astype(object).where(table.notna(), "").to_dict("records"))
    return 0


def cmd_familiarize(a) -> int:
    try:
        text = Path(a.codes).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(a.codes, f"cannot read the codes: {e}") from None
    project = open_(a.project)
    out = ex.preliminary_framework(project, a.student, text, embedder(project, a.model))
    print_table(out["rows"])
    print(f"categories of the study reached: {len(out['reached'])} of {out['n']}; missed: {', '.join(out['missed'])}")
    return 0


def cmd_chart(a) -> int:
    project = open_(a.project)
    out = ex.chart_cell(project, a.student, a.participant, a.code, a.summary, a.cite, embedder(project, a.model))
    print(f"similarity to the reference {'summary' if out['reference_is_summary'] else 'passages'}: "
          f"{out['similarity']:.2f}; cited passages overlap (Jaccard): {out['cited_overlap']:.2f} (n = {out['n']} "
          "reference passages)")
    return 0


def cmd_map(a) -> int:
    groups = {}
    for item in a.group:
        code, sep, group = item.partition("=")
        if not sep:
            raise InputError(None, f"--group must be CODE=GROUP, not {item!r}")
        groups[code.strip()] = group.strip()
    out = ex.group_codes(open_(a.project), a.student, a.category, groups)
    print(f"adjusted Rand index against the study's groups ({out['crosswalk']}): {out['ari']:.2f} (n = {out['n']} "
          "codes)")
    return 0


def cmd_interpret(a) -> int:
    project = open_(a.project)
    out = ex.check_finding(project, a.student, a.theme, a.statement, embedder(project, a.model))
    print(f"coded under the category: {', '.join(out['coded']) or 'nobody'}; no passage: "
          f"{', '.join(out['silent']) or 'nobody'} (n = {out['n']} participants). Read each participant's closest "
          "passage and judge yourself: supports, counter-evidence, mentions only, or silent.")
    for e in out["examples"]:
        print(f"{e['participant']} ({e['closeness']:.2f}, {e['place']}): {' '.join(e['text'].split())[:160]}")
    return 0


def cmd_reset(a) -> int:
    n = teaching.reset_student(open_(a.project), a.student, teacher=a.teacher)
    print(f"removed {n} coding(s) and the exercise work of {teaching.student_coder(a.student)}")
    return 0

"""`findings show|rank|judge|clear`: checking findings against the transcripts, judged by the researcher."""

from __future__ import annotations

import argparse

from ..errors import InputError
from ..interpret import findings as fnd
from ..interpret import judging as jd
from ..safeio import write_csv
from ._common import embedder, open_, print_table, who
from .participants import add_where, evidence_for


def _common(p, *, theme: bool = True) -> None:
    p.add_argument("project")
    p.add_argument("--framework", help="default: the framework with most codings")
    p.add_argument("--level", choices=jd.LEVELS, default="category")
    if theme:
        p.add_argument("--theme", required=True, help="a category id (or code id with --level code)")
        p.add_argument("--statement", help="the finding (default: the theme's label; its definition for a code)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("findings", help="check findings: passages ranked by closeness, the researcher's marks")
    s = p.add_subparsers(dest="findings_command", required=True, metavar="ACTION")
    q = s.add_parser("show", help="per theme: who the researcher marked supports / counter-evidence / mentions / "
                                  "silent, and who is not checked yet")
    _common(q, theme=False)
    q.add_argument("--attribute", default="group")
    q.add_argument("--coder", action="append", dest="coders")
    q.add_argument("--statement", action="append", default=[], metavar="THEME=TEXT",
                   help="the finding of a theme (default: its label)")
    add_where(q)
    q.add_argument("--csv", help="one row per theme and participant, with the mark and its quotes")
    q.add_argument("--model", help="sentence-transformers model directory (default: the project's)")
    q.set_defaults(handler=cmd_show)
    q = s.add_parser("rank", help="each participant's passages of a theme, closest to the statement first")
    _common(q)
    q.add_argument("--coder", action="append", dest="coders")
    q.add_argument("--per", type=int, default=3, help="passages per participant (default 3)")
    q.add_argument("--model")
    q.set_defaults(handler=cmd_rank)
    q = s.add_parser("judge", help="mark participants against a finding: support, counter, mentions or silent")
    _common(q)
    q.add_argument("--participant", help="one participant (with --mark)")
    q.add_argument("--mark", choices=jd.VERDICTS)
    q.add_argument("--quote", type=int, action="append", default=[], help="coding id of a quote behind the mark")
    q.add_argument("--marks", help="letters for every participant in order: s support, c counter-evidence, "
                                   "m mentions, n silent, . skip (e.g. 'ss.cm')")
    q.add_argument("--note")
    q.add_argument("--actor", default=who())
    q.set_defaults(handler=cmd_judge)
    q = s.add_parser("clear", help="take back a participant's mark")
    _common(q)
    q.add_argument("--participant", required=True)
    q.add_argument("--actor", default=who())
    q.set_defaults(handler=cmd_clear)


def _framework(project, given):
    from .mapping import _framework as pick

    return pick(project, given)


def _statement(project, fid: str, a) -> str:
    if a.statement:
        return a.statement.strip()
    with project.read() as s:
        return jd.default_statement(s, fid, a.level, a.theme)


def cmd_show(a) -> int:
    project = open_(a.project)
    a.coders = evidence_for(project, a)
    fid = _framework(project, a.framework)
    statements = {}
    for item in a.statement:
        theme, sep, text = item.partition("=")
        if not sep or not text.strip():
            raise InputError(None, f"--statement must be THEME=TEXT, not {item!r}")
        statements[theme.strip()] = text.strip()
    found = fnd.check_findings(project, fid, level=a.level, attribute=a.attribute, coders=a.coders,
                               embedder=embedder(project, a.model), statements=statements)
    from ..evidence import resolve

    print(resolve(project, a.coders, framework=fid).describe())
    labels = {"support": "supports", "counter": "counter-evidence", "mentions": "mentions only", "silent": "silent"}
    rows = [{"theme": f.theme_id, "statement": f.statement[:50], "checked": f"{len(f.judged)}/{len(f.groups)}",
             **{lab: ", ".join(f.marked(v)) or "-" for v, lab in labels.items()}} for f in found]
    print_table(rows, ["theme", "statement", "checked", *labels.values()])
    print("\nOnly a researcher's mark says support or counter-evidence (findings judge); the others are not yet "
          "checked: read their passages with findings rank.")
    if a.csv:
        write_csv(fnd.findings_frame(found), a.csv)
    return 0


def cmd_rank(a) -> int:
    project = open_(a.project)
    fid = _framework(project, a.framework)
    statement = _statement(project, fid, a)
    ranked = jd.rank_passages(project, fid, statement, theme_id=a.theme, level=a.level, coders=a.coders,
                              embedder=embedder(project, a.model), per_participant=a.per)
    print(f"Statement: {statement}\n(closeness ranks the passages to read; it is not a judgement)")
    rows = [{"participant": pid, "coding": r.coding_id, "closeness": f"{r.closeness:.2f}", "place": r.place,
             "sentence": " ".join(r.sentence.split())[:90]} for pid, rs in ranked.items() for r in rs]
    print_table(rows, ["participant", "coding", "closeness", "place", "sentence"])
    silent = [pid for pid, rs in ranked.items() if not rs]
    if silent:
        print(f"no coded passage under {a.theme}: {', '.join(silent)}")
    return 0


def cmd_judge(a) -> int:
    project = open_(a.project)
    fid = _framework(project, a.framework)
    statement = _statement(project, fid, a)
    if a.marks is not None:
        if a.participant or a.mark or a.quote:
            raise InputError(None, "use either --marks or --participant with --mark (and --quote)")
        from ..store import charting as cdb

        with project.read() as s:
            people = sorted(cdb.participant_ids(s))
        marks = jd.parse_marks(a.marks, people)
        for pid, verdict in marks.items():
            jd.judge(project, fid, a.theme, statement, pid, verdict, level=a.level, note=a.note, actor=a.actor)
        print(f"marked {len(marks)} participant(s) against {a.theme}: "
              + ", ".join(f"{p} {v}" for p, v in marks.items()))
        return 0
    if not (a.participant and a.mark):
        raise InputError(None, "name --participant and --mark (or give --marks)")
    jd.judge(project, fid, a.theme, statement, a.participant, a.mark, level=a.level, quotes=a.quote, note=a.note,
             actor=a.actor)
    print(f"{a.participant}: {jd.VERDICT_LABELS[a.mark]} ({len(a.quote)} quote(s)) on {a.theme}: {statement}")
    return 0


def cmd_clear(a) -> int:
    project = open_(a.project)
    fid = _framework(project, a.framework)
    statement = _statement(project, fid, a)
    done = jd.clear(project, fid, a.theme, statement, a.participant, level=a.level, actor=a.actor)
    print(f"{a.participant}: mark taken back" if done else f"{a.participant} had no mark on this finding")
    return 0

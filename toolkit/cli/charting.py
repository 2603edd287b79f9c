"""Charting commands: chart (Word/Excel/CSV), summaries draft|set|review|list, refine, coverage."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import charting as ch
from .. import export
from ..errors import InputError
from ..safeio import write_csv
from ._common import embedder, open_, print_table, progress_bar, who
from .participants import add_where, evidence_for

EVIDENCE_HELP = ("whose codings count (repeatable; default: consensus where it exists, else the project's lead "
                 "coder; never students or models; see `evidence show`)")


def _framework_args(p) -> None:
    p.add_argument("project", help="project file (e.g. study.fa)")
    p.add_argument("--framework", required=True, help="framework id (see `frameworks list --project P.fa`)")


_COLUMNS = {"code": "codes", "category": "categories"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("chart", help="participant-by-code matrix as Word, Excel and/or CSV")
    _framework_args(p)
    p.add_argument("--docx", help="write the Word document here")
    p.add_argument("--xlsx", help="write the Excel workbook here")
    p.add_argument("--csv", help="write one row per cell here")
    p.add_argument("--category", help="only this category of the framework")
    p.add_argument("--group-by", nargs="*", default=None, metavar="ATTRIBUTE",
                   help="participant attributes to order and group rows by (default: group setting; none: no groups)")
    p.add_argument("--attributes", nargs="*", default=None, metavar="ATTRIBUTE",
                   help="attributes shown after the participant id (default: the --group-by ones)")
    p.add_argument("--level", default="code", metavar="LEVEL",
                   help="columns: code (default), category, or depth:N (each code under its ancestor at depth N of "
                        "the code tree; depth:1 = the codes directly under the categories)")
    p.add_argument("--title")
    p.add_argument("--coder", action="append", dest="coders", help=EVIDENCE_HELP)
    add_where(p)
    p.add_argument("--no-appendix", action="store_true", help="leave out the Word appendix of quotes")
    p.add_argument("--max-columns", type=int, default=6,
                   help="Word: code columns per table (default 6; each part repeats the participant columns; a table "
                        "never has more than 9 columns in all)")
    p.add_argument("--layout", choices=["matrix", "participant"], default="matrix",
                   help="Word: participants in rows (matrix) or one participant per page with codes as rows")
    p.add_argument("--draft", action="store_true", help="first draft summaries for cells that have none")
    p.add_argument("--model", help="sentence-transformers model directory for --draft (default: packaged model)")
    p.set_defaults(handler=cmd_chart)

    sm = sub.add_parser("summaries", help="draft, write, review and list chart-cell summaries")
    sms = sm.add_subparsers(dest="summaries_command", required=True, metavar="ACTION")
    p = sms.add_parser("draft", help="labelled extracts (1-2 verbatim sentences, at most 40 words) for cells without a "
                                      "summary")
    _framework_args(p)
    p.add_argument("--overwrite", action="store_true", help="redraft cells whose summary is still a toolkit draft")
    p.add_argument("--participant", action="append", dest="participants")
    p.add_argument("--code", action="append", dest="codes")
    p.add_argument("--coder", action="append", dest="coders", help=EVIDENCE_HELP)
    p.add_argument("--model", help="sentence-transformers model directory (default: packaged model)")
    p.set_defaults(handler=cmd_draft)
    p = sms.add_parser("set", help="write a cell's summary (empty text removes it)")
    _framework_args(p)
    p.add_argument("--participant", required=True)
    p.add_argument("--code", required=True)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--text")
    src.add_argument("--file", help="read the text from this UTF-8 file")
    p.add_argument("--reviewed", action="store_true", help="mark it reviewed at once")
    p.add_argument("--quotes", nargs="*", type=int, help="coding ids the summary draws on")
    p.add_argument("--author", default=who())
    p.add_argument("--coder", action="append", dest="coders", help=EVIDENCE_HELP)
    p.set_defaults(handler=cmd_set)
    p = sms.add_parser("review", help="mark a cell's summary as reviewed (confirmed for the codings under it now)")
    _framework_args(p)
    p.add_argument("--participant", required=True)
    p.add_argument("--code", required=True)
    p.add_argument("--author", default=who())
    p.add_argument("--coder", action="append", dest="coders", help=EVIDENCE_HELP)
    p.set_defaults(handler=cmd_review)
    p = sms.add_parser("list", help="the summaries of a framework with status, origin and author")
    _framework_args(p)
    p.add_argument("--status", choices=["empty", "draft", "reviewed"])
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("refine", help="recode the project into another framework through a crosswalk")
    p.add_argument("project")
    p.add_argument("--crosswalk", required=True, help="crosswalk id in the project, or a crosswalk YAML file")
    p.add_argument("--dry-run", action="store_true", help="report what would happen, change nothing")
    p.add_argument("--csv", help="write the merge report (one row per crosswalk entry) here")
    p.add_argument("--actor", default=who())
    p.set_defaults(handler=cmd_refine)

    p = sub.add_parser("coverage", help="passages and participants per code, by attribute group; gaps")
    _framework_args(p)
    p.add_argument("--by", nargs="*", default=[], metavar="ATTRIBUTE")
    p.add_argument("--few", type=int, default=3, help="list participants with fewer passages than this")
    p.add_argument("--coder", action="append", dest="coders", help=EVIDENCE_HELP)
    add_where(p)
    p.add_argument("--csv", help="write the per-code table here")
    p.set_defaults(handler=cmd_coverage)


def _print_draft(rep) -> None:
    print(f"drafted {rep.drafted} summaries from {rep.sentences} sentences in {rep.seconds:.1f} s "
          f"({rep.kept_researcher} written by a researcher left alone, {rep.kept_draft} earlier drafts kept, "
          f"{rep.no_sentences} without a participant sentence)")


def cmd_chart(a) -> int:
    project = open_(a.project)
    a.coders = evidence_for(project, a)
    if a.draft:
        _print_draft(ch.draft_summaries(project, a.framework, embedder(project, a.model), coders=a.coders,
                                        progress=progress_bar("drafting summaries")))
    group_by = ch.DEFAULT_GROUP_BY if a.group_by is None else a.group_by
    m = export.chart(project, a.framework, docx=a.docx, xlsx=a.xlsx, csv=a.csv, category=a.category, group_by=group_by,
                 level=a.level, attributes=a.attributes, title=a.title, quotes_appendix=not a.no_appendix,
                 coders=a.coders, max_columns=a.max_columns or None, layout=a.layout)
    n_sum = sum(1 for c in m.cells.values() if c.summary)
    n_coded = sum(1 for c in m.cells.values() if c.quotes)
    print(m.evidence.describe())
    columns = _COLUMNS.get(m.level, f"columns ({m.level})")
    print(f"{m.framework_id}: {len(m.participants)} participants x {len(m.columns)} {columns}; "
          f"{n_coded} cells coded, {n_sum} summarised")
    for kind, path in (("Word", a.docx), ("Excel", a.xlsx), ("CSV", a.csv)):
        if path:
            print(f"wrote {kind}: {path}")
    return 0


def cmd_draft(a) -> int:
    project = open_(a.project)
    rep = ch.draft_summaries(project, a.framework, embedder(project, a.model), overwrite=a.overwrite,
                             participants=a.participants, codes=a.codes, coders=a.coders,
                             progress=progress_bar("drafting summaries"))
    _print_draft(rep)
    return 0


def cmd_set(a) -> int:
    if a.file:
        try:
            text = Path(a.file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(a.file, f"cannot read the summary text: {e}") from None
    else:
        text = a.text
    sid = ch.set_summary(open_(a.project), a.framework, a.participant, a.code, text,
                         status="reviewed" if a.reviewed else "draft", author=a.author, quotes=a.quotes,
                         coders=a.coders)
    print(f"removed the summary of {a.participant} x {a.code}" if sid is None
          else f"saved the summary of {a.participant} x {a.code}")
    return 0


def cmd_review(a) -> int:
    ch.review_summary(open_(a.project), a.framework, a.participant, a.code, author=a.author, coders=a.coders)
    print(f"{a.participant} x {a.code}: reviewed by {a.author}")
    return 0


def cmd_list(a) -> int:
    m = ch.build_matrix(open_(a.project), a.framework, group_by=())
    rows = []
    for col in m.columns:
        for pid in m.participants:
            c = m.cells[(pid, col.id)]
            if not (c.summary or c.quotes) or (a.status and c.status != a.status):
                continue
            text = c.summary.replace("\n", " ")
            rows.append({"participant": pid, "code": col.id, "passages": len(c.quotes), "status": c.status,
                         "evidence": ch.STALE_NOTE if c.stale else "", "origin": c.origin or "",
                         "author": c.author or "",
                         "summary": text[:70] + ("..." if len(text) > 70 else "")})
    print_table(rows)
    return 0


def cmd_refine(a) -> int:
    rep = ch.refine(open_(a.project), a.crosswalk, actor=a.actor, dry_run=a.dry_run)
    print(rep.text())
    if a.csv:
        write_csv(rep.merges, a.csv)
        print(f"wrote the merge report to {a.csv}")
    return 0


def cmd_coverage(a) -> int:
    project = open_(a.project)
    cov = ch.coverage(project, a.framework, by=a.by, coders=evidence_for(project, a), few=a.few)
    print_table(cov.codes.to_dict("records"))
    print(f"\ncodes no one mentioned ({len(cov.unused)}): {', '.join(cov.unused) or 'none'}")
    print(f"participants with fewer than {cov.few} passages ({len(cov.sparse)}): {', '.join(cov.sparse) or 'none'}")
    if a.csv:
        write_csv(cov.codes, a.csv)
        print(f"wrote {a.csv}")
    return 0

"""`index ...`: the Index page's actions from the command line (accept, reject, code a span, remove, no code here,
bulk accept, undo any decision, a passage's history) and the framework's unit of analysis."""

from __future__ import annotations

import argparse

from ..indexing import decisions as dec
from ..indexing import workspace as ws
from ..store import core as db
from ..store import decisions as ddb
from ._common import open_


def register(sub: argparse._SubParsersAction) -> None:
    top = sub.add_parser("index", help="indexing decisions: accept, reject, code, uncode, nocode, bulk-accept, undo, "
                                       "history, unit")
    isub = top.add_subparsers(dest="index_command", required=True, metavar="ACTION")

    for name, fn in (("accept", dec.accept), ("reject", dec.reject)):
        p = isub.add_parser(name, help=f"{name} suggestions by id")
        p.add_argument("project")
        p.add_argument("ids", nargs="+", type=int)
        p.add_argument("--coder", required=True)
        p.set_defaults(handler=lambda a, fn=fn, name=name: _each(a, fn, name))

    p = isub.add_parser("code", help="code a span by hand: characters START END of a transcript, one or more codes")
    p.add_argument("project")
    p.add_argument("transcript")
    p.add_argument("start", type=int)
    p.add_argument("end", type=int)
    p.add_argument("codes", nargs="+")
    p.add_argument("--framework", required=True)
    p.add_argument("--coder", required=True)
    p.set_defaults(handler=cmd_code)

    p = isub.add_parser("uncode", help="remove codings by id (kept in the history, undoable)")
    p.add_argument("project")
    p.add_argument("ids", nargs="+", type=int)
    p.add_argument("--coder", required=True)
    p.set_defaults(handler=lambda a: _each(a, dec.remove_code, "removed coding"))

    p = isub.add_parser("nocode", help="mark passages 'no code here' (the learner reads them as having no code)")
    p.add_argument("project")
    p.add_argument("passages", nargs="+", type=int)
    p.add_argument("--framework", required=True)
    p.add_argument("--coder", required=True)
    p.set_defaults(handler=cmd_nocode)

    p = isub.add_parser("bulk-accept", help="accept all open suggestions of one code above a score, as one decision")
    p.add_argument("project")
    p.add_argument("--framework", required=True)
    p.add_argument("--code", required=True)
    p.add_argument("--threshold", type=float, required=True)
    p.add_argument("--coder", required=True)
    p.set_defaults(handler=cmd_bulk)

    p = isub.add_parser("undo", help="undo a decision by id, the coder's last one (--last) or a bulk batch (--batch)")
    p.add_argument("project")
    p.add_argument("decision", nargs="?", type=int)
    p.add_argument("--last", action="store_true", help="the coder's newest decision not undone yet")
    p.add_argument("--batch", help="a bulk accept's batch id")
    p.add_argument("--framework", default="lvi84", help="with --last")
    p.add_argument("--coder", required=True)
    p.set_defaults(handler=cmd_undo)

    p = isub.add_parser("history", help="the decisions on a transcript (or one passage), undone ones marked")
    p.add_argument("project")
    p.add_argument("transcript")
    p.add_argument("--framework", required=True)
    p.add_argument("--passage", type=int, help="only decisions touching this passage")
    p.add_argument("--coder", help="only this coder's decisions (blind coding)")
    p.set_defaults(handler=cmd_history)

    p = isub.add_parser("unit", help="show or set the framework's unit of analysis (turn | paragraph | sentences:N)")
    p.add_argument("project")
    p.add_argument("--framework", required=True)
    p.add_argument("--set", dest="scheme", help="the new unit of analysis")
    p.set_defaults(handler=cmd_unit)


def _each(a, fn, word: str) -> int:
    project = open_(a.project)
    for i in a.ids:
        out = fn(project, i, coder=a.coder)
        print(f"{word} {i} -> {out}")
    return 0


def cmd_code(a) -> int:
    ids = dec.add_span(open_(a.project), a.framework, a.transcript, a.start, a.end, a.codes, coder=a.coder)
    print(f"coded {a.transcript} {a.start}-{a.end} with {', '.join(a.codes)}: coding(s) {', '.join(map(str, ids))}")
    return 0


def cmd_nocode(a) -> int:
    project = open_(a.project)
    for pid in a.passages:
        print(f"passage {pid}: no code here (decision {dec.nocode(project, a.framework, pid, coder=a.coder)})")
    return 0


def cmd_bulk(a) -> int:
    r = dec.bulk_accept(open_(a.project), a.framework, a.code, a.threshold, coder=a.coder)
    print(f"accepted {r['accepted']} suggestions as batch {r['batch']} (undo: python -m toolkit index undo "
          f"{a.project} --batch {r['batch']} --coder {a.coder})")
    return 0


def cmd_undo(a) -> int:
    project = open_(a.project)
    if a.batch:
        print(f"undid bulk accept {a.batch}: {dec.undo_batch(project, a.batch, coder=a.coder)} codings removed")
        return 0
    r = dec.undo_last(project, a.framework, coder=a.coder) if a.last or a.decision is None else \
        dec.undo(project, a.decision, coder=a.coder)
    print(f"undid decision {r['decision']} ({r['kind']}, {r['codings']} coding(s))")
    return 0


def cmd_history(a) -> int:
    project = open_(a.project)
    with project.read() as s:
        tr = db.resolve_transcript(s, a.transcript)
        d = ddb.decisions_frame(s, a.framework, transcript_ids=[tr.id], coders=[a.coder] if a.coder else None)
        if a.passage is not None:
            from ..store import indexing as idb

            p = idb.passage(s, a.passage)
            d = d[(d.passage_id == p.id) | ((d.end > p.start) & (d.start < p.end))]
    if d.empty:
        print("(no decisions)")
    for r in d.itertuples():
        undone = f"  [undone by {r.undone_by}]" if r.undone_at is not None and r.undone_at == r.undone_at else ""
        print(f"{r.id:6d} {str(r.at)[:19]} {r.coder:12} {r.kind:9} {r.code_id if isinstance(r.code_id, str) else '':8} {r.start}-{r.end}{undone}")
    return 0


def cmd_unit(a) -> int:
    project = open_(a.project)
    if a.scheme:
        ws.set_unit_of_analysis(project, a.framework, a.scheme)
    scheme = ws.unit_of_analysis(project, a.framework)
    print(f"{a.framework}: unit of analysis {scheme} ({ws.unit_label(scheme)})")
    return 0

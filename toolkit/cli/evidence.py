"""`evidence show|lead`: whose codings the charts, maps, findings, reports and exports rest on."""

from __future__ import annotations

import argparse

from .. import evidence as ev
from ._common import open_, print_table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evidence", help="the evidence source (consensus / lead coder) of charts, maps and reports")
    s = p.add_subparsers(dest="evidence_command", required=True, metavar="ACTION")
    q = s.add_parser("show", help="the default evidence and the coders a page may choose")
    q.add_argument("project")
    q.add_argument("--coder", action="append", dest="coders", help="describe these coders' codings instead")
    q.set_defaults(handler=cmd_show)
    q = s.add_parser("lead", help="set the project's lead coder (no --coder: back to the automatic choice)")
    q.add_argument("project")
    q.add_argument("--coder", help="a human coder of the project (never a student)")
    q.add_argument("--actor")
    q.set_defaults(handler=cmd_lead)


def cmd_show(a) -> int:
    project = open_(a.project)
    print(ev.resolve(project, a.coders).describe())
    print_table(ev.eligible_coders(project))
    return 0


def cmd_lead(a) -> int:
    project = open_(a.project)
    lead = ev.set_lead_coder(project, a.coder, actor=a.actor)
    print(f"lead coder: {lead or 'none'}" + ("" if a.coder else " (automatic: most own codings)"))
    print(ev.resolve(project).describe())
    return 0

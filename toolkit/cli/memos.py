"""`memo add|edit|delete|list`: notes on transcripts, passages, codes and chart cells."""

from __future__ import annotations

import argparse

from .. import familiarize as mm
from ._common import open_, print_table, who


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("memo", help="memos on a transcript, a passage, a code or a chart cell")
    s = p.add_subparsers(dest="memo_command", required=True, metavar="ACTION")
    q = s.add_parser("add", help="write a memo (name a transcript, a passage, a code, or a participant and a code)")
    q.add_argument("project")
    q.add_argument("--text", required=True)
    q.add_argument("--title")
    q.add_argument("--transcript", help="transcript name or id")
    q.add_argument("--start", type=int, help="passage: first character")
    q.add_argument("--end", type=int, help="passage: character after the last")
    q.add_argument("--participant", help="chart cell: the participant (with --framework and --code)")
    q.add_argument("--framework")
    q.add_argument("--code")
    q.add_argument("--author", default=who())
    q.set_defaults(handler=cmd_add)
    q = s.add_parser("edit", help="replace a memo's text (and title)")
    q.add_argument("project")
    q.add_argument("memo", type=int)
    q.add_argument("--text", required=True)
    q.add_argument("--title")
    q.add_argument("--author", default=who())
    q.set_defaults(handler=cmd_edit)
    q = s.add_parser("delete", help="delete a memo (kept in the event log)")
    q.add_argument("project")
    q.add_argument("memo", type=int)
    q.add_argument("--author", default=who())
    q.set_defaults(handler=cmd_delete)
    q = s.add_parser("list", help="every memo: what it is about, title, text, author, time")
    q.add_argument("project")
    q.add_argument("--kind", choices=mm.MEMO_KINDS)
    q.add_argument("--csv", help="write the list here")
    q.set_defaults(handler=cmd_list)


def cmd_add(a) -> int:
    mid = mm.add_memo(open_(a.project), a.text, author=a.author, transcript=a.transcript, start=a.start, end=a.end,
                      title=a.title, participant=a.participant, framework=a.framework, code=a.code)
    print(f"memo {mid} saved")
    return 0


def cmd_edit(a) -> int:
    mm.edit_memo(open_(a.project), a.memo, a.text, title=a.title, author=a.author)
    print(f"memo {a.memo} saved")
    return 0


def cmd_delete(a) -> int:
    mm.delete_memo(open_(a.project), a.memo, author=a.author)
    print(f"memo {a.memo} deleted")
    return 0


def cmd_list(a) -> int:
    table = mm.memos_table(open_(a.project), kind=a.kind)
    if a.csv:
        from ..safeio import write_csv

        write_csv(table, a.csv)
        print(f"wrote {a.csv}")
    print_table([{**r, "memo": r["memo"][:60]} for r in table.to_dict("records")])
    return 0

"""``coder list|add``: the project's coders (humans apart from models and students), and adding a human coder."""

from __future__ import annotations

import argparse

from .. import coders as cd
from ._common import open_, print_table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("coder", help="the project's coders: list them, add a human coder")
    s = p.add_subparsers(dest="coder_command", required=True, metavar="ACTION")
    q = s.add_parser("list", help="every identity: human coders, students, model coders")
    q.add_argument("project")
    q.set_defaults(handler=cmd_list)
    q = s.add_parser("add", help="add a human coder (refused if the name clashes, ignoring case, with one there)")
    q.add_argument("project")
    q.add_argument("name")
    q.add_argument("--actor")
    q.set_defaults(handler=cmd_add)


def cmd_list(a) -> int:
    print_table([{"name": c.name, "role": c.role} for c in cd.coders(open_(a.project))])
    return 0


def cmd_add(a) -> int:
    name = cd.add_coder(open_(a.project), a.name, actor=a.actor)
    print(f"added coder {name}")
    return 0

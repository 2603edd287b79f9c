"""Team server commands: accounts (``user``), assignments and reveals (``assign``, ``unassign``, ``reveal``,
``assignments``). The first lead is made here: ``python -m toolkit user add URL NAME --role lead``.

Passwords are read from a prompt (asked twice) or, for scripts, from one line of standard input
(``--password-stdin``); never from the command line, where other users of the machine could see them.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from .. import team
from ..errors import InputError
from ._common import open_, print_table


def register(sub: argparse._SubParsersAction) -> None:
    u = sub.add_parser("user", help="team accounts: add, list, passwd, role, disable, enable, unlock")
    us = u.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    p = us.add_parser("add", help="add an account (the first one: --role lead)")
    p.add_argument("project")
    p.add_argument("name")
    p.add_argument("--role", choices=team.ROLES, default="coder")
    p.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    p.set_defaults(handler=cmd_user_add)
    p = us.add_parser("list", help="accounts with role, state and last login")
    p.add_argument("project")
    p.set_defaults(handler=lambda a: print_table(team.users(open_(a.project)),
                                                 ["name", "role", "active", "failed_logins", "last_login_at"]))
    p = us.add_parser("passwd", help="set an account's new password")
    p.add_argument("project")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(handler=cmd_user_passwd)
    p = us.add_parser("role", help="change an account's role")
    p.add_argument("project")
    p.add_argument("name")
    p.add_argument("role", choices=team.ROLES)
    p.set_defaults(handler=lambda a: team.set_role(open_(a.project), a.name, a.role) or print(f"{a.name}: {a.role}"))
    for name, active in (("disable", False), ("enable", True)):
        p = us.add_parser(name, help=f"{name} an account's login")
        p.add_argument("project")
        p.add_argument("name")
        p.set_defaults(handler=lambda a, v=active: team.set_active(open_(a.project), a.name, v)
                       or print(f"{a.name}: {'enabled' if v else 'disabled'}"))

    p = us.add_parser("unlock", help="clear an account's login slow-down (failed logins from every client)")
    p.add_argument("project")
    p.add_argument("name")
    p.set_defaults(handler=lambda a: print(f"{a.name}: unlocked ({team.clear_throttle(open_(a.project), a.name, actor='cli')}"
                                           " client(s) were waiting)"))

    p = sub.add_parser("teaching", help="mark (or --unmark) a transcript for teaching: students see only these")
    p.add_argument("project")
    p.add_argument("transcripts", nargs="*", help="transcripts to mark (none: list the marked ones)")
    p.add_argument("--unmark", action="store_true")
    p.add_argument("--lead", help="the lead account doing it (needed to mark)")
    p.set_defaults(handler=cmd_teaching)

    p = sub.add_parser("assign", help="assign a transcript to coders (blind double coding: name two)")
    p.add_argument("project")
    p.add_argument("transcript")
    p.add_argument("coders", nargs="+")
    p.add_argument("--lead", required=True, help="the lead account doing it")
    p.set_defaults(handler=cmd_assign)
    p = sub.add_parser("unassign", help="take a transcript away from a coder")
    p.add_argument("project")
    p.add_argument("transcript")
    p.add_argument("coder")
    p.add_argument("--lead", required=True)
    p.set_defaults(handler=lambda a: print(f"{team.unassign(open_(a.project), _lead(a), a.transcript, a.coder)} "
                                           "assignment(s) removed"))
    p = sub.add_parser("reveal", help="let every coder see everyone's codings of a transcript")
    p.add_argument("project")
    p.add_argument("transcript")
    p.add_argument("--lead", required=True)
    p.set_defaults(handler=lambda a: print(f"revealed {a.transcript}" if team.reveal(open_(a.project), _lead(a),
                                                                                     a.transcript)
                                           else f"{a.transcript} was already revealed"))
    p = sub.add_parser("assignments", help="who codes which transcript, and what is revealed")
    p.add_argument("project")
    p.set_defaults(handler=lambda a: print_table(team.assignments(open_(a.project), team.User("cli", "lead")),
                                                 ["transcript", "coder", "assigned_by", "revealed"]))


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise InputError(None, "the two passwords differ; nothing was changed")
    return first


def cmd_user_add(a) -> int:
    project = open_(a.project)
    user = team.add_user(project, a.name, read_password(a.password_stdin), role=a.role, actor="cli")
    print(f"added {user.role} {user.name} to {project.label}")
    return 0


def cmd_user_passwd(a) -> int:
    team.set_password(open_(a.project), a.name, read_password(a.password_stdin), actor="cli")
    print(f"new password set for {a.name}")
    return 0


def _lead(a) -> team.User:
    user = team.get_user(open_(a.project), a.lead)
    user.require("assign")
    return user


def cmd_assign(a) -> int:
    new = team.assign(open_(a.project), _lead(a), a.transcript, a.coders)
    print(f"assigned {a.transcript} to {', '.join(new) if new else 'nobody new (already assigned)'}")
    return 0


def cmd_teaching(a) -> int:
    project = open_(a.project)
    if not a.transcripts:
        for name in team.teaching_transcripts(project):
            print(name)
        return 0
    if not a.lead:
        raise InputError(None, "name the lead account doing it: --lead NAME")
    lead = _lead(a)
    for t in a.transcripts:
        changed = team.mark_teaching(project, lead, t, not a.unmark)
        print(f"{t}: {'unmarked' if a.unmark else 'marked'} for teaching" + ("" if changed else " (already)"))
    return 0

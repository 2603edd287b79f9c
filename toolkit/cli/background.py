"""``background``: build code suggestions in a detached process (the app opens meanwhile) and see its progress."""

from __future__ import annotations

import argparse

from .. import background as bg
from ._common import open_, progress_bar


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("background", help="build code suggestions in the background and follow their progress")
    bs = b.add_subparsers(dest="background_command", required=True, metavar="ACTION")
    p = bs.add_parser("suggest", help="start building a framework's suggestions in a detached process (the app "
                                      "shows its progress); --wait runs it here with a progress bar")
    p.add_argument("project")
    p.add_argument("--framework", required=True)
    p.add_argument("--wait", action="store_true", help="run in this process (progress bar, time left) and wait")
    p.add_argument("--if-missing", action="store_true",
                   help="do nothing when the project already has suggestions for the framework")
    p.set_defaults(handler=cmd_suggest)
    p = bs.add_parser("status", help="what the background suggestions are doing (step, progress, time left)")
    p.add_argument("project")
    p.add_argument("--framework")
    p.set_defaults(handler=cmd_status)


def cmd_suggest(a) -> int:
    if a.if_missing:
        project = open_(a.project)
        try:
            if bg.has_suggestions(project, a.framework):
                print(f"{a.project} already has code suggestions for {a.framework}")
                return 0
        finally:
            project.close()
    if a.wait:
        project = open_(a.project)
        r = bg.run_suggestions(project, a.framework, progress=progress_bar("embedding passages"))
        print(f"suggestions for {a.framework}: {r['passages']} passages, {r['suggested']} codes suggested")
        return 0
    pid = bg.start_suggestions(a.project, a.framework)
    print(f"building code suggestions for {a.framework} in the background (process {pid}); follow it in the app or "
          f"with: python -m toolkit background status {a.project}")
    return 0


def cmd_status(a) -> int:
    print(bg.describe(bg.suggestion_status(open_(a.project), a.framework)))
    return 0

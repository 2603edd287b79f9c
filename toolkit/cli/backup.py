"""``python -m toolkit backup P.fa OUT``: a consistent copy of a project through SQLite's backup API.

Copying the .fa file alone can miss changes still in its ``-wal`` file (after a crash, or while the app is open);
the backup API copies the database as SQLite sees it, and may run while another program uses the project.
"""

from __future__ import annotations

import argparse

from ..store import backup_project


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="copy a project safely (SQLite's backup API; includes what is in its -wal)")
    p.add_argument("project")
    p.add_argument("out", help="the copy to write (a new file, or a folder)")
    p.set_defaults(handler=cmd_backup)


def cmd_backup(a) -> int:
    out = backup_project(a.project, a.out)
    print(f"backed up {a.project} to {out}")
    return 0

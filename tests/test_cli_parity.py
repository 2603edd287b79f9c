"""Every action a page offers can be done from the command line: each ``act(..., cli="...")`` (or any call with a
``cli=`` keyword) in ``app/`` names a command, and options, that ``python -m toolkit`` really has."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import pytest

from toolkit.cli import build_parser

APP = Path(__file__).resolve().parent.parent / "app"


def _cli_names() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == "cli":
                        assert isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str), (
                            f"{path.name}:{node.lineno}: cli= must be a literal command string")
                        found.append((path.name, node.lineno, kw.value.value))
    return found


def _subparsers(p: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for a in p._actions:
        if isinstance(a, argparse._SubParsersAction):
            return a.choices
    return {}


def resolve(command: str) -> argparse.ArgumentParser:
    """The parser of ``command`` ("index accept --coder"): command words walk the subcommands, words starting with
    ``-`` must be options of the last one."""
    p = build_parser()
    words = command.split()
    for w in words:
        if w.startswith("-"):
            opts = {o for a in p._actions for o in a.option_strings}
            if w not in opts:
                raise LookupError(f"{command!r}: no option {w} (has {', '.join(sorted(opts))})")
            continue
        subs = _subparsers(p)
        if w not in subs:
            raise LookupError(f"{command!r}: no command {w!r} (has {', '.join(sorted(subs))})")
        p = subs[w]
    return p


def test_pages_name_their_commands():
    names = _cli_names()
    pages = {n for n, _, _ in names}
    assert len(names) >= 10 and pages, names  # the pages declare their actions


@pytest.mark.parametrize("page,line,command", _cli_names())
def test_each_page_action_has_a_command(page, line, command):
    resolve(command)


def test_resolve_refuses_what_does_not_exist():
    with pytest.raises(LookupError):
        resolve("no-such-command")
    with pytest.raises(LookupError):
        resolve("chart --no-such-option")

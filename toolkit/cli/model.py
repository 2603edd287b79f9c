"""The project's embedding model: ``model show P.fa`` and ``model set P.fa [PATH]`` (no PATH: the packaged default).

The same toolkit calls as the Project page's "Embedding model" (``toolkit.project.set_model``,
``toolkit.settings.model_choice``: the transcripts' language decides when nobody chose). Models are local folders; nothing is ever downloaded.
"""

from __future__ import annotations

import argparse

from .. import project as proj
from ..settings import model_choice
from ._common import open_, who


def register(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser("model", help="show or set the project's embedding model (a local sentence-transformers folder)")
    ms = m.add_subparsers(dest="model_command", required=True, metavar="ACTION")
    p = ms.add_parser("show", help="the model the project's suggestions, summaries and maps use")
    p.add_argument("project")
    p.add_argument("--check", action="store_true", help="also load the model and report its dimension")
    p.set_defaults(handler=cmd_show)
    p = ms.add_parser("set", help="use a local model folder for this project (no PATH: back to the packaged default)")
    p.add_argument("project")
    p.add_argument("path", nargs="?", help="a local sentence-transformers model directory")
    p.add_argument("--check", action="store_true", help="load the model before saving it (refuse one that fails)")
    p.add_argument("--actor", default=who())
    p.set_defaults(handler=cmd_set)


def _describe(path: str | None) -> str:
    from ..embed import DEFAULT_MODEL, default_model_path

    return path if path else f"{DEFAULT_MODEL} (packaged: {default_model_path()})"


def _load(path: str | None) -> str:
    """Load the model (refusing, with the folder named, one that does not load) and say what it is."""
    from ..embed import load_embedder
    from ..errors import InputError, ToolkitError

    try:
        e = load_embedder(path)
    except ToolkitError:
        raise
    except (OSError, ValueError, RuntimeError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InputError(path, f"does not load as a sentence-transformers model ({first})") from None
    return f"loads: {e.name}, {e.dim} dimensions"


def cmd_show(a) -> int:
    choice = model_choice(open_(a.project))
    print(f"model: {_describe(choice.model)} ({choice.reason})")
    if a.check:
        print(_load(choice.model))
    return 0


def cmd_set(a) -> int:
    project = open_(a.project)
    if a.check:
        print(_load(a.path))
    proj.set_model(project, a.path or None, actor=a.actor)
    choice = model_choice(project)
    print(f"model: {_describe(choice.model)} ({choice.reason})")
    return 0

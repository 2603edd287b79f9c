"""``learn``: "Learn from my coding" - choose how the suggester weighs its scorers by cross-validation on the
project's codings of one framework, keep the choice with the project, and suggest again with it."""

from __future__ import annotations

import argparse

from ._common import embedder, open_, progress_bar


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("learn", help="learn from the project's codings of a framework (kept with the project)",
                       description="Cross-validate the suggester's scorers on the project's codings (folds by "
                                   "participant), keep the choice in the project with its hash (named on every "
                                   "suggestion made with it), and suggest again.")
    p.add_argument("project")
    p.add_argument("--framework", required=True)
    p.add_argument("--scheme", help="passage scheme (default: the indexing default)")
    p.add_argument("--model", help="local sentence-transformers model folder (default: the project's model)")
    p.add_argument("--coder", help="who asks (counted by the blind rule when the suggestions are updated)")
    p.set_defaults(handler=cmd_learn)


def cmd_learn(a) -> int:
    from ..indexing.learning import learn

    project = open_(a.project)
    r = learn(project, a.framework, embedder(project, a.model), scheme=a.scheme,
              progress=progress_bar("learning"), coder=a.coder)
    print(r["message"])
    print(f"details: {r['technical']}")
    return 0

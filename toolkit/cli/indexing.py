"""Indexing commands: suggest, review, accept/reject, code/uncode, bulk-accept/undo, no-fit."""

from __future__ import annotations

import argparse

from ..indexing import service as sv
from ._common import embedder, open_, progress_bar


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("suggest", help="rank the framework's codes for every passage and store the suggestions")
    p.add_argument("project")
    p.add_argument("--framework", required=True)
    p.add_argument("--scheme", default=None, help="turn | paragraph | sentences:N (default: the framework's unit of analysis)")
    p.add_argument("--top", type=int, default=5, help="suggestions kept per passage")
    p.add_argument("--transcript", action="append", dest="transcripts", help="only these transcripts")
    p.add_argument("--model", help="local sentence-transformers model folder (default: the packaged MiniLM)")
    p.add_argument("--coder", help="who asks (counted by the blind rule: with two or more human coders each "
                                   "transcript's suggestions are learned from the other transcripts only)")
    p.set_defaults(handler=cmd_suggest)

    p = sub.add_parser("review", help="passages worth reviewing next (most uncertain first), or those fitting no code")
    p.add_argument("project")
    p.add_argument("--framework", required=True)
    p.add_argument("--scheme", help="passage scheme (default: the framework's unit of analysis)")
    p.add_argument("-n", type=int, default=10)
    p.add_argument("--no-fit", action="store_true", help="list passages that fit no code well instead")
    p.set_defaults(handler=cmd_review)
    # decisions (accept, reject, code, uncode, no code, bulk accept, undo, history): `index ...` in cli/index.py


def cmd_suggest(a) -> int:
    project = open_(a.project)
    r = sv.suggest(project, a.framework, embedder(project, a.model), scheme=a.scheme, top_k=a.top,
                   transcripts=a.transcripts, progress=progress_bar("embedding"), coder=a.coder)
    print(sv.describe_update(r))
    print(f"{r['passages']} passages: {r['suggested']} codes suggested above their thresholds "
          f"({r['suggestions']} ranked candidates kept), {r['no_fit']} passages fit no code well; "
          f"learned from {r['labelled_passages']} coded passages; model {r['model']}; {r['seconds']} s")
    if r.get("blind"):
        folds = f" ({r['folds']} folds of transcripts)" if r.get("folds") else ""
        print(f"blind double coding: each transcript's suggestions are learned from the other transcripts only{folds}")
    return 0


def cmd_review(a) -> int:
    fn = sv.no_fit if a.no_fit else sv.review_queue
    df = fn(open_(a.project), a.framework, scheme=a.scheme, n=a.n)
    if df.empty:
        print("(nothing: run `suggest` first)")
        return 0
    for r in df.itertuples():
        print(f"suggestion {r.id}: {r.transcript} {r.start}-{r.end}  best {r.code_id} {r.score:.2f} (threshold "
              f"{r.threshold:.2f}, fit {r.fit_strength:.2f})\n    {r.text[:160]}")
    return 0

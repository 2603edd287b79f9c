"""``evaluate``: measure the indexing assistant on a coded codebook/gold pair (see ``toolkit.indexing.evaluate``)."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="measure the indexing assistant on coded data (codebook CSV + gold CSV)",
                       description="Split the gold segments by group into training and evaluation parts, fit the "
                                   "assistant on the training part (F=0: zero-shot) and report top-1 accuracy, top-3 "
                                   "recall, micro/macro F1 and mean kappa, against TF-IDF, majority, cosine and "
                                   "logistic-regression baselines.")
    p.add_argument("--codebook", required=True, help="CSV: code and optional label, definition, category, examples")
    p.add_argument("--gold", required=True, help="CSV: segment_id, group, text, codes (;-separated), optional context")
    p.add_argument("--train-fraction", type=float, default=0.0, help="share of groups used for training (0: zero-shot)")
    p.add_argument("--seed", type=int, default=0, help="seed of the split by group")
    p.add_argument("--seeds", help="comma-separated seeds (e.g. 0,1,2): metrics are means, per_seed keeps each run")
    p.add_argument("--json", dest="json_out", help="write the result here (printed in any case)")
    p.add_argument("--model", help="sentence-transformers model directory (default: the packaged all-MiniLM-L6-v2)")
    p.set_defaults(handler=cmd_evaluate)


def cmd_evaluate(args) -> int:
    from ..embed import load_embedder
    from ..errors import InputError
    from ..indexing.evaluate import evaluate, write_json

    seeds = None
    if args.seeds:
        try:
            seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
        except ValueError:
            raise InputError(None, f"--seeds must be comma-separated integers, got {args.seeds!r}") from None
    result = evaluate(args.codebook, args.gold, train_fraction=args.train_fraction, seed=args.seed, seeds=seeds,
                      embedder=load_embedder(args.model))
    if args.json_out:
        write_json(result, args.json_out)
    print(json.dumps(result, indent=2))
    return 0

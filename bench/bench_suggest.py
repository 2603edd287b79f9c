"""Development benchmark of the code suggestions over many codebook shapes (prints JSON).

    python bench/bench_suggest.py [--seeds 0,1,2] [--fractions 0,0.2] [--shapes gennovate,labels,...] [--out F.json]

Shapes: ``gennovate`` (focus groups, 32 codes in categories, the question as context; one row per seed), its variants
``labels`` (short labels only), ``nocat`` (no categories), ``defs`` (definitions only, no context), ``question`` (one
code per interview-guide question, 125 codes), ``short`` (the coder's short keyword spans), ``unordered`` (``defs``
with each group's rows in a random order: the order says nothing), ``rows`` (``defs`` with every passage its own
group: no documents at all), and ``sample`` (the bundled study, 84 codes, 10 participants). Each at every train fraction, the assistant against the ``cosine`` and ``logreg``
baselines of ``toolkit.indexing.evaluate``. A change that helps one shape and hurts another is no improvement: the summary is
the MINIMUM margin over shapes (zero-shot: assistant - cosine; learned: assistant - logreg, top-1).

Every distinct text is encoded once for the whole run (one in-memory cache shared by every shape and seed).
The gennovate dataset is read from ``../shared/datasets/gennovate`` (``--source``); it is not part of the repository.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import gennovate_convert as gc  # noqa: E402
import sample_to_gold as sg  # noqa: E402

from toolkit.embed import load_embedder  # noqa: E402
from toolkit.indexing.evaluate import _Encoder, evaluate_frame, read_codebook, read_gold  # noqa: E402

VARIANTS = {"gennovate": "full", "labels": "labels", "nocat": "nocat", "defs": "defs", "question": "question",
            "short": "short"}


def build(shapes: list[str], source: Path, tmp: Path) -> dict[str, Path]:
    out = {}
    for name in shapes:
        folder = tmp / name
        if name == "sample":
            sg.convert(folder)
        elif name in ("unordered", "rows"):  # definitions only, no context, and no order / no documents at all
            gc.convert(source, folder, "defs")
            gold = pd.read_csv(folder / "gold.csv", dtype=str, keep_default_na=False)
            if name == "unordered":  # each group's rows in a random order
                rng = np.random.default_rng(0)
                gold = pd.concat([g.iloc[rng.permutation(len(g))] for _, g in gold.groupby("group", sort=False)])
            else:  # every passage its own group: nothing around it to learn from
                gold["group"] = gold["segment_id"]
            gold.to_csv(folder / "gold.csv", index=False)
        else:
            gc.convert(source, folder, VARIANTS[name])
        out[name] = folder
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="0,1,2", help="seeds of the gennovate rows (variants and sample: the first)")
    ap.add_argument("--fractions", default="0,0.2")
    ap.add_argument("--shapes", default=",".join([*VARIANTS, "unordered", "rows", "sample"]))
    ap.add_argument("--source", type=Path, default=gc.DEFAULT_SOURCE)
    ap.add_argument("--model", help="sentence-transformers model directory (default: all-MiniLM-L6-v2)")
    ap.add_argument("--out", type=Path, help="also write the JSON here")
    a = ap.parse_args(argv)
    seeds = [int(s) for s in a.seeds.split(",")]
    fractions = [float(f) for f in a.fractions.split(",")]
    shapes = [s.strip() for s in a.shapes.split(",") if s.strip()]
    t0 = time.perf_counter()
    enc = _Encoder(load_embedder(a.model))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folders = build(shapes, a.source, Path(tmp))
        for name, folder in folders.items():
            codes, cats = read_codebook(folder / "codebook.csv")
            df, Y = read_gold(folder / "gold.csv", [c.id for c in codes])
            for seed in seeds if name == "gennovate" else seeds[:1]:
                for F in fractions:
                    r = evaluate_frame(codes, cats, df, Y, train_fraction=F, seed=seed, encoder=enc)
                    ref = "cosine" if F == 0 else "logreg"
                    ours = r["assistant"]["top1_accuracy"]
                    rows.append({
                        "shape": name if name != "gennovate" else f"gennovate/s{seed}", "seed": seed,
                        "train_fraction": F, "n_segments": r["n_segments"], "n_codes": r["n_codes"],
                        "top1": {"assistant": ours, "cosine": r["baselines"]["cosine"]["top1_accuracy"],
                                 "logreg": r["baselines"]["logreg"]["top1_accuracy"]},
                        "reference": ref, "margin": round(ours - r["baselines"][ref]["top1_accuracy"], 4),
                        "assistant": r["assistant"], "cosine": r["baselines"]["cosine"],
                        "logreg": r["baselines"]["logreg"], "ensemble": r["ensemble"], "timing": r["timing"],
                    })
                    print(f"{rows[-1]['shape']:14s} F={F:.1f} top1 assistant {ours:.3f} cosine "
                          f"{rows[-1]['top1']['cosine']:.3f} logreg {rows[-1]['top1']['logreg']:.3f} "
                          f"margin {rows[-1]['margin']:+.3f}", file=sys.stderr, flush=True)
    summary = {}
    for F in fractions:
        sel = [r for r in rows if r["train_fraction"] == F]
        worst = min(sel, key=lambda r: r["margin"])
        summary[f"F={F:g}"] = {"reference": sel[0]["reference"], "min_margin": worst["margin"],
                               "worst_shape": worst["shape"],
                               "margins": {r["shape"]: r["margin"] for r in sel}}
    out = {"summary": summary, "rows": rows, "seconds": round(time.perf_counter() - t0, 1),
           "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    text = json.dumps(out, indent=2)
    if a.out:
        a.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Development benchmark of the code suggestions on three different corpora (prints JSON).

    python bench/bench_suggest.py [--seeds 0,1,2,3,4] [--fractions 0,0.2] [--corpora gennovate,sample,library]
                                  [--params '{"shrinkage": 2}'] [--choose shrinkage=0,2,5] [--out F.json]

Corpora (different texts, codebooks and shapes, not variants of one):
- ``gennovate``: focus groups on gender norms, 32 codes in categories, the interview-guide question as context
  (``bench/gennovate_convert.py``, read from ``../shared/datasets/gennovate``);
- ``sample``: the bundled study, 84 codes in categories, 10 participants, passages the reference left uncoded
  (``bench/sample_to_gold.py``);
- ``library``: open answers to a four-question library survey, 13 codes in 5 categories, written for this benchmark
  with its codebook and coding rules committed before the answers (``bench/corpora/library_survey``).

Each corpus at every train fraction and seed, the assistant against the ``cosine`` and ``logreg`` baselines of
``toolkit.indexing.evaluate`` (same splits, same metric functions). The summary is the MINIMUM over corpora and seeds
of the margin (F=0: assistant - cosine; F>0: assistant - logreg, top-1), each corpus's means over the seeds (top-1,
ece, precision, recall, uncoded passages with a suggestion), and speed: the assistant's seconds including encoding
over logreg's including encoding, per corpus, in this one run.

``--choose NAME=v1,v2,...``: a constant of the suggester chosen leave-one-corpus-out: each value is run on every
corpus, and each corpus reports the value that did best (mean margin at the largest fraction) on the OTHER corpora.
Every distinct text is encoded once for the whole run.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import gennovate_convert as gc  # noqa: E402
import sample_to_gold as sg  # noqa: E402

from toolkit.embed import load_embedder  # noqa: E402
from toolkit.indexing.evaluate import _Encoder, evaluate_frame, read_codebook, read_gold  # noqa: E402

CORPORA = ("gennovate", "sample", "library")
LIBRARY = ROOT / "bench" / "corpora" / "library_survey"


def build(corpora: list[str], source: Path, tmp: Path) -> dict[str, Path]:
    out = {}
    for name in corpora:
        folder = tmp / name
        if name == "gennovate":
            gc.convert(source, folder, "full")
        elif name == "sample":
            sg.convert(folder)
        elif name == "library":
            folder = LIBRARY
        else:
            raise SystemExit(f"unknown corpus {name!r}; known: {', '.join(CORPORA)}")
        out[name] = folder
    return out


def run(folders: dict[str, Path], seeds, fractions, enc, params: dict) -> list[dict]:
    rows = []
    for name, folder in folders.items():
        codes, cats = read_codebook(folder / "codebook.csv")
        df, Y = read_gold(folder / "gold.csv", [c.id for c in codes])
        for seed in seeds:
            for F in fractions:
                t0 = time.perf_counter()
                r = evaluate_frame(codes, cats, df, Y, train_fraction=F, seed=seed, encoder=enc,
                                   suggester_params=params)
                ref = "cosine" if F == 0 else "logreg"
                ours = r["assistant"]["top1_accuracy"]
                rows.append({"corpus": name, "seed": seed, "train_fraction": F, "n_segments": r["n_segments"],
                             "n_codes": r["n_codes"], "reference": ref,
                             "margin": round(ours - r["baselines"][ref]["top1_accuracy"], 4),
                             "assistant": r["assistant"], "cosine": r["baselines"]["cosine"],
                             "logreg": r["baselines"]["logreg"], "timing": r["timing"],
                             "seconds": round(time.perf_counter() - t0, 2)})
                print(f"{name:10s} s{seed} F={F:.1f} top1 {ours:.3f} cosine {r['baselines']['cosine']['top1_accuracy']:.3f}"
                      f" logreg {r['baselines']['logreg']['top1_accuracy']:.3f} margin {rows[-1]['margin']:+.3f} "
                      f"ece {r['assistant']['ece']:.3f}", file=sys.stderr, flush=True)
    return rows


def summarise(rows: list[dict], fractions) -> dict:
    out = {}
    for F in fractions:
        sel = [r for r in rows if r["train_fraction"] == F]
        worst = min(sel, key=lambda r: r["margin"])
        per = {}
        for c in dict.fromkeys(r["corpus"] for r in sel):
            rs = [r for r in sel if r["corpus"] == c]
            per[c] = {who: {m: round(float(np.mean([r[who][m] for r in rs])), 4)
                            for m in ("top1_accuracy", "ece", "precision", "recall", "uncoded_suggested")}
                      for who in ("assistant", "logreg", "cosine")}
            per[c]["mean_margin"] = round(float(np.mean([r["margin"] for r in rs])), 4)
            enc_s = max(r["timing"]["encode"] for r in rs)  # the first run of a corpus encodes its texts
            per[c]["speed_ratio"] = round((enc_s + np.mean([r["timing"]["assistant"] for r in rs]))
                                          / (enc_s + np.mean([r["timing"]["logreg"] for r in rs])), 2)
        out[f"F={F:g}"] = {"reference": sel[0]["reference"], "min_margin": worst["margin"],
                           "worst": f"{worst['corpus']}/s{worst['seed']}", "corpora": per}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--fractions", default="0,0.2")
    ap.add_argument("--corpora", default=",".join(CORPORA))
    ap.add_argument("--params", default="{}", help="JSON: CodeSuggester parameters")
    ap.add_argument("--choose", help="NAME=v1,v2,...: a constant chosen leave-one-corpus-out")
    ap.add_argument("--source", type=Path, default=gc.DEFAULT_SOURCE)
    ap.add_argument("--model", help="sentence-transformers model directory (default: all-MiniLM-L6-v2)")
    ap.add_argument("--out", type=Path, help="also write the JSON here")
    a = ap.parse_args(argv)
    seeds = [int(s) for s in a.seeds.split(",")]
    fractions = [float(f) for f in a.fractions.split(",")]
    corpora = [s.strip() for s in a.corpora.split(",") if s.strip()]
    params = json.loads(a.params)
    t0 = time.perf_counter()
    enc = _Encoder(load_embedder(a.model))
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        folders = build(corpora, a.source, Path(tmp))
        if a.choose:
            name, values = a.choose.split("=")
            values = [json.loads(v) for v in values.split(",")]
            runs = {json.dumps(v): run(folders, seeds, fractions, enc, dict(params, **{name: v})) for v in values}
            F = max(fractions)

            def mean_margin(rows, corpus):
                return float(np.mean([r["margin"] for r in rows if r["corpus"] == corpus and r["train_fraction"] == F]))

            loco = {}
            for c in corpora:
                others = [o for o in corpora if o != c]
                best = max(runs, key=lambda v: np.mean([mean_margin(runs[v], o) for o in others]))
                loco[c] = {"chosen_on_others": json.loads(best), "held_out_mean_margin": round(mean_margin(runs[best], c), 4),
                           "by_value": {v: round(mean_margin(runs[v], c), 4) for v in runs}}
            out["choose"] = {"name": name, "leave_one_corpus_out": loco}
            rows = [r for v in runs.values() for r in v]
            out["by_value"] = {v: summarise(rs, fractions) for v, rs in runs.items()}
        else:
            rows = run(folders, seeds, fractions, enc, params)
            out["summary"] = summarise(rows, fractions)
    out.update({"params": params, "seeds": seeds, "rows": rows, "seconds": round(time.perf_counter() - t0, 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)})
    text = json.dumps(out, indent=2)
    if a.out:
        a.out.write_text(text + "\n", encoding="utf-8")
    print(text if not a.out else json.dumps({k: v for k, v in out.items() if k != "rows"}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

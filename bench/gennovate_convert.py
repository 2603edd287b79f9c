"""Convert the GENNOVATE youth focus-group dataset into the evaluation format (codebook.csv + gold.csv).

    python bench/gennovate_convert.py OUT_DIR [--source ../shared/datasets/gennovate] [--variant V]

- codebook.csv: ``code,label,definition,category`` (definition = the dataset's one-line ``indicator_category``,
  category = the indicator it belongs to).
- gold.csv: ``segment_id,group,text,codes,context``. One segment per distinct excerpt text within a document; rows of
  the same excerpt coded with several codes are merged (codes ``;``-joined). ``group`` is the focus-group document, so
  the evaluation split never puts one document on both sides. ``context`` is the interview-guide question the excerpt
  answers (``data_container`` joined with ``indicator_context.csv``; the guide has a female and a male version).
- Codes not in the codebook (e.g. ``NRM_EQ_N``) are dropped from the segment (the segment is kept) and reported.

Variants (``--variant``) change the codebook's shape, for the development benchmark (bench/bench_suggest.py):
``full`` (the above), ``labels`` (each code only a short label: the last four words of its definition; no
categories), ``nocat`` (no categories), ``defs`` (definitions only: no categories, no context), ``question`` (one
code per interview-guide question of ``indicator_context.csv``, the question's text as its label; the segment's code
is the question it answers; no context) and ``short`` (the coder's short ``keyword`` span as the segment's text).

Files may be UTF-8 or cp1252; both are read. The output folder is not part of the repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "gennovate"


def read_csv_any(path: Path, **kw) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        enc = "utf-8-sig"
    except UnicodeDecodeError:
        enc = "cp1252"
    return pd.read_csv(path, encoding=enc, dtype=str, keep_default_na=False, **kw)


def clean(s: str) -> str:
    return re.sub(r"\s+", " ", str(s or "")).strip()


def load_codebook(src: Path) -> pd.DataFrame:
    cb = read_csv_any(src / "codebook.csv")
    out = pd.DataFrame({
        "code": cb["category_label"].map(clean),
        "label": "",
        "definition": cb["indicator_category"].map(clean),
        "category": cb["indicator"].map(clean),
    })
    return out.drop_duplicates("code").reset_index(drop=True)


def load_contexts(src: Path) -> dict[str, str]:
    ctx = read_csv_any(src / "indicator_context.csv", skiprows=4)
    return {clean(r.context_id): clean(r.context_text) for r in ctx.itertuples() if clean(r.context_id)}


def context_for(container: str, gender: str, contexts: dict[str, str]) -> str:
    """``E.31.`` in a female group's document -> the text of ``E_F_E.31`` (falling back to the other guide)."""
    key = clean(container).rstrip(".")
    if not key:
        return ""
    g = "F" if gender.strip().lower().startswith("f") else "M"
    for gg in (g, "M" if g == "F" else "F"):
        for variant in (key, key.replace(".a", "a").replace(".b", "b")):
            cid = f"E_{gg}_{variant}"
            if cid in contexts:
                return contexts[cid]
    return ""


VARIANTS = ("full", "labels", "nocat", "defs", "question", "short")


def context_id_for(container: str, gender: str, contexts: dict[str, str]) -> str:
    """The ``indicator_context.csv`` id of the question a segment answers (as ``context_for``), or ''."""
    key = clean(container).rstrip(".")
    if not key:
        return ""
    g = "F" if gender.strip().lower().startswith("f") else "M"
    for gg in (g, "M" if g == "F" else "F"):
        for variant in (key, key.replace(".a", "a").replace(".b", "b")):
            if f"E_{gg}_{variant}" in contexts:
                return f"E_{gg}_{variant}"
    return ""


def convert(src: Path, out: Path, variant: str = "full") -> dict:
    if variant not in VARIANTS:
        raise SystemExit(f"unknown variant {variant!r}: one of {', '.join(VARIANTS)}")
    codebook = load_codebook(src)
    contexts = load_contexts(src)
    if variant == "labels":
        codebook["label"] = [" ".join(re.sub(r"\b[ivx]+\)", "", d).split()[-4:]) for d in codebook["definition"]]
        codebook["definition"] = ""
    if variant in ("labels", "nocat", "defs", "question"):
        codebook["category"] = ""
    if variant == "question":
        codebook = pd.DataFrame({"code": list(contexts), "label": list(contexts.values()), "definition": "",
                                 "category": ""})
    known = set(codebook["code"])
    frames = []
    for f in sorted((src / "coded_excerpts").glob("template_*.csv")):
        df = read_csv_any(f)
        if "data_container" not in df.columns:  # one document names the column "container"
            df = df.rename(columns={"container": "data_container"})
        df["source_file"] = f.name
        frames.append(df)
    rows = pd.concat(frames, ignore_index=True)
    rows["text"] = rows["keyword" if variant == "short" else "text"].map(clean)
    rows = rows[rows["text"] != ""]
    unknown: Counter = Counter()
    no_context = 0
    segments: dict[tuple[str, str], dict] = {}
    for r in rows.itertuples():
        doc = clean(r.document_code)
        key = (doc, r.text)
        seg = segments.get(key)
        if seg is None:
            ctx = "" if variant in ("defs", "question") else context_for(r.data_container, r.gender, contexts)
            no_context += not ctx
            seg = segments[key] = {"group": doc, "text": r.text, "codes": [], "context": ctx}
        code = context_id_for(r.data_container, r.gender, contexts) if variant == "question" \
            else clean(r.category_label)
        if not code:
            continue
        if code not in known:
            unknown[code] += 1
        elif code not in seg["codes"]:
            seg["codes"].append(code)
    out.mkdir(parents=True, exist_ok=True)
    codebook.to_csv(out / "codebook.csv", index=False, quoting=csv.QUOTE_MINIMAL)
    counters: Counter = Counter()
    with open(out / "gold.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["segment_id", "group", "text", "codes", "context"])
        for seg in segments.values():
            counters[seg["group"]] += 1
            w.writerow([f"{seg['group']}-{counters[seg['group']]:04d}", seg["group"], seg["text"],
                        ";".join(seg["codes"]), seg["context"]])
    n_codes = Counter(len(s["codes"]) for s in segments.values())
    return {
        "rows": int(len(rows)), "segments": len(segments), "groups": len(counters), "codes": len(codebook),
        "segments_by_number_of_codes": {str(k): v for k, v in sorted(n_codes.items())},
        "unknown_codes_dropped": dict(unknown), "segments_without_context": no_context,
        "out": str(out),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="folder for codebook.csv and gold.csv")
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="the gennovate dataset folder")
    ap.add_argument("--variant", default="full", choices=VARIANTS, help="the codebook's shape (see above)")
    a = ap.parse_args(argv)
    report = convert(a.source, a.out, a.variant)
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The bundled sample study as an evaluation pair (codebook.csv + gold.csv), to measure the assistant on a second,
84-code dataset with ``python -m toolkit evaluate``.

    python bench/sample_to_gold.py OUT_DIR [--framework lvi84] [--scheme sentences:3]

Passages are cut as the assistant cuts them; a passage's gold codes are the reference indexing's codes that cover at
least half of it (none: an empty ``codes``); ``group`` is the participant; ``context`` the question asked before it.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit import project as proj  # noqa: E402
from toolkit.indexing.units import DEFAULT_SCHEME  # noqa: E402
from toolkit.indexing.workspace import ensure_passages  # noqa: E402
from toolkit.store import core as db  # noqa: E402
from toolkit.store import indexing as idb  # noqa: E402

SAMPLE = ROOT / "transcripts_sample"


def convert(out: Path, framework: str = "lvi84", scheme: str = DEFAULT_SCHEME) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        p = proj.create(Path(tmp) / "sample.fa")
        try:
            proj.import_transcripts(p, SAMPLE, attributes=SAMPLE / "participants.csv")
            proj.import_codings(p, SAMPLE / "reference_indexing.csv", framework=framework, coder="reference")
            ensure_passages(p, scheme)
            with p.read() as s:
                fw = db.get_framework(s, framework)
                pas = idb.passages_frame(s, scheme)
                cod = db.codings_frame(s, framework_id=framework, coders=["reference"], with_text=False)
        finally:
            p.close()
    cats = {c.id: c.label for c in fw.categories}
    with open(out / "codebook.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "label", "definition", "category", "examples", "include", "exclude"])
        for c in fw.codes:
            w.writerow([c.id, c.label, c.definition, cats[c.category_id], "|".join(c.examples), c.include, c.exclude])
    coded = 0
    with open(out / "gold.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["segment_id", "group", "text", "codes", "context"])
        for r in pas.itertuples(index=False):
            g = cod[cod["transcript_id"] == r.transcript_id]
            ov = np.minimum(g["end"], r.end) - np.maximum(g["start"], r.start)
            codes = sorted(set(g["code_id"][ov >= 0.5 * (r.end - r.start)]))
            coded += bool(codes)
            w.writerow([r.id, r.participant_id or r.transcript, r.text, ";".join(codes), r.context])
    return {"segments": len(pas), "coded_segments": coded, "codes": len(fw.codes), "out": str(out)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--framework", default="lvi84")
    ap.add_argument("--scheme", default=DEFAULT_SCHEME)
    a = ap.parse_args(argv)
    print(json.dumps(convert(a.out, a.framework, a.scheme), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

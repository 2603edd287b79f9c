"""The project's language decides its model: zero-shot suggestions on the sample's Norwegian interview (prints JSON).

    python bench/bench_language.py

A project holding only P10 (Norwegian) is built from the sample with the reference indexing; the model is the one
``toolkit.settings.model_choice`` picks (multilingual-e5-small: the transcript is not in English), against the packaged
English default. For each: zero-shot top-1 against the reference codes (passages the reference coded), how many
passages get the same top code, and how many get "Choosing Wisely" (MEA code) on top, the over-claim seen before.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit import project as proj  # noqa: E402
from toolkit import settings  # noqa: E402
from toolkit.embed import DEFAULT_MODEL, load_embedder  # noqa: E402
from toolkit.indexing import service as sv  # noqa: E402
from toolkit.sample import SAMPLE_DIR  # noqa: E402
from toolkit.store import core as db  # noqa: E402
from toolkit.store import indexing as idb  # noqa: E402

NORWEGIAN = "P10_leder_rural_no.txt"


def run(model: str | None, folder: Path) -> dict:
    p = proj.create(folder / f"{model or 'default'}.fa")
    try:
        proj.import_transcripts(p, SAMPLE_DIR / NORWEGIAN)
        choice = settings.model_choice(p)
        if model is not None:
            proj.set_model(p, model)
        emb = load_embedder(settings.model_choice(p).model)
        t0 = time.perf_counter()
        sv.suggest(p, "lvi84", emb)  # no codings yet: zero-shot
        seconds = time.perf_counter() - t0
        ref = folder / "p10_reference.csv"  # the reference indexing of this interview only
        lines = (SAMPLE_DIR / "reference_indexing.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        ref.write_text(lines[0] + "".join(x for x in lines[1:] if x.startswith(NORWEGIAN)), encoding="utf-8")
        proj.import_codings(p, ref, framework="lvi84", coder="reference")
        with p.read() as s:
            sug = idb.suggestions_frame(s, "lvi84")
            cod = db.codings_frame(s, framework_id="lvi84", coders=["reference"])
            pas = idb.passages_frame(s, "sentences:3")
            fw = db.get_framework(s, "lvi84")
        wise = {c.id for c in fw.codes if c.label == "Choosing Wisely"}
        top = sug.sort_values("rank").groupby("passage_id").first()
        hits = n = 0
        for r in pas.itertuples():
            codes = set(cod[(cod.start < r.end) & (cod.end > r.start)]["code_id"])
            if codes and r.id in top.index:
                n += 1
                hits += top.loc[r.id, "code_id"] in codes
        return {"model": emb.name, "default_choice": choice.model or DEFAULT_MODEL, "reason": choice.reason,
                "passages": int(len(top)), "coded_passages": n, "top1": round(hits / n, 3) if n else None,
                "choosing_wisely_on_top": int(top["code_id"].isin(wise).sum()),
                "distinct_top_codes": int(top["code_id"].nunique()), "seconds": round(seconds, 1)}
    finally:
        p.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = {"language_default": run(None, Path(tmp)), "english_model": run(DEFAULT_MODEL, Path(tmp))}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

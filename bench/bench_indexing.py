"""Benchmark of the indexing assistant on the full-size synthetic study (27 transcripts of about 9,000 words).

Steps, in one process with one loaded model:
1. bare: ``model.encode`` (sentence-transformers, batch 64, normalised) of exactly the texts a cold run encodes
   (distinct passages, the questions before them, the codes' texts);
2. cold: a fresh project (transcripts imported, no passages, no vectors, no decisions): cut passages + embed + suggest
   (zero-shot) + store, i.e. ``indexing.service.suggest``. Bare, cold, bare, cold (a second fresh project), bare:
   the ratio is best cold over best bare, as the machine may be shared;
3. warm: the project closed and reopened, ``suggest`` again (nothing changed: no text is re-encoded);
4. after a decision: one suggestion rejected, ``suggest`` again (the learned model is fitted; still no encoding);
5. learned: the carried-over reference codings imported (about 5,000) as the researcher's own, ``suggest`` again
   (learned model with cross-validated thresholds);
6. learn: ``indexing.learn`` ("Learn from my coding": the cross-validated choice kept with the project) and, after
   one suggestion accepted, ``suggest`` again: the refit starts from the kept choice (no cross-validation);
7. blind: a second coder accepts a suggestion (two human coders: blind double coding), ``suggest`` for them (one fit
   per fold of transcripts, ``indexing.blind_folds``), then again after one of their decisions.
``--quick`` runs one bare encode and one cold run instead of the alternation (for the learning figures).
Reports passages, seconds, the ratio cold / bare (target <= 1.10), warm seconds (target < 2), texts encoded per step,
the learned model fit on the ~5,000 codings (target < 10 s), the refit after one decision (model fit, target < 1 s; it
starts from the last fit in the process) and the peak RSS after each step (target < 2 GiB). Prints JSON; ``--out FILE`` also writes it.

    python bench/bench_indexing.py [--participants 27] [--words 9000] [--framework lvi84] [--out bench.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_synthetic import build_project, generate  # noqa: E402

from toolkit import project as proj  # noqa: E402
from toolkit.embed import load_embedder  # noqa: E402
from toolkit.indexing import service, workspace  # noqa: E402
from toolkit.indexing.codespace import code_exemplar_texts  # noqa: E402
from toolkit.indexing.units import DEFAULT_SCHEME  # noqa: E402
from toolkit.store import core as db  # noqa: E402
from toolkit.store import indexing as idb  # noqa: E402


def rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class CountingEmbedder:
    """Wraps an embedder and counts the texts it is asked to encode."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.encoded = inner, inner.name, inner.dim, 0

    def embed(self, texts, *, progress=None):
        texts = list(texts)
        self.encoded += len(texts)
        return self.inner.embed(texts, progress=progress)


def encoded_texts(project, framework: str, scheme: str) -> list[str]:
    """The distinct texts a cold ``suggest`` encodes: passages, their questions, the codes' and categories' texts."""
    with project.read() as s:
        pas = idb.passages_frame(s, scheme)
        fw = db.get_framework(s, framework)
    texts = list(pas["text"]) + [c for c in pas["context"] if c]
    code_texts = [t for c in fw.codes for _, t in code_exemplar_texts(c)]
    code_texts += [f"{c.label}. {c.description}".strip(" .") for c in fw.categories]
    return list(dict.fromkeys(texts)) + sorted(set(code_texts) - set(texts))


def bare_encode(model, texts: list[str]) -> float:
    t0 = time.perf_counter()
    model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    return time.perf_counter() - t0


def run(n: int, words: int, framework: str, scheme: str, workdir: Path, quick: bool = False) -> dict:
    folder = workdir / "synthetic"
    made = generate(folder, n, words)
    out: dict = {"transcripts": n, "words": made["words"], "framework": framework, "scheme": scheme}
    base = load_embedder()
    emb = CountingEmbedder(base)
    base.embed(["warm up the model"] * 8)
    # a cold project: transcripts only
    project = build_project(workdir / "bench.fa", folder=folder, codings=False, framework=framework)
    rss = {"after_import": rss_mib()}

    # texts of the cold run (cutting passages is cheap and is repeated, untimed, in a scratch copy)
    scratch = proj.create(workdir / "scratch.fa", name="scratch")
    proj.import_transcripts(scratch, folder, attributes=folder / "participants.csv")
    workspace.ensure_passages(scratch, scheme)
    texts = encoded_texts(scratch, framework, scheme)
    scratch.close()
    out["texts_encoded_by_cold_run"] = len(texts)

    # bare encode and cold runs alternate (the machine may be shared): the ratio compares the best of each
    bares, colds = [bare_encode(base.model, texts)], []
    for extra in range(1 if quick else 2):
        if extra:  # a second, equally cold project
            project.close()
            project = build_project(workdir / "bench2.fa", folder=folder, codings=False, framework=framework)
        emb.encoded = 0
        t0 = time.perf_counter()
        cold = service.suggest(project, framework, emb, scheme=scheme)
        colds.append(time.perf_counter() - t0)
        bares.append(bare_encode(base.model, texts))
    rss["after_cold"] = rss_mib()
    out.update({"passages": cold["passages"], "suggestions_stored": cold["suggestions"],
                "suggested_above_threshold": cold["suggested"], "no_fit_passages": cold["no_fit"],
                "bare_encode_seconds": [round(b, 2) for b in bares], "cold_seconds": [round(c, 2) for c in colds],
                "cold_over_bare": round(min(colds) / min(bares), 3), "cold_texts_encoded": emb.encoded})

    path = project.path
    project.close()
    project = proj.open_project(path)
    emb.encoded = 0
    t0 = time.perf_counter()
    warm = service.suggest(project, framework, emb, scheme=scheme)
    out.update({"warm_seconds": round(time.perf_counter() - t0, 3), "warm_texts_encoded": emb.encoded,
                "warm_unchanged": bool(warm.get("unchanged"))})
    rss["after_warm"] = rss_mib()

    with project.read() as s:
        sid = int(idb.suggestions_frame(s, framework, status="open")["id"].iloc[0])
    service.reject(project, sid, coder="bench")
    t0 = time.perf_counter()
    service.suggest(project, framework, emb, scheme=scheme)
    out.update({"after_one_decision_seconds": round(time.perf_counter() - t0, 2),
                "after_one_decision_texts_encoded": emb.encoded})
    rss["after_one_decision"] = rss_mib()

    # the researcher's own earlier codings (one human coder: the suggestions learn from every label)
    n_cod = proj.import_codings(project, folder / "codings.csv", framework=framework, coder="bench")
    t0 = time.perf_counter()
    learned = service.suggest(project, framework, emb, scheme=scheme)
    out.update({"learned_codings": n_cod, "learned_labelled_passages": learned["labelled_passages"],
                "learned_seconds": round(time.perf_counter() - t0, 2), "learned_fit_seconds": learned["fit_seconds"], "learned_model_fit_seconds": learned["model_fit_seconds"],
                "learned_calibrated": learned["calibrated"], "learned_texts_encoded": emb.encoded})
    rss["after_learned"] = rss_mib()

    from toolkit.indexing import learn
    from toolkit.indexing.decisions import accept

    t0 = time.perf_counter()
    lr = learn(project, framework, emb, scheme=scheme)
    out.update({"learn_seconds": round(time.perf_counter() - t0, 2), "learn_fit_seconds": lr["learn_seconds"],
                "learn_cv_top1": lr["cv_top1"], "learn_weights": lr["weights"]})
    with project.read() as s:  # accepted: a new coding, so the labels change whatever the passage had before
        sid = int(idb.suggestions_frame(s, framework, status="open")["id"].iloc[0])
    accept(project, sid, coder="bench")
    t0 = time.perf_counter()
    again = service.suggest(project, framework, emb, scheme=scheme)
    out.update({"after_learn_decision_seconds": round(time.perf_counter() - t0, 2),
                "after_learn_decision_model_fit_seconds": again["model_fit_seconds"], "after_learn_model": again["model"]})
    rss["after_learn"] = rss_mib()

    # blind double coding: a second coder starts; each fold of transcripts is fitted without the human labels on it
    with project.read() as s:
        sid = int(idb.suggestions_frame(s, framework, status="open")["id"].iloc[-1])
    accept(project, sid, coder="second")
    t0 = time.perf_counter()
    blind = service.suggest(project, framework, emb, scheme=scheme, coder="second")
    out.update({"blind_seconds": round(time.perf_counter() - t0, 2), "blind_folds": blind["folds"],
                "blind_model_fit_seconds": blind["model_fit_seconds"]})
    with project.read() as s:  # on a passage nobody coded (elsewhere the code may already be someone's label)
        sug = idb.suggestions_frame(s, framework, status="open")
        pas = idb.passages_frame(s, scheme).set_index("id")
        cod = db.codings_frame(s, framework_id=framework, with_text=False)
    spans = cod.groupby("transcript_id")[["start", "end"]].apply(lambda g: list(zip(g["start"], g["end"], strict=True)))
    for row in sug.itertuples():
        ps = pas.loc[row.passage_id]
        if not any(a < ps["end"] and b > ps["start"] for a, b in spans.get(ps["transcript_id"], [])):
            break
    accept(project, int(row.id), coder="second")
    t0 = time.perf_counter()
    again = service.suggest(project, framework, emb, scheme=scheme, coder="second")
    out.update({"blind_after_decision_seconds": round(time.perf_counter() - t0, 2),
                "blind_after_decision_model_fit_seconds": again["model_fit_seconds"]})
    rss["after_blind"] = rss_mib()
    project.close()
    out["peak_rss_mib"] = rss
    out["targets"] = {"cold_over_bare<=1.10": out["cold_over_bare"] <= 1.10, "warm<2s": out["warm_seconds"] < 2,
                      "learned_model_fit<10s": out["learned_model_fit_seconds"] < 10,
                      "refit_after_decision<1s": out["after_learn_decision_model_fit_seconds"] < 1,
                      "peak_rss<2GiB": max(rss.values()) < 2048}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--participants", type=int, default=27)
    ap.add_argument("--words", type=int, default=9000)
    ap.add_argument("--framework", default="lvi84")
    ap.add_argument("--scheme", default=DEFAULT_SCHEME)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--quick", action="store_true", help="one bare encode and one cold run (no alternation)")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        result = run(a.participants, a.words, a.framework, a.scheme, Path(tmp), a.quick)
    text = json.dumps(result, indent=2)
    print(text)
    if a.out:
        a.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Measure the indexing assistant on anyone's coded data.

    python -m toolkit evaluate --codebook CODEBOOK.csv --gold GOLD.csv --train-fraction F --seed S --json OUT.json

- CODEBOOK.csv: ``code`` (id) and optional ``label``, ``definition``, ``category``, ``examples`` (``|``-separated),
  ``include``, ``exclude``.
- GOLD.csv: ``segment_id``, ``group``, ``text``, ``codes`` (``;``-separated ids, may be empty), optional ``context`` (the
  question that was asked).
- The split is by ``group``: ``round(F * groups)`` groups (at least one when F > 0, never all) train, the rest are
  evaluated. F = 0 is zero-shot. The assistant sees the evaluation segments' texts (never their codes), as it sees
  every passage of a project.

Metrics (each for the assistant and the baselines), over the evaluation segments:
- ``top1_accuracy``: segments with at least one gold code whose top-ranked code is one of them;
- ``top3_recall``: (segment, gold code) pairs whose code is among the segment's top 3;
- ``micro_f1`` / ``macro_f1``: of the thresholded multi-label suggestions (macro over the codes present in the
  evaluation gold);
- ``mean_kappa``: Cohen's kappa per code (present/absent), averaged over the codes present in the evaluation gold;
- ``precision`` / ``recall``: of the thresholded suggestions, over (segment, code) pairs; a suggestion on a segment
  nobody coded is a false positive;
- ``ece``: expected calibration error (10 equal-width bins) of the top-ranked code's probability against whether that
  code is one of the segment's gold codes (over every evaluation segment, uncoded ones included: there the top code is
  wrong). The assistant's probability is its ``predict_proba``; ``logreg``'s its classifier's probability; ``cosine``
  and ``tfidf`` read their similarity as one (clipped to [0, 1]); ``majority`` the code's share of the training codes;
- ``uncoded_suggested``: evaluation segments nobody coded that get at least one thresholded suggestion.

Baselines: ``cosine`` ranks codes by the cosine of the segment's embedding to the embedding of the code's
"label: definition" and suggests its top code; ``logreg`` is a one-vs-rest logistic regression (C=4, balanced) on the
embeddings of the training segments plus 0.5 x cosine, suggesting the codes whose probability is at least 0.5 (its
top code when none is; at F = 0 it is ``cosine``); see ``toolkit.indexing.baselines``. ``tfidf`` ranks codes by TF-IDF cosine between the segment and the code's text (label, definition,
inclusion note, examples, category) and suggests the top code when it shares any term with the segment; ``majority``
ranks codes by their frequency in the training part (codebook order at F = 0) and suggests the most frequent code.
Every distinct text is encoded once.

``seeds`` (``--seeds 0,1,2``): the evaluation is run once per seed; every metric is the mean over the seeds and
``per_seed`` holds each run's result.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import cohen_kappa_score, f1_score

from ..errors import InputError
from ..models import Code
from .baselines import code_text, cosine_scores, logreg_baseline, top1_matrix
from .codespace import CodeSpace, code_document, lexical_similarity
from .suggester import CodeSuggester

METRICS = ("top1_accuracy", "top3_recall", "micro_f1", "macro_f1", "mean_kappa", "precision", "recall", "ece",
           "uncoded_suggested")


def _read_csv(path: Path, required: list[str]) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "file not found")
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(str(path), "the file is empty")
    try:
        raw.decode("utf-8")
        enc = "utf-8-sig"
    except UnicodeDecodeError:
        enc = "cp1252"
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc)
    except (pd.errors.ParserError, UnicodeDecodeError) as e:
        raise InputError(str(path), f"not a readable CSV file ({e})") from e
    df.columns = [str(c).strip().lower() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError(str(path), f"missing column(s) {', '.join(missing)}", place="header")
    return df


def read_codebook(path) -> tuple[list[Code], dict[str, str]]:
    """The codes of a codebook CSV, and the category texts (keyed by category id = its text)."""
    df = _read_csv(path, ["code"])
    codes: list[Code] = []
    seen: set[str] = set()
    for i, r in enumerate(df.to_dict("records"), start=2):
        cid = r["code"].strip()
        if not cid:
            raise InputError(str(path), "empty code id", place=f"row {i}")
        if cid in seen:
            raise InputError(str(path), f"duplicate code id {cid!r}", place=f"row {i}")
        seen.add(cid)
        examples = [e.strip() for e in r.get("examples", "").split("|") if e.strip()]
        cat = r.get("category", "").strip()
        codes.append(Code(id=cid, label=r.get("label", "").strip(), definition=r.get("definition", "").strip(),
                          include=r.get("include", "").strip(), exclude=r.get("exclude", "").strip(),
                          examples=examples, category_id=cat or None))
    if not codes:
        raise InputError(str(path), "no codes")
    return codes, {c.category_id: c.category_id for c in codes if c.category_id}


def read_gold(path, code_ids: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """The gold segments and their (n, K) 0/1 code matrix. Unknown codes and duplicate ids are refused."""
    df = _read_csv(path, ["segment_id", "group", "text", "codes"])
    if "context" not in df.columns:
        df["context"] = ""
    where = {c: j for j, c in enumerate(code_ids)}
    Y = np.zeros((len(df), len(code_ids)), dtype=np.int8)
    seen: set[str] = set()
    for i, r in enumerate(df.itertuples(index=False)):
        row = f"row {i + 2}"
        if not r.segment_id.strip():
            raise InputError(str(path), "empty segment_id", place=row)
        if r.segment_id in seen:
            raise InputError(str(path), f"duplicate segment_id {r.segment_id!r}", place=row)
        seen.add(r.segment_id)
        if not r.group.strip():
            raise InputError(str(path), "empty group", place=row)
        if not r.text.strip():
            raise InputError(str(path), "empty text", place=row)
        for c in (c.strip() for c in r.codes.split(";")):
            if not c:
                continue
            if c not in where:
                raise InputError(str(path), f"code {c!r} is not in the codebook", place=row)
            Y[i, where[c]] = 1
    if not len(df):
        raise InputError(str(path), "no segments")
    return df, Y


def split_by_group(groups, train_fraction: float, seed: int) -> np.ndarray:
    """Boolean mask of training rows: a seeded random ``round(F * n_groups)`` of the groups (>= 1 if F > 0, < all)."""
    if not 0 <= train_fraction < 1:
        raise InputError(None, f"--train-fraction must be in [0, 1), got {train_fraction}")
    groups = np.asarray(groups)
    uniq = sorted(set(groups))
    n_train = 0
    if train_fraction > 0:
        n_train = min(max(1, int(round(train_fraction * len(uniq)))), len(uniq) - 1)
    rng = np.random.default_rng(seed)
    chosen = set(rng.permutation(np.asarray(uniq, dtype=object))[:n_train])
    return np.array([g in chosen for g in groups])


def expected_calibration_error(p: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """ECE: the mean over ``bins`` equal-width bins of |mean probability - share correct|, weighted by the bin's size."""
    p, correct = np.clip(np.asarray(p, dtype=float), 0, 1), np.asarray(correct, dtype=float)
    if not len(p):
        return 0.0
    which = np.minimum((p * bins).astype(int), bins - 1)
    return float(sum(abs(p[which == b].mean() - correct[which == b].mean()) * (which == b).sum()
                     for b in range(bins) if (which == b).any()) / len(p))


def metrics(scores: np.ndarray, suggested: np.ndarray, gold: np.ndarray, proba: np.ndarray | None = None
            ) -> dict[str, float]:
    """The metrics of the module docstring; ``scores`` ranks, ``suggested`` is the thresholded 0/1 matrix, ``proba``
    the probabilities read for ``ece`` (default: ``scores`` clipped to [0, 1])."""
    gold = np.asarray(gold).astype(int)
    suggested = np.asarray(suggested).astype(int)
    n, K = gold.shape
    has = gold.sum(1) > 0
    top = np.argsort(-scores, axis=1, kind="stable")
    top1 = float(gold[np.arange(n), top[:, 0]][has].mean()) if has.any() else 0.0
    in_top3 = np.zeros_like(gold)
    for j in range(min(3, K)):
        in_top3[np.arange(n), top[:, j]] = 1
    top3 = float((in_top3 * gold).sum() / gold.sum()) if gold.sum() else 0.0
    present = np.flatnonzero(gold.sum(0) > 0)
    micro = float(f1_score(gold, suggested, average="micro", zero_division=0))
    macro = float(f1_score(gold[:, present], suggested[:, present], average="macro", zero_division=0)) \
        if present.size else 0.0
    kappas = []
    for k in present:
        if (gold[:, k] == suggested[:, k]).all():
            kappas.append(1.0)
        else:
            kappas.append(float(np.nan_to_num(cohen_kappa_score(gold[:, k], suggested[:, k]))))
    tp = int((suggested * gold).sum())
    p_top = np.asarray(scores if proba is None else proba, dtype=float)[np.arange(n), top[:, 0]] if n else np.zeros(0)
    return {"top1_accuracy": round(top1, 4), "top3_recall": round(top3, 4), "micro_f1": round(micro, 4),
            "macro_f1": round(macro, 4), "mean_kappa": round(float(np.mean(kappas)) if kappas else 0.0, 4),
            "precision": round(tp / suggested.sum(), 4) if suggested.sum() else 0.0,
            "recall": round(tp / gold.sum(), 4) if gold.sum() else 0.0,
            "ece": round(expected_calibration_error(p_top, gold[np.arange(n), top[:, 0]] if n else []), 4),
            "uncoded_suggested": int((suggested[~has].sum(1) > 0).sum())}


def tfidf_baseline(codes, cat_texts, texts, train_texts) -> tuple[np.ndarray, np.ndarray]:
    docs = [code_document(c, cat_texts.get(c.category_id or "", "")) for c in codes]
    vec = TfidfVectorizer(sublinear_tf=True).fit(list(train_texts) + list(texts) + docs)
    S = (vec.transform(texts) @ vec.transform(docs).T).toarray()
    pred = np.zeros_like(S, dtype=np.int8)
    best = S.argmax(1)
    ok = S[np.arange(len(S)), best] > 0
    pred[np.flatnonzero(ok), best[ok]] = 1
    return S, pred


def majority_baseline(Y_train: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    K = Y_train.shape[1]
    freq = Y_train.sum(0).astype(float) if len(Y_train) else np.zeros(K)
    S = np.tile(freq - np.arange(K) * 1e-6, (n, 1))  # ties: codebook order
    pred = np.zeros((n, K), dtype=np.int8)
    pred[:, int(np.argmax(S[0]))] = 1
    return S, pred


class _Encoder:
    """Encodes each distinct text once per run."""

    def __init__(self, embedder):
        self.embedder = embedder
        self.cache: dict[str, np.ndarray] = {}

    def __call__(self, texts) -> np.ndarray:
        new = sorted({t for t in texts if t not in self.cache})
        if new:
            for t, v in zip(new, self.embedder.embed(new), strict=True):
                self.cache[t] = v
        return np.stack([self.cache[t] for t in texts]) if len(texts) else np.zeros((0, self.embedder.dim))


def evaluate(codebook, gold, *, train_fraction: float, seed: int = 0, embedder, suggester_params: dict | None = None,
             progress=None, seeds: list[int] | None = None, encoder: _Encoder | None = None) -> dict:
    """Run the evaluation and return the OUT.json structure (means over ``seeds`` with ``per_seed`` when given).

    ``encoder``: a shared ``_Encoder`` (texts already encoded by an earlier run are not encoded again)."""
    t0 = time.perf_counter()
    codes, cat_texts = read_codebook(codebook)
    df, Y = read_gold(gold, [c.id for c in codes])
    enc = encoder or _Encoder(embedder)
    runs = [evaluate_frame(codes, cat_texts, df, Y, train_fraction=train_fraction, seed=s, encoder=enc,
                           suggester_params=suggester_params) for s in (seeds or [seed])]
    if len(runs) == 1:
        result = runs[0]
    else:
        result = dict(runs[0])
        result["seeds"] = [int(s) for s in seeds]
        for key in ("n_train_segments", "n_eval_segments", "n_train_groups", "n_eval_groups"):
            result[key] = round(float(np.mean([r[key] for r in runs])), 1)
        result["assistant"] = _mean_metrics([r["assistant"] for r in runs])
        result["baselines"] = {b: _mean_metrics([r["baselines"][b] for r in runs]) for b in runs[0]["baselines"]}
        result["per_seed"] = runs
    result["seconds"] = round(time.perf_counter() - t0, 2)
    return result


def _mean_metrics(ms: list[dict]) -> dict:
    return {k: round(float(np.mean([m[k] for m in ms])), 4) for k in METRICS}


def _sequence(df: pd.DataFrame) -> np.ndarray:
    """Rows of a group are taken to be in document order (as a gold file lists them)."""
    return df["group"].to_numpy()


def evaluate_frame(codes, cat_texts, df: pd.DataFrame, Y: np.ndarray, *, train_fraction: float, seed: int,
                   encoder: _Encoder, suggester_params: dict | None = None) -> dict:
    """One seeded run on a read codebook and gold frame; ``result["timing"]`` splits the seconds."""
    t0 = time.perf_counter()
    train = split_by_group(df["group"].to_numpy(), train_fraction, seed)
    enc = encoder
    texts = df["text"].tolist()
    contexts = df["context"].fillna("").tolist()
    enc([t for t in texts] + [c for c in contexts if c.strip()])  # one batch: every distinct text once
    space = CodeSpace.build(codes, enc.embedder, category_texts=cat_texts, encode=enc)
    Xt = enc(texts)
    Xc = np.zeros_like(Xt)
    has_ctx = np.array([bool(c.strip()) for c in contexts])
    if has_ctx.any():
        Xc[has_ctx] = enc([c for c in contexts if c.strip()])
    t_enc = time.perf_counter()
    X = np.hstack([Xt, Xc, lexical_similarity(texts, codes, cat_texts)])
    T = np.where(train[:, None], Y, -1).astype(np.int8)
    seq = _sequence(df)
    sugg = CodeSuggester(space, random_state=seed, **(suggester_params or {}))
    sugg.fit(X, T, groups=df["group"].to_numpy(), sequence=seq)
    ev = ~train
    P = sugg.predict_proba(X[ev], sequence=seq[ev])
    pred = sugg.suggested(P)
    t_fit = time.perf_counter()
    gold_ev = Y[ev]
    result = {
        "n_segments": int(len(df)),
        "n_codes": len(codes),
        "train_fraction": float(train_fraction),
        "seed": int(seed),
        "n_train_segments": int(train.sum()),
        "n_eval_segments": int(ev.sum()),
        "n_train_groups": int(len(set(df["group"][train]))),
        "n_eval_groups": int(len(set(df["group"][ev]))),
        "assistant": metrics(P, pred, gold_ev, P),
        "ensemble": {"weights": sugg.weights_, "smoothing": sugg.smoothing_, "cv_top1": sugg.cv_top1_},
    }
    tf_s, tf_p = tfidf_baseline(codes, cat_texts, [texts[i] for i in np.flatnonzero(ev)],
                                [texts[i] for i in np.flatnonzero(train)])
    mj_s, mj_p = majority_baseline(Y[train], int(ev.sum()))
    t_base = time.perf_counter()
    cos = cosine_scores(Xt, enc([code_text(c) for c in codes]))
    lr_s, lr_p = logreg_baseline(Xt[train], Y[train], Xt[ev], cos[ev]) if train.any() else (cos[ev], top1_matrix(cos[ev]))
    t_lr = time.perf_counter()
    share = mj_s / max(float(Y[train].sum()), 1.0)
    result["baselines"] = {"tfidf": metrics(tf_s, tf_p, gold_ev), "majority": metrics(mj_s, mj_p, gold_ev, share),
                           "cosine": metrics(cos[ev], top1_matrix(cos[ev]), gold_ev),
                           "logreg": metrics(lr_s, lr_p, gold_ev, lr_s - 0.5 * cos[ev] if train.any() else None)}
    result["timing"] = {"encode": round(t_enc - t0, 2), "assistant": round(t_fit - t_enc, 2),
                        "logreg": round(t_lr - t_base, 2)}
    result["seconds"] = round(time.perf_counter() - t0, 2)
    return result


def write_json(result: dict, path) -> None:
    Path(path).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

"""The learned part of the suggester: a weighted sum of simple, well-understood scorers, the weights chosen by the
project's own grouped cross-validation at fit time (nothing tuned on any benchmark dataset).

Components (each an (n, K) score matrix, standardised by its own mean and spread over the training rows):
- ``prior``: the zero-shot evidence (cosine of the passage to the code's text);
- ``channels``: the richer zero-shot evidence (examples, category, question context, lexical overlap, refinement),
  only when the suggester computes it;
- ``lr``: a multinomial logistic regression on the passage embeddings;
- ``lr_context``: the same on passage + question embeddings (only when passages have questions);
- ``knn``: a similarity-weighted vote of the nearest coded passages.

A candidate set of weights (a small grid, every component from 0 to 2) and a smoothing strength over neighbouring
passages of the same document (interview answers about one topic come in runs) are scored by top-1 accuracy on
out-of-fold predictions, folds by participant/document; the best is kept, so a component or the smoothing that does
not help this project gets weight 0. A weight of 0 everywhere but ``prior`` is the zero-shot ranking itself.
"""

from __future__ import annotations

import warnings

import numpy as np
from threadpoolctl import threadpool_limits

GRID = (0.0, 0.5, 1.0, 2.0)
SMOOTHING = (0.0, 0.3, 0.6)
DOCUMENT = (0.0, 0.5, 1.0, 2.0)
KNN_K = 10
KNN_TEMPERATURE = 0.05


def smooth(S: np.ndarray, sequence, a, width: int = 2) -> np.ndarray:
    """Document evidence. ``a`` is ``(neighbours, document)`` (or one number: neighbours only): add ``neighbours`` x
    the scores of up to ``width`` rows before and after each row that share its ``sequence`` id (rows in document
    order), and ``document`` x the mean score of the other rows of its document (what the document is about)."""
    near, doc = (a, 0.0) if np.isscalar(a) else a
    if (not near and not doc) or sequence is None or len(S) < 2:
        return S
    seq = np.asarray(sequence)
    out = S.copy()
    for off in range(1, min(width, len(S) - 1) + 1):
        same = seq[off:] == seq[:-off]
        out[off:] += near * S[:-off] * same[:, None]
        out[:-off] += near * S[off:] * same[:, None]
    if doc:
        _, inv, counts = np.unique(seq, return_inverse=True, return_counts=True)
        total = np.zeros((len(counts), S.shape[1]), dtype=np.float64)
        np.add.at(total, inv, S)
        others = np.maximum(counts[inv] - 1, 1)[:, None]
        out += doc * ((total[inv] - S) / others).astype(S.dtype)
    return out


def knn_scores(X_train: np.ndarray, Y_train: np.ndarray, X: np.ndarray, k: int = KNN_K) -> np.ndarray:
    """(n, K): the softmax-weighted (by cosine) share of each code among the ``k`` nearest training passages."""
    if len(X_train) == 0:
        return np.zeros((len(X), Y_train.shape[1]), dtype=np.float32)
    sim = X @ X_train.T
    k = min(k, len(X_train))
    idx = np.argpartition(-sim, k - 1, axis=1)[:, :k]
    w = np.take_along_axis(sim, idx, 1)
    w = np.exp((w - w.max(1, keepdims=True)) / KNN_TEMPERATURE)
    return (np.einsum("nk,nkc->nc", w, (Y_train[idx] == 1).astype(np.float32)) / w.sum(1, keepdims=True))


def _multinomial(X_train, y_train, K: int, C: float = 4.0):
    from sklearn.linear_model import LogisticRegression

    classes = np.unique(y_train)
    if len(classes) < 2:
        return None
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        return LogisticRegression(C=C, max_iter=200).fit(X_train, y_train)


def _lr_scores(model, X, K: int) -> np.ndarray:
    out = np.zeros((len(X), K), dtype=np.float32)
    if model is None:
        return out
    with threadpool_limits(1):
        out[:, model.classes_] = model.predict_log_proba(X)
    out[:, np.setdiff1d(np.arange(K), model.classes_)] = out[:, model.classes_].min() if len(X) else 0
    return out


class ComponentModels:
    """The fitted trainable components on one training set; ``scores(...)`` gives every component's (n, K) matrix."""

    def __init__(self, Xt, Xc, has_ctx, T, use_context: bool):
        K = T.shape[1]
        self.K = K
        pos = (T == 1)
        rows = np.flatnonzero(pos.any(1))
        self.Xt_train = Xt[rows]
        self.Y_train = T[rows]
        # a passage with several codes counts once per code
        r, k = np.nonzero(pos[rows])
        self.use_context = use_context
        self.lr = _multinomial(Xt[rows][r], k, K)
        self.lr_ctx = _multinomial(np.hstack([Xt, Xc])[rows][r], k, K) if use_context else None

    def scores(self, Xt, Xc, has_ctx, extra: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        out = dict(extra)
        out["lr"] = _lr_scores(self.lr, Xt, self.K)
        if self.use_context:
            out["lr_context"] = _lr_scores(self.lr_ctx, np.hstack([Xt, Xc]), self.K)
        out["knn"] = knn_scores(self.Xt_train, self.Y_train, Xt)
        return out


def top1(S: np.ndarray, Y: np.ndarray) -> float:
    has = (Y == 1).any(1)
    if not has.any():
        return 0.0
    return float((Y[np.arange(len(Y)), S.argmax(1)] == 1)[has].mean())


def choose_weights(oof: dict[str, np.ndarray], Y: np.ndarray, sequence):
    """Weights (from ``GRID``), neighbour smoothing (``SMOOTHING``) and document weight (``DOCUMENT``) with the best
    out-of-fold top-1, by coordinate ascent from "prior + lr" (two sweeps; a change must improve the score).
    Returns (weights, (neighbours, document), score)."""
    keys = list(oof)
    w = {k: (1.0 if k in ("prior", "lr") else 0.0) for k in keys}
    a = (0.0, 0.0)

    def score(w, a):
        if not any(w.values()):
            return -1.0
        return top1(smooth(sum(v * oof[k] for k, v in w.items() if v), sequence, a), Y)

    best = score(w, a)
    for _ in range(2):
        changed = False
        for k in keys + ["_near", "_doc"]:
            for v in {"_near": SMOOTHING, "_doc": DOCUMENT}.get(k, GRID):
                if k == "_near":
                    w2, a2 = w, (v, a[1])
                elif k == "_doc":
                    w2, a2 = w, (a[0], v)
                else:
                    w2, a2 = {**w, k: v}, a
                s = score(w2, a2)
                if s > best + 1e-9:
                    best, w, a, changed = s, w2, a2, True
        if not changed:
            break
    return w, a, best


def standardiser(S: np.ndarray) -> tuple[float, float]:
    return float(S.mean()), max(float(S.std()), 1e-6)

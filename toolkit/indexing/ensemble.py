"""The learned part of the suggester: a weighted sum of simple, well-understood scorers, the weights chosen by the
project's own grouped cross-validation at fit time (nothing tuned on any benchmark dataset).

Components (each an (n, K) score matrix, standardised by its own mean and spread over the training rows):
- ``prior``: the zero-shot evidence (cosine of the passage to the code's text);
- ``channels``: the richer zero-shot evidence (examples, category, question context, lexical overlap, refinement),
  only when the suggester computes it;
- ``lr``: a multinomial logistic regression on the passage embeddings;
- ``lr_context``: the same on passage + question embeddings (when passages have questions, but no order);
- ``lr_window``: the same on passage + the mean of its neighbours in the document (up to two passages before and
  after: what the conversation around it is about; when the documents are known, but no questions). When the order
  of the passages says nothing about their codes (``sequence.order_informative``), the rest of the document instead;
- ``lr_all``: the same on passage + question + neighbours (when both are known: it replaces the two above);
- ``knn``: a similarity-weighted vote of the nearest coded passages.

A candidate set of weights (a small grid, every component from 0 to 2), a smoothing strength over neighbouring
passages of the same document (interview answers about one topic come in runs) and the strength of the codes' chain
(a topic guide's order: which code tends to follow which, ``sequence.py``) are scored by top-1 accuracy on
out-of-fold predictions, folds by participant/document. The search starts from the prior and every regression the
data allows (passage; with the question; with the neighbouring passages; with both), weight 1 each and at least 2
together (so the codes' texts start with a third of the say whatever the number of learned views). Its first move in
each sweep scales every learned scorer at once (how far this project's codings can be trusted against the codes'
texts: with two coded participants, hardly; with twenty, a lot), then one weight at a time. It moves only when the
gain is larger than one standard error of the per-passage difference, so a weight changes only where this project's
codings clearly ask for it (with a few hundred coded passages, the best of dozens of candidates is partly luck: on the
development benchmark this rule turned the worst shape's margin over logreg from -0.012 to 0.000 at the same mean;
starting from every regression rather than "prior + lr" then raised it to +0.019). A weight of 0 everywhere but
``prior`` is the zero-shot ranking itself.
"""

from __future__ import annotations

import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from .sequence import posterior, smooth

GRID = (0.0, 0.5, 1.0, 2.0)
SMOOTHING = (0.0, 0.3, 0.6)
DOCUMENT = (0.0, 0.5, 1.0, 2.0)
ORDER = (0.0, 1.0, 2.0, 4.0)  # the scale of the passages' scores in the codes' chain (0: no chain)
KNN_K = 10
KNN_TEMPERATURE = 0.05


def _top_k(sim: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(values, indices) of the ``k`` largest entries of each row (unordered). torch's top-k (already installed with
    sentence-transformers) is about 15x faster than numpy's argpartition on a 7,000 x 4,000 matrix."""
    try:
        import torch
    except ImportError:  # pragma: no cover - torch comes with sentence-transformers
        idx = np.argpartition(-sim, k - 1, axis=1)[:, :k]
        return np.take_along_axis(sim, idx, 1), idx
    v, i = torch.topk(torch.from_numpy(np.ascontiguousarray(sim, dtype=np.float32)), k, dim=1, sorted=False)
    return v.numpy(), i.numpy()


def knn_scores(X_train: np.ndarray, Y_train: np.ndarray, X: np.ndarray, k: int = KNN_K) -> np.ndarray:
    """(n, K): the softmax-weighted (by cosine) share of each code among the ``k`` nearest training passages."""
    if len(X_train) == 0:
        return np.zeros((len(X), Y_train.shape[1]), dtype=np.float32)
    k = min(k, len(X_train))
    w, idx = _top_k(X @ X_train.T, k)
    w = np.exp((w - w.max(1, keepdims=True)) / KNN_TEMPERATURE)
    return (np.einsum("nk,nkc->nc", w, (Y_train[idx] == 1).astype(np.float32)) / w.sum(1, keepdims=True))


def _multinomial(X_train, y_train, K: int, C: float = 4.0, init: tuple[np.ndarray, np.ndarray] | None = None):
    """A multinomial logistic regression of the code index ``y_train`` on ``X_train``. ``init``: (coef (K, d),
    intercept (K,)) over all K codes from an earlier fit (the whole training set before a fold was held out, or the
    fit before the last decision): L-BFGS then starts next to the optimum and stops after a few steps."""
    from sklearn.linear_model import LogisticRegression

    classes = np.unique(y_train)
    if len(classes) < 2:
        return None
    warm = init is not None and len(classes) > 2 and init[0].shape[1] == X_train.shape[1]
    m = LogisticRegression(C=C, max_iter=200, warm_start=warm)
    if warm:
        m.coef_, m.intercept_ = init[0][classes].astype(np.float64), init[1][classes].astype(np.float64)
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        return m.fit(X_train, y_train)


def _full(model, K: int, d: int) -> tuple[np.ndarray, np.ndarray] | None:
    """A fitted model's (coef, intercept) spread over all K codes (zeros for codes it never saw)."""
    if model is None or model.coef_.shape[0] != len(model.classes_):
        return None
    W, b = np.zeros((K, d)), np.zeros(K)
    W[model.classes_], b[model.classes_] = model.coef_, model.intercept_
    return W, b


def _lr_scores(model, X, K: int) -> np.ndarray:
    out = np.zeros((len(X), K), dtype=np.float32)
    if model is None:
        return out
    with threadpool_limits(1):
        out[:, model.classes_] = model.predict_log_proba(X)
    out[:, np.setdiff1d(np.arange(K), model.classes_)] = out[:, model.classes_].min() if len(X) else 0
    return out


class ComponentModels:
    """The fitted trainable components on one training set; ``scores(...)`` gives every component's (n, K) matrix.
    ``init``: an earlier ``ComponentModels`` (on the same codes) whose regressions start the new ones (warm start)."""

    def __init__(self, Xt, Xc, has_ctx, T, use_context: bool, init: ComponentModels | None = None,
                 Xw: np.ndarray | None = None, need: set[str] | None = None):
        K = T.shape[1]
        self.K = K
        pos = (T == 1)
        rows = np.flatnonzero(pos.any(1))
        self.Xt_train = Xt[rows]
        self.Y_train = T[rows]
        # a passage with several codes counts once per code
        r, k = np.nonzero(pos[rows])
        self.use_context = use_context
        same = init is not None and init.K == K
        # the regressions to fit: all candidates, or only those a kept choice weighs (``need``, component names)
        # with both the question and the neighbours, one regression on all three views replaces the two on either
        # (on the development benchmark it ranks better than their sum, and fits in less time)
        both = use_context and Xw is not None
        want = {"lr": True, "lr_context": use_context and not both, "lr_window": Xw is not None and not both,
                "lr_all": both}
        self.built = {n for n, ok in want.items() if ok and (need is None or n in need)}

        def fit(name, attr, X):
            return _multinomial(X[rows][r], k, K, init=init.start(attr) if same else None) if name in self.built \
                else None

        self.lr = fit("lr", "lr", Xt)
        self.lr_ctx = fit("lr_context", "lr_ctx", np.hstack([Xt, Xc]) if "lr_context" in self.built else None)
        self.lr_win = fit("lr_window", "lr_win", np.hstack([Xt, Xw]) if "lr_window" in self.built else None)
        self.lr_all = fit("lr_all", "lr_all", np.hstack([Xt, Xc, Xw]) if "lr_all" in self.built else None)

    def start(self, name: str) -> tuple[np.ndarray, np.ndarray] | None:
        model = getattr(self, name, None)
        return None if model is None else _full(model, self.K, model.coef_.shape[1])

    def scores(self, Xt, Xc, has_ctx, extra: dict[str, np.ndarray], Xw: np.ndarray | None = None
               ) -> dict[str, np.ndarray]:
        out = dict(extra)
        if "lr" in self.built:
            out["lr"] = _lr_scores(self.lr, Xt, self.K)
        if "lr_context" in self.built:
            out["lr_context"] = _lr_scores(self.lr_ctx, np.hstack([Xt, Xc]), self.K)
        W = np.zeros_like(Xt) if Xw is None else Xw
        if "lr_window" in self.built:
            out["lr_window"] = _lr_scores(self.lr_win, np.hstack([Xt, W]), self.K)
        if "lr_all" in self.built:
            out["lr_all"] = _lr_scores(self.lr_all, np.hstack([Xt, Xc, W]), self.K)
        out["knn"] = knn_scores(self.Xt_train, self.Y_train, Xt)
        return out


def top1(S: np.ndarray, Y: np.ndarray) -> float:
    has = (Y == 1).any(1)
    if not has.any():
        return 0.0
    return float(_hits(S, Y)[has].mean())


def _hits(S: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per row: 1.0 when the top-scored code is one of the row's codes."""
    return (Y[np.arange(len(Y)), S.argmax(1)] == 1).astype(np.float64)


START = ("prior", "lr", "lr_context", "lr_window", "lr_all")  # every learned view of the passage there is, the prior
LEARNED = ("lr", "lr_context", "lr_window", "lr_all", "knn")  # scaled together by one move of the search
SCALE = (0.0, 0.25, 0.5, 2.0)
MIN_Z = 1.0  # a change of the weights must beat the current choice by one standard error of the paired difference


def document_evidence(S: np.ndarray, sequence, a, chain=None) -> np.ndarray:
    """``S`` with the evidence of the passages' order: ``a`` = (neighbours, document[, chain scale]) as in
    ``sequence.smooth``, then, with a chain scale and transitions, each passage's log posterior over the codes of the
    document's chain (``sequence.posterior``). ``chain``: one (K, K) transition matrix, or a list of (rows,
    matrix): the out-of-fold rows of each fold with the transitions counted without them."""
    out = smooth(S, sequence, a)
    scale = a[2] if len(a) > 2 else 0.0
    if not scale or chain is None or sequence is None:
        return out
    if isinstance(chain, np.ndarray):
        return posterior(out, sequence, chain, scale)
    res = out.astype(np.float64)
    seq = np.asarray(sequence)
    for rows, A in chain:
        if A is not None and len(rows):
            res[rows] = posterior(out[rows], seq[rows], A, scale)
    return res


def choose_weights(oof: dict[str, np.ndarray], Y: np.ndarray, sequence, min_z: float | None = None, chain=None):
    """Weights (from ``GRID``), neighbour smoothing (``SMOOTHING``), document weight (``DOCUMENT``) and the scale of
    the codes' chain (``ORDER``; only with ``chain``, see ``document_evidence``) by coordinate ascent on out-of-fold
    top-1 from ``START`` (the prior, weight 1, and every regression there is, weight 1 each and at least 2 together;
    two sweeps; each sweep first tries
    every ``LEARNED`` weight times each ``SCALE`` at once). A change is kept only when
    its gain over the current choice exceeds ``min_z`` standard errors of the per-passage paired difference: with a
    few hundred coded passages the best of dozens of candidates is partly luck, and a change the evidence does not
    clearly support would rather not be made. Returns (weights, (neighbours, document, chain scale), out-of-fold
    top-1)."""
    min_z = MIN_Z if min_z is None else min_z
    keys = list(oof)
    w = {k: (1.0 if k in START else 0.0) for k in keys}
    start = [k for k in keys if k in START and k in LEARNED]
    for k in start:  # the learned side starts at twice the prior's weight, whatever the number of its views
        w[k] = max(1.0, 2.0 / len(start))
    a = (0.0, 0.0, 0.0)
    n = max(len(Y), 1)
    grids = {"_near": (SMOOTHING, 0), "_doc": (DOCUMENT, 1), "_order": (ORDER, 2), "_learned": (SCALE, None)}
    doc_keys = ["_near", "_doc"] + (["_order"] if chain is not None and sequence is not None else [])
    learned = [k for k in keys if k in LEARNED]

    def hits(w, a):
        if not any(w.values()):
            return None
        return _hits(document_evidence(sum(v * oof[k] for k, v in w.items() if v), sequence, a, chain), Y)

    cur = hits(w, a)
    for _ in range(2):
        changed = False
        for k in ["_learned"] + keys + doc_keys:
            best = None
            grid, pos = grids.get(k, (GRID, None))
            for v in grid:
                if k == "_learned":  # every learned scorer at once, against the zero-shot ones
                    w2, a2 = {**w, **{j: w[j] * v for j in learned}}, a
                elif pos is None:
                    w2, a2 = {**w, k: v}, a
                else:
                    w2, a2 = w, tuple(v if i == pos else x for i, x in enumerate(a))
                h = hits(w2, a2)
                if h is None:
                    continue
                d = h - cur
                gain = d.mean()
                if gain > 1e-12 and gain > min_z * d.std() / np.sqrt(n) and (best is None or gain > best[0]):
                    best = (gain, w2, a2, h)
            if best is not None:
                _, w, a, cur = best
                changed = True
        if not changed:
            break
    return w, a, float(cur.mean())


def standardiser(S: np.ndarray) -> tuple[float, float]:
    return float(S.mean()), max(float(S.std()), 1e-6)

"""The two naive references every suggester is measured against (``evaluate`` reports both):

- ``cosine``: the passage's embedding against the embedding of the code's one text, "label: definition" (the label
  or the definition alone when the other is missing; the id with separators as spaces when both are);
- ``logreg``: one-vs-rest logistic regression (C=4, class_weight='balanced') on the passage embeddings, plus
  0.5 x cosine. A code never coded in the training part has no classifier and ranks by its 0.5 x cosine alone.

Thresholded suggestions: ``cosine`` suggests its top code; ``logreg`` the codes whose classifier probability is at
least 0.5 (its top code when none is). Both are plain numpy/scikit-learn; nothing here knows about the store.
"""

from __future__ import annotations

import re
import warnings

import numpy as np

from ..models import Code

_ID_SPLIT = re.compile(r"[_\-.]+")


def code_text(code: Code) -> str:
    """The code's one text: "label: definition", or whichever of the two exists, or its id as words."""
    label = (code.label or "").strip()
    definition = (code.definition or "").strip()
    if label and definition:
        return f"{label}: {definition}"
    return label or definition or (_ID_SPLIT.sub(" ", code.id).strip() or code.id)


def top1_matrix(S: np.ndarray) -> np.ndarray:
    pred = np.zeros(S.shape, dtype=np.int8)
    if S.size:
        pred[np.arange(len(S)), S.argmax(1)] = 1
    return pred


def cosine_scores(X: np.ndarray, code_vectors: np.ndarray) -> np.ndarray:
    """(n, K) cosine of unit passage vectors against unit code-text vectors, in float64, each distinct code vector
    computed once: two codes with the same text tie exactly (the first ranks first), and no row's ranking depends on
    which other rows were scored with it (float32 products of a subset can round differently)."""
    V = np.asarray(code_vectors, dtype=np.float64)
    if not len(V):
        return np.zeros((len(X), 0))
    uniq, inv = np.unique(V, axis=0, return_inverse=True)
    # einsum's own loop, not BLAS: a row's sums do not depend on how many rows the product has (a BLAS kernel
    # blocks 12 rows differently from 300, and the last bits of a cosine then differ); as fast at these sizes
    return np.einsum("nd,kd->nk", np.asarray(X, dtype=np.float64), uniq)[:, np.ravel(inv)]


def ovr_logreg_proba(X_train: np.ndarray, Y_train: np.ndarray, X: np.ndarray, C: float = 4.0) -> np.ndarray:
    """(n, K) one-vs-rest balanced logistic-regression probabilities; 0 for a code with no positive (or no negative)
    training row."""
    from sklearn.linear_model import LogisticRegression

    X_train = np.asarray(X_train, dtype=np.float32)
    Y_train = np.asarray(Y_train)
    out = np.zeros((len(X), Y_train.shape[1]), dtype=np.float32)
    for k in range(Y_train.shape[1]):
        y = (Y_train[:, k] == 1).astype(int)
        if 0 < y.sum() < len(y):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf = LogisticRegression(C=C, class_weight="balanced", max_iter=1000).fit(X_train, y)
            out[:, k] = clf.predict_proba(X)[:, 1]
    return out


def logreg_baseline(X_train, Y_train, X, cos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(scores, suggested) of the logreg reference; ``cos`` is the (n, K) cosine of ``X`` to the code texts."""
    P = ovr_logreg_proba(X_train, Y_train, X)
    S = P + 0.5 * cos
    pred = (P >= 0.5).astype(np.int8)
    none = pred.sum(1) == 0
    pred[none] = top1_matrix(S[none])
    return S, pred

"""The suggester's calibration: a Platt map of the top suggestion's probability shrunk toward the identity, and the
F1-best threshold of a code's scores (both fitted on out-of-fold predictions by ``suggester.CodeSuggester``)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, logit

__all__ = ["IDENTITY", "P_CLIP", "best_f1_threshold", "fit_calibration_map"]

IDENTITY = (1.0, 0.0)  # the calibration map that changes nothing: p -> expit(1 * logit(p) + 0)
P_CLIP = 1e-9


def fit_calibration_map(p: np.ndarray, correct: np.ndarray, prior: float = 0.5) -> tuple[float, float]:
    """(a, b) of the map p -> expit(a * logit(p) + b) (Platt scaling of the top suggestion's probability) fitted by
    maximum a posteriori on (probability, correct) pairs with a standard normal prior centred on the identity (1, 0):
    ``prior`` * ||(a, b) - (1, 0)||^2 is added to the negative log-likelihood, so with a handful of pairs the map stays
    near the identity and with hundreds it follows the data. ``a`` stays positive (the map keeps every ranking)."""
    p, c = np.asarray(p, dtype=np.float64), np.asarray(correct, dtype=np.float64)
    if not len(p):
        return IDENTITY
    z = logit(np.clip(p, P_CLIP, 1 - P_CLIP))
    m0 = np.array(IDENTITY)

    def f(x):
        u = x[0] * z + x[1]
        q = expit(u)
        nll = np.logaddexp(0, u).sum() - (c * u).sum()  # -sum(c log q + (1 - c) log(1 - q)), stable
        r = q - c
        return nll + prior * ((x - m0) ** 2).sum(), np.array([(r * z).sum(), r.sum()]) + 2 * prior * (x - m0)

    x = minimize(f, m0, jac=True, method="L-BFGS-B", bounds=[(0.05, None), (None, None)]).x
    return float(x[0]), float(x[1])


def best_f1_threshold(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The threshold on ``p`` maximising F1 against binary ``y`` (midpoint between consecutive scores); (t, f1)."""
    if y.sum() == 0:
        return 1.0, 0.0
    order = np.argsort(-p)
    ps, ys = p[order], y[order]
    tp = np.cumsum(ys)
    k = np.arange(1, len(ps) + 1)
    f1 = 2 * tp / (k + y.sum())
    i = int(np.argmax(f1))
    t = (ps[i] + ps[i + 1]) / 2 if i + 1 < len(ps) else ps[i] * 0.999
    return float(t), float(f1[i])

"""The learned part of the suggester: a softmax over codes whose per-code weights are tied to the codes' own texts.

score(x, k) = s * z_k(x) + x . (u_k + A^T c_k) + b_k

- ``z_k(x)`` is the zero-shot evidence (similarity to code k's definition/examples, standardised), weighted by a
  learned ``s``: with no decisions the model *is* the zero-shot ranking.
- ``u_k`` are free per-code weights (a logistic regression), pulled to zero by an L2 penalty, so a code's own weights
  only grow as decisions about that code accumulate: the blend between zero-shot and learned evidence follows the
  per-code evidence count without a hand-set schedule.
- ``A^T c_k`` maps the code's text embedding ``c_k`` to weights shared by all codes ("label embedding"): what is learned
  about codes whose definitions resemble each other (e.g. "confirming X" / "opposing X") transfers between them,
  which helps codes with few decisions. With the L2 penalty on ``A`` this is a Gaussian prior on the per-code weights
  whose covariance is the codes' text similarity ``C C^T``; it is fitted in that form, ``W_shared = (C C^T)^(1/2) B``,
  which has K x F parameters instead of G x F.

Targets are a matrix in {1, 0, -1}: 1 = coded/accepted, 0 = rejected (known absent), -1 = unknown. The softmax has
one more class, "no code", whose zero-shot evidence is the constant ``null_evidence`` (a code must stand out from the
project's passages by about that many standard deviations to beat it); a passage known to have no code is its target.
Rows with a positive use the softmax cross-entropy (the positives share the target mass); a rejection on a row
without any positive adds ``-log(1 - p_k)``. Fitted with L-BFGS (scipy) on numpy arrays; nothing here knows about the store.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import log_softmax
from sklearn.base import BaseEstimator


class LabelEmbeddingSoftmax(BaseEstimator):
    def __init__(self, l2_code: float = 1e-3, l2_shared: float = 1e-4, l2_bias: float = 1e-3,
                 zero_shot_scale: float = 1.0, null_evidence: float = 1.0, max_iter: int = 200, tol: float = 1e-6):
        self.l2_code = l2_code
        self.l2_shared = l2_shared
        self.l2_bias = l2_bias
        self.zero_shot_scale = zero_shot_scale
        self.null_evidence = null_evidence
        self.max_iter = max_iter
        self.tol = tol

    # parameters are packed into one vector for scipy
    def _unpack(self, theta):
        K, F, G = self._shape
        U = theta[: K * F].reshape(K, F)
        B = theta[K * F : 2 * K * F].reshape(K, F)
        b = theta[2 * K * F : 2 * K * F + K]
        return U, B, b, theta[-1]

    def fit(self, X, T, Z, code_features, init: LabelEmbeddingSoftmax | None = None):
        """X (n, F) passage features; T (n, K) targets in {1, 0, -1}; Z (n, K) zero-shot evidence;
        code_features (K, G) one embedding per code. ``init``: a fitted model of the same shape to start from."""
        X = np.asarray(X, dtype=np.float32)  # the products run in float32, the optimiser in float64
        T = np.asarray(T)
        # the last class is "no code": the target of passages known to have none of the codes
        none = np.where((T == 1).any(1), 0, np.where((T == 0).all(1), 1, -1))
        T = np.hstack([T, none[:, None]])
        Z = self._with_null(np.asarray(Z, dtype=np.float64))
        C = np.asarray(code_features, dtype=np.float64)
        C = np.vstack([C, np.zeros((1, C.shape[1]))])
        n, F = X.shape
        K, G = C.shape
        self._shape = (K, F, G)
        e, V = np.linalg.eigh(C @ C.T)
        Lk = (V * np.sqrt(np.clip(e, 0, None))) @ V.T  # (C C^T)^(1/2)
        pos = (T == 1).astype(np.float64)
        npos = pos.sum(1)
        has_pos = npos > 0
        Q = np.divide(pos, npos[:, None], out=np.zeros_like(pos), where=has_pos[:, None])
        neg = ((T == 0) & ~has_pos[:, None]).astype(np.float64)
        m = max(float(has_pos.sum() + (neg.sum(1) > 0).sum()), 1.0)

        def loss_grad(theta):
            U, B, b, s = self._unpack(theta)
            W = (U + Lk @ B).astype(np.float32)
            logits = (X @ W.T).astype(np.float64) + b + s * Z
            logP = log_softmax(logits, axis=1)
            P = np.exp(logP)
            loss = -(Q * logP).sum()
            G_ = (P - Q) * has_pos[:, None]
            if neg.any():
                one_minus = np.clip(1.0 - P, 1e-12, None)
                loss -= (neg * np.log(one_minus)).sum()
                # d(-log(1-p_k))/dz_j = p_k (delta_jk - p_j) / (1 - p_k)
                r = neg * P / one_minus
                G_ += r - P * r.sum(1, keepdims=True)
            loss /= m
            G_ /= m
            dW = (G_.T.astype(np.float32) @ X).astype(np.float64)
            dU = dW + 2 * self.l2_code * U
            dB = Lk.T @ dW + 2 * self.l2_shared * B
            db = G_.sum(0) + 2 * self.l2_bias * b
            ds = (G_ * Z).sum()
            loss += self.l2_code * (U**2).sum() + self.l2_shared * (B**2).sum() + self.l2_bias * (b**2).sum()
            return loss, np.concatenate([dU.ravel(), dB.ravel(), db, [ds]])

        theta0 = np.zeros(2 * K * F + K + 1)
        theta0[-1] = self.zero_shot_scale
        if init is not None and getattr(init, "theta_", np.zeros(0)).shape == theta0.shape:
            theta0 = init.theta_.copy()
        res = minimize(loss_grad, theta0, jac=True, method="L-BFGS-B", options={"maxiter": self.max_iter, "ftol": self.tol})
        self.theta_ = res.x
        U, B, b, s = self._unpack(res.x)
        self.coef_ = (U + Lk @ B).astype(np.float32)
        self.intercept_ = b.astype(np.float32)
        self.zero_shot_weight_ = float(s)
        self.n_iter_ = int(res.nit)
        self.n_features_in_ = F
        return self

    def _with_null(self, Z):
        return np.hstack([Z, np.full((Z.shape[0], 1), self.null_evidence, dtype=Z.dtype)])

    def decision_function(self, X, Z):
        """(n, K + 1) scores; the last column is "no code"."""
        Z = self._with_null(np.asarray(Z, dtype=np.float32))
        return np.asarray(X, dtype=np.float32) @ self.coef_.T + self.intercept_ + self.zero_shot_weight_ * Z

    def predict_proba(self, X, Z):
        """(n, K + 1) probabilities; the last column is "no code"."""
        return np.exp(log_softmax(self.decision_function(X, Z), axis=1))

"""The code suggester: zero-shot evidence from the codebook, refined on the project's passages, blended with what the
researcher's decisions teach, with calibrated thresholds so that "suggested" means something.

scikit-learn conventions: ``__init__`` only stores parameters, ``fit(X, Y)`` returns ``self``, learned attributes end
in ``_``, ``predict`` / ``predict_proba`` / ``decision_function``.

- ``X``: passage embeddings, shape (n, d), or (n, 2d) where the second half is the embedding of the question the
  passage answers (the interviewer's turn; a zero row when there is none), optionally followed by K columns of
  lexical similarity to each code's text (``codespace.lexical_similarity``: TF-IDF cosine, which catches the
  codebook's own words where the embedding model blurs them), shape (n, 2d + K).
- ``Y``: (n, K) in {1, 0, -1} over ``code_space.code_ids``: 1 coded/accepted, 0 known absent (rejected, or not among the
  codes of an exhaustively coded passage), -1 unknown. Rows that are all -1 are the unlabeled pool: fitting on every
  passage of a project (labeled or not) lets the zero-shot evidence be standardised per code over the project and the
  code prototypes be refined on it (transductive, no labels used).
- ``groups`` (optional, in ``fit``): a participant/document id per row, so the cross-validation that calibrates the
  thresholds never puts one document on both sides.
"""

from __future__ import annotations

import numpy as np
from scipy.special import softmax
from sklearn.base import BaseEstimator
from sklearn.model_selection import GroupKFold, KFold

from .codespace import CodeSpace
from .learner import LabelEmbeddingSoftmax

# the spread of cosine similarities between unrelated sentences is about this; a small project cannot estimate it
STD_FLOOR = 0.1


def _shrunk_stats(S: np.ndarray, mask: np.ndarray | None, prior: float,
                  floor: float = STD_FLOOR) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean/std over the rows in ``mask``, shrunk towards the all-column mean and std (``prior``
    pseudo-rows; the all-column std is at least ``STD_FLOOR``, so a handful of passages cannot inflate the z-scores)."""
    rows = S if mask is None else S[mask]
    K = S.shape[1]
    if rows.shape[0] == 0:
        return np.zeros(K), np.ones(K)
    g_mean, g_std = float(rows.mean()), max(float(rows.std()), floor)
    n = rows.shape[0]
    mean = (rows.sum(0) + prior * g_mean) / (n + prior)
    var = (((rows - mean) ** 2).sum(0) + prior * g_std**2) / (n + prior)
    return mean, np.sqrt(np.maximum(var, 1e-12))


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


class CodeSuggester(BaseEstimator):
    def __init__(
        self,
        code_space: CodeSpace | None = None,
        context_weight: float = 0.5,
        category_weight: float = 1.0,
        refine_iter: int = 3,
        refine_strength: float = 1.0,
        refine_prior: float = 5.0,
        stats_prior: float = 20.0,
        zero_shot_scale: float = 1.0,
        null_evidence: float = 1.0,
        lexical_weight: float = 0.5,
        l2_code: float = 1e-3,
        l2_shared: float = 1e-4,
        max_iter: int = 80,
        cv_folds: int = 3,
        threshold_prior: float = 5.0,
        zero_shot_threshold: float = 0.25,
        warm_start: bool = False,
        random_state: int = 0,
    ):
        self.code_space = code_space
        self.context_weight = context_weight
        self.category_weight = category_weight
        self.refine_iter = refine_iter
        self.refine_strength = refine_strength
        self.refine_prior = refine_prior
        self.stats_prior = stats_prior
        self.zero_shot_scale = zero_shot_scale
        self.null_evidence = null_evidence
        self.lexical_weight = lexical_weight
        self.l2_code = l2_code
        self.l2_shared = l2_shared
        self.max_iter = max_iter
        self.cv_folds = cv_folds
        self.threshold_prior = threshold_prior
        self.zero_shot_threshold = zero_shot_threshold
        self.warm_start = warm_start
        self.random_state = random_state

    # ---- input handling -------------------------------------------------------------------------------------
    def _split(self, X):
        X = np.asarray(X, dtype=np.float32)
        d, K = self.code_space.dim, self.code_space.n_codes
        if X.ndim != 2 or X.shape[1] not in (d, 2 * d, 2 * d + K):
            raise ValueError(f"X must have {d} (text), {2 * d} (text + context) or {2 * d + K} (text + context + "
                             f"lexical) columns, got shape {X.shape}")
        Xt = X[:, :d]
        Xc = X[:, d : 2 * d] if X.shape[1] >= 2 * d else np.zeros_like(Xt)
        L = X[:, 2 * d :] if X.shape[1] == 2 * d + K else None
        has_ctx = np.abs(Xc).sum(1) > 0
        return Xt, Xc, has_ctx, L

    # ---- zero-shot evidence ---------------------------------------------------------------------------------
    def _raw(self, V):
        """Per code: 0.5 * (max + mean) cosine to its exemplars, and cosine to its category text."""
        cs = self.code_space
        S = V @ cs.exemplar_vectors.T
        if self._exemplar_starts is not None:  # exemplars stored code by code: reduce each run at once
            st = self._exemplar_starts
            code_sim = 0.5 * (np.maximum.reduceat(S, st, axis=1) + np.add.reduceat(S, st, axis=1) / self._n_ex)
        else:
            code_sim = np.zeros((V.shape[0], cs.n_codes), dtype=np.float32)
            for k in range(cs.n_codes):
                cols = self._exemplar_cols[k]
                code_sim[:, k] = 0.5 * (S[:, cols].max(1) + S[:, cols].mean(1))
        return code_sim.astype(np.float32), V @ cs.category_vectors.T

    def _channels(self, Xt, Xc):
        a, b = self._raw(Xt)
        c, d = self._raw(Xc)
        return [a, b, c, d]

    def _zscore(self, chans, has_ctx):
        z = [(ch - m) / s for ch, (m, s) in zip(chans, self.stats_, strict=True)]
        has_cat = self._has_cat
        w = self.category_weight
        Z = z[0] + w * z[1] * has_cat
        ctx = z[2] + w * z[3] * has_cat
        return Z + self.context_weight * ctx * has_ctx[:, None]

    def _proto_channels(self, Xt, Xc, protos):
        return [Xt @ protos[0].T, Xc @ protos[1].T]

    def _evidence(self, Xt, Xc, has_ctx, L=None, chans=None):
        Z = self._zscore(self._channels(Xt, Xc) if chans is None else chans, has_ctx)
        if L is not None and self.lexical_stats_ is not None:
            Z = Z + self.lexical_weight * (L - self.lexical_stats_[0]) / self.lexical_stats_[1]
        for protos, stats in zip(self.prototypes_, self.prototype_stats_, strict=True):
            pt, pc = self._proto_channels(Xt, Xc, protos)
            Z = Z + self.refine_strength * self.refine_weights_ * (
                (pt - stats[0][0]) / stats[0][1]
                + self.context_weight * has_ctx[:, None] * (pc - stats[1][0]) / stats[1][1]
            )
        return Z

    def _fit_zero_shot(self, Xt, Xc, has_ctx, T, L=None):
        """Standardisation stats over the pool, then prototype refinement (labeled rows count with their labels)."""
        cs = self.code_space
        self._exemplar_cols = [np.flatnonzero(cs.exemplar_code == k) for k in range(cs.n_codes)]
        counts = np.array([len(c) for c in self._exemplar_cols])
        contiguous = (counts > 0).all() and np.array_equal(cs.exemplar_code, np.repeat(np.arange(cs.n_codes), counts))
        self._exemplar_starts = np.concatenate([[0], np.cumsum(counts)[:-1]]) if contiguous else None
        self._n_ex = counts.astype(np.float32)
        self._has_cat = (np.abs(cs.category_vectors).sum(1) > 0).astype(np.float32)
        chans = self._channels(Xt, Xc)
        self.stats_ = [
            _shrunk_stats(ch, has_ctx if i >= 2 else None, self.stats_prior) for i, ch in enumerate(chans)
        ]
        # lexical channel (TF-IDF cosine to the code's text): its own scale, so its own small floor
        self.lexical_stats_ = None if L is None else _shrunk_stats(L, None, self.stats_prior, floor=0.01)
        self.prototypes_, self.prototype_stats_ = [], []
        self.refine_weights_ = np.zeros(cs.n_codes, dtype=np.float32)
        pos = (T == 1).astype(np.float32)
        labeled = pos.sum(1) > 0
        target = pos / np.maximum(pos.sum(1, keepdims=True), 1)
        for _ in range(self.refine_iter):
            R = softmax(self._evidence(Xt, Xc, has_ctx, L, chans), axis=1).astype(np.float32)
            R[labeled] = target[labeled]
            R[(T == 0)] = 0.0
            mass = np.maximum(R.sum(0), 1e-6)[:, None]
            # a prototype drawn from few passages counts little (mass / (mass + prior)): no effect on tiny projects
            weights = (mass[:, 0] / (mass[:, 0] + self.refine_prior)).astype(np.float32)
            protos = []
            for V in (Xt, Xc):
                M = (R.T @ V) / mass
                n = np.linalg.norm(M, axis=1, keepdims=True)
                protos.append((M / np.where(n > 0, n, 1.0)).astype(np.float32))
            pt, pc = self._proto_channels(Xt, Xc, protos)
            # each round replaces the previous prototypes (the evidence is the base plus the latest refinement)
            self.prototype_stats_ = [
                [_shrunk_stats(pt, None, self.stats_prior), _shrunk_stats(pc, has_ctx, self.stats_prior)]
            ]
            self.prototypes_ = [protos]
            self.refine_weights_ = weights

    # ---- fitting --------------------------------------------------------------------------------------------
    def _features(self, Xt, Xc):
        return np.hstack([Xt, Xc])

    def _code_features(self):
        cs = self.code_space
        return np.hstack([cs.code_vectors(), cs.category_vectors])

    def _fit_core(self, Xt, Xc, has_ctx, T, L=None):
        self._fit_zero_shot(Xt, Xc, has_ctx, T, L)
        known = (T != -1).any(1)
        if not (T[known] == 1).any():
            self.learner_ = None
            return self
        Z = self._evidence(Xt[known], Xc[known], has_ctx[known], None if L is None else L[known])
        previous = getattr(self, "learner_", None)
        self.learner_ = LabelEmbeddingSoftmax(
            l2_code=self.l2_code, l2_shared=self.l2_shared, zero_shot_scale=self.zero_shot_scale,
            null_evidence=self.null_evidence, max_iter=self.max_iter,
        ).fit(self._features(Xt[known], Xc[known]), T[known], Z, self._code_features(), init=previous)
        return self

    def fit(self, X, Y, groups=None):
        if self.code_space is None:
            raise ValueError("CodeSuggester needs a code_space")
        Xt, Xc, has_ctx, L = self._split(X)
        T = np.asarray(Y, dtype=np.int8)
        if T.shape != (Xt.shape[0], self.code_space.n_codes):
            raise ValueError(f"Y must have shape {(Xt.shape[0], self.code_space.n_codes)}, got {T.shape}")
        self.classes_ = np.asarray(self.code_space.code_ids)
        self.n_features_in_ = int(np.asarray(X).shape[1])
        self.evidence_ = (T == 1).sum(0).astype(int)
        self.negative_evidence_ = (T == 0).sum(0).astype(int)
        if not self.warm_start:  # the cross-validation fits and the final fit still start from each other
            self.learner_ = None
        known = np.flatnonzero((T != -1).any(1))
        self.train_index_ = known
        self.train_vectors_ = Xt[known]
        self.train_targets_ = T[known]
        self._calibrate(Xt, Xc, has_ctx, T, groups, L)
        self._fit_core(Xt, Xc, has_ctx, T, L)
        return self

    def _calibrate(self, Xt, Xc, has_ctx, T, groups, L=None):
        """Per-code thresholds from out-of-fold probabilities on the labeled rows, shrunk towards a global one."""
        K = self.code_space.n_codes
        known = np.flatnonzero((T != -1).any(1))
        self.global_threshold_ = float(self.zero_shot_threshold)
        self.thresholds_ = np.full(K, self.global_threshold_)
        self.calibrated_ = False
        n_pos = int((T[known] == 1).any(1).sum())
        if n_pos < 2 * self.cv_folds:
            return
        g = None if groups is None else np.asarray(groups)[known]
        if g is not None and len(set(g)) >= self.cv_folds:
            folds = GroupKFold(n_splits=self.cv_folds).split(known, groups=g)
        else:
            folds = KFold(self.cv_folds, shuffle=True, random_state=self.random_state).split(known)
        P = np.zeros((len(known), K))
        for _train, te in folds:
            Tf = T.copy()
            Tf[known[te]] = -1  # held-out rows join the unlabeled pool
            self._fit_core(Xt, Xc, has_ctx, Tf, L)
            rows = known[te]
            P[te] = self._proba(Xt[rows], Xc[rows], has_ctx[rows], None if L is None else L[rows])
        Tk = T[known]
        mask = Tk != -1
        t_g, _ = best_f1_threshold(P[mask], (Tk[mask] == 1).astype(int))
        self.global_threshold_ = t_g
        for k in range(K):
            m = mask[:, k]
            y = (Tk[m, k] == 1).astype(int)
            n_k = int(y.sum())
            t_k = best_f1_threshold(P[m, k], y)[0] if n_k else t_g
            self.thresholds_[k] = (n_k * t_k + self.threshold_prior * t_g) / (n_k + self.threshold_prior)
        self.calibrated_ = True

    # ---- prediction -----------------------------------------------------------------------------------------
    def _decision(self, Xt, Xc, has_ctx, L=None):
        """(n, K + 1) scores: the codes, then "no code"."""
        Z = self._evidence(Xt, Xc, has_ctx, L)
        if self.learner_ is None:
            return self.zero_shot_scale * np.hstack([Z, np.full((Z.shape[0], 1), self.null_evidence, Z.dtype)])
        return self.learner_.decision_function(self._features(Xt, Xc), Z)

    def _proba(self, Xt, Xc, has_ctx, L=None):
        return softmax(self._decision(Xt, Xc, has_ctx, L), axis=1)[:, :-1]

    def zero_shot_evidence(self, X):
        """The standardised zero-shot evidence (n, K), before any learning."""
        return self._evidence(*self._split(X))

    def decision_function(self, X):
        """(n, K + 1) scores: one per code, then one for "no code"."""
        return self._decision(*self._split(X))

    def predict_proba(self, X):
        """(n, K) probabilities that each code is the passage's code (a softmax over the codes and "no code", so a
        row sums to 1 minus the probability that no code applies)."""
        return self._proba(*self._split(X))

    def predict(self, X):
        """(n, K) 0/1: the codes suggested for each passage (probability at or above the code's threshold)."""
        return (self.predict_proba(X) >= self.thresholds_[None, :]).astype(np.int8)

    def fit_strength(self, P):
        """max_k p_k / t_k per row: below 1 means no code reaches its threshold (the passage fits no code well)."""
        return (np.asarray(P) / self.thresholds_[None, :]).max(1)

    # ---- explanations ---------------------------------------------------------------------------------------
    def closest_exemplar(self, x, k: int) -> tuple[str, str, float]:
        """(kind, text, cosine) of the code text of code ``k`` closest to the passage vector ``x``."""
        cs = self.code_space
        cols = self._exemplar_cols[k]
        sims = cs.exemplar_vectors[cols] @ np.asarray(x, dtype=np.float32)[: cs.dim]
        j = int(np.argmax(sims))
        return cs.exemplar_kinds[cols[j]], cs.exemplar_texts[cols[j]], float(sims[j])

    def nearest_coded(self, x, k: int, n: int = 2) -> list[tuple[int, float]]:
        """Up to ``n`` (row index in the fitted X, cosine) of the labeled passages coded with code ``k``, nearest first."""
        rows = np.flatnonzero(self.train_targets_[:, k] == 1)
        if rows.size == 0:
            return []
        sims = self.train_vectors_[rows] @ np.asarray(x, dtype=np.float32)[: self.code_space.dim]
        order = np.argsort(-sims)[:n]
        return [(int(self.train_index_[rows[i]]), float(sims[i])) for i in order]

    def explain(self, X, rows, codes, n_near: int = 2) -> tuple[list[tuple[str, str, float]], list[list]]:
        """Reasons for many (passage, code) pairs at once: for pair i (row ``rows[i]`` of ``X``, code index
        ``codes[i]``), the closest code text (kind, text, cosine) and up to ``n_near`` (fitted row index, cosine) of
        the labeled passages coded with that code, nearest first. Vectorised per code."""
        cs = self.code_space
        Xt = np.asarray(X, dtype=np.float32)[:, : cs.dim]
        rows, codes = np.asarray(rows, dtype=np.int64), np.asarray(codes, dtype=np.int64)
        closest: list = [None] * len(rows)
        near: list = [[] for _ in rows]
        for k in np.unique(codes):
            idx = np.flatnonzero(codes == k)
            V = Xt[rows[idx]]
            cols = self._exemplar_cols[k]
            S = V @ cs.exemplar_vectors[cols].T
            best = S.argmax(1)
            for r, (i, j) in enumerate(zip(idx, best, strict=True)):
                closest[i] = (cs.exemplar_kinds[cols[j]], cs.exemplar_texts[cols[j]], float(S[r, j]))
            pos = np.flatnonzero(self.train_targets_[:, k] == 1)
            if pos.size and n_near:
                sims = V @ self.train_vectors_[pos].T
                top = np.argsort(-sims, axis=1)[:, :n_near]
                for r, i in enumerate(idx):
                    near[i] = [(int(self.train_index_[pos[c]]), float(sims[r, c])) for c in top[r]]
        return closest, near

"""The richer zero-shot evidence ("channels") of a framework, as a mixin of ``CodeSuggester``: per code the best and
mean similarity to its texts (label, definition, examples), its category's text, the same read through the question
asked (context), TF-IDF overlap with the code's words (lexical), each standardised per code over the project's
passages, and prototypes refined on the project's passages (transductive).

None of it is the default ranking: on the development benchmark's codebook shapes it lost up to 0.19 top-1 to plain
cosine on some while winning on others, so ``CodeSuggester`` offers it to its cross-validation as one component that
a project's own codings switch on (or ``zero_shot="channels"`` makes it the zero-shot ranking explicitly).
"""

from __future__ import annotations

import numpy as np
from scipy.special import softmax

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


class ChannelEvidence:
    """Needs ``self.code_space`` and the channel parameters of ``CodeSuggester``."""

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

    def _index_exemplars(self):
        cs = self.code_space
        self._exemplar_cols = [np.flatnonzero(cs.exemplar_code == k) for k in range(cs.n_codes)]
        counts = np.array([len(c) for c in self._exemplar_cols])
        contiguous = (counts > 0).all() and np.array_equal(cs.exemplar_code, np.repeat(np.arange(cs.n_codes), counts))
        self._exemplar_starts = np.concatenate([[0], np.cumsum(counts)[:-1]]) if contiguous else None
        self._n_ex = counts.astype(np.float32)
        self._has_cat = (np.abs(cs.category_vectors).sum(1) > 0).astype(np.float32)

    def _fit_zero_shot(self, Xt, Xc, has_ctx, T, L=None):
        """Standardisation stats over the pool, then prototype refinement (labeled rows count with their labels)."""
        cs = self.code_space
        self._index_exemplars()
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


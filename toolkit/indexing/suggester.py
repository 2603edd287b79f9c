"""The code suggester: a zero-shot ranking that is plain cosine to each code's text, and, once the researcher has
coded passages, a blend of learned scorers whose weights the project's own grouped cross-validation chooses, with
calibrated thresholds so that "suggested" means something.

scikit-learn conventions: ``__init__`` only stores parameters, ``fit(X, Y)`` returns ``self``, learned attributes end
in ``_``, ``predict`` / ``predict_proba`` / ``decision_function``.

- ``X``: passage embeddings, shape (n, d), or (n, 2d) where the second half is the embedding of the question the
  passage answers (the interviewer's turn; a zero row when there is none), optionally followed by K columns of
  lexical similarity to each code's text (``codespace.lexical_similarity``), shape (n, 2d + K).
- ``Y``: (n, K) in {1, 0, -1} over ``code_space.code_ids``: 1 coded/accepted, 0 known absent (rejected, or not among the
  codes of an exhaustively coded passage), -1 unknown. Rows that are all -1 are the unlabeled pool (fitting on every
  passage of a project standardises the evidence over the project).
- ``groups`` (optional, in ``fit``): a participant/document id per row: the cross-validation never puts one on both
  sides. ``sequence`` (optional, in ``fit`` and ``predict_proba``): a document id per row, rows in document order;
  neighbouring passages of a document may then share evidence, if the cross-validation finds that it helps.

Zero-shot (no coded passage): ``zero_shot="plain"`` ranks by the cosine of the passage to "label: definition" - on
the development benchmark (bench/bench_suggest.py) no extra channel beat it on every codebook shape.
``zero_shot="channels"`` uses the richer evidence of ``channels.ChannelEvidence`` instead. With coded passages the
ensemble (``ensemble.py``) weighs the zero-shot prior, the channels, logistic regressions on the passage (and on the
passage + question) and the nearest coded passages; when the passages' order is known, the neighbouring passages and
the order in which codes follow each other in the coded documents (``sequence.py``) may add their evidence. Rejected
suggestions lower a code for passages like the rejected one. Probabilities are a softmax over the codes and "no
code"; its temperature and the "no code" level are fitted on the out-of-fold scores, and a code is suggested where it
reaches its threshold and is at least as likely as "no code" (``suggested``; on the development benchmark's sample this
cut the suggestions on passages nobody coded by two thirds). What ``predict_proba`` returns is that softmax through a
calibration map (Platt scaling, ``fit_calibration_map``) fitted on the out-of-fold top suggestions, shrunk toward the
identity by a standard normal prior: so that the top suggestion's probability is how often it is right (on the
benchmark's three corpora at F=0.2 the expected calibration error fell from 0.13-0.19 to about 0.05 on the two larger
ones). The map is monotone: rankings and suggestions are the softmax's. Nothing is kept between fits outside the estimator, and
no time limit changes what a fit chooses: the same data give the same suggestions on any machine.

Speed: the regressions on every label are fitted first and start each fold's (L-BFGS warm start); with
``warm_start=True`` a refit of the same estimator starts from its own ``learner_`` of the previous fit. Component statistics are taken on at most 2,000 rows; the nearest coded passages use torch's top-k.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.special import expit, log_softmax, logit, softmax
from sklearn.base import BaseEstimator
from sklearn.model_selection import GroupKFold, KFold

from . import ensemble as ens
from . import sequence as sq
from .baselines import cosine_scores
from .calibration import IDENTITY, P_CLIP, best_f1_threshold, fit_calibration_map
from .channels import STD_FLOOR, ChannelEvidence
from .codespace import CodeSpace

CV_THREADS = 2  # folds fitted at once
REJECT_WEIGHT = 2.0  # in standardised units: a passage just like a rejected one loses about this much for that code
class CodeSuggester(ChannelEvidence, BaseEstimator):
    def __init__(
        self,
        code_space: CodeSpace | None = None,
        zero_shot: str = "plain",
        context_weight: float = 0.5,
        category_weight: float = 1.0,
        refine_iter: int = 3,
        refine_strength: float = 1.0,
        refine_prior: float = 5.0,
        stats_prior: float = 20.0,
        zero_shot_scale: float = 1.0,
        null_evidence: float = 1.0,
        lexical_weight: float = 0.5,
        cv_folds: int = 5,
        threshold_prior: float = 5.0,
        calibration_prior: float = 0.5,
        zero_shot_threshold: float = 0.25,
        warm_start: bool = False,
        random_state: int = 0,
        selection: dict | None = None,
    ):
        self.code_space = code_space
        self.zero_shot = zero_shot
        self.context_weight = context_weight
        self.category_weight = category_weight
        self.refine_iter = refine_iter
        self.refine_strength = refine_strength
        self.refine_prior = refine_prior
        self.stats_prior = stats_prior
        self.zero_shot_scale = zero_shot_scale
        self.null_evidence = null_evidence
        self.lexical_weight = lexical_weight
        self.cv_folds = cv_folds
        self.threshold_prior = threshold_prior
        self.calibration_prior = calibration_prior
        self.zero_shot_threshold = zero_shot_threshold
        self.warm_start = warm_start
        self.random_state = random_state
        self.selection = selection

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

    # ---- the zero-shot prior --------------------------------------------------------------------------------
    def _prior(self, Xt, Xc, has_ctx, L):
        if self.zero_shot == "channels":
            return self._evidence(Xt, Xc, has_ctx, L)
        cs = self.code_space
        V = cs.text_vectors if cs.text_vectors is not None else cs.code_vectors()
        return (cosine_scores(Xt, V) - self.prior_stats_[0]) / self.prior_stats_[1]  # float64: the exact cosine order

    def _fit_prior(self, Xt, Xc, has_ctx, T, L):
        cs = self.code_space
        if self.zero_shot not in ("plain", "channels"):
            raise ValueError(f"zero_shot must be 'plain' or 'channels', got {self.zero_shot!r}")
        V = cs.text_vectors if cs.text_vectors is not None else cs.code_vectors()
        S = cosine_scores(Xt, V)
        self.prior_stats_ = (float(S.mean()), max(float(S.std()), STD_FLOOR))
        self._index_exemplars()
        if self.zero_shot == "channels" or (T == 1).any():  # the channels are a candidate only once codes exist
            self._fit_zero_shot(Xt, Xc, has_ctx, T, L)

    def _candidates(self, Xt, Xc, has_ctx, L, with_channels: bool):
        out = {"prior": self._prior(Xt, Xc, has_ctx, L)}
        if with_channels and self.zero_shot == "plain":
            out["channels"] = self._evidence(Xt, Xc, has_ctx, L)
        return out

    # ---- fitting --------------------------------------------------------------------------------------------
    def fit(self, X, Y, groups=None, sequence=None):
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
        known = np.flatnonzero((T != -1).any(1))
        self.train_index_ = known
        self.train_vectors_ = Xt[known]
        self.train_targets_ = T[known]
        # explicit rejections: a 0 on a passage with no positive
        rej = (T == 0) & ~(T == 1).any(1, keepdims=True)
        rej_rows = np.flatnonzero(rej.any(1))
        self._rejected_vectors = Xt[rej_rows]  # (m, d): every passage rejected for some code
        # codes with the same rejected passages share one penalty (a "no code here" mark rejects every code at once)
        patterns: dict[bytes, list[int]] = {}
        for k in np.flatnonzero(rej.any(0)):
            patterns.setdefault(rej[rej_rows, k].tobytes(), []).append(int(k))
        self._rejected = [(np.flatnonzero(rej[rej_rows, ks[0]]), np.array(ks)) for ks in patterns.values()]
        self.use_context_ = bool(has_ctx.mean() > 0.5)
        prev = getattr(self, "learner_", None) if self.warm_start else None
        self.weights_, self.smoothing_, self.cv_top1_ = {"prior": 1.0}, (0.0, 0.0, 0.0), None
        self.transitions_, self.order_informative_ = None, False
        self.temperature_, self.null_level_ = float(self.zero_shot_scale), float(self.null_evidence)
        self.global_threshold_ = float(self.zero_shot_threshold)
        self.thresholds_ = np.full(T.shape[1], self.global_threshold_)
        self.calibrated_ = False
        self.calibration_ = IDENTITY
        self.learner_ = None
        self._fit_prior(Xt, Xc, has_ctx, T, L)
        pos_rows = np.flatnonzero((T == 1).any(1))
        if len(pos_rows) == 0:
            return self
        seq = None if sequence is None else np.asarray(sequence)
        self.order_informative_ = sq.order_informative(T, seq)
        # the conversation around a passage: its neighbours, or (rows in no meaningful order) the rest of its document
        Xw = sq.neighbours(Xt, seq, self.order_informative_)
        if Xw is not None and not Xw.any():  # every passage alone in its document: nothing around any of them
            Xw = None
        if not self.order_informative_:  # nothing else may use an order that says nothing
            seq = None
        self.transitions_ = sq.transitions(T, seq)  # the codes' chain, from every coded pair of neighbours
        # the regressions on every label first: they start each fold's (and, with warm_start, start from the last fit)
        init = prev if prev is not None and prev.K == T.shape[1] else None
        if self.selection:  # a kept choice: only the regressions it weighs
            self.use_selection(self.selection)
            learner = ens.ComponentModels(Xt, Xc, has_ctx, T, self.use_context_, init=init, Xw=Xw,
                                          need={k for k, w in self.weights_.items() if w})
        else:
            learner = ens.ComponentModels(Xt, Xc, has_ctx, T, self.use_context_, init=init, Xw=Xw)
            self._cross_validate(Xt, Xc, has_ctx, T, L, groups, seq, learner, Xw)
            self._fit_prior(Xt, Xc, has_ctx, T, L)  # the prototypes again, from every label
        self.learner_ = learner
        sub = self._stats_rows(len(Xt))
        part = self._components(Xt[sub], Xc[sub], has_ctx[sub], None if L is None else L[sub],
                                None if Xw is None else Xw[sub])
        self.component_stats_ = {k: ens.standardiser(v) for k, v in part.items()}
        return self

    def _stats_rows(self, n: int, most: int = 2000) -> np.ndarray:
        """The rows whose component scores set each component's mean and spread: all, or a seeded sample of
        ``most`` (the statistics of 2,000 rows x K codes are as good as of all, at a fraction of the scoring)."""
        if n <= most:
            return np.arange(n)
        return np.sort(np.random.default_rng(self.random_state).choice(n, most, replace=False))

    def selection_(self) -> dict:
        """What the cross-validation chose, as plain JSON-able data (``learn`` stores it with the project; a later
        fit given it as ``selection`` skips the cross-validation: a warm start after each decision)."""
        return {"weights": {k: float(v) for k, v in self.weights_.items()},
                "smoothing": [float(x) for x in self.smoothing_], "temperature": float(self.temperature_),
                "null_level": float(self.null_level_), "global_threshold": float(self.global_threshold_),
                "thresholds": {c: float(t) for c, t in zip(self.classes_, self.thresholds_, strict=True)},
                "cv_top1": self.cv_top1_, "calibrated": bool(self.calibrated_),
                "calibration": [float(v) for v in self.calibration_]}

    def use_selection(self, sel: dict):
        """Take a kept choice (``selection_()`` of an earlier fit): weights, document evidence, calibration."""
        self.weights_ = {k: float(v) for k, v in sel["weights"].items()}
        if "channels" in self.weights_ and self.zero_shot != "plain":
            self.weights_.pop("channels")
        if not self.use_context_:
            self.weights_.pop("lr_context", None)
            self.weights_.pop("lr_all", None)
        if not any(self.weights_.values()):
            self.weights_ = {"prior": 1.0}
        self.smoothing_ = (tuple(sel.get("smoothing", ())) + (0.0, 0.0, 0.0))[:3]  # older choices: no chain
        self.temperature_, self.null_level_ = float(sel["temperature"]), float(sel["null_level"])
        self.global_threshold_ = float(sel["global_threshold"])
        known = sel.get("thresholds", {})
        self.thresholds_ = np.array([known.get(c, self.global_threshold_) for c in self.classes_])
        self.cv_top1_ = sel.get("cv_top1")
        self.calibrated_ = bool(sel.get("calibrated", True))
        self.calibration_ = tuple(float(v) for v in sel.get("calibration", IDENTITY))  # older choices: none

    def _folds(self, rows, groups):
        g = None if groups is None else np.asarray(groups)[rows]
        if g is not None and len(set(g)) >= 2:
            return list(GroupKFold(n_splits=min(self.cv_folds, len(set(g)))).split(rows, groups=g))
        return list(KFold(min(self.cv_folds, len(rows)), shuffle=True, random_state=self.random_state).split(rows))

    def _cross_validate(self, Xt, Xc, has_ctx, T, L, groups, seq, init=None, Xw=None):
        """Out-of-fold scores of every component on the coded rows: the weights, smoothing, temperature, "no code"
        level and thresholds. ``init``: the components fitted on every label, which start each fold's regressions."""
        rows = np.flatnonzero((T != -1).any(1))
        pos = (T[rows] == 1).any(1)
        if pos.sum() < 2 * self.cv_folds:
            self.weights_ = {"prior": 1.0, "lr": 1.0, "knn": 1.0}
            self.component_stats_ = None
            return
        oof: dict[str, np.ndarray] = {}
        folds = self._folds(rows, groups)
        done = np.zeros(len(rows), dtype=bool)
        fold_of = np.full(len(rows), -1)
        chains = []  # per fold: the codes' chain counted without its held-out rows

        def fold_scores(job):  # the regressions of one fold (numpy and BLAS release the GIL: two folds at once)
            test, Tf, cand = job
            r = rows[test]
            models = ens.ComponentModels(Xt, Xc, has_ctx, Tf, self.use_context_, init=init, Xw=Xw)
            return test, models.scores(Xt[r], Xc[r], has_ctx[r], cand, None if Xw is None else Xw[r])

        with ThreadPoolExecutor(max_workers=CV_THREADS) as pool:
            for i in range(0, len(folds), CV_THREADS):
                jobs = []
                for _train, test in folds[i:i + CV_THREADS]:  # the zero-shot parts change self: one fold at a time
                    Tf = T.copy()
                    Tf[rows[test]] = -1
                    fold_of[test] = len(chains)
                    chains.append(sq.transitions(Tf, seq))
                    self._fit_prior(Xt, Xc, has_ctx, Tf, L)
                    r = rows[test]
                    jobs.append((test, Tf, self._candidates(Xt[r], Xc[r], has_ctx[r], None if L is None else L[r],
                                                            True)))
                for test, sc in pool.map(fold_scores, jobs):
                    for k, v in sc.items():
                        oof.setdefault(k, np.zeros((len(rows), T.shape[1]), np.float32))[test] = v
                    done[test] = True
        rows, fold_of = rows[done], fold_of[done]
        oof = {k: v[done] for k, v in oof.items()}
        stats = {k: ens.standardiser(v) for k, v in oof.items()}
        self.choose({k: (v - stats[k][0]) / stats[k][1] for k, v in oof.items()}, T[rows],
                    None if seq is None else seq[rows], fold_of, chains)

    def choose(self, Z: dict[str, np.ndarray], Tk: np.ndarray, s, fold_of: np.ndarray, chains: list) -> dict:
        """Weights, document evidence, temperature, "no code" level and thresholds from out-of-fold standardised
        component scores ``Z`` of labelled rows (``Tk`` their labels, ``s`` their sequence ids or None, ``fold_of``
        each row's fold, ``chains[i]`` the codes' chain counted without fold i, or None). Returns ``selection_()``."""
        pos = (Tk == 1).any(1)
        chain = None if s is None or all(A is None for A in chains) else \
            [(np.flatnonzero(fold_of == i), A) for i, A in enumerate(chains)]
        chain_pos = None if chain is None else \
            [(np.flatnonzero(fold_of[pos] == i), A) for i, A in enumerate(chains)]
        self.weights_, self.smoothing_, self.cv_top1_ = ens.choose_weights(
            {k: v[pos] for k, v in Z.items()}, Tk[pos], None if s is None else s[pos], chain=chain_pos)
        S = ens.document_evidence(sum(w * Z[k] for k, w in self.weights_.items() if w), s, self.smoothing_, chain)
        self._calibrate(S, Tk)
        return self.selection_()

    def standardised_components(self, X, sequence=None) -> dict[str, np.ndarray]:
        """Every component this fit weighs, on the rows of ``X``, in its standardised units (what the weights of a
        selection multiply)."""
        Xt, Xc, has_ctx, L = self._split(X)
        Xw = sq.neighbours(Xt, sequence, self.order_informative_) if self.learner_.built & {"lr_window", "lr_all"} \
            else None
        comps = self._components(Xt, Xc, has_ctx, L, Xw)
        return {k: (v - self.component_stats_[k][0]) / self.component_stats_[k][1] for k, v in comps.items()
                if k in self.component_stats_}

    def _calibrate(self, S, Tk):
        """Temperature and "no code" level by out-of-fold likelihood, then per-code thresholds shrunk to a global one,
        then the map of the top suggestion's probability (``fit_calibration_map`` on the out-of-fold top suggestions:
        right when it is one of the passage's codes; wrong on a passage nobody coded)."""
        K = Tk.shape[1]
        pos = (Tk == 1).astype(np.float64)
        has = pos.sum(1) > 0
        target = np.hstack([pos / np.maximum(pos.sum(1, keepdims=True), 1), (~has)[:, None].astype(float)])
        best = (np.inf, 1.0, 1.0)
        for tau in (0.5, 1.0, 2.0, 4.0, 8.0):
            for null in np.quantile(S, [0.5, 0.8, 0.9, 0.95, 0.99]) if len(S) else [1.0]:
                logp = log_softmax(tau * np.hstack([S, np.full((len(S), 1), null)]), axis=1)
                nll = -(target * logp).sum() / len(S)
                if nll < best[0]:
                    best = (nll, tau, float(null))
        self.temperature_, self.null_level_ = best[1], best[2]
        P = softmax(self.temperature_ * np.hstack([S, np.full((len(S), 1), self.null_level_)]), axis=1)[:, :-1]
        mask = Tk != -1
        t_g, _ = best_f1_threshold(P[mask], (Tk[mask] == 1).astype(int))
        self.global_threshold_ = t_g
        for k in range(K):
            m = mask[:, k]
            y = (Tk[m, k] == 1).astype(int)
            n_k = int(y.sum())
            t_k = best_f1_threshold(P[m, k], y)[0] if n_k else t_g
            self.thresholds_[k] = (n_k * t_k + self.threshold_prior * t_g) / (n_k + self.threshold_prior)
        top = P.argmax(1)
        self.calibration_ = fit_calibration_map(P[np.arange(len(P)), top], Tk[np.arange(len(P)), top] == 1,
                                                self.calibration_prior)
        self.calibrated_ = True

    def _components(self, Xt, Xc, has_ctx, L, Xw=None):
        used = {k for k, w in self.weights_.items() if w}
        cand = self._candidates(Xt, Xc, has_ctx, L, "channels" in used)
        return self.learner_.scores(Xt, Xc, has_ctx, cand, Xw) if self.learner_ is not None else cand

    # ---- prediction -----------------------------------------------------------------------------------------
    def _score(self, Xt, Xc, has_ctx, L=None, sequence=None):
        """(n, K) combined scores in standardised units (before the temperature)."""
        if self.learner_ is None:
            S = self._prior(Xt, Xc, has_ctx, L)
        else:
            Xw = sq.neighbours(Xt, sequence, self.order_informative_) \
                if self.learner_.built & {"lr_window", "lr_all"} else None
            comps = self._components(Xt, Xc, has_ctx, L, Xw)
            stats = self.component_stats_
            # a component this fit could not build (lr_window when the passages' order is unknown) adds nothing
            S = sum(w * (comps[k] - stats[k][0]) / stats[k][1] for k, w in self.weights_.items() if w and k in comps)
            S = ens.document_evidence(S, sequence, self.smoothing_, self.transitions_)
        if self._rejected:
            sims = np.clip(Xt @ self._rejected_vectors.T, 0, None)
            for cols, ks in self._rejected:
                S[:, ks] -= (REJECT_WEIGHT * sims[:, cols].max(1) ** 2)[:, None]
        return S

    def _decision(self, Xt, Xc, has_ctx, L=None, sequence=None):
        S = self._score(Xt, Xc, has_ctx, L, sequence)
        return self.temperature_ * np.hstack([S, np.full((S.shape[0], 1), self.null_level_, S.dtype)])

    def _proba(self, Xt, Xc, has_ctx, L=None, sequence=None):
        return self.calibration_map(softmax(self._decision(Xt, Xc, has_ctx, L, sequence), axis=1)[:, :-1])

    def calibration_map(self, p):
        """Probabilities of the softmax (over the codes and "no code") -> calibrated ones (``calibration_``: the
        identity until labels exist; zero-shot probabilities are the softmax's, unchanged)."""
        a, b = self.calibration_
        if (a, b) == IDENTITY:
            return np.asarray(p)
        return expit(a * logit(np.clip(np.asarray(p, dtype=np.float64), P_CLIP, 1 - P_CLIP)) + b)

    def _softmax_of(self, P):
        """The inverse of ``calibration_map``: the softmax probabilities that thresholds and "no code" compare."""
        a, b = self.calibration_
        if (a, b) == IDENTITY:
            return np.asarray(P)
        return expit((logit(np.clip(np.asarray(P, dtype=np.float64), P_CLIP, 1 - P_CLIP)) - b) / a)

    def zero_shot_evidence(self, X):
        """The standardised zero-shot evidence (n, K), before any learning."""
        return self._prior(*self._split(X))

    def decision_function(self, X, sequence=None):
        """(n, K + 1) scores: one per code, then one for "no code"."""
        return self._decision(*self._split(X), sequence=sequence)

    def predict_proba(self, X, sequence=None):
        """(n, K) probabilities that each code is the passage's code (a softmax over the codes and "no code", so a
        row sums to 1 minus the probability that no code applies). ``sequence``: as in ``fit``."""
        return self._proba(*self._split(X), sequence=sequence)

    def predict(self, X, sequence=None):
        """(n, K) 0/1: the codes suggested for each passage (probability at or above the code's threshold)."""
        return self.suggested(self.predict_proba(X, sequence))

    def suggested(self, P) -> np.ndarray:
        """(n, K) 0/1 from probabilities ``P``: a code is suggested at or above its threshold and, once calibrated,
        only where it is at least as likely as "no code" for that passage (1 - the row's sum): a passage that most
        likely needs no code gets no suggestion, however its codes compare with their thresholds."""
        R = self._softmax_of(P)
        return (R >= self._bar(R)).astype(np.int8)

    def _bar(self, P) -> np.ndarray:
        """(n, K): the softmax probability (``_softmax_of``) each code must reach on each passage (its threshold, and
        "no code" once calibrated)."""
        bar = np.broadcast_to(self.thresholds_[None, :], P.shape)
        return np.maximum(bar, 1 - P.sum(1, keepdims=True)) if self.calibrated_ else bar

    def fit_strength(self, P):
        """max_k p_k / bar_k per row (bar: the code's threshold, and once calibrated the passage's "no code"
        probability): below 1 means no code is suggested (the passage fits no code well)."""
        R = self._softmax_of(P)
        return (R / np.maximum(self._bar(R), 1e-12)).max(1)

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

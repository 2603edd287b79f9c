"""Suggestions under blind double coding: each transcript's suggestions are learned without any human coder's codings
or decisions on it, by fitting the suggester once per fold of transcripts with that fold's human labels unknown.

When the project has two or more human coders (``review.blind_mode``, the rule of the blind Index view), one shared set
of suggestions learned from everyone's codings would carry coder A's choices to coder B on the same transcript: the
codes A gave would be masked out, the regressions and the nearest-coded-passage vote would memorise them, and the
reasons would quote A's passages. So ``service.suggest`` splits the transcripts into up to ``MAX_FOLDS`` folds (round
robin by transcript id, so the same transcripts always share a fold), and for each fold fits the suggester on the
labels with that fold's rows replaced by the labels that may stay there, and scores only that fold's passages. One
transcript alone is its own fold: it gets the zero-shot ranking (plus any label that may stay).

The folds are also the cross-validation (``choose_across_folds``): each fold's model fits every scorer once
(``PROVISIONAL``), and the blend's few project-wide numbers (weights, document evidence, calibration, per-code
thresholds) are chosen on every fold's predictions for the coded passages it did not see, pooled. A cross-validation
inside each fold would make those numbers independent of the fold's labels too, at five times the fitting time.

Which labels stay on a fold's own transcripts:

- codings with origin ``consensus``: the agreed result of the double coding, recorded after both coders indexed
  (``indexing.consensus``), so it carries no single coder's independent choice;
- codings of a coder whose kind is not ``human`` (a reference indexing imported under a ``model`` coder, say).

Dropped there: every human coder's codings (by hand, accepted suggestions, and imported ones: an import names its
coder as a human coder, as the sample's ``reference`` and ``second`` are), their rejections (a suggestion's decided
status) and their "no code here" marks. Labels on the other folds' transcripts are used as always.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["MAX_FOLDS", "kept_codings", "transcript_folds", "fold_plan"]
MAX_FOLDS = 5


def kept_codings(codings: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    """The codings a fold may still learn from on its own transcripts: consensus codings and codings of coders whose
    kind (``kinds``: coder name -> kind) is not ``human``."""
    if codings.empty:
        return codings
    keep = (codings["origin"] == "consensus") | np.array([kinds.get(c, "human") != "human" for c in codings["coder"]],
                                                         dtype=bool)
    return codings[keep]


def transcript_folds(transcript_ids) -> list[tuple[int, ...]]:
    """Up to ``MAX_FOLDS`` folds of the transcripts, round robin over their sorted ids (deterministic; a new
    transcript joins a fold without moving the others, once there are ``MAX_FOLDS`` of them)."""
    ids = sorted({int(x) for x in transcript_ids})
    n = min(MAX_FOLDS, len(ids))
    return [tuple(ids[f::n]) for f in range(n)]


def fold_plan(sequence: np.ndarray, Y: np.ndarray, Y_kept: np.ndarray, target: np.ndarray
              ) -> list[tuple[tuple[int, ...], np.ndarray, np.ndarray]]:
    """``(fold's transcript ids, labels to fit on, target rows to score)`` for every fold holding a target row.

    ``sequence`` is each passage row's transcript id, ``Y`` all labels, ``Y_kept`` the labels that may stay on a
    fold's own rows (``kept_codings`` only), ``target`` the rows to suggest for. A fold whose transcripts hold no
    target row is not fitted at all.
    """
    sequence, target = np.asarray(sequence), np.asarray(target, dtype=np.int64)
    plan = []
    for fold in transcript_folds(sequence):
        rows = np.isin(sequence, fold)
        todo = target[rows[target]]
        if not len(todo):
            continue
        Yf = Y.copy()
        Yf[rows] = Y_kept[rows]
        plan.append((fold, Yf, todo))
    return plan


# every component a fold's model may weigh: each fold fits them all, without a cross-validation of its own
PROVISIONAL = {"weights": {k: 1.0 for k in ("prior", "channels", "lr", "lr_context", "lr_window", "lr_all", "knn")},
               "smoothing": [0.0, 0.0, 0.0], "temperature": 1.0, "null_level": 1.0, "global_threshold": 0.25,
               "thresholds": {}, "cv_top1": None, "calibrated": False}
FALLBACK = dict(PROVISIONAL, weights={"prior": 1.0, "lr": 1.0, "knn": 1.0})  # too few coded passages to choose


def choose_across_folds(fitted: list, X: np.ndarray, Y: np.ndarray, sequence: np.ndarray, min_rows: int = 10) -> dict:
    """One choice of weights, document evidence and calibration for every fold's model, from the folds themselves.

    ``fitted``: ``(model, fold's transcript ids, labels it was fitted on)`` per fold, each model fitted with
    ``PROVISIONAL``. A passage whose human labels its fold's model did not see is scored by that model: an out-of-fold
    prediction, as in a cross-validation grouped by transcript. The choice on all of them pooled is a handful of
    project-wide numbers (how much each scorer counts, a threshold per code); no passage's ranking depends on a human
    coder's codings of its own transcript. Fewer than ``min_rows`` such coded passages: ``FALLBACK``."""
    parts, chains = [], []
    for model, fold, Yf in fitted:
        rows = np.flatnonzero(np.isin(sequence, fold))
        hidden = (Yf[rows] == -1).all(1) & (Y[rows] != -1).any(1)
        if model.learner_ is None or not hidden.any():
            continue
        Z = model.standardised_components(X[rows], sequence[rows])
        parts.append((len(chains), rows[hidden], {k: v[hidden] for k, v in Z.items()}))
        chains.append(model.transitions_)
    if sum(len(r) for _, r, _ in parts) < min_rows:
        return FALLBACK
    keys = set.intersection(*(set(Z) for _, _, Z in parts))
    Z = {k: np.vstack([z[k] for _, _, z in parts]) for k in sorted(keys)}
    rows = np.concatenate([r for _, r, _ in parts])
    fold_of = np.concatenate([np.full(len(r), i) for i, r, _ in parts])
    return fitted[0][0].choose(Z, Y[rows], sequence[rows], fold_of, chains)

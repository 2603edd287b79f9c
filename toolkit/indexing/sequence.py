"""Evidence from the order of passages in a document: interviews and focus groups follow a topic guide, so codes come
in runs (the next passage is often about the same thing) and in an order (the guide's next topic follows this one).

- ``smooth``: add the scores of the neighbouring passages (runs) and of the rest of the document (its topic);
- ``window_mean``: the mean embedding of the neighbouring passages (a regression's extra view of the passage);
- ``transitions`` and ``posterior``: a hidden Markov chain over the codes of a document's passages. The chance that
  code b follows code a is counted on the coded passages (adjacent coded pairs of one document), shrunk towards how
  often b occurs at all; the passages' own scores are the emissions. ``posterior`` gives each passage's log
  probability of each code given the whole document (forward-backward).

The order counts only when the coded passages show that it does (``order_informative``: the codes of neighbouring
passages say more about each other than the same codes shuffled within each document do); then whether any of these is used, and how strongly, is the project's own
cross-validation's choice (``ensemble``).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

TRANSITION_PRIOR = 2.0  # pseudo-counts of "any code, as often as it occurs at all" added to each code's next codes
ORDER_PERMUTATIONS = 19  # the order counts when its codes' neighbour information beats all these shuffles


def smooth(S: np.ndarray, sequence, a, width: int = 2) -> np.ndarray:
    """Document evidence. ``a`` is ``(neighbours, document)`` (or one number: neighbours only): add ``neighbours`` x
    the scores of up to ``width`` rows before and after each row that share its ``sequence`` id (rows in document
    order), and ``document`` x the mean score of the other rows of its document (what the document is about)."""
    near, doc = (a, 0.0) if np.isscalar(a) else a[:2]
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


def window_mean(X: np.ndarray, sequence, width: int = 2) -> np.ndarray | None:
    """(n, d): the unit mean of the embeddings of up to ``width`` rows before and after each row that share its
    ``sequence`` id (rows in document order); a zero row for a passage alone in its document. None without order."""
    if sequence is None:
        return None
    seq = np.asarray(sequence)
    out = np.zeros_like(X)
    for off in range(1, min(width, len(X) - 1) + 1):
        same = (seq[off:] == seq[:-off]).astype(np.float32)
        out[off:] += X[:-off] * same[:, None]
        out[:-off] += X[off:] * same[:, None]
    norm = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norm, 1e-9)


def document_mean(X: np.ndarray, sequence) -> np.ndarray | None:
    """(n, d): the unit mean of the embeddings of the other rows with the same ``sequence`` id (what the rest of the
    document is about, whatever the order); a zero row for a passage alone in its document. None without documents."""
    if sequence is None:
        return None
    _, inv = np.unique(np.asarray(sequence), return_inverse=True)
    total = np.zeros((inv.max() + 1, X.shape[1]), dtype=np.float64)
    np.add.at(total, inv, X)
    out = (total[inv] - X).astype(X.dtype)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def neighbours(X: np.ndarray, sequence, in_order: bool) -> np.ndarray | None:
    """What the conversation around each passage is about: the neighbouring passages when the order means something
    (``window_mean``), else the rest of its document (``document_mean``)."""
    return window_mean(X, sequence) if in_order else document_mean(X, sequence)


def _pair_information(Q: np.ndarray, same: np.ndarray) -> float:
    """Mutual information between the codes of neighbouring passages (rows of ``Q``: each coded passage's codes,
    summing to 1), over the pairs ``same`` marks (both in one document)."""
    Q = sparse.csr_matrix(Q)  # a coded passage has one or two codes: sparse products are ~100x cheaper
    C = (Q[:-1].T @ sparse.diags(same.astype(np.float64)) @ Q[1:]).toarray()
    n = C.sum()
    if n <= 0:
        return 0.0
    outer = C.sum(1, keepdims=True) @ C.sum(0, keepdims=True)
    nz = C > 0
    return float((C[nz] / n * np.log(C[nz] * n / outer[nz])).sum())


def order_informative(T: np.ndarray, sequence, least: int = 10, permutations: int = ORDER_PERMUTATIONS,
                      seed: int = 0) -> bool:
    """Does the passages' order say anything about their codes? The mutual information between the codes of
    neighbouring coded passages (runs of one topic, or a guide's order of topics) is compared with the same codes
    shuffled within each document, ``permutations`` times: the order counts when it beats every shuffle (p < 0.05
    with 19). Rows in a random order, one passage per document, or fewer than ``least`` coded neighbours: no part of
    the suggester then uses the order, whose evidence would only be noise."""
    if sequence is None or len(T) < 2:
        return False
    seq = np.asarray(sequence)
    P = (np.asarray(T) == 1).astype(np.float64)
    coded = P.sum(1) > 0
    rows = np.flatnonzero(coded)  # the coded passages, in document order: neighbours among them
    if len(rows) < 2:
        return False
    Q = sparse.csr_matrix(P[rows] / P[rows].sum(1, keepdims=True))
    s = seq[rows]
    same = (s[1:] == s[:-1]) & (np.diff(rows) == 1)
    if same.sum() < least:
        return False
    observed = _pair_information(Q, same)
    rng = np.random.default_rng(seed)
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    bounds = list(zip(starts, np.r_[starts[1:], len(s)], strict=True))
    for _ in range(permutations):
        order = np.concatenate([a + rng.permutation(b - a) for a, b in bounds])
        if _pair_information(Q[order], same) >= observed:
            return False
    return True


def transitions(T: np.ndarray, sequence, prior: float = TRANSITION_PRIOR) -> np.ndarray | None:
    """(K, K) row-stochastic: the chance that a passage with code a is followed by one with code b, from adjacent
    passages of one document that both have codes in ``T`` (rows in document order; 1 = coded, else not), shrunk by
    ``prior`` pseudo-counts towards the codes' overall frequency. None without order or without any coded pair."""
    if sequence is None or len(T) < 2:
        return None
    seq = np.asarray(sequence)
    P = (np.asarray(T) == 1).astype(np.float64)
    n = P.sum(1, keepdims=True)
    Q = np.divide(P, n, out=np.zeros_like(P), where=n > 0)  # a passage with several codes splits its one count
    same = (seq[1:] == seq[:-1])[:, None]
    C = (Q[:-1] * same).T @ Q[1:]
    if C.sum() == 0:
        return None
    freq = P.sum(0) + 1.0
    freq /= freq.sum()
    A = C + prior * freq[None, :]
    return A / A.sum(1, keepdims=True)


def posterior(S: np.ndarray, sequence, A: np.ndarray, scale: float) -> np.ndarray:
    """(n, K) log P(code | all the passages of the document): forward-backward over each document's rows (a run of
    one ``sequence`` id, in order) with transition matrix ``A`` and emissions exp(``scale`` x ``S``) (``S``: scores in
    standardised units). All documents step together (one matrix product per position, not per passage)."""
    S = np.asarray(S, dtype=np.float64)
    n, K = S.shape
    seq = np.asarray(sequence)
    starts = np.flatnonzero(np.r_[True, seq[1:] != seq[:-1]])
    lengths = np.diff(np.r_[starts, n])
    doc = np.repeat(np.arange(len(starts)), lengths)
    pos = np.arange(n) - starts[doc]
    E = np.ones((len(starts), int(lengths.max()), K))  # after a document's end: ones, which pass nothing back
    E[doc, pos] = np.exp(scale * (S - S.max(1, keepdims=True)))
    f = np.empty_like(E)
    f[:, 0] = E[:, 0] / E[:, 0].sum(1, keepdims=True)
    for t in range(1, E.shape[1]):
        v = (f[:, t - 1] @ A) * E[:, t]
        f[:, t] = v / v.sum(1, keepdims=True)
    g = np.ones_like(E)
    for t in range(E.shape[1] - 2, -1, -1):
        v = (E[:, t + 1] * g[:, t + 1]) @ A.T
        g[:, t] = v / v.sum(1, keepdims=True)
    p = (f * g)[doc, pos]
    return np.log(p / p.sum(1, keepdims=True) + 1e-12)

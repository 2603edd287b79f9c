"""Choosing illustrative quotes: the most typical passages of a set, spread over groups and participants."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..embed import Embedder


def centrality(texts: list[str], embedder: Embedder | None = None, cache: dict | None = None) -> np.ndarray:
    """How typical each text is of the set: cosine to the centroid, of sentence embeddings when an embedder is
    given (vectors are kept in ``cache`` across calls), else of TF-IDF vectors (fast, no model)."""
    if len(texts) < 2:
        return np.ones(len(texts))
    if embedder is not None:
        cache = {} if cache is None else cache
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        if todo:
            cache.update(zip(todo, embedder.embed(todo), strict=True))
        v = np.vstack([cache[t] for t in texts])
    else:
        from sklearn.feature_extraction.text import TfidfVectorizer

        try:
            v = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts).toarray()
        except ValueError:  # nothing but stop words
            return np.ones(len(texts))
    centre = v.mean(axis=0)
    return v @ (centre / (np.linalg.norm(centre) or 1.0))


def pick_quotes(rows: pd.DataFrame, groups: dict[str, str], k: int = 2, embedder: Embedder | None = None,
                min_chars: int = 40, max_chars: int = 600, cache: dict | None = None) -> list[dict]:
    """Up to ``k`` quotes (dicts with text, participant, group, transcript) from coded passages ``rows``:
    the most typical first (see ``centrality``), a new group before a new participant before a second quote of
    the same person."""
    if rows.empty:
        return []
    rows = rows.assign(text=rows["text"].str.strip()).drop_duplicates("text")
    sized = rows[rows["text"].str.len().between(min_chars, max_chars)]
    rows = (sized if not sized.empty else rows).reset_index(drop=True)
    score = centrality(list(rows["text"]), embedder, cache)
    order = list(np.argsort(-np.asarray(score), kind="stable"))
    chosen: list[int] = []
    for rule in ("group", "participant", "any"):
        for i in order:
            if len(chosen) >= k or i in chosen:
                continue
            pid = str(rows.loc[i, "participant_id"])
            seen_p = {str(rows.loc[j, "participant_id"]) for j in chosen}
            seen_g = {groups.get(p, "") for p in seen_p}
            if (rule == "group" and groups.get(pid, "") in seen_g) or (rule == "participant" and pid in seen_p):
                continue
            chosen.append(i)
    return [{"text": rows.loc[i, "text"], "participant": str(rows.loc[i, "participant_id"]),
             "group": groups.get(str(rows.loc[i, "participant_id"]), ""), "transcript": rows.loc[i, "transcript"]}
            for i in chosen]

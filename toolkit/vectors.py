"""The project's embedding cache, used by every stage that embeds text (indexing, charting, mapping).

Vectors are stored in the project keyed by model name and text hash, so reopening a project or re-running a step never
re-encodes text this model has already seen.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .embed import Embedder, text_hash
from .store import Project
from .store import indexing as idb

Progress = Callable[[int, int, str], None]

__all__ = ["encode_cached"]


def encode_cached(project: Project, embedder: Embedder, texts: list[str], progress: Progress | None = None
                  ) -> np.ndarray:
    """Vectors for ``texts``, encoding only text this model has never seen in this project (the cache is keyed by
    model name and text hash, so reopening a project or re-running never re-encodes unchanged text)."""
    hashes = [text_hash(x) for x in texts]
    with project.read() as s:
        have = idb.cached_vectors(s, embedder.name, hashes)
    missing = list(dict.fromkeys(h for h in hashes if h not in have))
    if missing:
        first = {h: x for h, x in zip(hashes, texts, strict=True)}
        # longest first: batches of similar length waste no padding (as one big ``model.encode`` call would do)
        missing.sort(key=lambda h: -len(first[h]))
        vecs = embedder.embed([first[h] for h in missing],
                              progress=(lambda d, n: progress(d, n, "embedding")) if progress else None)
        new = dict(zip(missing, vecs, strict=True))
        with project.transaction() as s:
            idb.store_vectors(s, embedder.name, new)
        have.update(new)
    dim = embedder.dim
    return np.stack([have[h] for h in hashes]) if texts else np.zeros((0, dim), np.float32)

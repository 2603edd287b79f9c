"""The zero-shot evidence of a framework: every code's texts (label, definition, inclusion note, examples) embedded
separately, plus its category's text. Built once per framework and embedder; the suggester scores passages against it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..embed import Embedder
from ..models import Code

_ID_SPLIT = re.compile(r"[_\-.]+")


def code_exemplar_texts(code: Code) -> list[tuple[str, str]]:
    """``(kind, text)`` pairs describing a code: label, definition, label + definition, inclusion note, examples.

    A code with no label other than its id and no definition is described by its id with separators as spaces."""
    out: list[tuple[str, str]] = []
    label = (code.label or "").strip()
    definition = (code.definition or "").strip()
    if label:
        out.append(("label", label))
    if definition:
        out.append(("definition", definition))
    if label and definition:
        out.append(("label+definition", f"{label}: {definition}"))
    if (code.include or "").strip():
        out.append(("include", code.include.strip()))
    for ex in code.examples or []:
        if ex and ex.strip():
            out.append(("example", ex.strip()))
    if not out:
        out.append(("id", _ID_SPLIT.sub(" ", code.id).strip() or code.id))
    return out


@dataclass
class CodeSpace:
    """Embedded code texts. ``exemplar_code[j]`` is the index (into ``code_ids``) of the code exemplar ``j`` describes."""

    code_ids: list[str]
    exemplar_vectors: np.ndarray
    exemplar_code: np.ndarray
    exemplar_kinds: list[str]
    exemplar_texts: list[str]
    category_vectors: np.ndarray  # (K, d); a zero row for a code without category text
    model: str = ""
    category_texts: list[str] = field(default_factory=list)
    text_vectors: np.ndarray | None = None  # (K, d): each code's one text, "label: definition" (baselines.code_text)

    @property
    def n_codes(self) -> int:
        return len(self.code_ids)

    @property
    def dim(self) -> int:
        return int(self.exemplar_vectors.shape[1])

    def code_vectors(self) -> np.ndarray:
        """One unit vector per code: the normalised mean of its exemplars (used as code features by the learner)."""
        out = np.zeros((self.n_codes, self.dim), dtype=np.float32)
        np.add.at(out, self.exemplar_code, self.exemplar_vectors)
        n = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(n > 0, n, 1.0)

    @classmethod
    def build(
        cls,
        codes: Sequence[Code],
        embedder: Embedder | None = None,
        *,
        category_texts: dict[str, str] | None = None,
        encode: Callable[[list[str]], np.ndarray] | None = None,
    ) -> CodeSpace:
        """Embed the codes' texts. ``category_texts`` maps a code's ``category_id`` to its category's text.

        ``encode`` (texts -> unit vectors) replaces ``embedder.embed``, e.g. to go through a cache."""
        if encode is None:
            if embedder is None:
                raise ValueError("CodeSpace.build needs an embedder or an encode function")
            encode = embedder.embed
        category_texts = category_texts or {}
        kinds, texts, owner = [], [], []
        cat_texts: list[str] = []
        for i, code in enumerate(codes):
            for kind, text in code_exemplar_texts(code):
                kinds.append(kind)
                texts.append(text)
                owner.append(i)
            cat_texts.append((category_texts.get(code.category_id or "", "") or "").strip())
        from .baselines import code_text

        own = [code_text(c) for c in codes]
        distinct = sorted(set(texts) | {t for t in cat_texts if t} | set(own))
        vecs = np.asarray(encode(distinct), dtype=np.float32) if distinct else np.zeros((0, 1), np.float32)
        where = {t: i for i, t in enumerate(distinct)}
        dim = vecs.shape[1]
        cat_vecs = np.zeros((len(codes), dim), dtype=np.float32)
        for i, t in enumerate(cat_texts):
            if t:
                cat_vecs[i] = vecs[where[t]]
        return cls(
            code_ids=[c.id for c in codes],
            exemplar_vectors=vecs[[where[t] for t in texts]],
            exemplar_code=np.asarray(owner, dtype=np.int64),
            exemplar_kinds=kinds,
            exemplar_texts=texts,
            category_vectors=cat_vecs,
            model=getattr(embedder, "name", "") if embedder is not None else "",
            category_texts=cat_texts,
            text_vectors=vecs[[where[t] for t in own]] if own else np.zeros((0, dim), np.float32),
        )


def code_document(code: Code, category_text: str = "") -> str:
    """All of a code's texts (and its category's) as one document, for lexical matching."""
    return " ".join([t for _, t in code_exemplar_texts(code)] + ([category_text] if category_text else []))


def lexical_similarity(texts: Sequence[str], codes: Sequence[Code], category_texts: dict[str, str] | None = None,
                       *, stop_words: str | None = None) -> np.ndarray:
    """(n, K) TF-IDF cosine between each text and each code's document (the vocabulary and IDF are fitted on the
    texts and the code documents together). Words used in most texts weigh little through the IDF; pass
    ``stop_words="english"`` to drop English function words as well."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    category_texts = category_texts or {}
    docs = [code_document(c, category_texts.get(c.category_id or "", "")) for c in codes]
    texts = list(texts)
    if not texts:
        return np.zeros((0, len(docs)), dtype=np.float32)
    vec = TfidfVectorizer(sublinear_tf=True, stop_words=stop_words)
    try:
        vec.fit(texts + docs)
    except ValueError:  # no word at all (e.g. only punctuation): no lexical evidence
        return np.zeros((len(texts), len(docs)), dtype=np.float32)
    return (vec.transform(texts) @ vec.transform(docs).T).toarray().astype(np.float32)

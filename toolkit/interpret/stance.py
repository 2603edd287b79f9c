"""Does a passage support a finding, say the opposite, or only touch on it? Read from the passage itself.

The rule (shown to the user as ``RULE``):

1. A passage a researcher marked as counter-evidence is **counter** (the researcher's judgement wins).
2. Otherwise its sentences are compared with the finding statement by sentence embeddings (cosine similarity);
   the closest sentence is the one that speaks to the finding. Below ``min_similarity`` the passage only
   **mentions** the theme: it was coded there, but says nothing close to the statement.
3. If the closest sentence carries a negation or contrast cue (``not``, ``never``, ``no``, ``n't``, ``nobody``,
   ``hardly``, ``but``, ``however``, ``although``, ``on the contrary``, ``instead``...) that the statement itself does
   not, the passage is **counter** (it qualifies or denies the point); else it **supports** the finding.

This is a reading aid, not a verdict: every classification carries its reason and similarity, and the researcher
marks or unmarks counter-evidence passage by passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..textspans import split_sentences

NEGATION = ("not", "never", "nobody", "nothing", "none", "neither", "nor", "hardly", "rarely", "seldom",
            "without", "cannot")
CONTRAST = ("but", "however", "although", "though", "yet", "instead", "rather", "whereas", "on the contrary",
            "on the other hand", "except", "unlike")
_CUE = re.compile(r"\b(" + "|".join(re.escape(c) for c in sorted(NEGATION + CONTRAST, key=len, reverse=True))
                  + r")\b|n't\b|\bno(?=\s+[a-z])", re.IGNORECASE)  # "no time", not "say no."
MIN_SIMILARITY = 0.2
RULE = ("Support and counter-evidence are read from each passage: the sentence closest in meaning to the finding "
        f"statement (sentence embeddings, cosine) is compared with it. Below {MIN_SIMILARITY:.2f} similarity the "
        "passage only mentions the theme. A negation or contrast cue in that sentence (not, never, n't, no, but, "
        "however, although, instead...) that the statement lacks makes it counter-evidence; otherwise it supports. "
        "Passages a researcher marked as counter-evidence always count as counter-evidence.")


@dataclass(frozen=True)
class Stance:
    stance: str  # supports | counter | mentions
    why: str
    similarity: float | None
    sentence: str


def cues(text: str) -> list[str]:
    """The negation and contrast cues in ``text`` (lower case, in order)."""
    return [m.group(0).lower() for m in _CUE.finditer(text)]


def classify(texts: list[str], statement: str | list[str], embed, *, marked: list[bool] | None = None,
             min_similarity: float = MIN_SIMILARITY) -> list[Stance]:
    """One ``Stance`` per passage text. ``statement``: the finding, or several phrasings of it (the closest counts,
    e.g. a theme's label and its codes' definitions). ``embed(list_of_texts) -> L2-normalised vectors`` (e.g. a
    cached encoder); ``marked[i]``: the researcher marked passage i as counter-evidence."""
    marked = marked or [False] * len(texts)
    goals = [statement] if isinstance(statement, str) else list(statement)
    sents = [[t[a:b] for a, b in split_sentences(t)] or [t] for t in texts]
    flat = goals + [x for ss in sents for x in ss]
    vecs = embed(flat)
    goal, rest = vecs[:len(goals)], vecs[len(goals):]
    own = {c for g in goals for c in cues(g)}
    out, i = [], 0
    for ss, mark in zip(sents, marked, strict=True):
        v = rest[i:i + len(ss)]
        i += len(ss)
        sims = (v @ goal.T).max(axis=1) if len(ss) else np.zeros(0)
        k = int(np.argmax(sims)) if len(ss) else 0
        best, sim = ss[k], float(sims[k]) if len(ss) else 0.0
        if mark:
            out.append(Stance("counter", "marked as counter-evidence by a researcher", sim, best))
            continue
        if sim < min_similarity:
            out.append(Stance("mentions", f"closest sentence only {sim:.2f} similar to the statement", sim, best))
            continue
        found = [c for c in cues(best) if c not in own]
        if found:
            out.append(Stance("counter", f"'{found[0]}' in the sentence closest to the statement ({sim:.2f})", sim,
                              best))
        else:
            out.append(Stance("supports", f"states it without negation or contrast ({sim:.2f})", sim, best))
    return out

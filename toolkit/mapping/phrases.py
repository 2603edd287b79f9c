"""Candidate key elements: short clauses and phrases cut from a chart summary, and the quotes that back each one.

Pure functions (no database). Extraction is deliberately conservative: it only cuts and trims the summary's own
words (sentences split into clauses at punctuation and clause-joining conjunctions, reporting frames such as
"she says that" and discourse markers removed), so every proposed element can be read back in the summary. The
researcher renames them into the study's own words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|\n+|\s*(?:^|\s)[•\-–*]\s+")
_CLAUSE = re.compile(r"\s*;\s*|\s*:\s+|\s+[–—]\s+|\s+-\s+|,\s+(?=(?:and|but|so|because|which|while|whereas|although|"
                     r"though|yet|since|as well as)\b)|\s+(?=(?:but|because|whereas|although|though)\b)",
                     re.IGNORECASE)
_LEAD = re.compile(
    r"^(?:(?:and|but|so|or|also|then|thus|hence|however|moreover|furthermore|in addition|besides|therefore|"
    r"yet|still|because|since|while|whereas|although|though|which|that|as well as|for example|e\.g\.|i\.e\.|"
    r"well|you know|i mean|of course|in fact|actually|basically|on the other hand)\b[,\s]*)+",
    re.IGNORECASE)
_FRAME = re.compile(
    r"^(?:(?:the\s+)?(?:participant|informant|interviewee|respondent|gp|radiologist|radiographer|specialist|"
    r"manager|[A-Z]{1,3}\d{1,4}|he|she|they|i|we)\s+(?:also\s+|further\s+)?"
    r"(?:(?:says?|said|thinks?|thought|believes?|believed|describes?|described|explains?|explained|"
    r"points? out|pointed out|mentions?|mentioned|notes?|noted|argues?|argued|emphasi[sz]es?|emphasi[sz]ed|"
    r"reports?|reported|claims?|claimed|suggests?|suggested)(?:\s+that)?|"
    r"(?:finds?|found|feels?|felt|considers?|considered)\s+that)\b[,\s]*)", re.IGNORECASE)
_NOISE = re.compile(r"\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.|\b(?:eh|ehm|uh|um|erm|hm+)\b,?", re.IGNORECASE)
_TRAIL = re.compile(r"[\s,;:.!?\"'“”‘’()\[\]]+$")
_HEAD = re.compile(r"^[\s,;:.!?\"'“”‘’()\[\]\-–—•*]+")
STOPWORDS = frozenset(
    "a an the and or but so of to in on at for with by from as is are was were be been being it its this that these "
    "those there here they them their he she his her we our us you your i me my not no do does did done have has had "
    "will would can could should may might must also very more most much many some any all just only than then too "
    "into about over under up down out if when what which who whom whose how why where because while "
    "it's i'm i've i'd i'll we're we've we'd they're they've they'd you're you'd he's she's that's there's what's "
    "don't doesn't didn't can't couldn't won't wouldn't isn't aren't wasn't weren't haven't hasn't "
    "get got one ones thing things something yes yeah okay ok".split())
MIN_CONTENT_WORDS = 2
MAX_WORDS = 14
PHRASE_WORDS = 6  # a proposed key element is at most this many words


def words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower().replace("’", "'"))


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and not w.isdigit()]


def _clean(clause: str) -> str:
    c = re.sub(r"\s{2,}", " ", _NOISE.sub(" ", clause))
    c = _HEAD.sub("", c)
    for _ in range(3):
        before = c
        c = _LEAD.sub("", c)
        c = _FRAME.sub("", c)
        c = _HEAD.sub("", c)
        if c == before:
            break
    c = _TRAIL.sub("", c).strip()
    return c[:1].upper() + c[1:] if c else c


def _shorten(clause: str) -> list[str]:
    """Split an over-long clause at commas; keep the pieces that still carry meaning."""
    if len(words(clause)) <= MAX_WORDS:
        return [clause]
    pieces = [p for p in re.split(r",\s+|\s+\((?=[^)]*\))|\)\s*", clause) if p.strip()]
    return pieces if len(pieces) > 1 else [clause]


def compress(phrase: str, max_words: int = PHRASE_WORDS) -> str:
    """The densest run of at most ``max_words`` words of ``phrase``: the window with most content words, starting
    and ending on a content word ("They have the emergency patients" -> "Emergency patients")."""
    toks = phrase.split()
    negation = {"no", "not", "never", "nobody", "nothing", "none", "without"}
    is_content = [bool(content_words(t)) or any(w in negation or w.endswith("n't") for w in words(t)) for t in toks]
    if len(toks) <= max_words and (not toks or (is_content[0] and is_content[-1])):
        return phrase
    best, best_key = (0, 0), (-1, 0, 0)
    for i in range(len(toks)):
        if not is_content[i]:
            continue
        for j in range(i, min(len(toks), i + max_words)):
            if not is_content[j]:
                continue
            long = sum(len(t) >= 4 and c for t, c in zip(toks[i:j + 1], is_content[i:j + 1], strict=True))
            key = (sum(is_content[i:j + 1]), long, -(j - i))
            if key > best_key:
                best, best_key = (i, j), key
    if best_key[0] < 0:
        return phrase
    out = _TRAIL.sub("", " ".join(toks[best[0]:best[1] + 1])).strip(" ,;:")
    return out[:1].upper() + out[1:]


def candidate_phrases(summary: str) -> list[str]:
    """Short phrases of a summary (at most ``PHRASE_WORDS`` words: the densest part of each clause), in their order,
    each at least ``MIN_CONTENT_WORDS`` content words, no duplicates."""
    out: list[str] = []
    seen: set[str] = set()
    for sentence in _SENTENCE.split(summary or ""):
        if not sentence or not sentence.strip():
            continue
        for clause in _CLAUSE.split(sentence):
            if not clause:
                continue
            for piece in _shorten(clause):
                phrase = compress(_clean(piece))
                key = " ".join(words(phrase))
                if len(content_words(phrase)) < MIN_CONTENT_WORDS or key in seen:
                    continue
                seen.add(key)
                out.append(phrase)
    return out


def select_phrases(phrases: Sequence[str], vectors: np.ndarray | None, k: int, diversity: float = 0.3) -> list[int]:
    """Indices of up to ``k`` phrases: the most central ones first, avoiding near-repeats (maximal marginal relevance).

    Without vectors the first ``k`` phrases are kept (a summary usually states its point first).
    """
    n = len(phrases)
    if n <= k or vectors is None:
        return list(range(min(n, k)))
    centre = vectors.mean(axis=0)
    norm = np.linalg.norm(centre)
    relevance = vectors @ (centre / norm if norm else centre)
    sims = vectors @ vectors.T
    chosen = [int(np.argmax(relevance))]
    while len(chosen) < k:
        best, best_score = None, -np.inf
        for i in range(n):
            if i in chosen:
                continue
            score = (1 - diversity) * relevance[i] - diversity * max(sims[i, j] for j in chosen)
            if score > best_score:
                best, best_score = i, score
        chosen.append(best)
    return sorted(chosen)


def _overlap(phrase: str, quote: str) -> float:
    pw = set(content_words(phrase))
    return len(pw & set(content_words(quote))) / len(pw) if pw else 0.0


def backed_by_words(phrase: str, quotes: dict[int, str], min_overlap: float = 0.6) -> list[int]:
    """The coding ids among ``quotes`` holding at least ``min_overlap`` of the phrase's content words (sorted)."""
    return sorted(cid for cid, text in quotes.items() if _overlap(phrase, text) >= min_overlap)


def link_quotes(phrase: str, quotes: dict[int, str], *, phrase_vector: np.ndarray | None = None,
                quote_vectors: dict[int, np.ndarray] | None = None, min_overlap: float = 0.6) -> list[int]:
    """The coding ids among a summary's ``quotes`` that back ``phrase``.

    A quote backs a phrase when it holds most of the phrase's content words; when none does, the closest quote
    (by embedding, else by shared words) is taken, so an element never loses its way back to the transcript.
    """
    if not quotes:
        return []
    linked = backed_by_words(phrase, quotes, min_overlap)
    if linked:
        return linked
    if phrase_vector is not None and quote_vectors:
        return [max(quotes, key=lambda cid: float(quote_vectors[cid] @ phrase_vector))]
    return [max(quotes, key=lambda cid: (_overlap(phrase, quotes[cid]), -cid))]

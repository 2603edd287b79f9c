"""A small language heuristic: Norwegian or English."""

from __future__ import annotations

import re

# Frequent function words that are not also frequent English words.
_NO_WORDS = frozenset(
    "og ikke det er jeg som på med har en et av til å vi de du han hun så men var blir ble kan skal vil "
    "må også eller når hvor hva hvordan hvorfor hvis fordi mye mer noe noen bare litt veldig da nå her der "
    "jo vel mange sånn slik disse dette denne den fra ut inn opp seg oss dem deg meg mitt min vår våre "
    "pasienten pasienter legen fastlegen henvisning henvisninger".split()
)
_EN_WORDS = frozenset(
    "the and is are was were of to that it not with have has had you we they he she this these those "
    "what how why when where if because there their then than which would could should will can do does "
    "did but or so very just also about from into out up our them me my your".split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str) -> str:
    """``'no'`` when Norwegian function words (and æ ø å) outweigh English ones, else ``'en'``."""
    no = en = 0
    for w in _WORD.findall(text.casefold()):
        if w in _NO_WORDS:
            no += 1
        elif w in _EN_WORDS:
            en += 1
        if any(ch in w for ch in "æøå"):
            no += 1
    return "no" if no > en else "en"

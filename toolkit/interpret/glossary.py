"""Plain-language explanations of every statistic the chart, map and interpretation pages and the report show."""

from __future__ import annotations

GLOSSARY: dict[str, str] = {
    "jaccard": "Jaccard index: of the units (passages, turns or participants) where either of two codes occurs, the "
               "share where both occur. 0 = never together, 1 = always together. It does not grow just because a "
               "code is frequent.",
    "lift": "Lift: how much more often two codes occur together than they would by chance if they were unrelated "
            "(observed / expected). 1 = as by chance, 2 = twice as often, below 1 = they tend to avoid each other. "
            "With few units a high lift can rest on one or two passages: read the quotes.",
    "together": "Together: the number of units in which both codes occur.",
    "complete": "Complete linkage (clustering): two groups of key elements are joined only if even their two most "
                "different members are closer than the distance threshold, so every dimension stays tight.",
    "average": "Average linkage: groups are joined when their members are, on average, closer than the threshold.",
    "single": "Single linkage: groups are joined when any one pair of members is closer than the threshold; this "
              "can chain loosely related elements together.",
    "threshold": "Distance threshold: how different (1 - cosine similarity of the sentence embeddings) two key "
                 "elements may be and still share a dimension. Smaller: more, tighter dimensions.",
    "kappa": "Cohen's kappa: agreement between two coders corrected for the agreement expected by chance. 1 = "
             "perfect, 0 = no better than chance. With few passages, or a code almost never used, kappa swings "
             "widely: always read it with its n.",
    "agreement": "Percent agreement: the share of passages where both coders made the same decision for a code. It "
                 "looks high when a code is rarely used (both say 'no' most of the time): read it with kappa and n.",
    "positive": "Positive agreement: of the codes either coder gave, the share both gave (2 x both / (first + "
                "second)). Passages neither coded do not count, so it does not look high just because a code is "
                "rare or few passages are coded yet.",
    "ari": "Adjusted Rand index: how alike two groupings of the same items are, corrected for chance. 1 = the same "
           "grouping, 0 = no more alike than random groupings.",
    "support": "Supports: a participant a researcher marked as supporting the finding, after reading their passages "
               "(the quotes kept with the mark). The toolkit only ranks passages by closeness; it never decides.",
    "counter": "Counter-evidence: a participant a researcher marked as saying the opposite of the finding, with the "
               "quotes that show it. Nothing is counter-evidence unless a person said so.",
    "closeness": "Closeness: cosine similarity of a passage's closest sentence to the finding statement (sentence "
                 "embeddings). It orders what to read first; it is not support or counter-evidence.",
    "gap": "Gap: a driver raised by at least the gap threshold of participants that no measure in the catalogue "
           "addresses.",
    "share": "Share: the proportion of a group's participants who mentioned the code.",
}


def explain(*keys: str) -> str:
    """The explanations of ``keys`` joined as one help text."""
    return "\n\n".join(GLOSSARY[k] for k in keys if k in GLOSSARY)

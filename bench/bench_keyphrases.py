"""Key elements and categories on the sample study: how many proposed key elements read as complete noun phrases,
and how many categories the proposed dimensions fall into. Prints JSON.

    python bench/bench_keyphrases.py [--framework lvi84] [--model PATH]

The criterion below was written down BEFORE the key-element proposer was changed (issue 26) and is not to be tuned
to the proposer: a proposed label is a **complete noun phrase** when every one of these holds:

1. 1 to 8 words; no sentence punctuation inside or around it (. ! ? : ; … quotes, brackets, a leading dash) - only
   word characters, spaces, hyphens inside words, apostrophes and commas between list items;
2. its first word is not a function word: pronoun, article-less determiner used alone, conjunction, subordinator,
   preposition, auxiliary or discourse marker (``BAD_FIRST``), and not a Norwegian discourse word (``NO_WORDS``);
3. its last word is not a function word (``BAD_LAST``: articles, prepositions, conjunctions, auxiliaries,
   determiners, pronouns);
4. it holds no finite verb from ``FINITE`` (is, has, go, ask, think, ... the common finite forms) and no personal or
   indefinite pronoun (``PRONOUNS``), wherever in the phrase;
5. it is in one language: not both a Norwegian word from ``NO_WORDS`` and an English function word from ``EN_WORDS``;
   and a phrase in an English study made only of Norwegian filler ("Ikke sant") fails rule 2;
6. at least one content word of 3 letters or more (not in any list above).

Examples: "Lack of local guidelines", "Patients' expectations of imaging", "Long travel distance" pass;
"-S two hours by car" (1), "Ikke sant" (2), "Patients go" (4), "CT before anybody has really examined" (4) fail.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PRONOUNS = frozenset("i me my we us our you your he him his she her they them their it its anybody somebody nobody "
                     "everybody anyone someone everyone one's myself ourselves themselves yourself".split())
FINITE = frozenset("is are was were am 's 're 've has have had do does did don't doesn't didn't isn't aren't wasn't "
                   "go goes went get gets got think thinks thought say says said ask asks asked want wants wanted "
                   "find finds found know knows knew feel feels felt can could will would should must may might "
                   "shall can't won't wouldn't couldn't shouldn't mean means see sees saw come comes came take takes "
                   "took make makes made need needs let lets tell tells told try tries tried".split())
BAD_FIRST = frozenset("a an and but so or nor because if when whenever while whereas although though which who whom "
                      "whose what that this these those there then than before after to of in on at by with for "
                      "from into about as like just really very also well yes yeah no not okay ok oh um uh eh even "
                      "only maybe perhaps still yet how why where here".split()) | PRONOUNS | FINITE
BAD_LAST = frozenset("a an the and but so or nor because if when while that this these those which who of to in on at "
                     "by with for from into about as like than then is are was were be been being has have had do "
                     "does did can could will would should must may might very really just also".split()) | PRONOUNS
NO_WORDS = frozenset("og ikke er det jeg vi som på en et til har sant men så av for med den de du hun han ja nei "
                     "altså liksom da der her hva hvis når skal kan vil må jo vel nå litt mye eller".split())
EN_WORDS = frozenset("the a an and of to in on is are was were that this with for from by as at it be have has not "
                     "but or".split())
PUNCT = re.compile(r"[.!?:;…\"“”‘()\[\]]|^\s*[-–—*•]|\s[-–—]\s|[-–—]\s*$")


def tokens(label: str) -> list[str]:
    return re.findall(r"[\w'’-]+", label.lower().replace("’", "'"))


def is_complete_noun_phrase(label: str, *, english: bool = True) -> tuple[bool, str]:
    """(passes, the first rule it breaks or '')."""
    words = tokens(label)
    if not 1 <= len(words) <= 8:
        return False, "1: length"
    if PUNCT.search(label):
        return False, "1: punctuation"
    if words[0] in BAD_FIRST or (english and words[0] in NO_WORDS):
        return False, "2: first word"
    if words[-1] in BAD_LAST:
        return False, "3: last word"
    if any(w in FINITE or w in PRONOUNS for w in words):
        return False, "4: finite verb or pronoun"
    if any(w in NO_WORDS - EN_WORDS for w in words) and any(w in EN_WORDS - NO_WORDS for w in words):
        return False, "5: two languages"
    if not any(len(w) >= 3 and w not in BAD_FIRST | BAD_LAST | NO_WORDS | EN_WORDS for w in words):
        return False, "6: no content word"
    return True, ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--framework", default="lvi84")
    ap.add_argument("--model", help="a local sentence-transformers folder (default: the project's model)")
    ap.add_argument("--examples", type=int, default=12, help="failing and passing labels to print")
    a = ap.parse_args(argv)
    from toolkit import charting, mapping
    from toolkit.embed import load_embedder
    from toolkit.sample import build_sample
    from toolkit.store import open_project

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.fa"
        build_sample(path)
        p = open_project(path)
        try:  # the project's model (toolkit.settings since the settings registry; overview before)
            from toolkit.settings import project_embedder
            emb = project_embedder(p, a.model)
        except ImportError:
            from toolkit.overview import model_path
            emb = load_embedder(a.model or model_path(p))
        t0 = time.perf_counter()
        charting.draft_summaries(p, a.framework, emb)
        t1 = time.perf_counter()
        mapping.propose_elements(p, a.framework, embedder=emb)
        t2 = time.perf_counter()
        mapping.propose_dimensions(p, a.framework, emb)
        t3 = time.perf_counter()
        by_method = {}  # how many categories each way of proposing them gives (the app's default first)
        for method in ("auto", "framework", "cluster"):
            if method not in getattr(mapping, "CATEGORY_METHODS", ("framework", "cluster")):
                continue
            if by_method:
                with p.read() as s:
                    from toolkit.store import mapping as mdb

                    cats = list(mdb.map_categories_frame(s, a.framework)["id"])
                mapping.remove(p, a.framework, "category", [int(c) for c in cats])
            mapping.propose_categories(p, a.framework, method=method, embedder=emb)
            dd = mapping.state(p, a.framework)["dimensions"]
            by_method[method] = {"categories": int(dd["category_id"].nunique()),
                                 "largest": int(dd["category_id"].value_counts().max()) if len(dd) else 0}
        st = mapping.state(p, a.framework)
        labels = list(st["elements"]["label"])
        verdicts = [is_complete_noun_phrase(x) for x in labels]
        dims = st["dimensions"]
        fails = Counter(why for ok, why in verdicts if not ok)
        out = {"framework": a.framework, "elements": len(labels),
               "complete_noun_phrases": sum(ok for ok, _ in verdicts),
               "share_complete": round(sum(ok for ok, _ in verdicts) / max(1, len(labels)), 3),
               "failed_rules": dict(sorted(fails.items())),
               "dimensions": len(dims), "categories_by_method": by_method,
               "seconds": {"draft": round(t1 - t0, 1), "elements": round(t2 - t1, 1),
                           "dimensions_categories": round(t3 - t2, 1)},
               "failing_examples": [x for x, (ok, _) in zip(labels, verdicts, strict=True) if not ok][:a.examples],
               "passing_examples": [x for x, (ok, _) in zip(labels, verdicts, strict=True) if ok][:a.examples]}
        p.close() if hasattr(p, "close") else None
        shutil.rmtree(tmp, ignore_errors=True)
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

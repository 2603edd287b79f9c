"""Candidate key elements cut from summaries, and the quotes that back them (pure functions)."""

import numpy as np

from toolkit.mapping.phrases import candidate_phrases, content_words, link_quotes, select_phrases, words

TABLE2 = ("It is no longer sufficient for the patient to only show clinical improvement. It must be verified by "
          "diagnostic imaging as well. Referrers have expectations and need images")


def test_table2_summary_gives_noun_phrases_in_the_summary_words():
    phrases = candidate_phrases(TABLE2)
    assert "Clinical improvement" in phrases and "Diagnostic imaging" in phrases
    summary_words = set(words(TABLE2))
    for p in phrases:
        assert set(words(p)) <= summary_words, p  # extractive: never a word the summary does not hold


def test_proposals_are_noun_phrases_never_clauses():
    """Issue 26: a key element is a short analytic noun phrase ("Lack of local guidelines"), never a clause or a
    mid-sentence fragment."""
    s = ("She says that patients expect an MRI, and she finds it hard to say no because they will go to another GP. "
         "P03 explains that the referrals lack a clinical question; however, lack of local guidelines is the issue.")
    phrases = candidate_phrases(s)
    assert "Clinical question" in phrases and "Lack of local guidelines" in phrases
    for p in phrases:
        low = p.lower().split()
        assert not {"she", "they", "will", "is", "expect", "finds", "go", "says"} & set(low), p
        assert low[-1] not in ("of", "for", "the", "a") and p[0].isupper() and len(low) <= 6
    assert candidate_phrases("Patients' expectations of imaging drive referrals.")[0] == "Patients' expectations of imaging"


def test_fragments_from_the_issue_are_not_proposed():
    assert candidate_phrases("They have the emergency patients.") == ["Emergency patients"]
    assert candidate_phrases("Ikke sant.") == []
    assert candidate_phrases("-S two hours by car, ikke sant") == ["Two hours"]
    assert "Patients go" not in candidate_phrases("Patients go to the private centre.")
    assert candidate_phrases("CT before anybody has really examined the patient.") == ["Patient"]
    long = ("When I worked in town, the X-ray department was across the street, and honestly, I sent people over "
            "for all sorts of things, because it was easier than having them come back.")
    assert "X-ray department" in candidate_phrases(long)
    assert candidate_phrases("") == [] and candidate_phrases("   ") == []


def test_one_language_per_proposal():
    no = candidate_phrases("Pasientene forventer MR, og fastlegen synes det er vanskelig å si nei til pasienter.",
                           )
    assert no and all(not {"the", "and", "of"} & set(p.lower().split()) for p in no)
    mixed = candidate_phrases("The waiting lists, ikke sant, are long at the local hospital.")
    assert mixed == ["Waiting lists", "Local hospital"]


def test_select_phrases_prefers_central_and_diverse():
    phrases = ["a", "b", "c", "d"]
    v = np.array([[1, 0, 0], [0.99, 0.14, 0], [0.7, 0.7, 0], [0, 0, 1]], dtype=float)
    v = v / np.linalg.norm(v, axis=1, keepdims=True)
    picked = select_phrases(phrases, v, 2)
    assert len(picked) == 2 and not {0, 1} <= set(picked)  # never both near-duplicates
    assert select_phrases(phrases, None, 2) == [0, 1]
    assert select_phrases(phrases[:1], v[:1], 3) == [0]


def test_link_quotes_by_shared_words_else_nearest():
    quotes = {7: "The scanner is ten minutes away so I refer more.", 9: "Patients want a scan for back pain."}
    assert link_quotes("The scanner is ten minutes away", quotes) == [7]
    assert link_quotes("Back pain patients want a scan", quotes) == [9]
    # no quote holds the words: the closest one (by vectors when given) is still linked
    pv = np.array([0.0, 1.0])
    qv = {7: np.array([1.0, 0.0]), 9: np.array([0.0, 1.0])}
    assert link_quotes("Demand from the public", quotes, phrase_vector=pv, quote_vectors=qv) == [9]
    assert len(link_quotes("Demand from the public", quotes)) == 1
    assert link_quotes("anything", {}) == []
    assert content_words("the GP and the patient") == ["gp", "patient"]

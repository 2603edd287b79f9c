"""Candidate key elements cut from summaries, and the quotes that back them (pure functions)."""

import numpy as np

from toolkit.mapping.phrases import candidate_phrases, content_words, link_quotes, select_phrases, words

TABLE2 = ("It is no longer sufficient for the patient to only show clinical improvement. It must be verified by "
          "diagnostic imaging as well. Referrers have expectations and need images")


def test_table2_summary_gives_its_elements_in_the_summary_words():
    phrases = candidate_phrases(TABLE2)
    assert "Referrers have expectations and need images" in phrases
    assert any("clinical improvement" in p for p in phrases)
    summary_words = set(words(TABLE2))
    for p in phrases:
        assert set(words(p)) <= summary_words, p  # extractive: never a word the summary does not hold


def test_reporting_frames_and_connectives_are_trimmed_but_meaning_kept():
    s = ("She says that patients expect an MRI, and she finds it hard to say no because they will go to another GP. "
         "P03 explains that the referrals lack a clinical question; however, time is short.")
    phrases = candidate_phrases(s)
    assert "Patients expect an MRI" in phrases
    assert "Finds it hard to say no" in phrases  # short: the densest six words, the negation kept
    assert "Go to another GP" in phrases  # "They will" carries nothing
    assert "Referrals lack a clinical question" in phrases
    assert "Time is short" in phrases
    assert all(p[0].isupper() and len(p.split()) <= 6 for p in phrases)


def test_proposals_are_short_phrases_not_verbatim_fragments():
    """Issue 13: "They have the emergency patients" is a fragment, not a key element."""
    assert candidate_phrases("They have the emergency patients.") == ["Emergency patients"]
    long = ("When I worked in town, the X-ray department was across the street, and honestly, I sent people over "
            "for all sorts of things, because it was easier than having them come back.")
    assert all(len(p.split()) <= 6 for p in candidate_phrases(long))


def test_fragments_without_content_and_repeats_are_dropped():
    phrases = candidate_phrases("Yes. Well, it is. Access is easy. Access is easy! - The GP decides")
    assert phrases == ["Access is easy", "GP decides"]
    assert candidate_phrases("") == [] and candidate_phrases("   ") == []


def test_long_clause_is_split_at_commas():
    s = ("waiting lists at the local hospital, the private centres in town, the out-of-hours clinic and the "
         "ambulance service all make imaging easy to reach")
    phrases = candidate_phrases(s)
    assert len(phrases) > 1 and all(len(words(p)) <= 14 for p in phrases[:-1])


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

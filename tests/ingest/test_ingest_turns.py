"""Speaker-turn detection in plain text and markdown."""

from pathlib import Path

import pytest

from toolkit.ingest import detect_turns, read_transcript
from toolkit.ingest.turns import parse_timestamp

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def spans(parsed):
    return [(t.speaker, t.role, parsed.text[t.start : t.end]) for t in parsed.turns]


def test_i_and_participant_id_labels_span_paragraphs_and_ignore_one_off_note():
    p = read_transcript(FIX / "labels_i_p.txt")
    assert [(s, r) for s, r, _ in spans(p)] == [
        ("I", "interviewer"), ("P07", "participant"), ("I", "interviewer"), ("P07", "participant")
    ]
    second = spans(p)[1][2]
    # The turn runs across blank lines; "Note:" (once) is not a speaker.
    assert second.startswith("I work as a radiographer") and second.endswith("Note: the sound dropped for a few seconds here.")
    # "He said: no" inside a turn is not a label.
    assert "He said: no, we cannot refuse.\nAnd that is how it goes." in spans(p)[3][2]
    assert any("before the first speaker label" in w for w in p.warnings)


def test_turn_offsets_exclude_label_and_surrounding_whitespace():
    text = "I:   Hello there?  \nP1: Fine.\n"
    turns, warnings = detect_turns(text)
    assert [(text[t.start : t.end]) for t in turns] == ["Hello there?", "Fine."]
    assert warnings == []


def test_q_a_convention():
    p = read_transcript(FIX / "qa.txt")
    assert [(s, r) for s, r, _ in spans(p)] == [
        ("Q", "interviewer"), ("A", "participant"), ("Q", "interviewer"), ("A", "participant")
    ]


def test_norwegian_intervjuer_and_r_number():
    p = read_transcript(FIX / "norwegian_labels.txt")
    assert [(s, r) for s, r, _ in spans(p)] == [
        ("Intervjuer", "interviewer"), ("R3", "participant"), ("Intervjuer", "interviewer"), ("R3", "participant")
    ]
    assert p.language == "no"


def test_moderator_with_two_participants():
    p = read_transcript(FIX / "moderator.txt")
    assert [(s, r) for s, r, _ in spans(p)] == [
        ("Moderator", "interviewer"), ("P1", "participant"), ("Moderator", "interviewer"),
        ("P2", "participant"), ("P1", "participant"),
    ]


def test_timestamp_conventions_are_parsed_and_kept():
    p = read_transcript(FIX / "timestamps.txt")
    got = [(t.speaker, t.t_start) for t in p.turns]
    assert got == [
        ("Interviewer", 5.0), ("Kari Nordmann", 12.0), ("Interviewer", 63.0), ("Kari Nordmann", 70.0),
        ("Interviewer", 120.0), ("Kari Nordmann", 124.0), ("Interviewer", 180.0), ("Kari Nordmann", 182.0),
    ]
    assert p.text[p.turns[0].start : p.turns[0].end] == "Welcome. Shall we start?"
    assert p.text[p.turns[-1].start : p.turns[-1].end] == "You are welcome."
    assert p.turns[0].t_end == 12.0 and p.turns[-1].t_end is None
    assert {t.role for t in p.turns if t.speaker == "Kari Nordmann"} == {"participant"}


def test_markdown_bold_labels_both_styles():
    p = read_transcript(FIX / "markdown.md")
    assert p.format == "md"
    assert spans(p) == [
        ("Interviewer", "interviewer", "What is your role?"),
        ("P04", "participant", "I am a radiologist at a local hospital.\n\nI also do some teaching."),
        ("Interviewer", "interviewer", "Do you see many low-value referrals?"),
        ("P04", "participant", "Yes, quite a few."),
    ]


def test_first_last_and_dr_name_with_question_heuristic():
    p = read_transcript(FIX / "names.txt")
    assert [(s, r) for s, r, _ in spans(p)][:2] == [("Anna Berg", "interviewer"), ("Dr. Hansen", "participant")]
    assert any("took 'Anna Berg' as the interviewer" in w for w in p.warnings)


def test_interviewer_names_override_question_heuristic():
    # Here the participant asks more questions; the given interviewer name wins.
    text = "Ola: Right.\nKari: Why? And why not?\nOla: Tell me more.\nKari: Is that so? Really?\n"
    turns, _ = detect_turns(text, interviewer_names=["ola"])
    assert [(t.speaker, t.role) for t in turns] == [
        ("Ola", "interviewer"), ("Kari", "participant"), ("Ola", "interviewer"), ("Kari", "participant")
    ]
    turns, warnings = detect_turns(text)
    assert turns[1].role == "interviewer" and any("took 'Kari'" in w for w in warnings)


def test_interviewer_name_with_title():
    turns, _ = detect_turns("Dr. Berg: Hello.\nP2: Hi.\n", interviewer_names=["Berg"])
    assert [t.role for t in turns] == ["interviewer", "participant"]


def test_no_labels_falls_back_to_paragraphs_with_warning():
    p = read_transcript(FIX / "nolabels.txt")
    assert [s for s, _, _ in spans(p)] == [None, None, None]
    assert {t.role for t in p.turns} == {"unknown"}
    assert spans(p)[1][2] == "Second paragraph: the clinic was busy."
    assert "no speaker labels found; split into 3 paragraphs" in p.warnings


@pytest.mark.parametrize("line", ["He said: no", "and then: yes", "anyway: fine", "https://example.org: link",
                                  "This is a very long sentence that goes on: and on"])
def test_sentences_are_not_labels_even_when_repeated(line):
    turns, warnings = detect_turns(f"{line}\n\n{line}\n")
    assert all(t.speaker is None for t in turns)
    assert warnings[0].startswith("no speaker labels found")


def test_one_off_unknown_label_is_not_a_speaker_but_recurring_one_is():
    turns, _ = detect_turns("Summary: a text.\nMore text.\n")
    assert turns[0].speaker is None
    turns, _ = detect_turns("Kari: one.\nOla: two?\nKari: three.\nOla: four?\n")
    assert [t.speaker for t in turns] == ["Kari", "Ola", "Kari", "Ola"]


def test_label_alone_on_its_line_takes_the_following_lines():
    text = "Interviewer:\nWhat do you do?\n\nP3:\nI scan.\n"
    turns, _ = detect_turns(text)
    assert [(t.speaker, text[t.start : t.end]) for t in turns] == [("Interviewer", "What do you do?"), ("P3", "I scan.")]


def test_parse_timestamp():
    assert parse_timestamp("00:12:03") == 723.0
    assert parse_timestamp("12:03") == 723.0
    assert parse_timestamp("1:02:03,5") == 3723.5


def test_markdown_bullets_quotes_and_emphasis_in_speech():
    text = "- **I:**What now?\n> **P2:** *laughs* Well.\n- **I:** Ok?\n> **P2:** Yes.\n"
    turns, _ = detect_turns(text)
    assert [(t.speaker, text[t.start : t.end]) for t in turns] == [
        ("I", "What now?"), ("P2", "*laughs* Well."), ("I", "Ok?"), ("P2", "Yes.")
    ]
    plain = "Kari: *sighs* no.\nOla: _maybe_ yes.\nKari: no.\nOla: yes.\n"
    turns, _ = detect_turns(plain)
    assert plain[turns[0].start : turns[0].end] == "*sighs* no."
    assert plain[turns[1].start : turns[1].end] == "_maybe_ yes."


@pytest.mark.parametrize("label", ["I", "Q", "Int", "Interviewer", "INTERVIEWER", "Intervjuer", "Moderator",
                                   "Facilitator", "Interviewer 2", "Interviewer (AB)"])
def test_known_interviewer_labels(label):
    # The participant asks the questions here, so only the label can make the interviewer.
    text = f"{label}: Tell me.\nP9: Why? What?\n{label}: Go on.\nP9: How? Really?\n"
    turns, warnings = detect_turns(text)
    assert [(t.speaker, t.role) for t in turns] == [
        (label, "interviewer"), ("P9", "participant"), (label, "interviewer"), ("P9", "participant")
    ]
    assert not any("took" in w for w in warnings)


def test_otter_style_label_and_timestamp_on_their_own_line():
    text = "Speaker 1  0:03\nHow did you start?\n\nSpeaker 2  0:09\nBy accident.\n\nSpeaker 1  1:02\nWhy?\n"
    turns, _ = detect_turns(text)
    assert [(t.speaker, t.t_start, text[t.start : t.end]) for t in turns] == [
        ("Speaker 1", 3.0, "How did you start?"), ("Speaker 2", 9.0, "By accident."), ("Speaker 1", 62.0, "Why?")
    ]
    assert [t.role for t in turns] == ["interviewer", "participant", "interviewer"]


def test_transcription_marks_are_not_speakers():
    turns, _ = detect_turns("Laughter: ha\nP1: so.\nLaughter: ha\nP1: yes.\n")
    assert [t.speaker for t in turns] == ["P1", "P1"]


def test_one_off_capitalised_phrase_in_a_labelled_text_is_not_a_speaker():
    text = "I: Where?\nP1: North.\nIn Trondheim: we wait.\nI: Ok?\nP1: Yes.\n"
    turns, _ = detect_turns(text)
    assert [t.speaker for t in turns] == ["I", "P1", "I", "P1"]
    assert text[turns[1].start : turns[1].end] == "North.\nIn Trondheim: we wait."

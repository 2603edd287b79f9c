"""Pseudonymisation of names and the name key file."""

import pytest

from toolkit.errors import InputError
from toolkit.ingest import load_name_key, pseudonymise, read_transcript_bytes, write_name_key


def test_whole_words_case_insensitive_longest_first_and_possessives():
    text = "Kari Nordmann said that Kari's GP, Karis lege and KARI agreed. Karina did not."
    new, made = pseudonymise(text, {"Kari": "P07", "Kari Nordmann": "P07"})
    assert new == "P07 said that P07's GP, P07s lege and P07 agreed. Karina did not."
    assert [(m["name"], m["original"]) for m in made] == [
        ("Kari Nordmann", "Kari Nordmann"), ("Kari", "Kari's"), ("Kari", "Karis"), ("Kari", "KARI")
    ]
    for m in made:  # offsets index the new text
        assert new[m["offset"] : m["end"]] == m["replacement"]


def test_multiword_name_across_line_break_and_other_names_untouched():
    new, made = pseudonymise("Ola\nHansen met Anna.", {"Ola Hansen": "P02", "Anna Berg": "I"})
    assert new == "P02 met Anna." and len(made) == 1


def test_no_names_no_change():
    assert pseudonymise("Nothing here.", {}) == ("Nothing here.", [])
    assert pseudonymise("Nothing here.", {"Kari": "P1"}) == ("Nothing here.", [])


def test_offsets_of_a_parsed_pseudonymised_transcript_refer_to_new_text():
    new, _ = pseudonymise("I: Hello Kari?\nKari: Hello.\nI: Bye?\nKari: Bye.\n", {"Kari": "P07"})
    parsed = read_transcript_bytes(new.encode(), "x.txt")
    assert [t.speaker for t in parsed.turns] == ["I", "P07", "I", "P07"]
    assert parsed.text[parsed.turns[0].start : parsed.turns[0].end] == "Hello P07?"


def test_name_key_round_trip(tmp_path):
    key = {"Kari Nordmann": "P07", "Ola Hansen": "P02", "Bodø sykehus": "[hospital]"}
    f = write_name_key(tmp_path / "keys" / "names.csv", key)
    assert f.read_text(encoding="utf-8").splitlines()[0] == "name,replacement"
    assert load_name_key(f) == key


def test_name_key_errors(tmp_path):
    f = tmp_path / "k.csv"
    f.write_text("navn,erstatning\nKari,P1\n", encoding="utf-8")
    with pytest.raises(InputError, match="header"):
        load_name_key(f)
    f.write_text("name,replacement\nKari,P1\nOla,\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_name_key(f)
    assert e.value.place == "row 3"
    f.write_text("name,replacement\nKari,P1\nkari,P2\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_name_key(f)
    assert e.value.place == "row 3" and "two replacements" in e.value.message


def test_pseudonymise_transcript_moves_turn_offsets_and_keeps_times(tmp_path):
    from toolkit.ingest import pseudonymise_transcript, read_transcript

    f = tmp_path / "z.vtt"
    f.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Anna Berg>Hello Kari Nordmann, how is Kari's day?</v>\n\n"
        "00:00:03.000 --> 00:00:05.500\n<v Kari Nordmann>Fine, Anna. Karis dag er fin.</v>\n",
        encoding="utf-8",
    )
    parsed = read_transcript(f, interviewer_names=["Anna Berg"])
    new, made = pseudonymise_transcript(parsed, {"Kari Nordmann": "P07", "Kari": "P07", "Anna Berg": "I1",
                                                 "Anna": "I1"})
    assert new.text == ("[00:00:01] I1: Hello P07, how is P07's day?\n\n"
                        "[00:00:03] P07: Fine, I1. P07s dag er fin.")
    assert [(t.speaker, t.role, t.t_start, t.t_end, new.text[t.start : t.end]) for t in new.turns] == [
        ("I1", "interviewer", 1.0, 2.0, "Hello P07, how is P07's day?"),
        ("P07", "participant", 3.0, 5.5, "Fine, I1. P07s dag er fin."),
    ]
    assert len(made) == 6 and all(new.text[m["offset"] : m["end"]] == m["replacement"] for m in made)
    assert all(parsed.text[m["source_offset"] : m["source_end"]] == m["original"] for m in made)

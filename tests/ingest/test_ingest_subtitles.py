"""WebVTT and SubRip transcripts: speakers from prefixes and voice tags, merged cues, timing errors."""

from pathlib import Path

import pytest

from toolkit.errors import InputError
from toolkit.ingest import read_transcript

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def test_zoom_style_prefixes_merge_consecutive_cues_and_continue_speaker():
    p = read_transcript(FIX / "zoom.vtt")
    assert p.format == "vtt"
    assert p.text.split("\n\n") == [
        "[00:00:01] Anna Berg: Thank you for joining. Can you hear me?",
        "[00:00:05] Ola Hansen: Yes, I can hear you. Shall I start?",
        "[00:00:09] Anna Berg: Please tell me about your work. What do you do?",
        "[00:00:12] Ola Hansen: I am a GP in a rural municipality. We are three doctors.",
    ]
    t = p.turns[1]
    assert (t.speaker, t.role, t.t_start, t.t_end) == ("Ola Hansen", "participant", 5.0, 9.0)
    assert p.text[t.start : t.end] == "Yes, I can hear you. Shall I start?"
    assert p.turns[3].t_end == 25.0  # the unlabelled last cue continues Ola
    assert [t.role for t in p.turns] == ["interviewer", "participant", "interviewer", "participant"]


def test_interviewer_names_for_vtt():
    p = read_transcript(FIX / "zoom.vtt", interviewer_names=["Anna Berg"])
    assert p.turns[0].role == "interviewer" and not any("took" in w for w in p.warnings)


def test_teams_voice_tags():
    p = read_transcript(FIX / "teams.vtt")
    got = [(t.speaker, t.role, p.text[t.start : t.end]) for t in p.turns]
    assert got == [
        ("Interviewer", "interviewer", "Good morning. Ready?"),
        ("Siri Dahl", "participant", "Good morning. Yes, ready."),
        ("Interviewer", "interviewer", "What is your role?"),
        ("Siri Dahl", "participant", "I lead the imaging department."),
    ]
    assert "<v" not in p.text
    assert (p.turns[3].t_start, p.turns[3].t_end) == (62.0, 3604.25)
    assert p.text.endswith("[00:01:02] Siri Dahl: I lead the imaging department.")


def test_srt_with_prefixes_and_continuation():
    p = read_transcript(FIX / "sample.srt")
    assert p.format == "srt"
    assert p.text == (
        "[00:00:01] Interviewer: What do you do?\n\n"
        "[00:00:03] Kari: I work in radiology. It is a busy place.\n\n"
        "[00:00:08] Interviewer: Thank you."
    )
    assert [(t.speaker, t.role, t.t_start, t.t_end) for t in p.turns] == [
        ("Interviewer", "interviewer", 1.0, 3.0), ("Kari", "participant", 3.5, 7.5),
        ("Interviewer", "interviewer", 8.0, 9.0),
    ]


def test_prefix_that_is_not_a_speaker_stays_in_text(tmp_path):
    f = tmp_path / "x.vtt"
    f.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Interviewer>Tell me.</v>\n\n"
        "00:00:02.000 --> 00:00:03.000\n<v P1>Well.</v>\n\n"
        "00:00:03.000 --> 00:00:04.000\nThe point is: nobody asks.\n",
        encoding="utf-8",
    )
    p = read_transcript(f)
    assert p.text.endswith("P1: Well. The point is: nobody asks.")


def test_speakerless_cues_are_one_turn_each_with_warning(tmp_path):
    f = tmp_path / "plain.srt"
    f.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n2\n00:00:02,000 --> 00:00:03,000\nYes.\n",
                 encoding="utf-8")
    p = read_transcript(f)
    assert p.text == "[00:00:01] Hello.\n\n[00:00:02] Yes."
    assert [(t.speaker, t.role) for t in p.turns] == [(None, "unknown"), (None, "unknown")]
    assert any("no speakers found" in w for w in p.warnings)


def test_malformed_vtt_timing_names_file_and_line():
    with pytest.raises(InputError) as e:
        read_transcript(FIX / "bad_timing.vtt")
    assert e.value.place == "line 6" and "malformed timing line" in e.value.message
    assert "bad_timing.vtt" in str(e.value)


def test_malformed_srt_timing_names_file_and_line():
    with pytest.raises(InputError) as e:
        read_transcript(FIX / "bad_timing.srt")
    assert e.value.place == "line 6" and "00:00:xx,000" in e.value.message


@pytest.mark.parametrize("timing", ["00:00:05.000 --> 00:00:02.000", "00:00:01.000 --> 00:61:00.000",
                                    "00:00:01.000 --> "])
def test_other_bad_vtt_timings(tmp_path, timing):
    f = tmp_path / "bad.vtt"
    f.write_text(f"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nA: ok\n\n{timing}\nB: no\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_transcript(f)
    assert e.value.place == "line 6"


def test_vtt_without_header(tmp_path):
    f = tmp_path / "nohead.vtt"
    f.write_text("00:00:00.000 --> 00:00:01.000\nHello\n", encoding="utf-8")
    with pytest.raises(InputError, match="WEBVTT") as e:
        read_transcript(f)
    assert e.value.place == "line 1"


def test_vtt_without_cues(tmp_path):
    f = tmp_path / "nocue.vtt"
    f.write_text("WEBVTT\n\nNOTE nothing here\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty transcript: no cues"):
        read_transcript(f)


def test_times_inside_cue_text_are_not_timing_lines(tmp_path):
    f = tmp_path / "t.vtt"
    f.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v P1>Lunch was at\n10:30 - 11:00 that day.</v>\n",
                 encoding="utf-8")
    p = read_transcript(f)
    assert p.text == "[00:00:01] P1: Lunch was at 10:30 - 11:00 that day."


def test_vtt_text_outside_a_cue_is_refused_not_dropped(tmp_path):
    f = tmp_path / "t.vtt"
    f.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA: one\n\nstray paragraph\n", encoding="utf-8")
    with pytest.raises(InputError, match="outside a cue") as e:
        read_transcript(f)
    assert e.value.place == "line 6"


def test_srt_text_block_after_blank_line_continues_the_cue(tmp_path):
    f = tmp_path / "t.srt"
    f.write_text("1\n00:00:01,000 --> 00:00:02,000\nP1: one\n\nand more\n\n2\n00:00:03,000 --> 00:00:04,000\n"
                 "I: two?\n", encoding="utf-8")
    p = read_transcript(f)
    assert p.text == "[00:00:01] P1: one and more\n\n[00:00:03] I: two?"


def test_srt_not_starting_with_a_cue(tmp_path):
    f = tmp_path / "t.srt"
    f.write_text("Subtitles by someone\n\n1\n00:00:01,000 --> 00:00:02,000\nHi\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_transcript(f)
    assert e.value.place == "line 1"

"""Word transcripts: bold speaker runs, tables of turns, corrupt files."""

import zipfile

import docx
import pytest

from toolkit.errors import InputError
from toolkit.ingest import read_transcript


def _bold_para(document, label, rest):
    p = document.add_paragraph()
    p.add_run(label).bold = True
    if rest:
        p.add_run(rest)
    return p


@pytest.fixture
def bold_docx(tmp_path):
    d = docx.Document()
    d.add_heading("Interview P02", level=1)
    _bold_para(d, "Interviewer:", " What is your role?")
    _bold_para(d, "Kari Nordmann", ": I am a GP. I refer a lot.")  # colon outside the bold run
    d.add_paragraph("A second paragraph by Kari.")
    _bold_para(d, "Interviewer: ", "Why is that?")
    _bold_para(d, "Kari Nordmann:", " Patients ask for it.")
    p = d.add_paragraph("Some ")
    p.add_run("bold words").bold = True
    p.add_run(" in the middle are not labels.")
    path = tmp_path / "bold.docx"
    d.save(path)
    return path


def test_bold_runs_are_labels_with_or_without_colon_in_the_run(bold_docx):
    p = read_transcript(bold_docx)
    assert p.format == "docx"
    lines = p.text.split("\n")
    assert lines[0] == "Interview P02"
    assert lines[1] == "Interviewer: What is your role?"
    assert lines[2] == "Kari Nordmann: I am a GP. I refer a lot."
    got = [(t.speaker, t.role, p.text[t.start : t.end]) for t in p.turns]
    assert got == [
        ("Interviewer", "interviewer", "What is your role?"),
        ("Kari Nordmann", "participant", "I am a GP. I refer a lot.\nA second paragraph by Kari."),
        ("Interviewer", "interviewer", "Why is that?"),
        ("Kari Nordmann", "participant", "Patients ask for it.\nSome bold words in the middle are not labels."),
    ]


def test_single_bold_label_with_colon_counts_even_once(tmp_path):
    d = docx.Document()
    _bold_para(d, "Moderator:", " Welcome.")
    _bold_para(d, "Per Olsen:", " Thank you.")
    path = tmp_path / "once.docx"
    d.save(path)
    p = read_transcript(path)
    assert [(t.speaker, t.role) for t in p.turns] == [("Moderator", "interviewer"), ("Per Olsen", "participant")]


def test_bold_heading_without_colon_is_not_a_label(tmp_path):
    d = docx.Document()
    _bold_para(d, "Background", "")
    d.add_paragraph("I: Tell me?")
    d.add_paragraph("P1: Sure.")
    path = tmp_path / "heading.docx"
    d.save(path)
    p = read_transcript(path)
    assert p.text.split("\n")[0] == "Background"
    assert [t.speaker for t in p.turns] == ["I", "P1"]


@pytest.mark.parametrize("with_time", [False, True])
def test_table_of_turns_with_header(tmp_path, with_time):
    d = docx.Document()
    d.add_paragraph("Transcript of interview P06")
    rows = [("Speaker", "Text"), ("Interviewer", "What do you do?"), ("P06", "I work in internal medicine."),
            ("Interviewer", "And imaging?"), ("P06", "We order CT often.")]
    if with_time:
        rows = [("Time",) + rows[0]] + [(f"00:0{i}:00",) + r for i, r in enumerate(rows[1:], start=1)]
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    path = tmp_path / "table.docx"
    d.save(path)
    p = read_transcript(path)
    assert "Speaker" not in p.text  # header row skipped
    got = [(t.speaker, t.role, p.text[t.start : t.end]) for t in p.turns]
    assert got == [
        ("Interviewer", "interviewer", "What do you do?"),
        ("P06", "participant", "I work in internal medicine."),
        ("Interviewer", "interviewer", "And imaging?"),
        ("P06", "participant", "We order CT often."),
    ]
    if with_time:
        assert [t.t_start for t in p.turns] == [60.0, 120.0, 180.0, 240.0]
        assert "[00:01:00] Interviewer: What do you do?" in p.text
    else:
        assert "\nInterviewer: What do you do?\nP06: I work in internal medicine.\n" in p.text


def test_metadata_table_is_not_turned_into_speakers(tmp_path):
    d = docx.Document()
    table = d.add_table(rows=2, cols=2)
    for i, (a, b) in enumerate([("Date", "12 March"), ("Place", "Bodø")]):
        table.cell(i, 0).text, table.cell(i, 1).text = a, b
    d.add_paragraph("Field notes without speakers.")
    path = tmp_path / "meta.docx"
    d.save(path)
    p = read_transcript(path)
    assert all(t.speaker is None for t in p.turns)
    assert p.text.startswith("Date\t12 March\nPlace\tBodø\n")


def test_corrupt_docx(tmp_path):
    f = tmp_path / "broken.docx"
    f.write_bytes(b"This is not a zip file at all")
    with pytest.raises(InputError, match=r"not a valid \.docx \(zip\) file") as e:
        read_transcript(f)
    assert e.value.file == str(f)


def test_zip_that_is_not_a_docx(tmp_path):
    f = tmp_path / "other.docx"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match=r"not a valid \.docx"):
        read_transcript(f)


def test_docx_without_text_is_empty(tmp_path):
    path = tmp_path / "blank.docx"
    docx.Document().save(path)
    with pytest.raises(InputError, match="empty transcript"):
        read_transcript(path)


def test_soft_line_breaks_keep_label_lines_aligned(tmp_path):
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("Intro line one")
    p.add_run().add_break()
    p.add_run("intro line two")
    _bold_para(d, "Ola Dahl:", " First answer.")
    _bold_para(d, "Moderator:", " Next?")
    path = tmp_path / "breaks.docx"
    d.save(path)
    parsed = read_transcript(path)
    assert parsed.text.startswith("Intro line one\nintro line two\nOla Dahl: First answer.")
    assert [(t.speaker, parsed.text[t.start : t.end]) for t in parsed.turns] == [
        ("Ola Dahl", "First answer."), ("Moderator", "Next?")
    ]

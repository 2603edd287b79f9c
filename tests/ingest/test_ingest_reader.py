"""read_transcript dispatch and the bad inputs every reader refuses."""

from pathlib import Path

import pytest

from toolkit.errors import InputError
from toolkit.ingest import SUPPORTED_EXTENSIONS, detect_language, read_transcript, read_transcript_bytes

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def test_unknown_extension_names_file_and_lists_supported(tmp_path):
    f = tmp_path / "notes.pdf"
    f.write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError) as e:
        read_transcript(f)
    msg = str(e.value)
    assert str(f) in msg and all(ext in msg for ext in SUPPORTED_EXTENSIONS)


@pytest.mark.parametrize("name", ["empty.txt", "blank.md", "empty.vtt", "empty.srt", "empty.docx"])
@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n "])
def test_empty_file(tmp_path, name, content):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(InputError, match="empty transcript") as e:
        read_transcript(f)
    assert e.value.file == str(f)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_transcript(tmp_path / "nope.txt")


def test_binary_file_with_txt_extension(tmp_path):
    f = tmp_path / "photo.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(InputError, match="binary"):
        read_transcript(f)


def test_undecodable_transcript(tmp_path):
    f = tmp_path / "odd.txt"
    f.write_bytes(b"I: Hello\nP1: caf\x81\x90\n")
    with pytest.raises(InputError, match=r"line 2.*undecodable"):
        read_transcript(f)


def test_bytes_entry_point_matches_path_entry_point():
    data = (FIX / "qa.txt").read_bytes()
    a = read_transcript_bytes(data, "qa.txt")
    b = read_transcript(FIX / "qa.txt")
    assert a.text == b.text and a.turns == b.turns and a.format == "txt"


def test_extension_is_case_insensitive(tmp_path):
    f = tmp_path / "UPPER.TXT"
    f.write_text("I: Hi?\nP1: Hello.\n", encoding="utf-8")
    assert read_transcript(f).format == "txt"


def test_detect_language():
    assert detect_language("Jeg tror ikke det er så lett å si nei til pasienten, og det vet de.") == "no"
    assert detect_language("I do not think it is easy to say no to the patient, and they know that.") == "en"
    assert detect_language("Blåbær, røntgen, sjø.") == "no"  # no function words: æøå decide
    assert detect_language("") == "en"

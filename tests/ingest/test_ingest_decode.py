"""Encoding detection, BOMs, line endings and the binary guard."""

from pathlib import Path

import pytest

from toolkit.errors import InputError
from toolkit.ingest import decode_bytes, read_transcript

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def test_utf8_plain_and_newlines_normalised():
    text, enc = decode_bytes("a\r\nb\rc\nblåbær".encode(), "f.txt")
    assert (text, enc) == ("a\nb\nc\nblåbær", "utf-8")


def test_utf8_bom_dropped():
    text, enc = decode_bytes(b"\xef\xbb\xbfI: Hei\r\n", "f.txt")
    assert text == "I: Hei\n" and enc == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom(codec):
    raw = "I: Hvordan går det?\r\nP3: Bra.\r\n".encode(codec)
    if codec == "utf-16-le":
        raw = b"\xff\xfe" + raw  # explicit BOM
    text, enc = decode_bytes(raw, "f.txt")
    assert text == "I: Hvordan går det?\nP3: Bra.\n"
    assert "\ufeff" not in text and enc.startswith("utf-16")


def test_cp1252_norwegian_letters_survive():
    raw = "Hva gjør du på jobben? Særlig – «MR».".encode("cp1252")
    text, enc = decode_bytes(raw, "f.txt")
    assert text == "Hva gjør du på jobben? Særlig – «MR»." and enc == "cp1252"


def test_dos_nordic_file_is_read_as_cp865():
    raw = "Hva gjør du på jobben? Det er særlig mye å gjøre på røntgen.".encode("cp865")
    text, enc = decode_bytes(raw, "f.txt")
    assert enc == "cp865" and "gjør du på" in text and "særlig" in text


def test_cp1252_curly_apostrophes_are_not_mistaken_for_dos():
    raw = "I don’t know, it’s what we’ve always done. Bodø.".encode("cp1252")
    text, enc = decode_bytes(raw, "f.txt")
    assert enc == "cp1252" and text.startswith("I don’t know")


def test_cp1252_fixture_through_read_transcript():
    p = read_transcript(FIX / "norwegian_cp1252.txt")
    assert p.encoding == "cp1252"
    assert "Jeg jobber på røntgen i Bodø. Det er mye å gjøre, særlig med MR." in p.text
    assert [t.role for t in p.turns] == ["interviewer", "participant", "interviewer", "participant"]


def test_bom_fixture_offsets_count_without_bom():
    p = read_transcript(FIX / "bom_utf8.txt")
    assert p.text.startswith("I: Hello?\nP1:")
    assert p.text[p.turns[0].start : p.turns[0].end] == "Hello?"


def test_nul_bytes_are_binary_with_offset_and_line():
    raw = b"line one\nline two\n\x89PNG\x00\x00\x01binary"
    with pytest.raises(InputError) as e:
        decode_bytes(raw, "pic.txt")
    msg = str(e.value)
    assert msg.startswith("pic.txt, line 3:") and "binary" in msg and "byte offset 22" in msg


def test_undecodable_bytes_name_offset_and_line():
    raw = b"first line\nsecond \x81\x8d line\n"
    with pytest.raises(InputError) as e:
        decode_bytes(raw, "odd.txt")
    msg = str(e.value)
    assert "odd.txt, line 2" in msg and "byte offset 18" in msg and "0x81" in msg


def test_control_characters_are_rejected():
    with pytest.raises(InputError, match=r"line 2.*control character U\+0001"):
        decode_bytes(b"ok\nbad \x01 here\n", "ctl.txt")


def test_utf8_file_with_one_stray_byte_is_refused_not_garbled():
    raw = "Blåbær og røntgen.\n".encode() + b"Stray \xe5 byte\n"
    with pytest.raises(InputError) as e:
        decode_bytes(raw, "mixed.txt")
    assert e.value.place == "line 2" and "byte offset 28" in e.value.message and "0xE5" in e.value.message


def test_dos_end_of_file_mark_is_dropped():
    assert decode_bytes("I: Hei\nP1: Hå\n".encode("cp1252") + b"\x1a", "dos.txt") == ("I: Hei\nP1: Hå\n", "cp1252")

"""Inputs too big to read safely are refused before they are read, with a setting to raise each limit."""

import io
import os
import zipfile

import pytest

from toolkit import project as proj
from toolkit.errors import InputError
from toolkit.ingest import read_transcript
from toolkit.ingest.reader import read_transcript_bytes
from toolkit.sample import SAMPLE_DIR

DOCX = SAMPLE_DIR / "P02_gp_urban.docx"


def _with_member(src, name: str, data: bytes, dst) -> None:
    """A copy of the .docx ``src`` with one more part."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr(name, data)


def test_a_transcript_above_the_size_limit_is_refused_with_the_setting_to_raise_it(tmp_path, monkeypatch):
    t = tmp_path / "P01.txt"
    t.write_text("Interviewer: Hello?\nP01: " + "word " * 6000 + "\n", encoding="utf-8")  # about 30 KB
    assert read_transcript(t).turns
    monkeypatch.setenv("FA_MAX_TRANSCRIPT_MB", "0.02")
    with pytest.raises(InputError, match=r"the transcript is 0\.0 MB, above the limit of 0\.02 MB .*FA_MAX_TRANSCRIPT_MB"):
        read_transcript(t)
    with pytest.raises(InputError, match="FA_MAX_TRANSCRIPT_MB"):  # uploads (bytes) too
        read_transcript_bytes(t.read_bytes(), "P01.txt")


def test_the_default_transcript_limit_refuses_a_huge_file_without_reading_it(tmp_path):
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.truncate(200 * 1024 * 1024)
    with pytest.raises(InputError, match=r"huge.txt: the transcript is 200\.0 MB, above the limit of 20 MB"):
        read_transcript(big)


def test_a_docx_that_inflates_a_hundredfold_is_refused_before_unpacking(tmp_path, monkeypatch):
    bomb = tmp_path / "bomb.docx"
    _with_member(DOCX, "word/media/pad.bin", b"\0" * (30 * 1024 * 1024), bomb)  # 30 MB of zeros, ~30 KB packed
    assert bomb.stat().st_size < 200 * 1024
    with pytest.raises(InputError, match=r"bomb.docx: the document unpacks to 30\.\d MB, \d+ times its file size "
                                         r"\(limit 100; a zip bomb\?\).*FA_MAX_DOCX_RATIO"):
        read_transcript(bomb)
    monkeypatch.setenv("FA_MAX_DOCX_RATIO", "100000")
    assert read_transcript(bomb).format == "docx"


def test_a_docx_above_the_unpacked_size_limit_is_refused(tmp_path, monkeypatch):
    big = tmp_path / "big.docx"
    _with_member(DOCX, "word/media/photo.bin", os.urandom(3 * 1024 * 1024), big)  # incompressible: ratio about 1
    assert read_transcript(big).format == "docx"
    monkeypatch.setenv("FA_MAX_DOCX_MB", "2")
    with pytest.raises(InputError, match=r"big.docx: the unpacked document is 3\.\d MB, above the limit of 2 MB "
                                         r"\(set the environment variable FA_MAX_DOCX_MB"):
        read_transcript(big)


def test_a_docx_whose_directory_lies_about_sizes_is_refused_cleanly(tmp_path):
    """A part that declares 100 bytes but holds 5 MB: the size check trusts the directory, which is safe because
    nothing is ever unpacked past what it declares."""
    buf = io.BytesIO()
    _with_member(DOCX, "word/media/pad.bin", b"\0" * 5_000_000, buf)
    data = bytearray(buf.getvalue())
    name = b"word/media/pad.bin"
    for start in (0, data.find(b"PK\x01\x02")):  # local header and central directory entry: declared size 100
        i = data.find(name, start)
        hdr = i - (30 if data[i - 30:i - 26] == b"PK\x03\x04" else 46)
        off = 22 if data[hdr:hdr + 4] == b"PK\x03\x04" else 24
        data[hdr + off:hdr + off + 4] = (100).to_bytes(4, "little")
    liar = tmp_path / "liar.docx"
    liar.write_bytes(bytes(data))
    with zipfile.ZipFile(liar) as zf:
        assert zf.getinfo("word/media/pad.bin").file_size == 100  # the lie is in place
    parsed = read_transcript(liar)  # read as declared: zipfile never unpacks more than 100 bytes of that part
    assert parsed.format == "docx" and parsed.text.strip()


def test_limits_hold_for_a_folder_import_and_nothing_is_imported(tmp_path, monkeypatch):
    project = proj.create(tmp_path / "p.fa", shipped=False)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "P01.txt").write_text("Interviewer: Hi?\nP01: Hello.\n", encoding="utf-8")
    (folder / "P02.txt").write_text("Interviewer: Hi?\nP02: " + "x" * 30000 + "\n", encoding="utf-8")
    monkeypatch.setenv("FA_MAX_TRANSCRIPT_MB", "0.02")
    with pytest.raises(InputError, match="P02.txt: the transcript"):
        proj.import_transcripts(project, folder)
    assert proj.status(project)["transcripts"] == 0
    project.close()

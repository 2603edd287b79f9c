"""Bytes to text: encoding detection, binary guard, line-ending normalisation."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from toolkit.errors import InputError

# Control characters that do not occur in text files (NUL is reported as binary content).
# Tab, LF, CR, vertical tab and form feed are allowed (Word exports use the last two).
_BAD_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

# Bytes that cp1252 leaves undefined; latin-1 maps them to C1 control characters.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")

# In a cp865/cp850 (DOS Nordic) file the letters æ ø å are the bytes 0x91 0x9B 0x86; read as cp1252 they
# become typographic marks after letters (e.g. "p†" for "på"). Used as a tie-breaker only, when the
# cp1252 letters æøåÆØÅ never occur (see _looks_like_dos_nordic).
_DOS_NORDIC_LOWER = frozenset(b"\x91\x9b\x86")
_CP1252_NORDIC = frozenset(b"\xe6\xf8\xe5\xc6\xd8\xc5")


# Well-formed UTF-8 sequences for letters and punctuation (U+00C0-U+024F, U+2010-U+203A); in a cp1252 file
# such byte pairs are near impossible ("Ã¦"), so two of them mean the file is UTF-8 with a stray byte.
_UTF8_MULTIBYTE = re.compile(rb"[\xc3-\xc9][\x80-\xbf]|\xe2\x80[\x90-\xba]")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _fail(file, data: bytes, offset: int, message: str) -> InputError:
    return InputError(file, f"{message} at byte offset {offset}", place=f"line {_line_of(data, offset)}")


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_like_utf16_without_bom(data: bytes) -> str | None:
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _looks_like_dos_nordic(data: bytes) -> bool:
    """True when the high bytes are mostly the cp865 letters æøå following a letter (a DOS Norwegian file)."""
    high = after_letter = 0
    for i, b in enumerate(data):
        if b < 0x80:
            continue
        if b in _CP1252_NORDIC:
            return False
        high += 1
        if b in _DOS_NORDIC_LOWER and i > 0 and (chr(data[i - 1]).isalpha() or data[i - 1] in _DOS_NORDIC_LOWER):
            after_letter += 1
    return after_letter >= 2 and after_letter * 2 >= high


def _check_controls(file, data: bytes, text: str, encoding: str) -> None:
    m = _BAD_CONTROL.search(text)
    if m is None:
        return
    # Report the byte offset: re-encode the prefix (exact for the encodings used here).
    offset = len(text[: m.start()].encode(encoding.replace("-sig", ""), errors="replace"))
    if encoding.startswith("utf-8") and data.startswith(codecs.BOM_UTF8):
        offset += 3
    what = "binary content (NUL byte)" if m.group() == "\x00" else f"control character U+{ord(m.group()):04X}"
    raise _fail(file, data, offset, f"not a text file: {what}")


def decode_bytes(data: bytes, file=None) -> tuple[str, str]:
    """Decode the bytes of a text file; return ``(text, encoding)``.

    UTF-8 (with or without BOM) and UTF-16/32 with BOM are recognised; otherwise, if the bytes are not
    UTF-8, cp1252 (the Windows superset of latin-1, which keeps Norwegian æøå). A BOM is dropped and line
    endings are normalised to ``\\n``. Binary content (NUL bytes) and undecodable bytes raise
    :class:`InputError` naming ``file``, the byte offset and the line.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("decode_bytes expects bytes")
    data = bytes(data)
    encoding: str
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                raise _fail(file, data, e.start, f"cannot decode as {enc.upper()}") from None
            text = text.lstrip("\ufeff") if enc != "utf-8-sig" else text
            _check_controls(file, data, text, "utf-8" if enc == "utf-8-sig" else enc)
            return normalise_newlines(text), enc
    if b"\x00" in data:
        enc16 = _looks_like_utf16_without_bom(data)
        if enc16 is None:
            offset = data.index(b"\x00")
            raise _fail(file, data, offset, "not a text file: binary content (NUL byte)")
        try:
            text = data.decode(enc16)
        except UnicodeDecodeError as e:
            raise _fail(file, data, e.start, f"cannot decode as {enc16.upper()}") from None
        _check_controls(file, data, text, enc16)
        return normalise_newlines(text), enc16
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as e:
        utf8_error = e.start
        if len(_UTF8_MULTIBYTE.findall(data)) >= 2:
            # Mostly UTF-8 with a stray byte: decoding all of it as cp1252 would garble every æøå.
            raise _fail(file, data, utf8_error,
                        f"invalid UTF-8 byte 0x{data[utf8_error]:02X} in a file that is otherwise UTF-8") from None
        if _looks_like_dos_nordic(data):
            text, encoding = data.decode("cp865"), "cp865"
        else:
            bad = next((i for i, b in enumerate(data) if b in _CP1252_UNDEFINED), None)
            if bad is not None:
                raise _fail(
                    file, data, bad,
                    f"undecodable byte 0x{data[bad]:02X}: not UTF-8 (first invalid byte at offset "
                    f"{utf8_error}) and not cp1252/latin-1 text",
                ) from None
            text, encoding = data.decode("cp1252"), "cp1252"
    if text.endswith("\x1a"):  # DOS end-of-file mark
        text = text[:-1]
    _check_controls(file, data, text, encoding)
    return normalise_newlines(text), encoding


def read_bytes(path) -> bytes:
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "file not found") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory, not a file") from None
    except OSError as e:
        raise InputError(str(path), f"cannot read file: {e.strerror or e}") from None

"""``read_transcript``: dispatch on the file extension to the format readers."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from toolkit.errors import InputError
from toolkit.limits import check_size
from toolkit.models import ParsedTranscript

from .decode import decode_bytes, read_bytes
from .language import detect_language
from .turns import detect_turns

SUPPORTED_EXTENSIONS = (".txt", ".md", ".docx", ".vtt", ".srt")


def _check_not_empty(text: str, file) -> None:
    if not text.strip():
        raise InputError(file, "empty transcript")


def read_transcript_bytes(
    data: bytes, filename: str, *, interviewer_names: Iterable[str] = ()
) -> ParsedTranscript:
    """Parse the bytes of a transcript file; ``filename`` gives the format (extension) and names errors."""
    ext = Path(filename).suffix.lower()
    names = list(interviewer_names)
    if ext not in SUPPORTED_EXTENSIONS:
        raise InputError(
            filename,
            f"unsupported transcript format {ext or '(no extension)'!r}; "
            f"supported: {', '.join(SUPPORTED_EXTENSIONS)}",
        )
    check_size(filename, len(data), "FA_MAX_TRANSCRIPT_MB", "the transcript")
    if not data or not data.strip():
        raise InputError(filename, "empty transcript")
    if ext == ".docx":
        from .docx import docx_to_text

        text, label_lines = docx_to_text(data, filename)
        _check_not_empty(text, filename)
        turns, warnings = detect_turns(text, names, forced_lines=label_lines)
        return ParsedTranscript(text=text, turns=turns, format="docx", encoding=None,
                                language=detect_language(text), warnings=warnings)
    text, encoding = decode_bytes(data, filename)
    _check_not_empty(text, filename)
    if ext in (".vtt", ".srt"):
        from .subtitles import subtitles_to_transcript

        fmt = ext[1:]
        stored, turns, warnings = subtitles_to_transcript(text, filename, fmt, names)
        return ParsedTranscript(text=stored, turns=turns, format=fmt, encoding=encoding,
                                language=detect_language(stored), warnings=warnings)
    turns, warnings = detect_turns(text, names)
    return ParsedTranscript(text=text, turns=turns, format=ext[1:], encoding=encoding,
                            language=detect_language(text), warnings=warnings)


def read_transcript(path, *, interviewer_names: Iterable[str] = ()) -> ParsedTranscript:
    """Read a transcript file (.txt, .md, .docx, .vtt, .srt) into text and speaker turns.

    Raises :class:`InputError` for an unsupported extension, an empty or binary file, undecodable bytes,
    a corrupt .docx or malformed subtitle timings, naming the file and the place.
    """
    p = Path(path)
    if p.suffix.lower() not in SUPPORTED_EXTENSIONS:
        raise InputError(
            str(path),
            f"unsupported transcript format {p.suffix.lower() or '(no extension)'!r}; "
            f"supported: {', '.join(SUPPORTED_EXTENSIONS)}",
        )
    try:
        size = p.stat().st_size
    except OSError:
        size = 0  # read_bytes names the problem
    check_size(str(path), size, "FA_MAX_TRANSCRIPT_MB", "the transcript")  # before reading a byte of it
    data = read_bytes(p)
    parsed = read_transcript_bytes(data, str(path), interviewer_names=interviewer_names)
    return parsed

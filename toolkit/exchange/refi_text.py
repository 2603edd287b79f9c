"""Text sources of a REFI-QDA project: decoding, and mapping selection positions onto the stored text exactly.

The standard counts positions in Unicode code points of the plain-text file, from 0; we read ``endPosition`` as
the position after the last selected character (``start + length``, like Python slices). We store text with
``\\n`` line endings and no BOM, so positions are mapped. Real exporters differ in four ways, each of which changes
the numbers:

- a Windows line break ``\\r\\n`` counts as two characters (the standard: they are two code points) or as one
  (tools that normalise line endings before counting);
- a character outside the Basic Multilingual Plane (emoji, some CJK) counts as one (code points) or as two
  (.NET and Java tools counting UTF-16 code units);
- a byte-order mark counts as nothing (usual) or as the first character;
- ``endPosition`` is the character after the selection (usual) or its last character (the standard's wording,
  "defined by the first and the last character", read literally).

:func:`choose_reading` tries the readings that make a difference for a source and keeps the one under which the
selections' names (ATLAS.ti names a selection by its opening words) match the text, that keeps every selection
inside the text and cuts no ``\\r\\n`` pair; without evidence it keeps the standard reading.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..errors import InputError
from ..ingest.decode import decode_bytes, normalise_newlines

_ELLIPSIS = ("\u2026", "...")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


@dataclass
class SourceText:
    raw: str  # decoded text as in the file (line endings kept, BOM removed)
    text: str  # what we store: line endings normalised to \n
    encoding: str | None
    had_bom: bool
    lost_cr: bool = False  # inline XML content whose \r\n the XML parser already turned into \n


def decode_source(data: bytes, file: str) -> SourceText:
    """Decode a ``.txt`` source of the archive: UTF-8 by the standard, but BOMs, UTF-16 and cp1252 are read too."""
    text, encoding = decode_bytes(data, file)
    had_bom = data.startswith(_BOMS)
    raw = data.decode(encoding, errors="strict").lstrip("\ufeff") if encoding else text
    if normalise_newlines(raw) != text:  # the decoder's own view wins; keep line-ending information only if it agrees
        raw = text
    return SourceText(raw=raw, text=text, encoding=encoding, had_bom=had_bom)


def inline_source(content: str, xml_had_crlf: bool) -> SourceText:
    """``<PlainTextContent>``: the XML parser already turned line breaks into ``\\n`` unless written as ``&#13;``."""
    content = content.lstrip("\ufeff")
    return SourceText(raw=content, text=normalise_newlines(content), encoding=None, had_bom=False,
                      lost_cr=xml_had_crlf and "\r" not in content and "\n" in content)


@dataclass(frozen=True)
class Reading:
    crlf: int = 2  # width of a \r\n pair (in inline content whose \r was lost: of every \n)
    utf16: bool = False  # astral characters count two
    bom: bool = False  # a BOM counts one
    inclusive: bool = False  # endPosition names the last selected character instead of the one after it

    def describe(self) -> str:
        parts = [f"line breaks count {self.crlf}", "UTF-16 code units" if self.utf16 else "code points"]
        if self.bom:
            parts.append("BOM counted")
        if self.inclusive:
            parts.append("end position inclusive")
        return ", ".join(parts)


class OffsetMap:
    """Positions of one reading of a source -> offsets into the stored text."""

    def __init__(self, src: SourceText, reading: Reading):
        self.reading = reading
        self.n = len(src.text)
        bounds = [1 if reading.bom else 0]  # bounds[i]: position where stored character i starts
        raw = src.raw
        i = 0
        while i < len(raw):
            ch = raw[i]
            if ch == "\r" and i + 1 < len(raw) and raw[i + 1] == "\n":
                w, i = reading.crlf, i + 2
            else:
                i += 1
                if ch == "\n" and src.lost_cr:
                    w = reading.crlf
                elif reading.utf16 and ord(ch) > 0xFFFF:
                    w = 2
                else:
                    w = 1
            bounds.append(bounds[-1] + w)
        self.bounds = bounds
        self.total = bounds[-1]

    def span(self, start: int, end: int) -> tuple[int, int, bool] | None:
        """``(start, end, exact)`` in stored-text offsets; None if outside the text. ``exact`` is False when a
        position fell inside a ``\\r\\n`` pair or a surrogate pair (the span is widened to whole characters)."""
        lo = self.bounds[0]
        if self.reading.inclusive:
            end += 1
        if start < lo or end > self.total or start > end:
            return None
        s = bisect_right(self.bounds, start) - 1
        e = bisect_left(self.bounds, end)
        exact = self.bounds[s] == start and self.bounds[e] == end
        return s, min(e, self.n), exact


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().casefold()


def name_matches(name: str | None, text: str) -> bool | None:
    """Does a selection's name quote the selected text? None when the name is no quote (e.g. ``Quotation 6:1``)."""
    if not name or not name.strip():
        return None
    n = name.strip()
    truncated = n.endswith(_ELLIPSIS)
    for e in _ELLIPSIS:
        if n.endswith(e):
            n = n[: -len(e)]
            break
    n, t = _norm(n), _norm(text)
    if len(n) < 8:
        return None
    return t.startswith(n) if truncated else (t == n or (len(n) >= 24 and t.startswith(n)))


def candidate_readings(src: SourceText) -> list[Reading]:
    """The standard reading first, then the alternatives that differ for this text."""
    crlf_opts = [2, 1] if ("\r\n" in src.raw) else ([1, 2] if src.lost_cr else [2])
    utf_opts = [False, True] if any(ord(c) > 0xFFFF for c in src.raw) else [False]
    bom_opts = [False, True] if src.had_bom else [False]
    return [Reading(c, u, b, i) for i in (False, True) for c in crlf_opts for u in utf_opts for b in bom_opts]


def choose_reading(src: SourceText, selections: list[tuple[int, int, str | None, str]], *, file: str) -> OffsetMap:
    """Pick the reading of ``src`` under which ``selections`` (start, end, name, element) fit best (see the module
    docstring).

    Raises :class:`InputError` naming the first selection that lies outside the text under every reading.
    """
    best = None
    best_key = None
    for order, reading in enumerate(candidate_readings(src)):
        om = OffsetMap(src, reading)
        spans = [om.span(a, b) for a, b, _, _ in selections]
        if any(sp is None for sp in spans):
            continue
        matches = sum(1 for sp, (_, _, nm, _) in zip(spans, selections, strict=True)
                      if name_matches(nm, src.text[sp[0]:sp[1]]))
        inexact = sum(1 for sp in spans if not sp[2])
        key = (matches, -inexact, -order)
        if best_key is None or key > best_key:
            best, best_key = om, key
    if best is None:
        om = OffsetMap(src, candidate_readings(src)[0])
        for a, b, _, place in selections:
            if om.span(a, b) is None:
                raise InputError(file, f"coding outside its source: positions {a}-{b}, but the text has {om.total} "
                                       "characters", place)
    return best

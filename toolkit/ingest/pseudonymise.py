"""Pseudonymisation: replace names with ids before a text is stored, and the name key kept apart from it."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path

from toolkit.errors import InputError
from toolkit.models import ParsedTranscript, Turn

from ..safeio import plain_cell, write_rows
from .decode import decode_bytes, read_bytes

# Genitive endings kept after the replacement: English "Kari's" / "Kari’s" / "Lars'", Norwegian "Karis".
_SUFFIX = r"(?P<suffix>'s|\u2019s|'|\u2019|s)?"


def _pattern(names: list[str]) -> re.Pattern[str]:
    alternatives = []
    for name in names:
        words = name.split()
        alternatives.append(r"\s+".join(re.escape(w) for w in words))
    return re.compile(rf"(?<!\w)(?P<name>{'|'.join(alternatives)}){_SUFFIX}(?!\w)", re.IGNORECASE)


def pseudonymise(text: str, names: Mapping[str, str]) -> tuple[str, list[dict]]:
    """Replace each name in ``names`` by its replacement; return ``(new_text, replacements)``.

    Names match as whole words, case-insensitively, longest first (so "Kari Nordmann" wins over "Kari"),
    with any run of whitespace between the words of a name, and with a genitive ending kept after the
    replacement ("Kari's" -> "P07's", Norwegian "Karis" -> "P07s"). Each replacement made is a dict
    ``{"name", "replacement", "original", "offset", "end", "source_offset", "source_end", "suffix"}``: ``offset``/``end``
    index ``new_text`` (the replacement, without the genitive ending), ``original`` is the replaced text and
    ``source_offset``/``source_end`` its place in ``text``; ``suffix`` is the genitive ending kept.
    """
    clean = {" ".join(k.split()): v for k, v in names.items() if k and k.strip()}
    if not clean:
        return text, []
    by_key = {k.casefold(): (k, v) for k, v in clean.items()}
    ordered = sorted(clean, key=lambda k: (-len(k), k))
    pattern = _pattern(ordered)
    out: list[str] = []
    made: list[dict] = []
    pos = 0
    length = 0
    for m in pattern.finditer(text):
        matched = m.group("name")
        key = " ".join(matched.split()).casefold()
        name, replacement = by_key[key]
        suffix = m.group("suffix") or ""
        before = text[pos : m.start()]
        out.append(before)
        length += len(before)
        made.append({"name": name, "replacement": replacement, "original": m.group(0),
                     "offset": length, "end": length + len(replacement),
                     "source_offset": m.start(), "source_end": m.end(), "suffix": suffix})
        out.append(replacement + suffix)
        length += len(replacement) + len(suffix)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), made


def _shift(pos: int, made: list[dict], *, is_end: bool) -> int:
    """Map an offset in the source text to the pseudonymised text."""
    delta = 0
    for r in made:
        src_len = r["source_end"] - r["source_offset"]
        new_len = r["end"] - r["offset"] + len(r["suffix"])
        if r["source_end"] <= pos:
            delta += new_len - src_len
        elif r["source_offset"] < pos:  # inside a replaced name: snap to its edge
            return r["offset"] + (new_len if is_end else 0)
        else:
            break
    return pos + delta


def pseudonymise_transcript(parsed: ParsedTranscript, names: Mapping[str, str]) -> tuple[ParsedTranscript, list[dict]]:
    """Pseudonymise a parsed transcript, keeping its turns: offsets are moved to the new text, speaker
    names are pseudonymised too, and roles and times are kept. Returns ``(new_parsed, replacements)``."""
    text, made = pseudonymise(parsed.text, names)
    turns = []
    for t in parsed.turns:
        speaker = pseudonymise(t.speaker, names)[0] if t.speaker else t.speaker
        turns.append(Turn(start=_shift(t.start, made, is_end=False), end=_shift(t.end, made, is_end=True),
                          speaker=speaker, role=t.role, t_start=t.t_start, t_end=t.t_end))
    return ParsedTranscript(text=text, turns=turns, format=parsed.format, encoding=parsed.encoding,
                            language=parsed.language, warnings=list(parsed.warnings)), made


def load_name_key(path) -> dict[str, str]:
    """Read a name key CSV (header ``name,replacement``) into ``{name: replacement}``.

    Blank lines are skipped; a missing header, an empty name or replacement, or a name listed twice with
    different replacements raises :class:`InputError` naming the file and the row.
    """
    text, _ = decode_bytes(read_bytes(path), str(path))
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip().casefold() for c in rows[0][:2]] != ["name", "replacement"]:
        raise InputError(str(path), "the name key needs a header 'name,replacement'", place="row 1")
    key: dict[str, str] = {}
    first: dict[str, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        cells = [plain_cell(c).strip() for c in row]
        if not any(cells):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise InputError(str(path), "a row needs both a name and a replacement", place=f"row {n}")
        name, replacement = " ".join(cells[0].split()), cells[1]
        folded = name.casefold()
        if folded in first:
            if key[next(k for k in key if k.casefold() == folded)] != replacement:
                raise InputError(
                    str(path), f"name {name!r} has two replacements (first on row {first[folded]})",
                    place=f"row {n}",
                )
            continue
        first[folded] = n
        key[name] = replacement
    return key


def write_name_key(path, mapping: Mapping[str, str]) -> Path:
    """Write ``{name: replacement}`` as a UTF-8 CSV with header ``name,replacement`` (sorted by replacement).

    Keep this file apart from the project: it is what re-identifies the participants.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    write_rows(p, ["name", "replacement"], sorted(mapping.items(), key=lambda kv: (kv[1], kv[0])))
    return p

"""Participant attributes from CSV or XLSX: one dict per participant."""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

from toolkit.errors import InputError

from .decode import decode_bytes, read_bytes

ID_COLUMNS = ("id", "participant", "participant_id")
SPECIAL_COLUMNS = ("pseudonym", "transcript")
_DATA_LIKE = re.compile(r"^(?:[A-Za-zÆØÅæøå]{0,3}[-_]?\d+|\d+(?:[.,]\d+)?)$")


def _key(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().casefold())


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.split("\n")[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = text.split("\n", 1)[0]
        counts = {d: first.count(d) for d in (",", ";", "\t")}
        return max(counts, key=counts.get) if any(counts.values()) else ","


def _csv_rows(path, data: bytes) -> list[list[str]]:
    text, _ = decode_bytes(data, path)
    delimiter = _sniff_delimiter(text)
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as e:
        raise InputError(path, f"cannot read CSV: {e}") from None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if hasattr(value, "isoformat") and not isinstance(value, str):
        text = value.isoformat()
        return text[:-9] if text.endswith("T00:00:00") else text
    return str(value).strip()


def _xlsx_rows(path, data: bytes) -> list[list[str]]:
    import pandas as pd

    try:
        frame = pd.read_excel(io.BytesIO(data), header=None, dtype=object, engine="openpyxl")
    except Exception as e:  # zipfile.BadZipFile, openpyxl errors, ValueError
        raise InputError(path, f"not a valid .xlsx file: {e}") from None
    return [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]


def _header(path, row: list[str]) -> list[str]:
    header = [h.strip() for h in row]
    while header and not header[-1]:
        header.pop()
    if not header or not any(header):
        raise InputError(path, "no header row (the first row is empty)", place="row 1")
    for i, h in enumerate(header, start=1):
        if not h:
            raise InputError(path, f"no header: column {i} has no name", place="row 1")
    keys = [_key(h) for h in header]
    if not any(k in ID_COLUMNS for k in keys) and _DATA_LIKE.match(header[0]):
        bad = header[0]
        raise InputError(
            path, f"no header row: the first row looks like data ({bad!r}); add a header such as 'id,...'",
            place="row 1",
        )
    seen: dict[str, int] = {}
    for i, h in enumerate(header, start=1):
        k = _key(h)
        if k in seen:
            raise InputError(path, f"duplicate column name {h!r} (columns {seen[k]} and {i})", place="row 1")
        seen[k] = i
    return header


def rows_to_participants(path, rows: list[list[str]]) -> list[dict]:
    """Turn a header row plus data rows into participant dicts (see :func:`read_attributes`)."""
    if not rows:
        raise InputError(path, "empty file: no header and no participants")
    header = _header(path, rows[0])
    keys = [_key(h) for h in header]
    id_col = next((keys.index(k) for k in ID_COLUMNS if k in keys), 0)
    special = {k: keys.index(k) for k in SPECIAL_COLUMNS if k in keys and keys.index(k) != id_col}
    out: list[dict] = []
    first_row: dict[str, int] = {}
    for n, raw in enumerate(rows[1:], start=2):
        row = [c.strip() for c in raw]
        if not any(row):
            continue
        if len(row) > len(header) and any(row[len(header):]):
            raise InputError(path, f"{len(row)} values but the header has {len(header)} columns", place=f"row {n}")
        row = row + [""] * (len(header) - len(row))
        pid = row[id_col]
        if not pid:
            raise InputError(path, f"empty participant id (column {header[id_col]!r})", place=f"row {n}")
        if pid.casefold() in first_row:
            raise InputError(
                path, f"duplicate participant id {pid!r} (first on row {first_row[pid.casefold()]})",
                place=f"row {n}",
            )
        first_row[pid.casefold()] = n
        attributes = {
            header[i]: row[i]
            for i in range(len(header))
            if i != id_col and i not in special.values() and row[i]
        }
        out.append({
            "id": pid,
            "pseudonym": (row[special["pseudonym"]] or None) if "pseudonym" in special else None,
            "transcript": (row[special["transcript"]] or None) if "transcript" in special else None,
            "attributes": attributes,
            "row": n,
        })
    return out


def read_attributes(path) -> list[dict]:
    """Read participants from a ``.csv`` (delimiter sniffed: ``,`` ``;`` tab) or ``.xlsx`` file.

    The id column is ``id``, ``participant`` or ``participant_id`` (any case), else the first column. Each
    dict has ``id``, ``pseudonym`` and ``transcript`` (None when absent), ``attributes`` (the other columns,
    values as strings, empty cells omitted) and ``row`` (1-based, header = row 1). Duplicate or empty ids,
    a missing header, or a row longer than the header raise :class:`InputError` naming the file and row.
    """
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in (".csv", ".xlsx", ".tsv", ".txt"):
        raise InputError(str(path), f"unsupported attributes format {ext!r}; supported: .csv, .xlsx")
    data = read_bytes(p)
    if not data.strip():
        raise InputError(str(path), "empty file: no header and no participants")
    rows = _xlsx_rows(str(path), data) if ext == ".xlsx" else _csv_rows(str(path), data)
    return rows_to_participants(str(path), rows)

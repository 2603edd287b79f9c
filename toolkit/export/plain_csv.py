"""CSV files a spreadsheet opens as text: cells that a spreadsheet would read as a formula (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) get a leading apostrophe. Used by the memo list and the teacher's
overview."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value):
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def to_csv_text(df: pd.DataFrame) -> str:
    return df.apply(lambda col: col.map(neutral)).to_csv(index=False, lineterminator="\n")


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    path = Path(path)
    try:
        path.write_text(to_csv_text(df), encoding="utf-8")
    except OSError as e:
        raise InputError(path, f"cannot write: {e.strerror or e}") from None
    return path

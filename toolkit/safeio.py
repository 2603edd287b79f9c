"""Writing files people open elsewhere, safely.

- ``atomic_output(path)``: write to a temporary file beside ``path`` and rename it into place only when the writer
  finished, so a failed export never leaves a half-written .docx/.xlsx/.csv behind (and an older file stays intact).
- ``safe_cell(value)``: project text that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return) gets a leading single quote (OWASP "CSV injection" advice). Every CSV and XLSX writer
  passes project text through it; numbers stay numbers.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` unchanged unless it is text a spreadsheet would take for a formula: then ``'`` + text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def plain_cell(value):
    """Undo ``safe_cell`` when reading back a file this toolkit wrote (``'=x`` -> ``=x``); other text unchanged."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell (and column name) passed through ``safe_cell``."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    return out


@contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path in ``path``'s folder; on success it replaces ``path``, on any error it is removed."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

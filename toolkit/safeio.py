"""Writing files people open elsewhere, safely: the one place every CSV/XLSX/DOCX writer goes through.

- ``atomic_output(path)``: write to a temporary file beside ``path`` and rename it into place only when the writer
  finished, so a failed export never leaves a half-written .docx/.xlsx/.csv behind (and an older file stays intact).
  ``save_atomic(obj, path)`` does this for python-docx and openpyxl objects, ``write_csv(df, path)`` for frames.
- ``safe_cell(value)``: project text that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return) gets a leading single quote (OWASP "CSV injection" advice). Every CSV and XLSX writer
  passes project text through it (``safe_frame``, ``csv_bytes``, ``xlsx_cell``); numbers stay numbers, and .xlsx text
  cells are typed as strings, never formulas.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
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


def _write_error(path: Path, e: OSError):
    from .errors import InputError

    return InputError(path, f"cannot write: {e.strerror or e}")


def write_csv(df: pd.DataFrame, path: str | Path, **to_csv) -> Path:
    """``df`` as UTF-8 CSV at ``path``: formula-safe cells, written whole or not at all."""
    path = Path(path)
    to_csv.setdefault("index", False)
    to_csv.setdefault("lineterminator", "\n")
    frame = safe_frame(df.reset_index() if to_csv["index"] else df)
    to_csv["index"] = False
    try:
        with atomic_output(path) as tmp:
            frame.to_csv(tmp, encoding="utf-8", **to_csv)
    except OSError as e:
        raise _write_error(path, e) from None
    return path


def write_rows(path: str | Path, header: list[str], rows: Iterable[Iterable]) -> Path:
    """Rows of values as UTF-8 CSV at ``path`` (a header first): formula-safe cells, written whole or not at all."""
    import csv

    path = Path(path)
    try:
        with atomic_output(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([safe_cell(h) for h in header])
            w.writerows([safe_cell(v) for v in row] for row in rows)
    except OSError as e:
        raise _write_error(path, e) from None
    return path


def csv_bytes(df: pd.DataFrame, **to_csv) -> bytes:
    """``df`` as formula-safe UTF-8 CSV bytes (for downloads)."""
    to_csv.setdefault("index", False)
    to_csv.setdefault("lineterminator", "\n")
    frame = safe_frame(df.reset_index() if to_csv["index"] else df)
    to_csv["index"] = False
    return frame.to_csv(**to_csv).encode("utf-8")


def save_atomic(obj, path: str | Path) -> Path:
    """``obj.save(...)`` (python-docx Document, openpyxl Workbook) through a temporary file renamed into place."""
    path = Path(path)
    try:
        with atomic_output(path) as tmp:
            obj.save(str(tmp))
    except OSError as e:
        raise _write_error(path, e) from None
    return path


def xlsx_cell(ws, value, **style):
    """A write-only openpyxl cell: text neutralised (``safe_cell``) and typed as a string (never a formula)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=safe_cell(value))
    if isinstance(value, str):
        cell.data_type = "s"
    for k, v in style.items():
        setattr(cell, k, v)
    return cell


# --- uploads --------------------------------------------------------------------------------------------------------


def upload_name(name: str | None, default: str = "upload") -> str:
    """Only the base name of a browser-supplied file name: ``../../x.yaml``, ``/var/x.yaml`` and ``C:\\x\\y.yaml`` all
    become the last part; control characters are dropped; an empty, ``.`` or ``..`` name becomes ``default``."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return default if base in ("", ".", "..") else base[:200]


@contextmanager
def private_dir(prefix: str = "fa-upload-") -> Iterator[Path]:
    """A new folder only this user can read (``tempfile.mkdtemp``), removed with everything in it afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def upload_path(folder: Path, name: str | None, *, prefix: str = "") -> Path:
    """Where to put an upload called ``name`` in ``folder`` (a ``private_dir``): the base name only, never outside."""
    path = folder / (prefix + upload_name(name))
    if path.resolve().parent != folder.resolve():  # cannot happen with a base name; kept as a guard
        raise ValueError(f"refusing upload name {name!r}")
    return path

"""Codebooks as CSV: ``code,label,definition,category`` (+ optional parent, examples, include, exclude, ring, kind).

Code ids are checked like those of YAML frameworks; writing neutralises text a spreadsheet would run as a formula,
and reading undoes that, so a codebook written here reads back unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from .codetree import check_tree
from .errors import InputError
from .limits import check_size
from .models import ID_RE, Category, Code, Framework, clean_text
from .safeio import plain_cell, write_rows

CODEBOOK_COLUMNS = ["code", "label", "definition", "category"]


def read_codebook_csv(path: str | Path, framework_id: str | None = None, name: str | None = None) -> Framework:
    """Read ``code,label,definition,category`` (+ optional parent, examples, include, exclude, ring, kind)."""
    from .ingest import decode_bytes

    path = Path(path)
    check_size(path, path.stat().st_size if path.is_file() else 0, "FA_MAX_FRAMEWORK_MB", "the codebook")
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(path, "empty file")
    decoded, _ = decode_bytes(raw, path)
    reader = csv.DictReader(io.StringIO(decoded))
    cols = [c.strip().lower() for c in reader.fieldnames or []]
    if "code" not in cols:
        raise InputError(path, f"no 'code' column in the header (found: {', '.join(cols) or 'nothing'})", "row 1")
    reader.fieldnames = cols
    cats: dict[str, Category] = {}
    seen: dict[str, int] = {}
    for rowno, row in enumerate(reader, start=2):
        row = {k: clean_text(plain_cell(v)) for k, v in row.items() if k}
        cid = row.get("code", "")
        if not cid:
            raise InputError(path, "empty code id", f"row {rowno}")
        if not ID_RE.match(cid):
            raise InputError(path, f"code id {cid!r} may only hold letters, digits, '_', '.', '-'", f"row {rowno}")
        if cid in seen:
            raise InputError(path, f"duplicate code id {cid!r} (first in row {seen[cid]})", f"row {rowno}")
        seen[cid] = rowno
        cat_label = row.get("category") or "Uncategorised"
        cat = cats.setdefault(cat_label, Category(id=_slug(cat_label), label=cat_label))
        examples = [e.strip() for e in row.get("examples", "").split("|") if e.strip()]
        cat.codes.append(Code(id=cid, label=row.get("label") or cid, definition=row.get("definition", ""),
                              include=row.get("include", ""), exclude=row.get("exclude", ""), examples=examples,
                              ring=row.get("ring") or None, kind=row.get("kind") or None, category_id=cat.id,
                              parent=row.get("parent") or None))
    if not seen:
        raise InputError(path, "no codes (only a header)")
    fid = framework_id or _slug(path.stem)
    fw = Framework(id=fid, name=name or path.stem, categories=list(cats.values()), source_file=str(path))
    check_tree(fw, path, {k: f"row {v}" for k, v in seen.items()})
    return fw


def write_codebook_csv(fw: Framework, path: str | Path) -> None:
    write_rows(path, CODEBOOK_COLUMNS + ["parent", "examples", "include", "exclude", "ring", "kind"],
               [(c.id, c.label, c.definition, cat.label, c.parent or "", "|".join(c.examples), c.include, c.exclude,
                 c.ring or "", c.kind or "") for cat in fw.categories for c in cat.codes])


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-]+", "_", s.strip()).strip("_") or "category"



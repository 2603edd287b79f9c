"""Codings in and out as CSV (``transcript,participant,start,end,text,code,coder``).

Importing is all or nothing and idempotent: a row the same coder already has (same transcript, span and code) is
counted as already there, not added twice, so importing the same file again changes nothing. A ``participant`` column
that names someone else than the transcript's participant is refused, naming the row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError, NotFoundError
from .safeio import plain_cell, write_csv
from .store import Project
from .store import core as db
from .store.events import Action

CODINGS_COLUMNS = ["transcript", "participant", "start", "end", "text", "code", "coder"]


class CodingsImported(int):
    """The number of codings added (an ``int``), with ``skipped`` (rows already in the project), ``frameworks`` (the
    framework(s) they went to) and ``inferred`` (the framework was worked out from the file's codes)."""

    skipped: int = 0
    frameworks: list[str]
    inferred: bool = False

    def __new__(cls, added: int, skipped: int = 0, frameworks: list[str] | None = None,
                inferred: bool = False) -> CodingsImported:
        obj = super().__new__(cls, added)
        obj.skipped, obj.frameworks, obj.inferred = skipped, list(frameworks or []), inferred
        return obj


def _infer_framework(path: Path, rows: list[tuple[int, dict]], by_code: dict[str, list[str]],
                     fids: list[str]) -> str | None:
    """The one framework holding every code of the rows that name no framework; None when no single framework holds
    them all but each code belongs to exactly one (a file mixing frameworks). Several fits: an error asking which."""
    codes = {(row.get("code") or "").strip() for _, row in rows if not (row.get("framework") or "").strip()}
    if not codes:
        return None
    fits = [f for f in fids if all(f in by_code.get(c, []) for c in codes)]
    if len(fits) == 1:
        return fits[0]
    if len(fits) > 1:
        raise InputError(path, f"its {len(codes)} codes fit {len(fits)} frameworks ({', '.join(fits)}); "
                               f"say which with --framework")
    for rowno, row in rows:
        cid = (row.get("code") or "").strip()
        owners = by_code.get(cid, [])
        if len(owners) != 1 and not (row.get("framework") or "").strip():
            why = "unknown" if not owners else f"in {', '.join(owners)}, and no framework holds all the file's codes"
            raise InputError(path, f"code {cid!r} is {why}; use --framework or a framework column", f"row {rowno}")
    return None


def import_codings(project: Project, path: str | Path, *, framework: str | None = None, coder: str | None = None,
                   actor: str | None = None) -> CodingsImported:
    """Import codings from CSV, all or nothing; returns the number added (``.skipped``: rows already there).

    A row whose ``text`` differs from the stored transcript text at ``start:end`` is refused, naming the row.
    Without ``framework`` (and without a ``framework`` column), the framework is the one that holds every code of the
    file; when several do, the import asks which (an error naming them); when none does, each code must belong to
    exactly one framework.
    """
    from .ingest import decode_bytes

    path = Path(path)
    text, _ = decode_bytes(path.read_bytes(), path)
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("transcript", "start", "end", "code") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}; expected {','.join(CODINGS_COLUMNS)}", "row 1")
    rows = [(rowno, {k: plain_cell(v) for k, v in row.items()})  # a file exported here: neutralised text read back
            for rowno, row in enumerate(reader, start=2)]
    n = skipped = 0
    used: list[str] = []
    with project.transaction(Action.CODINGS_IMPORT, actor=actor, payload={"file": str(path), "coder": coder}) as s:
        fids = [framework] if framework else db.framework_ids(s)
        if framework and not db.has_framework(s, framework):
            raise NotFoundError(f"no framework {framework!r} in this project (known: {', '.join(db.framework_ids(s))})")
        code_index: dict[tuple[str, str], int] = {}
        by_code: dict[str, list[str]] = {}
        for fid in fids:
            for cid, pk in db.code_pks(s, fid).items():
                code_index[(fid, cid)] = pk
                by_code.setdefault(cid, []).append(fid)
        inferred = None if framework else _infer_framework(path, rows, by_code, fids)
        texts: dict[str, tuple[int, str, str]] = {}
        coders: dict[str, tuple[int, set]] = {}
        for rowno, row in rows:
            place = f"row {rowno}"
            tname = (row.get("transcript") or "").strip()
            if tname not in texts:
                try:
                    tr = db.resolve_transcript(s, tname)
                except NotFoundError:
                    raise InputError(path, f"unknown transcript {tname!r}", place) from None
                texts[tname] = (tr.id, tr.text, tr.participant_id or "")
            tid, ttext, tpart = texts[tname]
            given_part = (row.get("participant") or "").strip()
            if given_part and given_part != tpart:
                raise InputError(path, f"participant {given_part!r} disagrees with transcript {tname!r}, which "
                                       f"belongs to {tpart or 'no participant'!r}", place)
            try:
                start, end = int(row["start"]), int(row["end"])
            except (TypeError, ValueError):
                raise InputError(path, f"start/end must be whole numbers, got {row.get('start')!r}/{row.get('end')!r}",
                                 place) from None
            if not 0 <= start < end <= len(ttext):
                raise InputError(path, f"span {start}:{end} lies outside transcript {tname!r} "
                                       f"(length {len(ttext)})", place)
            given = row.get("text")
            if given is not None and given != "" and given.replace("\r\n", "\n") != ttext[start:end]:
                raise InputError(path, f"text does not match transcript {tname!r} at {start}:{end}: file has "
                                       f"{given[:40]!r}, transcript has {ttext[start:end][:40]!r}", place)
            cid = (row.get("code") or "").strip()
            fid = (row.get("framework") or "").strip() or framework or inferred or (by_code.get(cid) or [""])[0]
            if (fid, cid) not in code_index:
                raise InputError(path, f"unknown code {cid!r} (not in framework {fid!r})", place)
            name = coder or (row.get("coder") or "").strip() or "imported"
            if name not in coders:
                cpk = db.coder_id(s, name)
                coders[name] = (cpk, db.coding_keys(s, cpk))
            cpk, have = coders[name]
            key = (tid, start, end, code_index[(fid, cid)])
            if fid not in used:
                used.append(fid)
            if key in have:
                skipped += 1
                continue
            have.add(key)
            db.add_coding(s, transcript_id=tid, start=start, end=end, code_pk=key[3], coder=cpk, origin="imported")
            n += 1
        if not rows:
            raise InputError(path, "no codings (only a header)")
    return CodingsImported(n, skipped, used, inferred is not None)


def export_codings(project: Project, path: str | Path, *, framework: str | None = None,
                   coders: Iterable[str] | None = None) -> int:
    """Write the active codings as CSV (text that a spreadsheet would run as a formula is neutralised)."""
    with project.read() as s:
        df = db.codings_frame(s, framework_id=framework, coders=coders)
    out = df.rename(columns={"participant_id": "participant", "code_id": "code", "framework_id": "framework"})
    cols = CODINGS_COLUMNS + ["framework", "origin", "score", "model", "created_at"]
    out = out.reindex(columns=cols)
    write_csv(out, path)
    return len(out)

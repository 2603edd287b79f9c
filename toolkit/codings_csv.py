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
from .safeio import atomic_output, plain_cell, safe_frame
from .store import Project
from .store import core as db
from .store.events import Action

CODINGS_COLUMNS = ["transcript", "participant", "start", "end", "text", "code", "coder"]


class CodingsImported(int):
    """The number of codings added (an ``int``), with ``skipped``: rows already in the project."""

    skipped: int = 0

    def __new__(cls, added: int, skipped: int = 0) -> CodingsImported:
        obj = super().__new__(cls, added)
        obj.skipped = skipped
        return obj


def import_codings(project: Project, path: str | Path, *, framework: str | None = None, coder: str | None = None,
                   actor: str | None = None) -> CodingsImported:
    """Import codings from CSV, all or nothing; returns the number added (``.skipped``: rows already there).

    A row whose ``text`` differs from the stored transcript text at ``start:end`` is refused, naming the row.
    Without ``framework``, each code id must be unique across the project's frameworks (or a ``framework`` column
    given).
    """
    from .ingest import decode_bytes

    path = Path(path)
    text, _ = decode_bytes(path.read_bytes(), path)
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("transcript", "start", "end", "code") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}; expected {','.join(CODINGS_COLUMNS)}", "row 1")
    n = skipped = rows = 0
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
        texts: dict[str, tuple[int, str, str]] = {}
        coders: dict[str, tuple[int, set]] = {}
        for rowno, row in enumerate(reader, start=2):
            place = f"row {rowno}"
            row = {k: plain_cell(v) for k, v in row.items()}  # a file exported here: neutralised text read back
            rows += 1
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
            fid = (row.get("framework") or "").strip() or framework
            if not fid:
                owners = by_code.get(cid, [])
                if len(owners) != 1:
                    why = "unknown" if not owners else f"ambiguous (in {', '.join(owners)}; use --framework)"
                    raise InputError(path, f"code {cid!r} is {why}", place)
                fid = owners[0]
            if (fid, cid) not in code_index:
                raise InputError(path, f"unknown code {cid!r} (not in framework {fid!r})", place)
            name = coder or (row.get("coder") or "").strip() or "imported"
            if name not in coders:
                cpk = db.coder_id(s, name)
                coders[name] = (cpk, db.coding_keys(s, cpk))
            cpk, have = coders[name]
            key = (tid, start, end, code_index[(fid, cid)])
            if key in have:
                skipped += 1
                continue
            have.add(key)
            db.add_coding(s, transcript_id=tid, start=start, end=end, code_pk=key[3], coder=cpk, origin="imported")
            n += 1
        if rows == 0:
            raise InputError(path, "no codings (only a header)")
    return CodingsImported(n, skipped)


def export_codings(project: Project, path: str | Path, *, framework: str | None = None,
                   coders: Iterable[str] | None = None) -> int:
    """Write the active codings as CSV (text that a spreadsheet would run as a formula is neutralised)."""
    with project.read() as s:
        df = db.codings_frame(s, framework_id=framework, coders=coders)
    out = df.rename(columns={"participant_id": "participant", "code_id": "code", "framework_id": "framework"})
    cols = CODINGS_COLUMNS + ["framework", "origin", "score", "model", "created_at"]
    out = safe_frame(out.reindex(columns=cols))
    with atomic_output(path) as tmp:
        out.to_csv(tmp, index=False, lineterminator="\n")
    return len(out)

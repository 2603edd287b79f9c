"""Project-level operations of the foundation: create, import transcripts and attributes, add frameworks,
crosswalks and measures catalogues, move codings in and out as CSV, report status.

Every operation reads and checks all its input first, then writes it in one transaction: a failed import changes
nothing.
"""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import frameworks as fwio
from .errors import InputError, NotFoundError
from .models import Framework, ParsedTranscript
from .store import Project, init_project, open_project
from .store import core as db

TRANSCRIPT_EXTENSIONS = (".txt", ".md", ".docx", ".vtt", ".srt")
# files in a folder that are not transcripts (an explicit file path is always imported)
DEFAULT_EXCLUDE = ("README*", "readme*", "*guide*", "*Guide*", ".*", "~$*")
Progress = Callable[[int, int, str], None]

__all__ = ["create", "open_project", "import_transcripts", "import_attributes", "add_framework",
           "add_crosswalk", "add_measures", "import_codings", "export_codings", "status", "ImportReport"]


def create(path: str | Path, *, name: str | None = None, shipped: bool = True) -> Project:
    """A new project; with ``shipped`` the frameworks, crosswalks and measures in ``frameworks/`` are added."""
    if shipped:
        folder = fwio.load_folder(fwio.SHIPPED_DIR) if fwio.SHIPPED_DIR.is_dir() else None
    project = init_project(path, name)
    if shipped and folder is not None:
        with project.transaction("frameworks.add_shipped", payload={"frameworks": sorted(folder.frameworks)}) as s:
            for fw in folder.frameworks.values():
                db.add_framework(s, fw)
            from .store import measures as mdb

            for cw in folder.crosswalks.values():
                mdb.add_crosswalk(s, cw)
            for cat in folder.catalogues.values():
                mdb.add_catalogue(s, cat)
    return project


# --- transcripts --------------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    transcripts: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already in the project (same content)
    left_out: list[str] = field(default_factory=list)  # in a folder but matching an exclude pattern
    participants: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _participant_for(name: str, known: Iterable[str], by_transcript: dict[str, str]) -> str | None:
    if name in by_transcript:
        return by_transcript[name]
    stem = Path(name).stem
    for pid in sorted(known, key=len, reverse=True):
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(pid)}(?![0-9])", stem, re.IGNORECASE):
            return pid
    m = re.match(r"^([A-Za-z]{1,3}\d{1,4})(?![0-9])", stem)
    return m.group(1).upper() if m else None


def import_transcripts(project: Project, paths: Iterable[str | Path] | str | Path, *,
                       attributes: str | Path | None = None, pseudonyms: str | Path | None = None,
                       interviewer_names: Iterable[str] = (), exclude: Iterable[str] = DEFAULT_EXCLUDE,
                       actor: str | None = None, progress: Progress | None = None) -> ImportReport:
    """Import transcript files and/or folders (and optionally a participants CSV/XLSX) in one transaction.

    Every file is read and checked before anything is written; any error leaves the project exactly as it was.
    In folders, files matching an ``exclude`` glob (README, interview guide, hidden files) are left out and reported.
    ``pseudonyms`` is a CSV key file ``name,replacement`` (kept apart from the project) applied before storing.
    """
    from .ingest import load_name_key, pseudonymise_transcript, read_attributes, read_transcript

    if isinstance(paths, str | Path):
        paths = [paths]
    files: list[Path] = []
    left_out: list[str] = []
    exclude = tuple(exclude)
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.iterdir()):
                if not f.is_file() or f.suffix.lower() not in TRANSCRIPT_EXTENSIONS:
                    continue
                if any(fnmatch.fnmatch(f.name, pat) for pat in exclude):
                    left_out.append(f.name)
                else:
                    files.append(f)
        elif p.is_file():
            files.append(p)
        else:
            raise InputError(p, "no such file or folder")
    if not files:
        raise InputError(", ".join(map(str, paths)), f"no transcripts found ({', '.join(TRANSCRIPT_EXTENSIONS)})")
    attr_rows = read_attributes(attributes) if attributes else []
    key = load_name_key(pseudonyms) if pseudonyms else {}
    parsed: list[tuple[Path, ParsedTranscript, str]] = []
    names: dict[str, Path] = {}
    for i, f in enumerate(files):
        if f.name in names:
            raise InputError(f, f"two transcripts with the same file name (also {names[f.name]})")
        names[f.name] = f
        raw = f.read_bytes()
        pt = read_transcript(f, interviewer_names=interviewer_names)
        if key:
            pt, _ = pseudonymise_transcript(pt, key)
        parsed.append((f, pt, hashlib.sha256(raw).hexdigest()))
        if progress:
            progress(i + 1, len(files), f.name)
    report = ImportReport(left_out=left_out)
    with project.transaction("transcripts.import", actor=actor,
                             payload={"files": [f.name for f in files], "attributes": str(attributes or "")}) as s:
        for row in attr_rows:
            db.upsert_participant(s, row["id"], row.get("attributes"), row.get("pseudonym"))
            report.participants.append(row["id"])
        by_transcript = {r["transcript"]: r["id"] for r in attr_rows if r.get("transcript")}
        known = [p["id"] for p in db.participants(s)]
        for f, pt, sha in parsed:
            existing = db.transcript_by_name(s, f.name)
            if existing is not None:
                if existing.sha256 == sha:
                    report.skipped.append(f.name)
                    continue
                raise InputError(f, "a different transcript with this name is already in the project")
            pid = _participant_for(f.name, known, by_transcript)
            if pid and pid not in known:
                db.upsert_participant(s, pid)
                known.append(pid)
            db.add_transcript(s, name=f.name, parsed=pt, source_name=str(f.name), sha256=sha, participant_id=pid,
                              meta={"pseudonymised": bool(key)})
            report.transcripts.append(f.name)
            report.warnings += [f"{f.name}: {w}" for w in pt.warnings]
    return report


def import_attributes(project: Project, path: str | Path, *, actor: str | None = None) -> list[str]:
    """Add or update participants and their attributes from CSV/XLSX; link transcripts named in a `transcript` column."""
    from .ingest import read_attributes

    rows = read_attributes(path)
    with project.transaction("participants.import", actor=actor, payload={"file": str(path)}) as s:
        for row in rows:
            db.upsert_participant(s, row["id"], row.get("attributes"), row.get("pseudonym"))
            if row.get("transcript"):
                tr = db.transcript_by_name(s, row["transcript"])
                if tr is not None:
                    db.set_transcript_participant(s, tr.id, row["id"])
    return [r["id"] for r in rows]


# --- frameworks ---------------------------------------------------------------------------------------------------


def add_framework(project: Project, source: str | Path | Framework, *, actor: str | None = None) -> Framework:
    fw = source if isinstance(source, Framework) else fwio.load_framework(source)
    with project.transaction("framework.add", actor=actor, payload={"framework": fw.id, "file": fw.source_file}) as s:
        if db.has_framework(s, fw.id):
            raise InputError(fw.source_file or fw.id, f"framework {fw.id!r} is already in this project")
        db.add_framework(s, fw)
    return fw


def get_framework(project: Project, framework_id: str) -> Framework:
    with project.read() as s:
        return db.get_framework(s, framework_id)


def add_crosswalk(project: Project, path: str | Path, *, actor: str | None = None) -> fwio.Crosswalk:
    from .store import measures as mdb

    with project.transaction("crosswalk.add", actor=actor, payload={"file": str(path)}) as s:
        cw = fwio.load_crosswalk(path)
        fws = {fid: db.get_framework(s, fid) for fid in (cw.from_framework, cw.to_framework)
               if db.has_framework(s, fid)}
        fwio.check_crosswalk(cw, fws)
        mdb.add_crosswalk(s, cw)
    return cw


def add_measures(project: Project, path: str | Path, *, actor: str | None = None) -> fwio.MeasuresCatalogue:
    from .store import measures as mdb

    with project.transaction("measures.add", actor=actor, payload={"file": str(path)}) as s:
        cat = fwio.load_measures(path)
        fws = {cat.framework: db.get_framework(s, cat.framework)} if db.has_framework(s, cat.framework) else {}
        fwio.check_measures(cat, fws)
        mdb.add_catalogue(s, cat)
    return cat


# --- codings CSV --------------------------------------------------------------------------------------------------

CODINGS_COLUMNS = ["transcript", "participant", "start", "end", "text", "code", "coder"]


def import_codings(project: Project, path: str | Path, *, framework: str | None = None, coder: str | None = None,
                   actor: str | None = None) -> int:
    """Import codings from CSV (``transcript,participant,start,end,text,code,coder``), all or nothing.

    A row whose ``text`` differs from the stored transcript text at ``start:end`` is refused, naming the row.
    Without ``framework``, each code id must be unique across the project's frameworks (or a ``framework`` column given).
    """
    from .ingest import decode_bytes

    path = Path(path)
    text, _ = decode_bytes(path.read_bytes(), path)
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("transcript", "start", "end", "code") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}; expected {','.join(CODINGS_COLUMNS)}", "row 1")
    n = 0
    with project.transaction("codings.import", actor=actor, payload={"file": str(path), "coder": coder}) as s:
        fids = [framework] if framework else db.framework_ids(s)
        if framework and not db.has_framework(s, framework):
            raise NotFoundError(f"no framework {framework!r} in this project (known: {', '.join(db.framework_ids(s))})")
        code_index: dict[tuple[str, str], int] = {}
        by_code: dict[str, list[str]] = {}
        for fid in fids:
            for cid, pk in db.code_pks(s, fid).items():
                code_index[(fid, cid)] = pk
                by_code.setdefault(cid, []).append(fid)
        texts: dict[str, tuple[int, str]] = {}
        coders: dict[str, int] = {}
        for rowno, row in enumerate(reader, start=2):
            place = f"row {rowno}"
            tname = (row.get("transcript") or "").strip()
            if tname not in texts:
                try:
                    tr = db.resolve_transcript(s, tname)
                except NotFoundError:
                    raise InputError(path, f"unknown transcript {tname!r}", place) from None
                texts[tname] = (tr.id, tr.text)
            tid, ttext = texts[tname]
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
                coders[name] = db.coder_id(s, name)
            db.add_coding(s, transcript_id=tid, start=start, end=end, code_pk=code_index[(fid, cid)],
                          coder=coders[name], origin="imported")
            n += 1
        if n == 0:
            raise InputError(path, "no codings (only a header)")
    return n


def export_codings(project: Project, path: str | Path, *, framework: str | None = None,
                   coders: Iterable[str] | None = None) -> int:
    with project.read() as s:
        df = db.codings_frame(s, framework_id=framework, coders=coders)
    out = df.rename(columns={"participant_id": "participant", "code_id": "code", "framework_id": "framework"})
    cols = CODINGS_COLUMNS + ["framework", "origin", "score", "model", "created_at"]
    out = out.reindex(columns=cols)
    out.to_csv(path, index=False, lineterminator="\n")
    return len(out)


# --- status -------------------------------------------------------------------------------------------------------


def status(project: Project) -> dict:
    with project.read() as s:
        return {
            "name": db.get_setting(s, "name"),
            "path": str(project.path),
            "participants": db.count(s, "participant"),
            "transcripts": db.count(s, "transcript"),
            "segments": db.count(s, "segment"),
            "codings": db.count(s, "coding"),
            "memos": db.count(s, "memo"),
            "frameworks": db.frameworks_summary(s),
            "coders": [c["name"] for c in db.list_coders(s)],
        }


def set_model(project: Project, model_path: str | Path | None, *, actor: str | None = None) -> None:
    """Use a local sentence-transformers model directory for this project, or a packaged model by name
    (``multilingual-e5-small``: for interviews not in English); None: the packaged default all-MiniLM-L6-v2."""
    from .embed import NAMED_MODELS

    named = model_path is not None and str(model_path) in NAMED_MODELS
    if model_path is not None and not named and not Path(model_path).is_dir():
        raise InputError(model_path, "not a local model directory or a packaged model name "
                                     f"({', '.join(NAMED_MODELS)}); models are never downloaded")
    value = str(model_path) if named else (str(Path(model_path).resolve()) if model_path else None)
    with project.transaction("project.set_model", actor=actor, payload={"model_path": str(model_path or "")}) as s:
        db.set_setting(s, "model_path", value)


def import_uploads(project: Project, files: Iterable[tuple[str, bytes]], *, attributes: tuple[str, bytes] | None = None,
                   actor: str | None = None, progress: Progress | None = None) -> ImportReport:
    """Import files given as (name, bytes) pairs, e.g. browser uploads, through the same checks as files on disk."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="fa-upload-") as tmp:
        paths = []
        for name, data in files:
            p = Path(tmp) / Path(name).name
            p.write_bytes(data)
            paths.append(p)
        attr_path = None
        if attributes is not None:
            attr_path = Path(tmp) / ("attributes-" + Path(attributes[0]).name)
            attr_path.write_bytes(attributes[1])
        if not paths and attr_path is not None:
            import_attributes(project, attr_path, actor=actor)
            return ImportReport(participants=["(attributes)"])
        return import_transcripts(project, paths, attributes=attr_path, actor=actor, progress=progress)

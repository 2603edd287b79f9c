"""Project-level operations of the foundation: create, import transcripts and attributes, add frameworks,
crosswalks and measures catalogues, move codings in and out as CSV, report status.

Every operation reads and checks all its input first, then writes it in one transaction: a failed import changes
nothing.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import access, settings
from . import frameworks as fwio
from .codings_csv import CODINGS_COLUMNS, CodingsImported, export_codings, import_codings  # noqa: F401 (API)
from .errors import InputError
from .indexing.workspace import cut_passages
from .models import Framework, ParsedTranscript
from .store import Project, init_project, open_project
from .store import core as db
from .store.events import Action

TRANSCRIPT_EXTENSIONS = (".txt", ".md", ".docx", ".vtt", ".srt")
# files in a folder that are not transcripts (an explicit file path is always imported)
DEFAULT_EXCLUDE = ("README*", "readme*", "*guide*", "*Guide*", ".*", "~$*")
Progress = Callable[[int, int, str], None]
_DUP_HINT = "to import it anyway, pass allow_duplicates=True (--allow-duplicates)"

__all__ = ["create", "open_project", "import_transcripts", "import_attributes", "add_framework", "add_crosswalk",
           "add_measures", "code_tree", "import_codings", "CodingsImported", "export_codings", "status", "ImportReport"]


def create(path: str | Path, *, name: str | None = None, shipped: bool = True) -> Project:
    """A new project; with ``shipped`` the frameworks, crosswalks and measures in ``frameworks/`` are added."""
    if shipped:
        folder = fwio.load_folder(fwio.SHIPPED_DIR) if fwio.SHIPPED_DIR.is_dir() else None
    project = init_project(path, name)
    if shipped and folder is not None:
        with project.transaction(Action.FRAMEWORKS_ADD_SHIPPED, payload={"frameworks": sorted(folder.frameworks)}) as s:
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
                       allow_duplicates: bool = False, actor: str | None = None,
                       progress: Progress | None = None) -> ImportReport:
    """Import transcript files and/or folders (and optionally a participants CSV/XLSX) in one transaction.

    Every file is read and checked before anything is written; any error leaves the project exactly as it was.
    In folders, files matching an ``exclude`` glob (README, interview guide, hidden files) are left out and reported.
    ``pseudonyms`` is a CSV key file ``name,replacement`` (kept apart from the project) applied before storing.
    A file whose content is already in the project (or in this import) under another name is refused unless
    ``allow_duplicates``. The attributes file lists the study's participants: one without a transcript (in the project
    or this import) is still added, with a warning saying so.
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
    shas: dict[str, Path] = {}
    for i, f in enumerate(files):
        if f.name in names:
            raise InputError(f, f"two transcripts with the same file name (also {names[f.name]})")
        names[f.name] = f
        pt = read_transcript(f, interviewer_names=interviewer_names)  # checks the size limit before reading
        sha = hashlib.sha256(f.read_bytes()).hexdigest()
        if sha in shas and not allow_duplicates:
            raise InputError(f, f"the same content as {shas[sha].name} in this import; {_DUP_HINT}")
        shas.setdefault(sha, f)
        if key:
            pt, _ = pseudonymise_transcript(pt, key)
        parsed.append((f, pt, sha))
        if progress:
            progress(i + 1, len(files), f.name)
    report = ImportReport(left_out=left_out)
    with project.transaction(Action.TRANSCRIPTS_IMPORT, actor=actor,
                             payload={"files": [f.name for f in files], "attributes": str(attributes or "")}) as s:
        by_transcript = {r["transcript"]: r["id"] for r in attr_rows if r.get("transcript")}
        known = [p["id"] for p in db.participants(s)]
        with_transcript = set(known) | {_participant_for(f.name, known + [r["id"] for r in attr_rows], by_transcript)
                                        for f, _, _ in parsed}
        with_transcript |= {pid for name, pid in by_transcript.items() if db.transcript_by_name(s, name)}
        for row in attr_rows:
            if row["id"] not in with_transcript:
                report.warnings.append(f"{Path(attributes).name}: participant {row['id']!r} has no transcript in the "
                                       "project or this import (yet)")
            db.upsert_participant(s, row["id"], row.get("attributes"), row.get("pseudonym"))
            report.participants.append(row["id"])
        known = [p["id"] for p in db.participants(s)]
        for f, pt, sha in parsed:
            existing = db.transcript_by_name(s, f.name)
            if existing is not None:
                if existing.sha256 == sha:
                    report.skipped.append(f.name)
                    continue
                raise InputError(f, "a different transcript with this name is already in the project")
            twin = db.transcript_by_sha(s, sha)
            if twin is not None and not allow_duplicates:
                raise InputError(f, f"the same content is already in the project as {twin.name!r}; {_DUP_HINT}")
            pid = _participant_for(f.name, known, by_transcript)
            if pid and pid not in known:
                db.upsert_participant(s, pid)
                known.append(pid)
            db.add_transcript(s, name=f.name, parsed=pt, source_name=str(f.name), sha256=sha, participant_id=pid,
                              meta={"pseudonymised": bool(key)})
            report.transcripts.append(f.name)
            report.warnings += [f"{f.name}: {w}" for w in pt.warnings]
        cut_passages(s)  # each framework's units of analysis, with the transcripts: one action
    return report


def import_attributes(project: Project, path: str | Path, *, actor: str | None = None) -> ImportReport:
    """Update participants' attributes from CSV/XLSX; link transcripts named in a `transcript` column.

    A row for a participant the project does not have (and whose `transcript` names none of its transcripts) is left
    out with a warning in the report, rather than creating a participant without a transcript.
    """
    from .ingest import read_attributes

    rows = read_attributes(path)
    report = ImportReport()
    with project.transaction(Action.PARTICIPANTS_IMPORT, actor=actor, payload={"file": str(path)}) as s:
        known = {p["id"] for p in db.participants(s)}
        for row in rows:
            tr = db.transcript_by_name(s, row["transcript"]) if row.get("transcript") else None
            if row["id"] not in known and tr is None:
                report.warnings.append(f"{Path(path).name}: no participant {row['id']!r} in the project (import "
                                       "the transcripts first, or name the transcript in a `transcript` column); "
                                       "not added")
                continue
            db.upsert_participant(s, row["id"], row.get("attributes"), row.get("pseudonym"))
            if tr is not None:
                db.set_transcript_participant(s, tr.id, row["id"])
            report.participants.append(row["id"])
    return report


# --- frameworks ---------------------------------------------------------------------------------------------------


def add_framework(project: Project, source: str | Path | Framework, *, actor: str | None = None) -> Framework:
    access.check(project, actor, "frameworks")
    fw = source if isinstance(source, Framework) else fwio.load_framework(source)
    with project.transaction(Action.FRAMEWORK_ADD, actor=actor,
                             payload={"framework": fw.id, "file": fw.source_file}) as s:
        if db.has_framework(s, fw.id):
            raise InputError(fw.source_file or fw.id, f"framework {fw.id!r} is already in this project")
        db.add_framework(s, fw)
        cut_passages(s)
    return fw


def get_framework(project: Project, framework_id: str) -> Framework:
    with project.read() as s:
        return db.get_framework(s, framework_id)


def code_tree(project: Project, framework_id: str) -> list:
    """The code tree of a project's framework for a picker: ``codetree.TreeNode`` per code in tree order (parents
    before children), each with ``depth``, ``path`` (category label down to the code), ``parent`` and ``title``
    (id and label indented by depth). Group by ``category_id`` for a picker grouped by category."""
    from .codetree import code_tree as tree

    return tree(get_framework(project, framework_id))


def add_crosswalk(project: Project, path: str | Path, *, actor: str | None = None) -> fwio.Crosswalk:
    from .store import measures as mdb

    access.check(project, actor, "frameworks")
    with project.transaction(Action.CROSSWALK_ADD, actor=actor, payload={"file": str(path)}) as s:
        cw = fwio.load_crosswalk(path)
        fws = {fid: db.get_framework(s, fid) for fid in (cw.from_framework, cw.to_framework)
               if db.has_framework(s, fid)}
        fwio.check_crosswalk(cw, fws)
        mdb.add_crosswalk(s, cw)
    return cw


def add_measures(project: Project, path: str | Path, *, actor: str | None = None) -> fwio.MeasuresCatalogue:
    from .store import measures as mdb

    with project.transaction(Action.MEASURES_ADD, actor=actor, payload={"file": str(path)}) as s:
        cat = fwio.load_measures(path)
        fws = {cat.framework: db.get_framework(s, cat.framework)} if db.has_framework(s, cat.framework) else {}
        fwio.check_measures(cat, fws)
        mdb.add_catalogue(s, cat)
    return cat


# --- status -------------------------------------------------------------------------------------------------------


def status(project: Project) -> dict:
    with project.read() as s:
        return {
            "name": settings.read(s, settings.NAME),
            "path": project.label,
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

    access.check(project, actor, "project")
    named = model_path is not None and str(model_path) in NAMED_MODELS
    if model_path is not None and not named and not Path(model_path).is_dir():
        raise InputError(model_path, "not a local model directory or a packaged model name "
                                     f"({', '.join(NAMED_MODELS)}); models are never downloaded")
    value = str(model_path) if named else (str(Path(model_path).resolve()) if model_path else None)
    with project.transaction(Action.PROJECT_SET_MODEL, actor=actor, payload={"model_path": str(model_path or "")}) as s:
        settings.write(s, settings.MODEL, value)


def import_uploads(project: Project, files: Iterable[tuple[str, bytes]], *, attributes: tuple[str, bytes] | None = None,
                   actor: str | None = None, progress: Progress | None = None) -> ImportReport:
    """Import files given as (name, bytes) pairs, e.g. browser uploads, through the same checks as files on disk.

    Only each name's base name is used, inside a private temporary folder that is removed afterwards."""
    from .safeio import private_dir, upload_path

    with private_dir() as tmp:
        paths = []
        for name, data in files:
            p = upload_path(tmp, name)
            if p in paths:
                raise InputError(p.name, "two uploads with the same file name")
            p.write_bytes(data)
            paths.append(p)
        attr_path = None
        if attributes is not None:
            attr_path = upload_path(tmp, attributes[0], prefix="attributes-")
            attr_path.write_bytes(attributes[1])
        if not paths and attr_path is not None:
            return import_attributes(project, attr_path, actor=actor)
        return import_transcripts(project, paths, attributes=attr_path, actor=actor, progress=progress)


def add_framework_upload(project: Project, name: str, data: bytes, *, actor: str | None = None) -> Framework:
    """Add a framework uploaded as ``(name, bytes)`` (YAML or codebook CSV); errors name the uploaded file.

    Only the base name of ``name`` is used, inside a private temporary folder removed afterwards, so a name like
    ``../../x.yaml`` or ``/var/x.yaml`` never writes outside it (``python -m toolkit frameworks add`` for files)."""
    from .safeio import private_dir, upload_path

    with private_dir() as tmp:
        path = upload_path(tmp, name)
        path.write_bytes(data)
        try:
            fw = fwio.load_framework(path)
        except InputError as e:
            raise InputError(path.name, e.message, e.place) from None
        fw.source_file = path.name
        return add_framework(project, fw, actor=actor)

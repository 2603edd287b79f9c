"""Import a REFI-QDA project (.qdpx) into a project: read and check everything first
(:func:`toolkit.export.qdpx_read.read_qdpx`), then write it in one transaction; any error leaves the project as it
was (and removes a project file this import created).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import frameworks as fwio
from ..errors import InputError
from ..models import Framework
from ..store import Project, init_project, open_project
from ..store import charting as cdb
from ..store import core as db
from ..store import qdpx as sq
from ..store.events import Action
from .qdpx_read import ImportPlan, read_qdpx
from .refi_common import norm_guid


@dataclass
class QdpxImportReport:
    file: str
    project: str
    transcripts: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    frameworks_added: list[str] = field(default_factory=list)
    frameworks_reused: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    codings: int = 0
    memos: int = 0
    summaries: int = 0
    key_elements: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def same_framework(a: Framework, b: Framework) -> bool:
    return replace(a, source_file=None) == replace(b, source_file=None)


def _new_project(path: Path, plan: ImportPlan) -> Project:
    """A new project with the shipped frameworks, except those the file redefines (and what depends on them)."""
    folder = fwio.load_folder(fwio.SHIPPED_DIR) if fwio.SHIPPED_DIR.is_dir() else None
    project = init_project(path, plan.name)
    if folder is None:
        return project
    mine = {fw.id: fw for fw in plan.codebook.frameworks}
    clash = {fid for fid, fw in folder.frameworks.items() if fid in mine and not same_framework(fw, mine[fid])}
    with project.transaction(Action.FRAMEWORKS_ADD_SHIPPED, payload={"left_out": sorted(clash)}) as s:
        from ..store import measures as mdb

        for fid, fw in folder.frameworks.items():
            if fid not in clash:
                db.add_framework(s, fw)
        for cw in folder.crosswalks.values():
            if not {cw.from_framework, cw.to_framework} & clash:
                mdb.add_crosswalk(s, cw)
        for cat in folder.catalogues.values():
            if cat.framework not in clash:
                mdb.add_catalogue(s, cat)
    return project


def _frameworks(s, plan: ImportPlan, rep: QdpxImportReport) -> dict[str, str]:
    """Add the file's frameworks; one already in the project is reused when identical. Returns plan id -> id."""
    fmap = {}
    taken = set(db.framework_ids(s))
    for fw in plan.codebook.frameworks:
        old = fw.id
        if db.has_framework(s, fw.id):
            if same_framework(db.get_framework(s, fw.id), fw):
                fmap[old] = fw.id
                rep.frameworks_reused.append(fw.id)
                continue
            if fw.id in plan.codebook.toolkit_ids:
                raise InputError(plan.file, f"framework {fw.id!r} differs from the framework of that id already in "
                                            "the project; import into a new project file instead", f"Set {fw.id}")
            n = 2
            while f"{old}_{n}" in taken:
                n += 1
            fw = replace(fw, id=f"{old}_{n}")
        fw = replace(fw, source_file=plan.file)
        db.add_framework(s, fw)
        taken.add(fw.id)
        fmap[old] = fw.id
        rep.frameworks_added.append(fw.id)
    return fmap


def apply_plan(plan: ImportPlan, project: Project, *, actor: str | None = None) -> QdpxImportReport:
    rep = QdpxImportReport(file=plan.file, project=str(project.path), skipped=list(plan.skipped),
                           warnings=list(plan.warnings))
    payload = {"file": plan.file, "sources": len(plan.sources), "codings": len(plan.codings)}
    with project.transaction(Action.QDPX_IMPORT, actor=actor, payload=payload) as s:
        for src in plan.sources:
            if db.transcript_by_name(s, src.name) is not None:
                raise InputError(plan.file, f"a transcript named {src.name!r} is already in the project", src.place)
        fmap = _frameworks(s, plan, rep)
        pks = {fid: db.code_pks(s, fid) for fid in set(fmap.values())}

        def code_pk(key: tuple[str, str]) -> int:
            return pks[fmap[key[0]]][key[1]]

        for pid, p in plan.participants.items():
            db.upsert_participant(s, pid, p["attributes"], p["pseudonym"])
            rep.participants.append(pid)
        tids = {}
        for src in plan.sources:
            tids[src.guid] = db.add_transcript(s, name=src.name, parsed=src.parsed, source_name=src.name,
                                               sha256=src.sha256, participant_id=src.participant, meta=src.meta)
            rep.transcripts.append(src.name)
            rep.warnings += [f"{src.name}: {w}" for w in src.parsed.warnings]
        coders: dict[str, int] = {}

        def coder(name: str | None) -> int | None:
            if name is None:
                return None
            if name not in coders:
                coders[name] = db.coder_id(s, name)
                rep.coders.append(name)
            return coders[name]

        for name in plan.users:
            coder(name)
        coding_ids = {}
        for c in plan.codings:
            cid = db.add_coding(s, transcript_id=tids[c.source], start=c.start, end=c.end, code_pk=code_pk(c.code),
                                coder=coder(c.coder), origin="imported", batch=f"qdpx:{Path(plan.file).name}")
            if c.created is not None:
                sq.set_coding_created(s, cid, c.created)
            coding_ids[c.guid] = cid
        rep.codings = len(plan.codings)
        summary_ids = {}
        for n in plan.notes:
            if n.kind == "summary":
                fid = fmap[n.code[0]]
                pk = code_pk(n.code)
                if cdb.get_summary(s, fid, n.participant, pk) is not None:
                    raise InputError(plan.file, f"a chart summary for {n.participant} x {n.code[1]} is already in "
                                                "the project", n.place)
                summary_ids[n.guid] = cdb.put_summary(
                    s, framework_id=fid, participant_id=n.participant, code_pk=pk, text=n.text,
                    status=str(n.meta.get("status") or "draft"), origin=str(n.meta.get("origin") or "manual"),
                    quotes=[coding_ids[q] for q in n.meta.get("quotes", [])], author_id=coder(n.author),
                    updated_at=n.updated or n.created)
                rep.summaries += 1
        for n in plan.notes:
            if n.kind == "key_element":
                dim = n.meta.get("dimension")
                sq.add_key_element(s, framework_id=fmap[str(n.meta["framework"])],
                                   label=str(n.meta.get("label") or n.title or n.text),
                                   summary_id=summary_ids.get(norm_guid(n.meta.get("summary"))),
                                   quotes=[coding_ids[q] for q in n.meta.get("quotes", [])],
                                   status=str(n.meta.get("status") or "proposed"),
                                   dimension=dim if isinstance(dim, dict) and dim.get("label") else None,
                                   created_at=n.created)
                rep.key_elements += 1
            elif n.kind == "memo":
                mid = db.add_memo(s, text=n.text, author=coder(n.author), title=n.title,
                                  transcript_id=tids.get(n.source), start=n.start if n.source in tids else None,
                                  end=n.end if n.source in tids else None, participant_id=n.participant,
                                  code_pk=code_pk(n.code) if n.code else None)
                sq.set_memo_times(s, mid, n.created, n.updated)
                rep.memos += 1
    return rep


def import_qdpx(source: str | Path, project: Project | str | Path, *, actor: str | None = None,
                **limits) -> QdpxImportReport:
    """Import ``source`` (.qdpx) into ``project`` (an open project, an existing project file, or a new file)."""
    plan = read_qdpx(source, **limits)
    if isinstance(project, Project):
        return apply_plan(plan, project, actor=actor)
    path = Path(project)
    if path.exists():
        with open_project(path) as p:
            return apply_plan(plan, p, actor=actor)
    p = _new_project(path, plan)
    try:
        return apply_plan(plan, p, actor=actor)
    except BaseException:
        p.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    finally:
        p.close()

"""Versions of a framework: named snapshots (e.g. "preliminary", "after testing on P05-P08"), a readable diff between
any two (codes added, removed, renamed, moved, merged, split; label and definition changes), and the export of any
version to YAML, codebook CSV or REFI-QDA .qdc. ``"current"`` names the framework as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .. import frameworks as fwio
from ..errors import InputError
from ..models import Category, Code, Framework
from ..store import Project
from ..store import codebook as cdb
from ..store import core as db
from ..store.events import Action
from .edit import check_editor

__all__ = ["CURRENT", "Change", "FrameworkDiff", "VersionInfo", "save_version", "versions", "framework_at", "diff",
           "export_framework", "lineage"]

CURRENT = "current"
EXPORT_SUFFIXES = (".yaml", ".yml", ".csv", ".qdc")


@dataclass
class VersionInfo:
    name: str
    note: str
    created_by: str | None
    created_at: datetime | None
    codes: int
    categories: int


@dataclass
class Change:
    kind: str  # added | removed | renamed | moved | label | definition | include | exclude | examples | merged | split
    code: str  # the code's id (in the later version where it still exists)
    text: str  # one readable line


@dataclass
class FrameworkDiff:
    framework_id: str
    old: str
    new: str
    changes: list[Change] = field(default_factory=list)

    def text(self) -> str:
        head = f"framework {self.framework_id}: {self.old} -> {self.new}"
        if not self.changes:
            return head + "\n(no changes)"
        return "\n".join([head, *(c.text for c in self.changes)])


def _snapshot(s, framework_id: str) -> dict:
    fw = db.get_framework(s, framework_id)
    return {"framework": fwio.framework_to_dict(fw), "pks": cdb.code_pk_map(s, framework_id)}


def _framework(data: dict) -> Framework:
    d = data["framework"]
    cats = []
    for c in d.get("categories", []):
        codes = [Code(id=k["id"], label=k["label"], definition=k.get("definition", ""), include=k.get("include", ""),
                      exclude=k.get("exclude", ""), examples=list(k.get("examples", [])), ring=k.get("ring"),
                      kind=k.get("kind"), category_id=c["id"], color=k.get("color"), parent=k.get("parent"))
                 for k in c.get("codes", [])]
        cats.append(Category(id=c["id"], label=c["label"], description=c.get("description", ""), codes=codes,
                             color=c.get("color")))
    return Framework(id=d["id"], name=d.get("name", d["id"]), categories=cats, version=d.get("version", ""),
                     language=d.get("language", "en"), description=d.get("description", ""),
                     rings=list(d.get("rings", [])))


def save_version(project: Project, framework_id: str, name: str, *, note: str = "",
                 actor: str | None = None) -> VersionInfo:
    """Keep the framework as it is now under ``name`` (unique per framework; ``current`` is reserved)."""
    name = (name or "").strip()
    if not name or name == CURRENT:
        raise InputError(f"framework {framework_id}", f"a version needs a name other than {CURRENT!r}")
    with project.transaction(Action.FRAMEWORK_VERSION, actor=actor,
                             payload={"framework": framework_id, "version": name}) as s:
        check_editor(s, actor)
        cdb.framework_row(s, framework_id)
        if cdb.has_version(s, framework_id, name):
            raise InputError(f"framework {framework_id}", f"a version named {name!r} already exists")
        snap = _snapshot(s, framework_id)
        cdb.add_version(s, framework_id, name, snap, note=note.strip() or None, created_by=actor)
    fw = _framework(snap)
    return VersionInfo(name, note, actor, None, len(fw.codes), len(fw.categories))


def versions(project: Project, framework_id: str) -> list[VersionInfo]:
    with project.read() as s:
        cdb.framework_row(s, framework_id)
        rows = cdb.versions(s, framework_id)
    out = []
    for r in rows:
        fw = _framework(r["snapshot"])
        out.append(VersionInfo(r["name"], r["note"] or "", r["created_by"], r["created_at"], len(fw.codes),
                               len(fw.categories)))
    return out


def _snap(s, framework_id: str, version: str | None) -> dict:
    return _snapshot(s, framework_id) if version in (None, "", CURRENT) else cdb.version_snapshot(s, framework_id,
                                                                                                   version)


def framework_at(project: Project, framework_id: str, version: str | None = None) -> Framework:
    """The framework as it was at ``version`` (None or ``current``: as it is now)."""
    with project.read() as s:
        cdb.framework_row(s, framework_id)
        return _framework(_snap(s, framework_id, version))


def lineage(project: Project, framework_id: str) -> list[dict]:
    """Every merge and split of the framework: kind, from_code, to_code, actor, at, and how many codings followed."""
    with project.read() as s:
        return cdb.lineage(s, framework_id)


def _short(x, n: int = 70) -> str:
    x = " ".join(str(x or "").split()) if not isinstance(x, list) else "; ".join(x)
    return repr(x if len(x) <= n else x[:n - 1] + "…")


def diff(project: Project, framework_id: str, old: str, new: str = CURRENT) -> FrameworkDiff:
    """What changed from version ``old`` to version ``new``, one readable line per change."""
    with project.read() as s:
        cdb.framework_row(s, framework_id)
        a, b = _snap(s, framework_id, old), _snap(s, framework_id, new)
        lin = cdb.lineage(s, framework_id)
    fa, fb = _framework(a), _framework(b)
    out = FrameworkDiff(framework_id, old, new)
    ca, cb = {c.id: c for c in fa.categories}, {c.id: c for c in fb.categories}
    for cid in cb.keys() - ca.keys():
        out.changes.append(Change("added", cid, f"+ category {cid} {cb[cid].label!r}"))
    for cid in ca.keys() - cb.keys():
        out.changes.append(Change("removed", cid, f"- category {cid} {ca[cid].label!r}"))
    for cid in ca.keys() & cb.keys():
        if ca[cid].label != cb[cid].label:
            out.changes.append(Change("label", cid, f"~ category {cid}: label {ca[cid].label!r} -> {cb[cid].label!r}"))
    by_pk_a = {a["pks"][c.id]: c for c in fa.codes if c.id in a["pks"]}
    by_pk_b = {b["pks"][c.id]: c for c in fb.codes if c.id in b["pks"]}
    into: dict[int, list[dict]] = {}
    came: dict[int, list[dict]] = {}
    for r in lin:
        into.setdefault(r["from_pk"], []).append(r)
        came.setdefault(r["to_pk"], []).append(r)
    for pk, c in by_pk_b.items():
        if pk in by_pk_a:
            continue
        srcs = [r for r in came.get(pk, []) if r["from_pk"] in by_pk_a]
        merged = [by_pk_a[r["from_pk"]].id for r in srcs if r["kind"] == "merge"]
        split = [by_pk_a[r["from_pk"]].id for r in srcs if r["kind"] == "split"]
        how = (f" (merged from {', '.join(merged)})" if merged else "") + (f" (split from {split[0]})" if split else "")
        out.changes.append(Change("added", c.id, f"+ {c.id} {c.label!r} in {c.category_id}"
                                                 + (f" under {c.parent}" if c.parent else "") + how))
    for pk, c in by_pk_a.items():
        if pk in by_pk_b:
            continue
        went = [r for r in into.get(pk, []) if r["to_pk"] in by_pk_b]
        if went and went[0]["kind"] == "merge":
            out.changes.append(Change("merged", c.id, f"> {c.id} merged into {by_pk_b[went[0]['to_pk']].id}"))
        elif went:
            targets = ", ".join(dict.fromkeys(by_pk_b[r["to_pk"]].id for r in went))
            out.changes.append(Change("split", c.id, f"< {c.id} split into {targets}"))
        else:
            out.changes.append(Change("removed", c.id, f"- {c.id} {c.label!r}"))
    for pk, cb_ in by_pk_b.items():
        ca_ = by_pk_a.get(pk)
        if ca_ is None:
            continue
        if ca_.id != cb_.id:
            out.changes.append(Change("renamed", cb_.id, f"~ {ca_.id} renamed to {cb_.id}"))
        if (ca_.category_id, ca_.parent) != (cb_.category_id, cb_.parent):
            def place(c: Code) -> str:
                return (c.category_id or "") + (f" under {c.parent}" if c.parent else "")
            out.changes.append(Change("moved", cb_.id, f"> {cb_.id} moved from {place(ca_)} to {place(cb_)}"))
        for f in ("label", "definition", "include", "exclude", "examples"):
            x, y = getattr(ca_, f), getattr(cb_, f)
            if x != y:
                out.changes.append(Change(f, cb_.id, f"~ {cb_.id} {f}: {_short(x)} -> {_short(y)}"))
    return out


def export_framework(project: Project, framework_id: str, out: str | Path, *, version: str | None = None) -> Path:
    """Write a version of the framework (None: as it is now) as YAML, codebook CSV or REFI-QDA .qdc, by the file's
    suffix."""
    from ..codebook_csv import write_codebook_csv
    from ..exchange.qdc import write_qdc

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise InputError(str(out), f"write the framework to a {', '.join(EXPORT_SUFFIXES)} file")
    fw = framework_at(project, framework_id, version)
    if suffix == ".csv":
        write_codebook_csv(fw, out)
    elif suffix == ".qdc":
        write_qdc(fw, out)
    else:
        fwio.write_framework_yaml(fw, out)
    return out

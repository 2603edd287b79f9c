"""Editing a framework in place: a new framework (empty or a copy), categories and codes added, renamed, edited,
moved and reordered, codes deleted, and "a new code from this passage".

Each function is one user action: one transaction and one event (who, when, what). Bad input changes nothing and
raises ``InputError`` naming the framework and the code (a rename to an id in use, a parent in a cycle, a delete of a
code that still has codings).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import frameworks as fwio
from ..errors import InputError, NotFoundError, PermissionDenied
from ..models import ID_RE, Category, Code, Framework
from ..store import Project
from ..store import codebook as cdb
from ..store import core as db
from ..store import decisions as ddb
from ..store import team as tdb
from ..store.events import Action
from ..team.accounts import CAPABILITIES

__all__ = ["CodeFields", "new_framework", "add_category", "edit_category", "add_code", "rename_code", "edit_code",
           "move_code", "reorder_code", "delete_code", "code_from_passage"]

_FIELDS = ("label", "definition", "include", "exclude", "examples", "ring", "kind", "color")


@dataclass
class CodeFields:
    """The texts of a code an edit may change; None leaves a field as it is."""

    label: str | None = None
    definition: str | None = None
    include: str | None = None
    exclude: str | None = None
    examples: list[str] | None = None

    def changes(self) -> dict:
        out = {k: v for k, v in vars(self).items() if v is not None}
        if "examples" in out:
            out["examples"] = [e.strip() for e in out["examples"] if e and e.strip()]
        for k in ("label", "definition", "include", "exclude"):
            if k in out:
                out[k] = out[k].strip()
        return out


@dataclass
class NewFramework:
    framework: Framework
    copied_from: str | None = None
    crosswalk: str | None = None  # the identity crosswalk written when the codings were carried over
    codings: int = 0
    warnings: list[str] = field(default_factory=list)


def _where(fid: str, code: str | None = None) -> str:
    return f"framework {fid}" + (f", code {code}" if code else "")


def check_editor(s, actor: str | None) -> None:
    """On a team project (one with accounts) only a role with the ``frameworks`` capability (the lead) edits a
    framework: ``actor`` must be such an account. A project without accounts (one person) allows everyone."""
    accounts = tdb.accounts(s)
    if not accounts:
        return
    mine = next((a for a in accounts if a["name"] == actor and a["active"]), None)
    if mine is None or "frameworks" not in CAPABILITIES.get(mine["role"], ()):
        role = f" ({mine['role']})" if mine else " (no account)"
        raise PermissionDenied(f"{actor or 'nobody'}{role} may not edit frameworks: on a team project only a lead "
                               "does (log in, or pass --as LEAD on the command line)")


def check_id(value: str, what: str, place: str) -> str:
    value = (value or "").strip()
    if not value or not ID_RE.match(value):
        raise InputError(place, f"{what} {value!r} may only hold letters, digits, '_', '.', '-' (and not be empty)")
    return value


def new_framework(project: Project, framework_id: str, *, name: str | None = None, copy_from: str | None = None,
                  carry_codings: bool = False, actor: str | None = None) -> NewFramework:
    """A new framework: empty, or a copy of a shipped framework or of one in the project (``copy_from``).

    ``carry_codings`` (a copy of a project framework): the copy is the start of a condensed framework; a crosswalk
    ``<from>-to-<id>`` mapping every code to itself is written and the codings are carried over through it (origin
    ``crosswalk``, each linked to the coding it came from, as ``refine`` does). Merging codes in the copy then keeps
    the crosswalk up to date, so the condensed framework stays traceable to the detailed one."""
    fid = check_id(framework_id, "framework id", framework_id or "framework id")
    out = NewFramework(Framework(id=fid, name=(name or fid).strip(), categories=[]))
    payload: dict[str, object] = {"framework": fid}
    with project.transaction(Action.FRAMEWORK_NEW, actor=actor, payload=payload) as s:
        check_editor(s, actor)
        if db.has_framework(s, fid):
            raise InputError(fid, f"a framework {fid!r} is already in this project")
        if copy_from:
            if db.has_framework(s, copy_from):
                src = db.get_framework(s, copy_from)
            else:
                shipped = fwio.load_folder(fwio.SHIPPED_DIR).frameworks if fwio.SHIPPED_DIR.is_dir() else {}
                if copy_from not in shipped:
                    raise NotFoundError(f"no framework {copy_from!r} in this project or shipped "
                                        f"(shipped: {', '.join(sorted(shipped)) or 'none'})")
                src = shipped[copy_from]
                if carry_codings:
                    raise InputError(copy_from, "only a framework of this project has codings to carry over")
            out.framework = Framework(id=fid, name=(name or f"{src.name} (copy)").strip(),
                                      categories=[Category(id=c.id, label=c.label, description=c.description,
                                                           codes=[Code(**vars(k)) for k in c.codes], color=c.color)
                                                  for c in src.categories],
                                      version=src.version, language=src.language, description=src.description,
                                      rings=[dict(r) for r in src.rings], source_file=None)
            out.copied_from = copy_from
            payload["from"] = copy_from
        db.add_framework(s, out.framework)
        if carry_codings and copy_from:
            from ..charting.refine import recode_in
            from ..frameworks import Crosswalk
            from ..store import measures as mdb

            cw = Crosswalk(id=f"{copy_from}-to-{fid}", from_framework=copy_from, to_framework=fid,
                           mapping=[{"from": c.id, "to": c.id, "reason": "", "note": ""} for c in src.codes],
                           description=f"{fid} started as a copy of {copy_from}; its merges and renames keep this "
                                       "crosswalk up to date.")
            mdb.add_crosswalk(s, cw)
            if db.codings_frame(s, framework_id=copy_from, with_text=False).shape[0]:
                report = recode_in(s, project, cw.id, actor)
                out.codings = report.added
            out.crosswalk = cw.id
            payload.update(crosswalk=cw.id, codings=out.codings)
    return out


def add_category(project: Project, framework_id: str, category_id: str, label: str, *, description: str = "",
                 actor: str | None = None) -> None:
    cid = check_id(category_id, "category id", _where(framework_id))
    if not (label or "").strip():
        raise InputError(_where(framework_id), f"category {cid!r} needs a label")
    with project.transaction(Action.CATEGORY_ADD, actor=actor,
                             payload={"framework": framework_id, "category": cid, "label": label}) as s:
        check_editor(s, actor)
        cdb.framework_row(s, framework_id)
        if cid in {c.id for c in db.get_framework(s, framework_id).categories}:
            raise InputError(_where(framework_id), f"a category {cid!r} is already in this framework")
        cdb.add_category(s, framework_id, cid, label.strip(), description.strip())


def edit_category(project: Project, framework_id: str, category_id: str, *, label: str | None = None,
                  description: str | None = None, position: int | None = None, actor: str | None = None) -> None:
    """Change a category's label or description, or move it to ``position`` among the framework's categories."""
    fields = {k: v.strip() for k, v in (("label", label), ("description", description)) if v is not None}
    if "label" in fields and not fields["label"]:
        raise InputError(_where(framework_id), f"category {category_id!r} needs a label")
    with project.transaction(Action.CATEGORY_EDIT, actor=actor,
                             payload={"framework": framework_id, "category": category_id, **fields,
                                      **({"position": position} if position is not None else {})}) as s:
        check_editor(s, actor)
        cdb.update_category(s, framework_id, category_id, **fields)
        if position is not None:
            rows = [c for c in cdb.framework_row(s, framework_id).categories if c.id != category_id]
            rows.insert(max(0, min(position, len(rows))), cdb.category_row(s, framework_id, category_id))
            for n, r in enumerate(rows):
                r.position = n


def add_code(project: Project, framework_id: str, code_id: str, label: str, *, category: str | None = None,
             parent: str | None = None, definition: str = "", include: str = "", exclude: str = "",
             examples: list[str] | None = None, position: int | None = None, actor: str | None = None) -> Code:
    """Add a code under ``category`` (or under ``parent``, whose category it joins). A framework without categories
    gets one named ``general`` for it."""
    cid = check_id(code_id, "code id", _where(framework_id))
    if not (label or "").strip():
        raise InputError(_where(framework_id, cid), "a code needs a label")
    payload: dict[str, object] = {"framework": framework_id, "code": cid}
    with project.transaction(Action.CODE_ADD, actor=actor, payload=payload) as s:
        check_editor(s, actor)
        code = _add_code(s, framework_id, cid, label, category, parent, definition, include, exclude, examples,
                         position)
        payload.update(category=code.category_id, parent=code.parent, label=code.label)
    return code


def _add_code(s, framework_id, cid, label, category, parent, definition="", include="", exclude="", examples=None,
              position=None) -> Code:
    fw = db.get_framework(s, framework_id)
    if cdb.has_code(s, framework_id, cid):
        raise InputError(_where(framework_id, cid), f"a code {cid!r} is already in this framework")
    if parent:
        prow = cdb.code_row(s, framework_id, parent)
        cat_id = prow.category.id
        if category and category != cat_id:
            raise InputError(_where(framework_id, cid), f"parent {parent!r} is in category {cat_id!r}, not {category!r}")
    elif category:
        cat_id = cdb.category_row(s, framework_id, category).id
    elif fw.categories:
        cat_id = fw.categories[0].id
    else:
        cdb.add_category(s, framework_id, "general", "General")
        cat_id = "general"
    code = Code(id=cid, label=label.strip(), definition=(definition or "").strip(), include=(include or "").strip(),
                exclude=(exclude or "").strip(), examples=[e.strip() for e in examples or [] if e.strip()],
                category_id=cat_id, parent=parent or None)
    cdb.add_code(s, framework_id, code, position=position)
    cdb.rewrite_crosswalks(s, framework_id, {}, added=[cid])
    return code


def rename_code(project: Project, framework_id: str, code_id: str, new_id: str, *, actor: str | None = None) -> str:
    """Give a code a new id (returned). Its codings, memos, summaries and children stay (they point at the code, not
    its id); crosswalks and measure links that name it follow. A new id already in use is refused, nothing changes."""
    new = check_id(new_id, "new code id", _where(framework_id, code_id))
    with project.transaction(Action.CODE_RENAME, actor=actor,
                             payload={"framework": framework_id, "code": code_id, "to": new}) as s:
        check_editor(s, actor)
        row = cdb.code_row(s, framework_id, code_id)
        if new == code_id:
            return new
        if cdb.has_code(s, framework_id, new):
            raise InputError(_where(framework_id, code_id), f"cannot rename to {new!r}: that code already exists")
        row.id = new
        s.flush()
        cdb.rewrite_crosswalks(s, framework_id, {code_id: new})
        cdb.rename_measure_links(s, framework_id, code_id, new)
    return new


def edit_code(project: Project, framework_id: str, code_id: str, fields: CodeFields, *,
              actor: str | None = None) -> dict:
    """Change a code's label, definition, inclusion and exclusion criteria or examples. Returns what changed
    (``{field: [before, after]}``). The suggester re-encodes the changed text on its next run (the embedding cache is
    keyed by the text's hash)."""
    changes = fields.changes()
    if "label" in changes and not changes["label"]:
        raise InputError(_where(framework_id, code_id), "a code needs a label")
    payload: dict[str, object] = {"framework": framework_id, "code": code_id}
    with project.transaction(Action.CODE_EDIT, actor=actor, payload=payload) as s:
        check_editor(s, actor)
        row = cdb.code_row(s, framework_id, code_id)
        diff = {}
        for k, v in changes.items():
            old = list(row.examples or []) if k == "examples" else (getattr(row, k) or "")
            if old != v:
                diff[k] = [old, v]
                setattr(row, k, v)
        payload["changes"] = diff
    return diff


def move_code(project: Project, framework_id: str, code_id: str, *, category: str | None = None,
              parent: str | None = None, to_top: bool = False, actor: str | None = None) -> None:
    """Move a code (with the codes below it) to another category, or under another code (``parent``; it joins that
    code's category), or to the top of its category (``to_top``). Its codings stay with it."""
    if sum(x is not None and x is not False for x in (category, parent, to_top or None)) != 1:
        raise InputError(_where(framework_id, code_id), "say where to: a category, a parent code, or the top")
    with project.transaction(Action.CODE_MOVE, actor=actor,
                             payload={"framework": framework_id, "code": code_id, "category": category,
                                      "parent": parent}) as s:
        check_editor(s, actor)
        row = cdb.code_row(s, framework_id, code_id)
        if parent:
            prow = cdb.code_row(s, framework_id, parent)
            if prow.pk == row.pk or prow.pk in {d.pk for d in cdb.descendants(s, row.pk)}:
                raise InputError(_where(framework_id, code_id), f"cannot move it under {parent!r}: that code is "
                                                                "itself or below it")
            cdb.set_code_place(s, row, prow.category_pk, prow.pk)
        elif category:
            cdb.set_code_place(s, row, cdb.category_row(s, framework_id, category).pk, None)
        else:
            cdb.set_code_place(s, row, row.category_pk, None)


def reorder_code(project: Project, framework_id: str, code_id: str, position: int, *,
                 actor: str | None = None) -> None:
    """Put a code at ``position`` (0 = first) among the codes of its category."""
    with project.transaction(Action.CODE_REORDER, actor=actor,
                             payload={"framework": framework_id, "code": code_id, "position": position}) as s:
        check_editor(s, actor)
        cdb.reorder(s, cdb.code_row(s, framework_id, code_id), int(position))


def delete_code(project: Project, framework_id: str, code_id: str, *, actor: str | None = None) -> None:
    """Delete a code. Refused while it has codings (merge it into another code, or move them, first); codes below it
    move up to its parent; crosswalk entries naming it go (source side) or map to nothing (target side)."""
    payload: dict[str, object] = {"framework": framework_id, "code": code_id}
    with project.transaction(Action.CODE_DELETE, actor=actor, payload=payload) as s:
        check_editor(s, actor)
        row = cdb.code_row(s, framework_id, code_id)
        n = cdb.coding_counts(s, framework_id).get(code_id, 0)
        if n:
            raise InputError(_where(framework_id, code_id), f"{code_id} still has {n} coding(s): merge it into another "
                                                            "code (their codings follow) before deleting it")
        payload["removed_codings_deleted"] = cdb.delete_code(s, row)
        cdb.rewrite_crosswalks(s, framework_id, {code_id: None})


def code_from_passage(project: Project, framework_id: str, code_id: str, label: str, *, transcript: str | int,
                      start: int, end: int, coder: str, category: str | None = None, parent: str | None = None,
                      definition: str = "", actor: str | None = None) -> int:
    """A new code from a passage being read or indexed: the passage becomes its first example and its first coding
    (origin ``manual``, by ``coder``). Returns the coding id."""
    cid = check_id(code_id, "code id", _where(framework_id))
    if not (label or "").strip():
        raise InputError(_where(framework_id, cid), "a code needs a label")
    payload: dict[str, object] = {"framework": framework_id, "code": cid}
    with project.transaction(Action.CODE_FROM_PASSAGE, actor=actor or coder, payload=payload) as s:
        check_editor(s, actor or coder)
        tr = db.resolve_transcript(s, transcript)
        text = db.transcript_text(s, tr.id)
        if not (0 <= int(start) < int(end) <= len(text)):
            raise InputError(tr.name, f"characters {start}-{end} are not a passage of this transcript "
                                      f"({len(text)} characters)")
        example = " ".join(text[int(start):int(end)].split())
        _add_code(s, framework_id, cid, label, category, parent, definition, examples=[example])
        pk = cdb.code_row(s, framework_id, cid).pk
        who = db.coder_id(s, coder)
        coding = db.add_coding(s, transcript_id=tr.id, start=int(start), end=int(end), code_pk=pk, coder=who,
                               origin="manual")
        # a hand coding like any other: it shows in the passage's history on the Index page and can be undone there
        ddb.add_decision(s, framework_id=framework_id, kind="add", coder_id=who, transcript_id=tr.id,
                         start=int(start), end=int(end), code_pk=pk, coding_ids=[coding],
                         note={"new_code": cid})
        payload.update(transcript=tr.name, start=int(start), end=int(end), coding=coding)
    return coding

"""The framework editor: ``framework new|version|versions|diff|export|lineage``, ``category add|edit`` and
``code add|rename|edit|move|reorder|merge|split|from-passage|delete`` (see ``toolkit.codebook``)."""

from __future__ import annotations

import argparse
import json

from .. import codebook as cb
from ..errors import InputError
from ._common import embedder, open_, print_table, who


def _common(q, *, framework: bool = True) -> None:
    q.add_argument("project", help="project file (e.g. study.fa) or database URL (postgresql://...)")
    if framework:
        q.add_argument("--framework", required=True, help="the framework's id")
    q.add_argument("--as", dest="actor", default=who(), help="who makes the change (default: your login name); on a "
                                                              "team project a lead's account")


def register(sub: argparse._SubParsersAction) -> None:
    _register_framework(sub)
    _register_category(sub)
    _register_code(sub)


def _register_framework(sub) -> None:
    p = sub.add_parser("framework", help="the framework editor: a new framework, versions, diff, export")
    s = p.add_subparsers(dest="framework_command", required=True, metavar="ACTION")
    q = s.add_parser("new", help="a new framework: empty, or a copy of a shipped one or one of the project")
    _common(q, framework=False)
    q.add_argument("id", help="the new framework's id")
    q.add_argument("--name")
    q.add_argument("--from", dest="copy_from", help="copy this framework (shipped, or one of the project)")
    q.add_argument("--carry-codings", action="store_true",
                   help="with --from a framework of the project: bring its codings along through a crosswalk "
                        "(<from>-to-<id>), to condense it by merging codes while staying traceable to it")
    q.set_defaults(handler=cmd_new)
    q = s.add_parser("version", help="keep the framework as it is now under a name (e.g. preliminary)")
    q.add_argument("project")
    q.add_argument("framework")
    q.add_argument("name")
    q.add_argument("--note", default="")
    q.add_argument("--as", dest="actor", default=who())
    q.set_defaults(handler=cmd_version)
    q = s.add_parser("versions", help="the framework's named versions")
    q.add_argument("project")
    q.add_argument("framework")
    q.set_defaults(handler=cmd_versions)
    q = s.add_parser("diff", help="what changed between two versions ('current': as it is now)")
    q.add_argument("project")
    q.add_argument("framework")
    q.add_argument("old")
    q.add_argument("new", nargs="?", default=cb.CURRENT)
    q.set_defaults(handler=cmd_diff)
    q = s.add_parser("export", help="write a version (default: as it is now) to .yaml, .csv (codebook) or .qdc")
    q.add_argument("project")
    q.add_argument("framework")
    q.add_argument("out")
    q.add_argument("--version", default=None)
    q.set_defaults(handler=cmd_export)
    q = s.add_parser("lineage", help="every merge and split of the framework, with the codings that followed")
    q.add_argument("project")
    q.add_argument("framework")
    q.set_defaults(handler=cmd_lineage)


def _register_category(sub) -> None:
    p = sub.add_parser("category", help="add or edit a category of a framework")
    s = p.add_subparsers(dest="category_command", required=True, metavar="ACTION")
    q = s.add_parser("add", help="add a category")
    _common(q)
    q.add_argument("id")
    q.add_argument("--label", required=True)
    q.add_argument("--description", default="")
    q.set_defaults(handler=cmd_category_add)
    q = s.add_parser("edit", help="change a category's label or description, or its place (--position, 0 = first)")
    _common(q)
    q.add_argument("id")
    q.add_argument("--label")
    q.add_argument("--description")
    q.add_argument("--position", type=int)
    q.set_defaults(handler=cmd_category_edit)


def _text_options(q) -> None:
    q.add_argument("--definition")
    q.add_argument("--include", help="inclusion criteria")
    q.add_argument("--exclude", help="exclusion criteria")
    q.add_argument("--example", action="append", dest="examples", help="an example (repeat for several; replaces "
                                                                       "the examples)")


def _register_code(sub) -> None:
    p = sub.add_parser("code", help="add, rename, edit, move, reorder, merge, split or delete a code of a framework")
    s = p.add_subparsers(dest="code_command", required=True, metavar="ACTION")
    q = s.add_parser("add", help="add a code")
    _common(q)
    q.add_argument("--id", required=True)
    q.add_argument("--label", required=True)
    q.add_argument("--category")
    q.add_argument("--parent", help="a code to put it under")
    _text_options(q)
    q.set_defaults(handler=cmd_add)
    q = s.add_parser("rename", help="give a code a new id (its codings stay)")
    _common(q)
    q.add_argument("id")
    q.add_argument("new_id")
    q.set_defaults(handler=cmd_rename)
    q = s.add_parser("edit", help="change a code's label, definition, criteria or examples")
    _common(q)
    q.add_argument("id")
    q.add_argument("--label")
    _text_options(q)
    q.set_defaults(handler=cmd_edit)
    q = s.add_parser("move", help="move a code to another category or under another code")
    _common(q)
    q.add_argument("id")
    where = q.add_mutually_exclusive_group(required=True)
    where.add_argument("--category")
    where.add_argument("--parent")
    where.add_argument("--top", action="store_true", help="directly under its category")
    q.set_defaults(handler=cmd_move)
    q = s.add_parser("reorder", help="put a code at a place among its category's codes (0 = first)")
    _common(q)
    q.add_argument("id")
    q.add_argument("position", type=int)
    q.set_defaults(handler=cmd_reorder)
    q = s.add_parser("merge", help="merge codes into one (theirs, another, or a new code): the codings follow")
    _common(q)
    q.add_argument("codes", nargs="+")
    q.add_argument("--into", required=True)
    q.add_argument("--label")
    q.add_argument("--definition")
    q.set_defaults(handler=cmd_merge)
    q = s.add_parser("split", help="split a code into new codes: each coding goes to the new code that fits it best "
                                   "(the suggester's ranking), or as --assign says")
    _common(q)
    q.add_argument("id")
    q.add_argument("--into", action="append", required=True, metavar="ID=LABEL[:DEFINITION]",
                   help="a new code (repeat: at least two)")
    q.add_argument("--assign", action="append", default=[], metavar="CODING=ID",
                   help="put this coding in this new code (the others: the best-ranked new code)")
    q.add_argument("--keep-original", action="store_true", help="keep the original code even when emptied")
    q.add_argument("--dry-run", action="store_true", help="print the ranking only")
    q.set_defaults(handler=cmd_split)
    q = s.add_parser("from-passage", help="a new code from a passage: the passage is its first example and coding")
    _common(q)
    q.add_argument("--id", required=True)
    q.add_argument("--label", required=True)
    q.add_argument("--category")
    q.add_argument("--parent")
    q.add_argument("--definition", default="")
    q.add_argument("--transcript", required=True, help="transcript name or id")
    q.add_argument("--start", type=int, required=True, help="first character of the passage")
    q.add_argument("--end", type=int, required=True, help="the character after its last")
    q.add_argument("--coder", default=who(), help="whose coding it is (default: your login name)")
    q.set_defaults(handler=cmd_from_passage)
    q = s.add_parser("delete", help="delete a code (refused while it has codings: merge it first)")
    _common(q)
    q.add_argument("id")
    q.set_defaults(handler=cmd_delete)


# --- handlers -----------------------------------------------------------------------------------------------------


def cmd_new(a) -> int:
    r = cb.new_framework(open_(a.project), a.id, name=a.name, copy_from=a.copy_from, carry_codings=a.carry_codings,
                         actor=a.actor)
    fw = r.framework
    print(f"framework {fw.id}: {len(fw.codes)} codes, {len(fw.categories)} categories"
          + (f" (a copy of {r.copied_from})" if r.copied_from else " (empty)")
          + (f"; {r.codings} coding(s) carried over through crosswalk {r.crosswalk}" if r.crosswalk else ""))
    return 0


def cmd_version(a) -> int:
    v = cb.save_version(open_(a.project), a.framework, a.name, note=a.note, actor=a.actor)
    print(f"version {v.name!r} of {a.framework}: {v.codes} codes, {v.categories} categories")
    return 0


def cmd_versions(a) -> int:
    print_table([{"version": v.name, "codes": v.codes, "categories": v.categories, "by": v.created_by or "",
                  "at": v.created_at, "note": v.note} for v in cb.versions(open_(a.project), a.framework)])
    return 0


def cmd_diff(a) -> int:
    print(cb.diff(open_(a.project), a.framework, a.old, a.new).text())
    return 0


def cmd_export(a) -> int:
    out = cb.export_framework(open_(a.project), a.framework, a.out, version=a.version)
    print(f"wrote {out}")
    return 0


def cmd_lineage(a) -> int:
    print_table([{k: r[k] for k in ("kind", "from_code", "to_code", "codings", "actor", "at")}
                 for r in cb.lineage(open_(a.project), a.framework)])
    return 0


def cmd_category_add(a) -> int:
    cb.add_category(open_(a.project), a.framework, a.id, a.label, description=a.description, actor=a.actor)
    print(f"category {a.id} added to {a.framework}")
    return 0


def cmd_category_edit(a) -> int:
    cb.edit_category(open_(a.project), a.framework, a.id, label=a.label, description=a.description,
                     position=a.position, actor=a.actor)
    print(f"category {a.id} saved")
    return 0


def cmd_add(a) -> int:
    c = cb.add_code(open_(a.project), a.framework, a.id, a.label, category=a.category, parent=a.parent,
                    definition=a.definition or "", include=a.include or "", exclude=a.exclude or "",
                    examples=a.examples, actor=a.actor)
    print(f"code {c.id} added to {a.framework} (category {c.category_id}" + (f", under {c.parent})" if c.parent
                                                                             else ")"))
    return 0


def cmd_rename(a) -> int:
    cb.rename_code(open_(a.project), a.framework, a.id, a.new_id, actor=a.actor)
    print(f"code {a.id} is now {a.new_id}")
    return 0


def cmd_edit(a) -> int:
    fields = cb.CodeFields(label=a.label, definition=a.definition, include=a.include, exclude=a.exclude,
                           examples=a.examples)
    changed = cb.edit_code(open_(a.project), a.framework, a.id, fields, actor=a.actor)
    print(f"code {a.id}: " + (", ".join(sorted(changed)) + " changed" if changed else "nothing changed"))
    return 0


def cmd_move(a) -> int:
    cb.move_code(open_(a.project), a.framework, a.id, category=a.category, parent=a.parent, to_top=a.top,
                 actor=a.actor)
    print(f"code {a.id} moved")
    return 0


def cmd_reorder(a) -> int:
    cb.reorder_code(open_(a.project), a.framework, a.id, a.position, actor=a.actor)
    print(f"code {a.id} is now at place {a.position}")
    return 0


def cmd_merge(a) -> int:
    r = cb.merge_codes(open_(a.project), a.framework, a.codes, a.into, label=a.label, definition=a.definition,
                       actor=a.actor)
    print(r.text())
    return 0


def _new_codes(specs: list[str]) -> list[cb.NewCode]:
    out = []
    for spec in specs:
        cid, sep, rest = spec.partition("=")
        if not sep or not rest.strip():
            raise InputError("--into", f"{spec!r}: write ID=LABEL or ID=LABEL:DEFINITION")
        label, _, definition = rest.partition(":")
        out.append(cb.NewCode(cid.strip(), label.strip(), definition.strip()))
    return out


def cmd_split(a) -> int:
    project = open_(a.project)
    new = _new_codes(a.into)
    ranking = cb.split_ranking(project, a.framework, a.id, new, embedder(project))
    chosen = {r.coding_id: r.best for r in ranking}
    for spec in a.assign:
        cid, sep, code = spec.partition("=")
        if not sep or not cid.strip().isdigit():
            raise InputError("--assign", f"{spec!r}: write CODING_ID=NEW_CODE")
        chosen[int(cid)] = code.strip()
    print_table([{"coding": r.coding_id, "transcript": r.transcript, "coder": r.coder, "to": chosen[r.coding_id],
                  **{k: f"{v:.2f}" for k, v in r.scores.items()}, "passage": r.text[:60]} for r in ranking])
    if a.dry_run:
        return 0
    rep = cb.split_code(project, a.framework, a.id, new, chosen, delete_original=not a.keep_original, actor=a.actor)
    print(json.dumps({"moved": rep.moved, "kept": rep.kept, "deleted_original": rep.deleted_original}))
    return 0


def cmd_from_passage(a) -> int:
    coding = cb.code_from_passage(open_(a.project), a.framework, a.id, a.label, transcript=a.transcript,
                                  start=a.start, end=a.end, coder=a.coder, category=a.category, parent=a.parent,
                                  definition=a.definition, actor=a.actor)
    print(f"code {a.id} added; passage {a.start}-{a.end} coded (coding {coding})")
    return 0


def cmd_delete(a) -> int:
    cb.delete_code(open_(a.project), a.framework, a.id, actor=a.actor)
    print(f"code {a.id} deleted from {a.framework}")
    return 0

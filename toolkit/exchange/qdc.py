"""REFI-QDA codebooks (.qdc, ``urn:QDA-XML:codebook:1.0``) and the code tree of a project, to and from frameworks.

Writing: a category is a parent code (``isCodable="false"``), its codes are its children (name ``"<id> <label>"``);
the definition is the description, the other fields (id, include, exclude, examples, ring, kind) follow it in the
toolkit's metadata block. The framework itself and each of its rings are sets. A framework written and read back
is identical.

Reading other tools' code trees: top-level codes with children are categories and every code below them (at any
depth) is one of their codes; a flat codebook becomes one category, unless its codes are grouped by sets
(ATLAS.ti code groups) or named ``Group::Code`` (ATLAS.ti), which then give the categories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import InputError
from ..models import Category, Code, Framework
from .refi_common import (
    CODEBOOK_NS,
    ORIGIN,
    attr,
    kid,
    kids,
    make_guid,
    norm_guid,
    parse_xml,
    split_meta,
    sub,
    text_of,
    valid_rgb,
    where,
    with_meta,
)

ID_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")
_CODE_NAME = re.compile(r"^([A-Za-z]{1,8}[-_.]?\d{1,4}[A-Za-z]?)[\s:.)\-\u2013\u2014]+(\S.*)$")


def slug(s: str, default: str = "code") -> str:
    return re.sub(r"[^A-Za-z0-9_.\-]+", "_", (s or "").strip()).strip("_.-")[:60] or default


def code_guid(fid: str, code_id: str) -> str:
    return make_guid("framework", fid, "code", code_id)


def category_guid(fid: str, cat_id: str) -> str:
    return make_guid("framework", fid, "category", cat_id)


# --- writing ------------------------------------------------------------------------------------------------------


def build_codes(codes_el, ns: str, frameworks: list[Framework]) -> dict[tuple[str, str], etree._Element]:
    """Append each framework's categories and codes under ``<Codes>``; return ``(framework, code id) -> <Code>``."""
    out: dict[tuple[str, str], etree._Element] = {}
    for fw in frameworks:
        for cat in fw.categories:
            cel = sub(codes_el, ns, "Code", {"guid": category_guid(fw.id, cat.id), "name": cat.label,
                                             "isCodable": "false"})
            sub(cel, ns, "Description", text=with_meta(cat.description,
                                                       {"toolkit": "category", "framework": fw.id, "id": cat.id}))
            for c in cat.codes:
                meta = {"toolkit": "code", "framework": fw.id, "id": c.id}
                for k in ("include", "exclude", "ring", "kind"):
                    if getattr(c, k):
                        meta[k] = getattr(c, k)
                if c.examples:
                    meta["examples"] = list(c.examples)
                if c.color and not valid_rgb(c.color):
                    meta["color"] = c.color
                kel = sub(cel, ns, "Code", {"guid": code_guid(fw.id, c.id), "name": f"{c.id} {c.label}",
                                            "isCodable": "true", "color": c.color if valid_rgb(c.color) else None})
                sub(kel, ns, "Description", text=with_meta(c.definition, meta))
                out[(fw.id, c.id)] = kel
    return out


def build_sets(sets_el, ns: str, frameworks: list[Framework], member_attr: str) -> None:
    """One set per framework (its metadata, all its codes) and one per ring (the codes placed on it)."""
    for fw in frameworks:
        meta = {"toolkit": "framework", "id": fw.id, "name": fw.name, "version": fw.version,
                "language": fw.language}
        if fw.rings:
            meta["rings"] = [dict(r) for r in fw.rings]
        sel = sub(sets_el, ns, "Set", {"guid": make_guid("framework", fw.id, "set"), "name": f"{fw.id}: {fw.name}"})
        sub(sel, ns, "Description", text=with_meta(fw.description, meta))
        for c in fw.codes:
            sub(sel, ns, "MemberCode", {member_attr: code_guid(fw.id, c.id)})
        for ring in fw.rings:
            members = [c for c in fw.codes if c.ring == ring["id"]]
            rel = sub(sets_el, ns, "Set", {"guid": make_guid("framework", fw.id, "ring", ring["id"]),
                                           "name": f"{fw.id} ring: {ring.get('label') or ring['id']}"})
            sub(rel, ns, "Description", text=with_meta("", {"toolkit": "ring", "framework": fw.id, "id": ring["id"]}))
            for c in members:
                sub(rel, ns, "MemberCode", {member_attr: code_guid(fw.id, c.id)})


def framework_to_qdc(fw: Framework) -> bytes:
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS}, origin=ORIGIN)
    build_codes(sub(root, CODEBOOK_NS, "Codes"), CODEBOOK_NS, [fw])
    build_sets(sub(root, CODEBOOK_NS, "Sets"), CODEBOOK_NS, [fw], "guid")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_qdc(fw: Framework, path: str | Path) -> None:
    from ..safeio import atomic_output

    with atomic_output(path) as tmp:
        tmp.write_bytes(framework_to_qdc(fw))


# --- reading ------------------------------------------------------------------------------------------------------


@dataclass
class CodeNode:
    guid: str  # normalised
    name: str
    codable: bool
    color: str | None
    description: str
    children: list[CodeNode] = field(default_factory=list)


@dataclass
class SetNode:
    guid: str
    name: str
    description: str
    codes: list[str]
    notes: list[str]
    sources: list[str]


def parse_code_nodes(codes_el, file: str, seen: dict[str, str] | None = None) -> list[CodeNode]:
    seen = {} if seen is None else seen
    nodes = []
    for el in kids(codes_el, "Code"):
        guid = norm_guid(attr(el, "guid"))
        if not guid:
            raise InputError(file, "code without a guid", where(el))
        if guid in seen:
            raise InputError(file, f"code GUID {attr(el, 'guid')} is used twice (also {seen[guid]})", where(el))
        seen[guid] = where(el)
        name = (attr(el, "name") or "").strip() or attr(el, "guid")
        codable = (attr(el, "isCodable") or "true").strip().lower() not in ("false", "0")
        color = attr(el, "color")
        nodes.append(CodeNode(guid, name, codable, color.strip() if color else None,
                              text_of(kid(el, "Description")), parse_code_nodes(el, file, seen)))
    return nodes


def parse_sets(sets_el) -> list[SetNode]:
    out = []
    for el in kids(sets_el, "Set"):
        def refs(tag, el=el):
            return [norm_guid(attr(m, "targetGUID") or attr(m, "guid")) for m in kids(el, tag)]
        out.append(SetNode(norm_guid(attr(el, "guid")), attr(el, "name") or "", text_of(kid(el, "Description")),
                           refs("MemberCode"), refs("MemberNote"), refs("MemberSource")))
    return out


@dataclass
class Codebook:
    frameworks: list[Framework]
    code_keys: dict[str, tuple[str, str]]  # normalised code GUID -> (framework id, code id)
    toolkit_ids: set[str]  # frameworks written by this toolkit (metadata present)
    warnings: list[str]


class _Builder:
    def __init__(self, fid: str):
        self.fid = fid
        self.cats: list[Category] = []
        self.cat_ids: set[str] = set()
        self.code_ids: set[str] = set()

    def unique(self, wanted: str, taken: set[str]) -> str:
        cid, n = wanted, 2
        while cid in taken:
            cid, n = f"{wanted}_{n}", n + 1
        taken.add(cid)
        return cid

    def category(self, wanted_id: str, label: str, description: str) -> Category:
        cat = Category(id=self.unique(slug(wanted_id, "category"), self.cat_ids), label=label,
                       description=description)
        self.cats.append(cat)
        return cat

    def code(self, node: CodeNode, cat: Category, keys: dict) -> None:
        human, meta = split_meta(node.description)
        if meta and meta.get("toolkit") == "code" and meta.get("id"):
            cid = str(meta["id"])
            label = node.name[len(cid) + 1:] if node.name.startswith(cid + " ") else node.name
        else:
            meta = {}
            m = _CODE_NAME.match(node.name)
            cid, label = (m.group(1), m.group(2).strip()) if m else (slug(node.name), node.name)
        cid = self.unique(cid if ID_RE.match(cid) else slug(cid), self.code_ids)
        color = node.color if valid_rgb(node.color) else (meta.get("color") or None)
        examples = meta.get("examples") or []
        cat.codes.append(Code(id=cid, label=label.strip() or cid, definition=human,
                              include=str(meta.get("include") or ""), exclude=str(meta.get("exclude") or ""),
                              examples=[str(e) for e in examples] if isinstance(examples, list) else [str(examples)],
                              ring=meta.get("ring") or None, kind=meta.get("kind") or None, category_id=cat.id,
                              color=color))
        keys[node.guid] = (self.fid, cid)


def _descendants(node: CodeNode, warnings: list[str], coded) -> list[CodeNode]:
    """The codes below ``node`` at any depth; folders (not codable, not coded) are passed through or dropped."""
    out = []
    for ch in node.children:
        usable = ch.codable or ch.guid in coded
        if ch.children:
            warnings.append(f"code {ch.name!r} under {node.name!r}: nested codes flattened into category "
                            f"{node.name!r}")
            out += ([ch] if usable else []) + _descendants(ch, warnings, coded)
        elif usable:
            out.append(ch)
    return out


def frameworks_from_codebook(nodes: list[CodeNode], sets: list[SetNode], *, default_id: str, default_name: str,
                             coded: set[str] | frozenset[str] = frozenset(),
                             taken_ids: set[str] | frozenset[str] = frozenset()) -> Codebook:
    """Turn a parsed code tree into frameworks (see the module docstring); ``coded`` holds the GUIDs that codings
    use, so that a coded parent code also becomes a code (first in its category)."""
    warnings: list[str] = []
    keys: dict[str, tuple[str, str]] = {}
    fw_meta: dict[str, tuple[str, dict]] = {}
    toolkit_sets = set()
    for st in sets:
        human, meta = split_meta(st.description)
        if meta and meta.get("toolkit") in ("framework", "ring"):
            toolkit_sets.add(st.guid)
            if meta["toolkit"] == "framework" and meta.get("id"):
                fw_meta[str(meta["id"])] = (human, meta)
    builders: dict[str, _Builder] = {}
    foreign: list[CodeNode] = []
    for node in nodes:
        human, meta = split_meta(node.description)
        if not (meta and meta.get("toolkit") == "category" and meta.get("framework")):
            foreign.append(node)
            continue
        b = builders.setdefault(str(meta["framework"]), _Builder(str(meta["framework"])))
        cat = b.category(str(meta.get("id") or node.name), node.name, human)
        for ch in ([node] if node.guid in coded else []) + _descendants(node, warnings, coded):
            b.code(ch, cat, keys)
    frameworks = []
    for fid, b in builders.items():
        human, meta = fw_meta.get(fid, ("", {}))
        rings = [{"id": str(r.get("id")), "label": str(r.get("label") or r.get("id"))}
                 for r in meta.get("rings") or [] if isinstance(r, dict) and r.get("id")]
        frameworks.append(Framework(id=fid, name=str(meta.get("name") or fid), categories=b.cats,
                                    version=str(meta.get("version") or ""), language=str(meta.get("language") or "en"),
                                    description=human, rings=rings))
    toolkit_ids = set(builders)
    if foreign:
        fid, n = slug(default_id, "codebook"), 2
        base = fid
        while fid in toolkit_ids or fid in taken_ids:
            fid, n = f"{base}_{n}", n + 1
        b = _Builder(fid)
        _foreign_categories(b, foreign, [s for s in sets if s.guid not in toolkit_sets], default_name, coded, keys,
                            warnings)
        frameworks.append(Framework(id=fid, name=default_name, categories=b.cats,
                                    description="Imported from a REFI-QDA code tree."))
    return Codebook(frameworks, keys, toolkit_ids, warnings)


def _foreign_categories(b: _Builder, tops: list[CodeNode], sets: list[SetNode], default_name: str, coded, keys,
                        warnings: list[str]) -> None:
    leftovers: list[CodeNode] = []
    if any(n.children for n in tops):
        for n in tops:
            if not n.children:
                if n.codable or n.guid in coded:
                    leftovers.append(n)
                else:
                    b.category(n.name, n.name, split_meta(n.description)[0])  # an empty folder
                continue
            human, _ = split_meta(n.description)
            cat = b.category(n.name, n.name, human)
            for ch in ([n] if n.guid in coded else []) + _descendants(n, warnings, coded):
                b.code(ch, cat, keys)
    else:
        by_guid = {n.guid: n for n in tops}
        placed: set[str] = set()
        for st in sets:
            members = [by_guid[g] for g in st.codes if g in by_guid and g not in placed]
            if not members:
                continue
            cat = b.category(st.name, st.name, split_meta(st.description)[0])
            for n in members:
                placed.add(n.guid)
                b.code(n, cat, keys)
        leftovers = [n for n in tops if n.guid not in placed]
        if not placed and any(not n.codable for n in leftovers):
            # folders written flat (as in the standard's own codebook example): a folder heads the codes after it
            cat, rest = None, []
            for n in leftovers:
                if not n.codable and n.guid not in coded:
                    cat = b.category(n.name, n.name, split_meta(n.description)[0])
                elif cat is None:
                    rest.append(n)
                else:
                    b.code(n, cat, keys)
            leftovers = rest
    groups: dict[str, list[CodeNode]] = {}
    for n in leftovers:
        prefix, sep, rest = n.name.partition("::")
        if sep and prefix.strip() and rest.strip():
            groups.setdefault(prefix.strip(), []).append(CodeNode(n.guid, rest.strip(), n.codable, n.color,
                                                                  n.description))
        else:
            groups.setdefault("", []).append(n)
    for label, members in groups.items():
        if not label:
            continue
        cat = b.category(label, label, "")
        for n in members:
            b.code(n, cat, keys)
    if groups.get(""):
        label = "Other codes" if b.cats else default_name
        cat = b.category(label, label, "")
        for n in groups[""]:
            b.code(n, cat, keys)


def read_codebook_root(root, file: str, *, default_id: str, default_name: str) -> Codebook:
    codes = kid(root, "Codes") if kid(root, "Codes") is not None else kid(kid(root, "CodeBook"), "Codes")
    if codes is None or not kids(codes, "Code"):
        raise InputError(file, "no <Codes> with at least one <Code> in this codebook", where(root))
    nodes = parse_code_nodes(codes, file)
    sets_el = kid(root, "Sets")
    return frameworks_from_codebook(nodes, parse_sets(sets_el) if sets_el is not None else [],
                                    default_id=default_id, default_name=default_name)


def read_qdc(path: str | Path, *, framework_id: str | None = None, name: str | None = None) -> Framework:
    """Read a REFI-QDA codebook into one framework (``framework_id``/``name`` name a codebook from another tool)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror or e}") from None
    root = parse_xml(data, str(path))
    book = read_codebook_root(root, str(path), default_id=framework_id or slug(path.stem, "codebook"),
                              default_name=name or path.stem)
    if len(book.frameworks) != 1:
        ids = ", ".join(f.id for f in book.frameworks)
        raise InputError(path, f"this codebook holds {len(book.frameworks)} frameworks ({ids}); expected one")
    fw = book.frameworks[0]
    if framework_id:
        fw.id = framework_id
    fw.source_file = str(path)
    if not fw.codes:
        raise InputError(path, "the codebook has no codes (only folders)")
    return fw

"""Coding frameworks, crosswalks and measures catalogues as data files (YAML; codebooks also as CSV).

Loading validates: every problem is reported as an ``InputError`` naming the file and the line of the offending
entry. See ``docs/formats.md`` for the formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ._data import folder as _shipped_folder
from .codetree import check_tree
from .errors import InputError
from .models import ID_RE, Category, Code, Framework, clean_text
from .safeio import atomic_output
from .yamlio import check_keys, key_line, line, load_yaml, seq, strip_meta, text

SHIPPED_DIR = _shipped_folder("frameworks")  # the shipped frameworks (package data; toolkit._data)


@dataclass
class Crosswalk:
    id: str
    from_framework: str
    to_framework: str
    mapping: list[dict]  # [{"from", "to", "reason", "note"}]
    description: str = ""
    source_file: str | None = None

    def target(self, code_id: str) -> str | None:
        for m in self.mapping:
            if m["from"] == code_id:
                return m["to"]
        raise KeyError(code_id)


@dataclass
class MeasuresCatalogue:
    id: str
    name: str
    framework: str
    measures: list[dict]
    choosing_wisely: list[dict] = field(default_factory=list)
    source: str = ""
    source_file: str | None = None


# --- YAML helpers (toolkit.yamlio: line numbers, no aliases, size limit, typed values) ----------------------------

_load_yaml = load_yaml
_line = line
FRAMEWORK_KEYS = ("kind", "id", "name", "version", "language", "description", "expected", "rings", "categories")
CATEGORY_KEYS = ("id", "label", "description", "codes", "color")
CODE_KEYS = ("id", "label", "definition", "include", "exclude", "examples", "ring", "kind", "color", "parent")
CROSSWALK_KEYS, CROSSWALK_ENTRY_KEYS = ("kind", "id", "from", "to", "description", "map"), ("from", "to", "reason",
                                                                                          "note")
MEASURES_KEYS = ("kind", "id", "framework", "name", "source", "language", "description", "measures", "choosing_wisely")
MEASURE_KEYS, TARGET_KEYS = ("id", "title", "description", "section", "quantities", "targets"), ("driver", "rationale")


def _require(d: dict, key: str, path: Path, what: str) -> str:
    v = text(d, key, path, what)
    if not v:
        raise InputError(path, f"{what} has no {key!r}", _line(d))
    return v


def _expected(data: dict, path: Path) -> dict[str, int]:
    exp = data.get("expected")
    if exp is None:
        return {}
    if not isinstance(exp, dict):
        raise InputError(path, "'expected' must be a mapping like {codes: 84, categories: 7}",
                         key_line(data, "expected"))
    check_keys(exp, ("codes", "categories"), path, "'expected'")
    out = {}
    for k in ("codes", "categories"):
        if k in exp:
            v = exp[k]
            if isinstance(v, bool) or not isinstance(v, int):
                raise InputError(path, f"expected {k} must be a whole number, not {v!r}", key_line(exp, k))
            out[k] = v
    return out


# --- frameworks ---------------------------------------------------------------------------------------------------


def framework_from_dict(data: dict, path: Path) -> Framework:
    check_keys(data, FRAMEWORK_KEYS, path, "the framework")
    fid = _require(data, "id", path, "framework")
    if not ID_RE.match(fid):
        raise InputError(path, f"framework id {fid!r} may only hold letters, digits, '_', '.', '-'", _line(data))
    rings = []
    for r in seq(data, "rings", path, "framework", of_mappings=True):
        check_keys(r, ("id", "label"), path, "a ring")
        rings.append({"id": _require(r, "id", path, "ring"), "label": text(r, "label", path, "ring") or r["id"]})
    ring_ids = {r["id"] for r in rings}
    seen_codes: dict[str, str | None] = {}
    seen_cats: set[str] = set()
    categories = []
    cats = data.get("categories")
    if not isinstance(cats, list) or not cats:
        raise InputError(path, "framework has no 'categories' list", _line(data))
    for cd in cats:
        if not isinstance(cd, dict):
            raise InputError(path, "each category must be a mapping with id, label and codes", _line(data))
        check_keys(cd, CATEGORY_KEYS, path, "a category")
        cid = _require(cd, "id", path, "category")
        if cid in seen_cats:
            raise InputError(path, f"duplicate category id {cid!r}", _line(cd))
        seen_cats.add(cid)
        codes = []
        for kd in seq(cd, "codes", path, f"category {cid!r}"):
            if not isinstance(kd, dict):
                raise InputError(path, f"category {cid!r}: each code must be a mapping", _line(cd))
            check_keys(kd, CODE_KEYS, path, "a code")
            kid = _require(kd, "id", path, "code")
            if not ID_RE.match(kid):
                raise InputError(path, f"code id {kid!r} may only hold letters, digits, '_', '.', '-'", _line(kd))
            if kid in seen_codes:
                raise InputError(path, f"duplicate code id {kid!r} (first at {seen_codes[kid]})", _line(kd))
            seen_codes[kid] = _line(kd)
            what = f"code {kid!r}"
            ring = text(kd, "ring", path, what) or None
            if ring and ring not in ring_ids:
                raise InputError(path, f"code {kid!r}: ring {ring!r} is not declared under 'rings'", _line(kd))
            examples = [kd["examples"]] if isinstance(kd.get("examples"), str) else seq(kd, "examples", path, what)
            for e in examples:
                if not isinstance(e, str | int | float) or isinstance(e, bool):
                    raise InputError(path, f"{what}: each example must be text, not {strip_meta(e)!r}"[:120],
                                     key_line(kd, "examples"))
            codes.append(Code(id=kid, label=_require(kd, "label", path, what),
                              definition=text(kd, "definition", path, what), include=text(kd, "include", path, what),
                              exclude=text(kd, "exclude", path, what),
                              examples=[clean_text(e) for e in examples if clean_text(e)],
                              ring=ring, kind=text(kd, "kind", path, what) or None, category_id=cid,
                              color=text(kd, "color", path, what) or None,
                              parent=text(kd, "parent", path, what) or None))
        categories.append(Category(id=cid, label=_require(cd, "label", path, f"category {cid!r}"),
                                   description=text(cd, "description", path, f"category {cid!r}"), codes=codes,
                                   color=text(cd, "color", path, f"category {cid!r}") or None))
    fw = Framework(id=fid, name=text(data, "name", path, "framework") or fid, categories=categories,
                   version=text(data, "version", path, "framework"),
                   language=text(data, "language", path, "framework") or "en",
                   description=text(data, "description", path, "framework"), rings=rings, source_file=str(path))
    expected = _expected(data, path)
    for key, actual in (("codes", len(fw.codes)), ("categories", len(fw.categories))):
        if key in expected and expected[key] != actual:
            raise InputError(path, f"framework {fid!r} declares {expected[key]} {key} but has {actual}", _line(data))
    if not fw.codes:
        raise InputError(path, f"framework {fid!r} has no codes", _line(data))
    check_tree(fw, path, seen_codes)
    return fw


def load_framework(path: str | Path) -> Framework:
    path = Path(path)
    if path.suffix.lower() == ".csv":
        from .codebook_csv import read_codebook_csv

        return read_codebook_csv(path)
    data = _load_yaml(path)
    kind = text(data, "kind", path, "the file") or "framework"
    if kind != "framework":
        raise InputError(path, f"kind is {kind!r}, expected 'framework'", _line(data))
    return framework_from_dict(data, path)


def framework_to_dict(fw: Framework) -> dict:
    cats = []
    for cat in fw.categories:
        codes = []
        for c in cat.codes:
            d = {"id": c.id, "label": c.label, "definition": c.definition}
            for k in ("parent", "include", "exclude", "ring", "kind", "color"):
                if getattr(c, k):
                    d[k] = getattr(c, k)
            if c.examples:
                d["examples"] = list(c.examples)
            codes.append(d)
        cats.append({"id": cat.id, "label": cat.label, "description": cat.description,
                     **({"color": cat.color} if cat.color else {}), "codes": codes})
    out = {"kind": "framework", "id": fw.id, "name": fw.name, "version": fw.version, "language": fw.language,
           "description": fw.description}
    if fw.rings:
        out["rings"] = [dict(r) for r in fw.rings]
    out["categories"] = cats
    return out


def write_framework_yaml(fw: Framework, path: str | Path) -> None:
    text = yaml.safe_dump(framework_to_dict(fw), sort_keys=False, allow_unicode=True, width=110)
    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


# --- crosswalks ---------------------------------------------------------------------------------------------------


def load_crosswalk(path: str | Path, frameworks: dict[str, Framework] | None = None) -> Crosswalk:
    """Load a crosswalk; with ``frameworks`` given, check it covers every source code and names only known codes."""
    path = Path(path)
    data = _load_yaml(path)
    if data.get("kind") != "crosswalk":
        raise InputError(path, f"kind is {data.get('kind')!r}, expected 'crosswalk'", _line(data))
    check_keys(data, CROSSWALK_KEYS, path, "the crosswalk")
    cw = Crosswalk(id=_require(data, "id", path, "crosswalk"), from_framework=_require(data, "from", path, "crosswalk"),
                   to_framework=_require(data, "to", path, "crosswalk"), mapping=[],
                   description=text(data, "description", path, "crosswalk"), source_file=str(path))
    seen: dict[str, str | None] = {}
    for m in seq(data, "map", path, "crosswalk", of_mappings=True):
        check_keys(m, CROSSWALK_ENTRY_KEYS, path, "a crosswalk entry")
        src = _require(m, "from", path, "crosswalk entry")
        if src in seen:
            raise InputError(path, f"code {src!r} is mapped twice (first at {seen[src]})", _line(m))
        seen[src] = _line(m)
        dst = text(m, "to", path, "crosswalk entry") or None
        reason = text(m, "reason", path, "crosswalk entry")
        if dst is None and not reason:
            raise InputError(path, f"code {src!r} maps to nothing but gives no 'reason'", _line(m))
        cw.mapping.append({"from": src, "to": dst, "reason": reason, "note": text(m, "note", path, "crosswalk entry"),
                           "line": m.get("__line__")})
    if not cw.mapping:
        raise InputError(path, "crosswalk has no 'map' entries", _line(data))
    if frameworks is not None:
        check_crosswalk(cw, frameworks)
    return cw


def check_crosswalk(cw: Crosswalk, frameworks: dict[str, Framework]) -> None:
    path = cw.source_file or cw.id
    for fid in (cw.from_framework, cw.to_framework):
        if fid not in frameworks:
            raise InputError(path, f"crosswalk {cw.id!r} names unknown framework {fid!r}")
    src_codes = {c.id for c in frameworks[cw.from_framework].codes}
    dst_codes = {c.id for c in frameworks[cw.to_framework].codes}
    for m in cw.mapping:
        place = f"line {m['line']}" if m.get("line") else None
        if m["from"] not in src_codes:
            raise InputError(path, f"unknown code {m['from']!r}: not in framework {cw.from_framework!r}", place)
        if m["to"] is not None and m["to"] not in dst_codes:
            raise InputError(path, f"unknown code {m['to']!r}: not in framework {cw.to_framework!r}", place)
    missing = sorted(src_codes - {m["from"] for m in cw.mapping})
    if missing:
        raise InputError(path, f"crosswalk leaves {len(missing)} code(s) of {cw.from_framework!r} unmapped: "
                               f"{', '.join(missing)}")


# --- measures catalogues ------------------------------------------------------------------------------------------


def load_measures(path: str | Path, frameworks: dict[str, Framework] | None = None) -> MeasuresCatalogue:
    path = Path(path)
    data = _load_yaml(path)
    if data.get("kind") != "measures":
        raise InputError(path, f"kind is {data.get('kind')!r}, expected 'measures'", _line(data))
    check_keys(data, MEASURES_KEYS, path, "the catalogue")
    cid = _require(data, "id", path, "catalogue")
    cat = MeasuresCatalogue(id=cid, name=text(data, "name", path, "catalogue") or cid,
                            framework=_require(data, "framework", path, "catalogue"), measures=[],
                            source=text(data, "source", path, "catalogue"), source_file=str(path))
    seen: set[str] = set()
    for m in seq(data, "measures", path, "catalogue", of_mappings=True):
        check_keys(m, MEASURE_KEYS, path, "a measure")
        mid = _require(m, "id", path, "measure")
        if mid in seen:
            raise InputError(path, f"duplicate measure id {mid!r}", _line(m))
        seen.add(mid)
        targets = []
        for tg in seq(m, "targets", path, f"measure {mid!r}", of_mappings=True):
            check_keys(tg, TARGET_KEYS, path, f"a target of measure {mid!r}")
            targets.append({"driver": _require(tg, "driver", path, f"measure {mid!r} target"),
                            "rationale": text(tg, "rationale", path, f"measure {mid!r} target"),
                            "line": tg.get("__line__")})
        seq(m, "quantities", path, f"measure {mid!r}")
        cat.measures.append({"id": mid, "title": _require(m, "title", path, f"measure {mid!r}"),
                             "description": text(m, "description", path, f"measure {mid!r}"),
                             "section": _strip_lines(m.get("section")),
                             "quantities": _strip_lines(m.get("quantities") or []), "targets": targets,
                             "line": m.get("__line__")})
    if not cat.measures:
        raise InputError(path, "catalogue has no 'measures'", _line(data))
    cat.choosing_wisely = _strip_lines(seq(data, "choosing_wisely", path, "catalogue"))
    if frameworks is not None:
        check_measures(cat, frameworks)
    return cat


def check_measures(cat: MeasuresCatalogue, frameworks: dict[str, Framework]) -> None:
    path = cat.source_file or cat.id
    if cat.framework not in frameworks:
        raise InputError(path, f"catalogue {cat.id!r} names unknown framework {cat.framework!r}")
    codes = {c.id for c in frameworks[cat.framework].codes}
    for m in cat.measures:
        for tg in m["targets"]:
            if tg["driver"] not in codes:
                raise InputError(path, f"measure {m['id']!r} targets unknown driver {tg['driver']!r} "
                                       f"(not in framework {cat.framework!r})",
                                 f"line {tg['line']}" if tg.get("line") else None)


_strip_lines = strip_meta


# --- folders ------------------------------------------------------------------------------------------------------


@dataclass
class FrameworkFolder:
    frameworks: dict[str, Framework]
    crosswalks: dict[str, Crosswalk]
    catalogues: dict[str, MeasuresCatalogue]


def load_folder(folder: str | Path = SHIPPED_DIR) -> FrameworkFolder:
    """Load and cross-check every YAML file of a folder (frameworks first, then crosswalks and catalogues)."""
    folder = Path(folder)
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml")) if folder.is_dir() else []
    if not files:
        raise InputError(folder, "no .yaml files here")
    kinds: dict[str, list[Path]] = {"framework": [], "crosswalk": [], "measures": []}
    for p in files:
        kind = text(_load_yaml(p), "kind", p, "the file") or "framework"
        if kind not in kinds:
            raise InputError(p, f"unknown kind {kind!r} (expected framework, crosswalk or measures)")
        kinds[kind].append(p)
    out = FrameworkFolder({}, {}, {})
    for p in kinds["framework"]:
        fw = load_framework(p)
        if fw.id in out.frameworks:
            raise InputError(p, f"framework id {fw.id!r} also used by {out.frameworks[fw.id].source_file}")
        out.frameworks[fw.id] = fw
    for p in kinds["crosswalk"]:
        cw = load_crosswalk(p, out.frameworks)
        out.crosswalks[cw.id] = cw
    for p in kinds["measures"]:
        cat = load_measures(p, out.frameworks)
        out.catalogues[cat.id] = cat
    return out



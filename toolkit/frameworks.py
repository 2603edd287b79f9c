"""Coding frameworks, crosswalks and measures catalogues as data files (YAML; codebooks also as CSV).

Loading validates: every problem is reported as an ``InputError`` naming the file and the line of the offending
entry. See ``docs/formats.md`` for the formats.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ._data import folder as _shipped_folder
from .errors import InputError
from .models import Category, Code, Framework

ID_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")
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


# --- YAML with line numbers ---------------------------------------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load_yaml(path: Path) -> dict:
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(path, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror}") from None
    if not raw.strip():
        raise InputError(path, "empty file")
    try:
        data = yaml.load(raw, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        place = f"line {mark.line + 1}" if mark else None
        raise InputError(path, f"invalid YAML: {getattr(e, 'problem', e)}", place) from None
    if not isinstance(data, dict):
        raise InputError(path, "expected a mapping at the top level (kind: framework | crosswalk | measures)")
    return data


def _line(d: dict) -> str | None:
    return f"line {d['__line__']}" if isinstance(d, dict) and "__line__" in d else None


def _text(v) -> str:
    return "" if v is None else str(v).strip()


def _require(d: dict, key: str, path: Path, what: str) -> str:
    v = _text(d.get(key))
    if not v:
        raise InputError(path, f"{what} has no {key!r}", _line(d))
    return v


# --- frameworks ---------------------------------------------------------------------------------------------------


def framework_from_dict(data: dict, path: Path) -> Framework:
    fid = _require(data, "id", path, "framework")
    if not ID_RE.match(fid):
        raise InputError(path, f"framework id {fid!r} may only hold letters, digits, '_', '.', '-'", _line(data))
    rings = [{"id": _require(r, "id", path, "ring"), "label": _text(r.get("label")) or _text(r.get("id"))}
             for r in data.get("rings") or []]
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
        cid = _require(cd, "id", path, "category")
        if cid in seen_cats:
            raise InputError(path, f"duplicate category id {cid!r}", _line(cd))
        seen_cats.add(cid)
        codes = []
        for kd in cd.get("codes") or []:
            if not isinstance(kd, dict):
                raise InputError(path, f"category {cid!r}: each code must be a mapping", _line(cd))
            kid = _require(kd, "id", path, "code")
            if not ID_RE.match(kid):
                raise InputError(path, f"code id {kid!r} may only hold letters, digits, '_', '.', '-'", _line(kd))
            if kid in seen_codes:
                raise InputError(path, f"duplicate code id {kid!r} (first at {seen_codes[kid]})", _line(kd))
            seen_codes[kid] = _line(kd)
            ring = _text(kd.get("ring")) or None
            if ring and ring not in ring_ids:
                raise InputError(path, f"code {kid!r}: ring {ring!r} is not declared under 'rings'", _line(kd))
            examples = kd.get("examples") or []
            if isinstance(examples, str):
                examples = [examples]
            codes.append(Code(id=kid, label=_require(kd, "label", path, f"code {kid!r}"),
                              definition=_text(kd.get("definition")), include=_text(kd.get("include")),
                              exclude=_text(kd.get("exclude")), examples=[_text(e) for e in examples if _text(e)],
                              ring=ring, kind=_text(kd.get("kind")) or None, category_id=cid,
                              color=_text(kd.get("color")) or None))
        categories.append(Category(id=cid, label=_require(cd, "label", path, f"category {cid!r}"),
                                   description=_text(cd.get("description")), codes=codes))
    fw = Framework(id=fid, name=_text(data.get("name")) or fid, categories=categories,
                   version=_text(data.get("version")), language=_text(data.get("language")) or "en",
                   description=_text(data.get("description")), rings=rings, source_file=str(path))
    expected = data.get("expected") or {}
    for key, actual in (("codes", len(fw.codes)), ("categories", len(fw.categories))):
        if key in expected and int(expected[key]) != actual:
            raise InputError(path, f"framework {fid!r} declares {expected[key]} {key} but has {actual}", _line(data))
    if not fw.codes:
        raise InputError(path, f"framework {fid!r} has no codes", _line(data))
    return fw


def load_framework(path: str | Path) -> Framework:
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return read_codebook_csv(path)
    data = _load_yaml(path)
    kind = data.get("kind", "framework")
    if kind != "framework":
        raise InputError(path, f"kind is {kind!r}, expected 'framework'", _line(data))
    return framework_from_dict(data, path)


def framework_to_dict(fw: Framework) -> dict:
    cats = []
    for cat in fw.categories:
        codes = []
        for c in cat.codes:
            d = {"id": c.id, "label": c.label, "definition": c.definition}
            for k in ("include", "exclude", "ring", "kind", "color"):
                if getattr(c, k):
                    d[k] = getattr(c, k)
            if c.examples:
                d["examples"] = list(c.examples)
            codes.append(d)
        cats.append({"id": cat.id, "label": cat.label, "description": cat.description, "codes": codes})
    out = {"kind": "framework", "id": fw.id, "name": fw.name, "version": fw.version, "language": fw.language,
           "description": fw.description}
    if fw.rings:
        out["rings"] = [dict(r) for r in fw.rings]
    out["categories"] = cats
    return out


def write_framework_yaml(fw: Framework, path: str | Path) -> None:
    Path(path).write_text(yaml.safe_dump(framework_to_dict(fw), sort_keys=False, allow_unicode=True, width=110),
                          encoding="utf-8")


# --- codebook CSV -------------------------------------------------------------------------------------------------

CODEBOOK_COLUMNS = ["code", "label", "definition", "category"]


def read_codebook_csv(path: str | Path, framework_id: str | None = None, name: str | None = None) -> Framework:
    """Read ``code,label,definition,category`` (+ optional examples, include, exclude, ring, kind)."""
    from .ingest import decode_bytes

    path = Path(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(path, "empty file")
    text, _ = decode_bytes(raw, path)
    reader = csv.DictReader(io.StringIO(text))
    cols = [c.strip().lower() for c in reader.fieldnames or []]
    if "code" not in cols:
        raise InputError(path, f"no 'code' column in the header (found: {', '.join(cols) or 'nothing'})", "row 1")
    reader.fieldnames = cols
    cats: dict[str, Category] = {}
    seen: dict[str, int] = {}
    for rowno, row in enumerate(reader, start=2):
        row = {k: _text(v) for k, v in row.items() if k}
        cid = row.get("code", "")
        if not cid:
            raise InputError(path, "empty code id", f"row {rowno}")
        if cid in seen:
            raise InputError(path, f"duplicate code id {cid!r} (first in row {seen[cid]})", f"row {rowno}")
        seen[cid] = rowno
        cat_label = row.get("category") or "Uncategorised"
        cat = cats.setdefault(cat_label, Category(id=_slug(cat_label), label=cat_label))
        examples = [e.strip() for e in row.get("examples", "").split("|") if e.strip()]
        cat.codes.append(Code(id=cid, label=row.get("label") or cid, definition=row.get("definition", ""),
                              include=row.get("include", ""), exclude=row.get("exclude", ""), examples=examples,
                              ring=row.get("ring") or None, kind=row.get("kind") or None, category_id=cat.id))
    if not seen:
        raise InputError(path, "no codes (only a header)")
    fid = framework_id or _slug(path.stem)
    return Framework(id=fid, name=name or path.stem, categories=list(cats.values()), source_file=str(path))


def write_codebook_csv(fw: Framework, path: str | Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(CODEBOOK_COLUMNS + ["examples", "include", "exclude", "ring", "kind"])
        for cat in fw.categories:
            for c in cat.codes:
                w.writerow([c.id, c.label, c.definition, cat.label, "|".join(c.examples), c.include, c.exclude,
                            c.ring or "", c.kind or ""])


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-]+", "_", s.strip()).strip("_") or "category"


# --- crosswalks ---------------------------------------------------------------------------------------------------


def load_crosswalk(path: str | Path, frameworks: dict[str, Framework] | None = None) -> Crosswalk:
    """Load a crosswalk; with ``frameworks`` given, check it covers every source code and names only known codes."""
    path = Path(path)
    data = _load_yaml(path)
    if data.get("kind") != "crosswalk":
        raise InputError(path, f"kind is {data.get('kind')!r}, expected 'crosswalk'", _line(data))
    cw = Crosswalk(id=_require(data, "id", path, "crosswalk"), from_framework=_require(data, "from", path, "crosswalk"),
                   to_framework=_require(data, "to", path, "crosswalk"), mapping=[],
                   description=_text(data.get("description")), source_file=str(path))
    seen: dict[str, str | None] = {}
    for m in data.get("map") or []:
        src = _require(m, "from", path, "crosswalk entry")
        if src in seen:
            raise InputError(path, f"code {src!r} is mapped twice (first at {seen[src]})", _line(m))
        seen[src] = _line(m)
        dst = _text(m.get("to")) or None
        if dst is None and not _text(m.get("reason")):
            raise InputError(path, f"code {src!r} maps to nothing but gives no 'reason'", _line(m))
        cw.mapping.append({"from": src, "to": dst, "reason": _text(m.get("reason")), "note": _text(m.get("note")),
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
    cat = MeasuresCatalogue(id=_require(data, "id", path, "catalogue"), name=_text(data.get("name")) or data["id"],
                            framework=_require(data, "framework", path, "catalogue"), measures=[],
                            source=_text(data.get("source")), source_file=str(path))
    seen: set[str] = set()
    for m in data.get("measures") or []:
        mid = _require(m, "id", path, "measure")
        if mid in seen:
            raise InputError(path, f"duplicate measure id {mid!r}", _line(m))
        seen.add(mid)
        targets = []
        for tg in m.get("targets") or []:
            targets.append({"driver": _require(tg, "driver", path, f"measure {mid!r} target"),
                            "rationale": _text(tg.get("rationale")), "line": tg.get("__line__")})
        cat.measures.append({"id": mid, "title": _require(m, "title", path, f"measure {mid!r}"),
                             "description": _text(m.get("description")), "section": _strip_lines(m.get("section")),
                             "quantities": _strip_lines(m.get("quantities") or []), "targets": targets,
                             "line": m.get("__line__")})
    if not cat.measures:
        raise InputError(path, "catalogue has no 'measures'", _line(data))
    cat.choosing_wisely = _strip_lines(data.get("choosing_wisely") or [])
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


def _strip_lines(v):
    if isinstance(v, dict):
        return {k: _strip_lines(x) for k, x in v.items() if k != "__line__"}
    if isinstance(v, list):
        return [_strip_lines(x) for x in v]
    return v


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
        kind = _load_yaml(p).get("kind", "framework")
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

"""ARCHITECTURE.md names every package and module under toolkit/ (the map a newcomer reads stays true)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_architecture_names_every_toolkit_module():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = []
    for path in sorted((ROOT / "toolkit").rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "migrations" in rel.parts:
            continue
        name = str(rel.parent) + "/" if path.name == "__init__.py" else str(rel)
        if f"`{name}`" not in text:
            missing.append(name)
    assert not missing, f"ARCHITECTURE.md does not name: {', '.join(missing)}"


# --- the layering rules of ARCHITECTURE.md, as tests ----------------------------------------------------------------

import ast  # noqa: E402
import re  # noqa: E402

TOOLKIT = ROOT / "toolkit"


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the toolkit package (migrations left out)."""
    out = {}
    for path in sorted(TOOLKIT.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        if "migrations" in rel.parts:
            continue
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path) -> list[tuple[str, list[str], int]]:
    """(imported module, names taken, line) for every import of the module, at any depth (a function-level import
    is still a dependency)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.append((mod, [a.name for a in node.names], node.lineno))
    return found


def _resolve(mod: str, names: list[str], modules: dict[str, Path]) -> list[str]:
    """The toolkit modules an import statement depends on (``from .pkg import sub`` names the submodule)."""
    out = [f"{mod}.{n}" for n in names if f"{mod}.{n}" in modules]
    if mod in modules and len(out) < len(names or [None]):
        out.append(mod)
    return out


def test_no_import_cycles():
    modules = _modules()
    graph = {m: set() for m in modules}
    for m, path in modules.items():
        for mod, names, _ in _imports(m, path):
            for dep in _resolve(mod, names, modules):
                if dep != m and not m.startswith(dep + "."):  # a module may use its own package's face
                    graph[m].add(dep)
    index, low, stack, on, cycles, n = {}, {}, [], set(), [], [0]

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_no_private_names_imported_across_packages():
    modules = _modules()
    bad = []
    for m, path in modules.items():
        own = m.split(".")[:2]  # toolkit.<package>
        for mod, names, line in _imports(m, path):
            if mod.startswith("toolkit") and mod.split(".")[:2] != own:
                bad += [f"{path.relative_to(ROOT)}:{line} {mod}.{n}" for n in names if n.startswith("_")
                        and not n.startswith("__")]
    assert not bad, "private names taken from another package: " + "; ".join(bad)


def _source_outside(folder: str, skip: tuple[str, ...] = ()) -> dict[Path, str]:
    out = {}
    for path in sorted(TOOLKIT.rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        if rel.startswith(folder) or rel in skip:
            continue
        out[path] = path.read_text(encoding="utf-8")
    return out


def test_no_sql_outside_the_store():
    """Only ``toolkit/store/`` talks SQL: no SQLAlchemy, no ORM tables, no session queries anywhere else."""
    pattern = re.compile(r"^\s*(from sqlalchemy|import sqlalchemy|from \.+store(\.| import )schema|"
                         r"from toolkit\.store(\.| import )schema)|\bs\.(query|execute|scalar|scalars|get|add|delete)\(",
                         re.M)
    bad = [f"{p.relative_to(ROOT)}:{src[:m.start()].count(chr(10)) + 1} {m.group(0).strip()}"
           for p, src in _source_outside("toolkit/store/").items() for m in pattern.finditer(src)]
    assert not bad, "SQL outside toolkit/store/: " + "; ".join(bad)


def test_every_file_writer_goes_through_safeio():
    """CSV, Excel and Word files are written by ``toolkit.safeio`` only (formulas neutralised, written atomically)."""
    pattern = re.compile(r"csv\.(writer|DictWriter)\(|\.to_csv\(|\.to_excel\(|openpyxl\.Workbook\(|"
                         r"load_workbook\(.*\)\.save|\bdoc(ument)?\.save\(")
    bad = [f"{p.relative_to(ROOT)}:{src[:m.start()].count(chr(10)) + 1} {m.group(0)}"
           for p, src in _source_outside("toolkit/safeio.py").items() for m in pattern.finditer(src)]
    assert not bad, "files written around toolkit.safeio: " + "; ".join(bad)


def test_passages_are_cut_in_one_place_and_settings_read_through_the_registry():
    cut = re.compile(r"passages_from_segments\(|\badd_passages\(")
    bad = [f"{p.relative_to(ROOT)}" for p, src in
           _source_outside("toolkit/store/", skip=("toolkit/indexing/workspace.py", "toolkit/indexing/units.py")).items()
           if cut.search(src)]
    assert not bad, "passages cut outside indexing.workspace.ensure_passages: " + ", ".join(bad)
    raw = re.compile(r"\b(get_setting|set_setting)\(")
    bad = [f"{p.relative_to(ROOT)}" for p, src in _source_outside("toolkit/store/", skip=("toolkit/settings.py",)).items()
           if raw.search(src)]
    assert not bad, "settings read or written around toolkit.settings: " + ", ".join(bad)


def test_toolkit_never_imports_streamlit():
    bad = [str(p.relative_to(ROOT)) for p, src in _source_outside("toolkit/app/").items()
           if re.search(r"^\s*(import|from) streamlit", src, re.M)]
    assert not bad, "toolkit imports streamlit: " + ", ".join(bad)

"""ARCHITECTURE.md names every package and module under toolkit/ (the map a newcomer reads stays true)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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

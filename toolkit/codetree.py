"""The code tree of a framework: categories at the top, codes under them, and codes under parent codes to any depth.

A code's ``parent`` names another code of the same category (``None``: directly under its category). Depth 1 is a
code directly under its category, depth 2 a code under a depth-1 code, and so on; the category itself is depth 0.

    check_tree(fw, file)           # InputError for an unknown parent, a parent in another category, a cycle
    code_tree(fw)                  # flat list in tree order: one TreeNode per code, with depth and path
    nested_tree(fw)                # [{"id", "label", "kind": "category", "children": [{... "kind": "code"}]}]
    ancestors(fw, code_id)         # parent, grandparent, ... up to the top-level code
    rollup(fw, level)              # code id -> (group id, group label) for charting by "code", "category", "depth:N"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .models import Code, Framework


@dataclass
class TreeNode:
    """One code of a framework's tree, in display order (parents before their children)."""

    framework_id: str
    category_id: str
    category_label: str
    id: str
    label: str
    parent: str | None
    depth: int  # 1 = directly under the category
    path: list[str] = field(default_factory=list)  # labels from the category down to this code (inclusive)
    children: int = 0  # how many codes sit directly under this one

    @property
    def title(self) -> str:
        """``"<id> <label>"`` indented by depth, for a picker."""
        return "\u2003" * (self.depth - 1) + f"{self.id} {self.label}"


def check_tree(fw: Framework, file: str | Path | None = None, places: dict[str, str | None] | None = None) -> None:
    """Raise ``InputError`` (naming ``file`` and, where known, the code's place) when a parent is unknown, lies in
    another category, is the code itself, or closes a cycle."""
    file = file or fw.source_file or fw.id
    places = places or {}
    by_id = {c.id: c for c in fw.codes}
    for c in fw.codes:
        if c.parent is None:
            continue
        if c.parent == c.id:
            raise InputError(file, f"code {c.id!r} names itself as its parent", places.get(c.id))
        parent = by_id.get(c.parent)
        if parent is None:
            raise InputError(file, f"code {c.id!r}: parent {c.parent!r} is not a code of framework {fw.id!r}",
                             places.get(c.id))
        if parent.category_id != c.category_id:
            raise InputError(file, f"code {c.id!r} (category {c.category_id!r}) has parent {c.parent!r} in another "
                                   f"category ({parent.category_id!r}); a parent must be in the same category",
                             places.get(c.id))
    for c in fw.codes:
        seen = [c.id]
        p = c.parent
        while p is not None:
            if p in seen:
                chain = " -> ".join(seen + [p])
                raise InputError(file, f"code {c.id!r}: the parents form a cycle ({chain})", places.get(c.id))
            seen.append(p)
            p = by_id[p].parent


def _children(codes: list[Code]) -> dict[str | None, list[Code]]:
    ids = {c.id for c in codes}
    out: dict[str | None, list[Code]] = {}
    for c in codes:
        out.setdefault(c.parent if c.parent in ids else None, []).append(c)
    return out


def code_tree(fw: Framework) -> list[TreeNode]:
    """Every code of ``fw`` once, categories in order, each parent followed by its children (in their order)."""
    out: list[TreeNode] = []
    for cat in fw.categories:
        kids = _children(cat.codes)

        def walk(parent: str | None, depth: int, path: list[str], cat=cat, kids=kids) -> None:
            for c in kids.get(parent, []):
                here = path + [c.label]
                out.append(TreeNode(fw.id, cat.id, cat.label, c.id, c.label, c.parent if parent else None, depth,
                                    here, len(kids.get(c.id, []))))
                walk(c.id, depth + 1, here)

        walk(None, 1, [cat.label])
    return out


def nested_tree(fw: Framework) -> list[dict]:
    """The tree as nested dicts: categories with ``children`` (codes), codes with ``children`` (their codes)."""
    out = []
    for cat in fw.categories:
        kids = _children(cat.codes)

        def node(c: Code, depth: int, kids=kids) -> dict:
            return {"id": c.id, "label": c.label, "kind": "code", "depth": depth,
                    "children": [node(k, depth + 1) for k in kids.get(c.id, [])]}

        out.append({"id": cat.id, "label": cat.label, "kind": "category", "depth": 0,
                    "children": [node(c, 1) for c in kids.get(None, [])]})
    return out


def ancestors(fw: Framework, code_id: str) -> list[Code]:
    """The parent, grandparent, ... of ``code_id`` (nearest first)."""
    by_id = {c.id: c for c in fw.codes}
    out, c = [], by_id[code_id]
    while c.parent is not None and c.parent in by_id and len(out) < len(by_id):
        c = by_id[c.parent]
        out.append(c)
    return out


def depth(fw: Framework, code_id: str) -> int:
    return len(ancestors(fw, code_id)) + 1


def max_depth(fw: Framework) -> int:
    return max((n.depth for n in code_tree(fw)), default=0)


def parse_level(level: str | int | None) -> int | None:
    """``"code"``/None -> None (each code its own column); ``"category"`` -> 0; ``"depth:N"`` or N -> N >= 1."""
    if level is None or level == "code":
        return None
    if level == "category":
        return 0
    text = str(level)
    if text.startswith("depth:"):
        text = text[len("depth:"):]
    try:
        n = int(text)
    except ValueError:
        raise ValueError(f"level {level!r}: expected 'code', 'category' or 'depth:N' (N >= 1)") from None
    if n < 0:
        raise ValueError(f"level {level!r}: the depth must be 0 (category) or more")
    return n


def rollup(fw: Framework, level: str | int | None) -> dict[str, tuple[str, str]]:
    """code id -> (group id, group label): the code itself (``"code"``), its category (``"category"``), or its
    ancestor at depth N (``"depth:N"``; a code shallower than N stays itself)."""
    n = parse_level(level)
    cats = {cat.id: cat.label for cat in fw.categories}
    out = {}
    for c in fw.codes:
        if n is None:
            out[c.id] = (c.id, c.label)
        elif n == 0:
            out[c.id] = (c.category_id, cats.get(c.category_id, c.category_id))
        else:
            chain = [c] + ancestors(fw, c.id)  # self, parent, ..., top-level code
            pick = chain[-n] if len(chain) >= n else c
            out[c.id] = (pick.id, pick.label)
    return out

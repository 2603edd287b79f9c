"""The framework as the editor shows it: one row per category and code in tree order, with each code's number of
codings, and the choices the editor's pickers offer (categories, possible parents)."""

from __future__ import annotations

from dataclasses import dataclass

from ..codetree import TreeNode, code_tree
from ..store import Project
from ..store import codebook as cdb
from ..store import core as db

__all__ = ["OutlineRow", "Outline", "outline"]


@dataclass
class OutlineRow:
    kind: str  # category | code
    id: str
    label: str
    category_id: str
    depth: int  # 0 for a category, 1 directly under it, ...
    parent: str | None
    codings: int
    definition: str
    include: str
    exclude: str
    examples: list[str]

    @property
    def title(self) -> str:
        """``"<id> <label>"`` indented by depth (a category: its label in brackets), for a picker."""
        return "\u2003" * max(0, self.depth - 1) + (f"{self.id} {self.label}" if self.kind == "code"
                                                     else f"[{self.id}] {self.label}")


@dataclass
class Outline:
    framework_id: str
    name: str
    rows: list[OutlineRow]
    versions: list[str]

    @property
    def codes(self) -> list[OutlineRow]:
        return [r for r in self.rows if r.kind == "code"]

    @property
    def categories(self) -> list[OutlineRow]:
        return [r for r in self.rows if r.kind == "category"]

    def code(self, code_id: str) -> OutlineRow:
        return next(r for r in self.codes if r.id == code_id)


def outline(project: Project, framework_id: str) -> Outline:
    """The framework's categories and codes in tree order with their codings counted (one read)."""
    with project.read() as s:
        fw = db.get_framework(s, framework_id)
        counts = cdb.coding_counts(s, framework_id)
        versions = [v["name"] for v in cdb.versions(s, framework_id)]
    nodes: dict[str, list[TreeNode]] = {cat.id: [] for cat in fw.categories}
    for n in code_tree(fw):
        nodes[n.category_id].append(n)
    rows = []
    for cat in fw.categories:
        rows.append(OutlineRow("category", cat.id, cat.label, cat.id, 0, None,
                               sum(counts.get(c.id, 0) for c in cat.codes), cat.description, "", "", []))
        by_id = {c.id: c for c in cat.codes}
        for n in nodes[cat.id]:
            c = by_id[n.id]
            rows.append(OutlineRow("code", c.id, c.label, cat.id, n.depth, c.parent, counts.get(c.id, 0),
                                   c.definition, c.include, c.exclude, list(c.examples)))
    return Outline(fw.id, fw.name, rows, versions)

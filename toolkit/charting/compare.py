"""Compare by group (like NVivo's matrix coding query): codes x the values of one participant attribute, counting
passages and participants, with the passages of every cell one step away.

    cmp = compare(project, "lvi84", by="group", where=ParticipantFilter.parse(["setting=rural"]))
    cmp.table("passages")              # codes x values
    cmp.passages("ORG13", "GP")        # the quotes behind that count
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ..errors import NotFoundError
from ..evidence import Evidence
from ..participants import ParticipantFilter
from ..store import Project
from .matrix import Column, Matrix, Quote, build_matrix

__all__ = ["Comparison", "compare"]

NO_VALUE = "(none)"


@dataclass(frozen=True)
class Comparison:
    framework_id: str
    by: str
    values: tuple[str, ...]  # the attribute's values, in row order of the chart
    sizes: dict[str, int]  # participants per value
    columns: tuple[Column, ...]
    evidence: str  # the evidence line (with the participant filter, if any)
    matrix: Matrix

    def _members(self, value: str) -> list[str]:
        if value not in self.values:
            raise NotFoundError(f"no value {value!r} of {self.by} (values: {', '.join(self.values)})")
        return [p for p in self.matrix.participants if (self.matrix.value(p, self.by) or NO_VALUE) == value]

    def table(self, what: str = "passages") -> pd.DataFrame:
        """Codes (rows) x values (columns) of ``passages`` (coded passages), ``participants`` (who mentioned the code)
        or ``share`` (participants / the value's participants)."""
        if what not in ("passages", "participants", "share"):
            raise ValueError(f"what must be passages, participants or share, not {what!r}")
        data = {}
        for v in self.values:
            members = self._members(v)
            col: list[float] = []
            for c in self.columns:
                cells = [self.matrix.cells[(p, c.id)] for p in members]
                if what == "passages":
                    col.append(sum(len(x.quotes) for x in cells))
                else:
                    n = sum(1 for x in cells if x.quotes)
                    col.append(n if what == "participants" else round(n / len(members), 3) if members else 0.0)
            data[v] = col
        return pd.DataFrame(data, index=pd.Index([c.id for c in self.columns], name="code"))

    def labelled(self, what: str = "passages") -> pd.DataFrame:
        """``table`` with the code's label and category in front (for display and CSV)."""
        t = self.table(what)
        t.insert(0, "label", [c.label for c in self.columns])
        t.insert(0, "category", [c.category_label for c in self.columns])
        return t

    def passages(self, code: str, value: str) -> list[Quote]:
        """The quotes behind one cell of the table, participant by participant."""
        if code not in {c.id for c in self.columns}:
            raise NotFoundError(f"no code {code!r} in {self.framework_id}")
        return [q for p in self._members(value) for q in self.matrix.cells[(p, code)].quotes]


def compare(project: Project, framework_id: str, by: str, *, where: ParticipantFilter | None = None,
            coders: Iterable[str] | Evidence | None = None, level: str = "code") -> Comparison:
    """Codes of ``framework_id`` x the values of attribute ``by`` (only the participants ``where`` matches)."""
    m = build_matrix(project, framework_id, group_by=(by,), coders=coders, where=where, level=level)
    values = tuple(dict.fromkeys(m.value(p, by) or NO_VALUE for p in m.participants))
    sizes = {v: sum(1 for p in m.participants if (m.value(p, by) or NO_VALUE) == v) for v in values}
    return Comparison(framework_id, by, values, sizes, tuple(m.columns),
                      m.evidence.describe() if m.evidence else "", m)

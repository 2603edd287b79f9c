"""Counts and coverage of a chart: passages and participants per code, by attribute group; codes no one mentioned;
participants with few codings. Tables are pandas frames; ``Coverage.heatmap()`` is ready for a heatmap plot.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from ..store import Project
from .matrix import Matrix, _check_attributes, build_matrix

__all__ = ["Coverage", "coverage"]

NO_VALUE = "(none)"


@dataclass
class Coverage:
    framework_id: str
    by: tuple[str, ...]
    codes: pd.DataFrame  # one row per code: category, label, passages, participants, then per group
    long: pd.DataFrame  # one row per code x group: passages, participants, group_size, share
    participants: pd.DataFrame  # one row per participant: attributes, codings (passages), codes
    unused: list[str]  # codes with no passage from any participant
    sparse: list[str]  # participants with fewer than ``few`` passages
    few: int

    def heatmap(self, value: str = "share") -> pd.DataFrame:
        """Codes x groups of ``share`` (participants of the group who mentioned the code), ``participants`` or
        ``passages``; with no ``by``, one column ``all``."""
        if value not in ("share", "participants", "passages"):
            raise ValueError(f"value must be share, participants or passages, not {value!r}")
        wide = self.long.pivot(index="code_id", columns="group", values=value)
        order = list(dict.fromkeys(self.long["group"]))
        return wide.reindex(index=list(self.codes["code_id"]), columns=order).fillna(0)


def _group_label(m: Matrix, pid: str, by: tuple[str, ...]) -> str:
    if not by:
        return "all"
    return " / ".join(m.value(pid, a) or NO_VALUE for a in by)


def coverage(project: Project, framework_id: str, by: str | Sequence[str] | None = None, *,
             coders: Iterable[str] | None = None, few: int = 3, viewer=None) -> Coverage:
    """Passages and participants per code of ``framework_id`` (overall and per group of the ``by`` attributes).

    A passage is a distinct coded span (the same span coded by two coders counts once). ``few``: participants with
    fewer passages than this are listed in ``sparse``. Unknown framework or attribute: ``NotFoundError``.
    """
    by_t: tuple[str, ...] = (by,) if isinstance(by, str) else tuple(by or ())
    m = build_matrix(project, framework_id, group_by=by_t, coders=coders, viewer=viewer)
    _check_attributes(by_t, m.attributes, "coverage by")
    group_of = {pid: _group_label(m, pid, by_t) for pid in m.participants}
    groups = list(dict.fromkeys(group_of.values()))
    size = {g: sum(1 for v in group_of.values() if v == g) for g in groups}
    code_rows, long_rows = [], []
    for col in m.columns:
        cells = [m.cells[(pid, col.id)] for pid in m.participants]
        rec = {"category_id": col.category_id, "code_id": col.id, "label": col.label,
               "passages": sum(len(c.quotes) for c in cells),
               "participants": sum(1 for c in cells if c.quotes)}
        for g in groups:
            gc = [c for c in cells if group_of[c.participant] == g]
            n_pass = sum(len(c.quotes) for c in gc)
            n_part = sum(1 for c in gc if c.quotes)
            long_rows.append({"code_id": col.id, "group": g, "passages": n_pass, "participants": n_part,
                              "group_size": size[g], "share": n_part / size[g] if size[g] else 0.0})
            if by_t:
                rec[f"passages[{g}]"] = n_pass
                rec[f"participants[{g}]"] = n_part
        code_rows.append(rec)
    codes = pd.DataFrame(code_rows)
    prow = []
    for pid in m.participants:
        cells = [m.cells[(pid, col.id)] for col in m.columns]
        prow.append({"participant": pid, **{a: m.value(pid, a) for a in m.attributes},
                     "group": group_of[pid], "passages": sum(len(c.quotes) for c in cells),
                     "codes": sum(1 for c in cells if c.quotes)})
    pframe = pd.DataFrame(prow)
    return Coverage(framework_id=framework_id, by=by_t, codes=codes, long=pd.DataFrame(long_rows),
                    participants=pframe, unused=[r["code_id"] for r in code_rows if r["passages"] == 0],
                    sparse=[r["participant"] for r in prow if r["passages"] < few], few=few)

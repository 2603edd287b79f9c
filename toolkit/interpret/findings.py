"""Checking findings against the transcripts (interpretation): the researcher's judgements, theme by theme.

For each theme (a framework category, a code, or a category built at mapping) and its finding statement (default:
the theme's label; at code level the code's definition), ``check_findings`` gathers what the researcher marked
(``judgements.judge``: support, counter-evidence, mentions, silent, with quotes) and, for every participant not
marked yet, their coded passages of the theme ranked by closeness to the statement (``judgements.rank_rows``): the
passages to read, not a verdict. Nothing is support or counter-evidence unless a person said so. The same counts
come per attribute group (e.g. occupational group), so a finding carried by one group only shows as such.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from ..store import Project
from ..store import charting as cdb
from ..store import core as db
from .judging import (
    LEVELS,
    UNCHECKED,
    VERDICT_LABELS,
    Judgement,
    RankedPassage,
    embed_function,
    judgements,
    rank_rows,
    theme_rows,
    themes,
)
from .links import NO_GROUP, participant_groups, resolve_codings

__all__ = ["LEVELS", "UNCHECKED", "Finding", "check_findings", "findings_frame", "findings_overview"]

COUNT_COLUMNS = ["supports", "counter-evidence", "mentions only", "silent", UNCHECKED]


@dataclass
class Finding:
    """A theme's finding statement, the researcher's marks (``judged``) and, for the others, their ranked passages."""

    theme_id: str
    label: str
    level: str
    codes: list[str]
    statement: str = ""
    groups: dict[str, str] = field(default_factory=dict)  # participant -> group
    judged: dict[str, Judgement] = field(default_factory=dict)  # participant -> the researcher's mark
    ranked: dict[str, list[RankedPassage]] = field(default_factory=dict)  # participant -> passages, closest first

    def verdict(self, pid: str) -> str:
        """The researcher's mark in words (supports, counter-evidence, mentions only, silent), or "not yet
        checked"."""
        j = self.judged.get(pid)
        return VERDICT_LABELS[j.verdict] if j else UNCHECKED

    def marked(self, verdict: str) -> list[str]:
        """The participants the researcher marked ``verdict`` (support / counter / mentions / silent)."""
        return sorted(p for p, j in self.judged.items() if j.verdict == verdict)

    def by_group(self) -> pd.DataFrame:
        """Per group: participants, and how many the researcher marked each way (or has not checked yet)."""
        rows = []
        for g in sorted(set(self.groups.values())):
            people = [p for p, pg in self.groups.items() if pg == g]
            counts = {c: sum(self.verdict(p) == c for p in people) for c in COUNT_COLUMNS}
            rows.append({"group": g, "participants": len(people), **counts})
        return pd.DataFrame(rows, columns=["group", "participants", *COUNT_COLUMNS])


def check_findings(project: Project, framework_id: str, *, level: str = "category", attribute: str | None = "group",
                   coders: Iterable[str] | None = None, via: str | None = None, embedder=None,
                   statements: dict[str, str] | None = None, themes_only: Iterable[str] | None = None,
                   per_participant: int | None = 3) -> list[Finding]:
    """One ``Finding`` per theme of the framework (in framework order; map categories in their order), or only
    ``themes_only``. ``statements[theme_id]``: the finding to check (default: the theme's label, at code level its
    definition); ``embedder`` ranks the passages (default: the project's model); ``coders``: the evidence
    (``toolkit.evidence``); ``per_participant``: ranked passages kept per unmarked participant."""
    with project.read() as s:
        fw = db.get_framework(s, framework_id)
        if attribute == "group" and "group" not in db.attribute_names(s):
            attribute = None  # the default attribute is optional; a named one must exist
        groups = participant_groups(s, attribute, coders)
        all_themes = themes(s, framework_id, level)
        df, _ = resolve_codings(s, framework_id, coders=coders, via=via)
        wanted = set(themes_only) if themes_only is not None else None
        rows = {t[0]: theme_rows(s, framework_id, level, t[0], codings=df)[0] for t in all_themes
                if wanted is None or t[0] in wanted}
        tids = {int(x) for r in rows.values() if len(r) for x in r["transcript_id"].unique()}
        places = cdb.segment_places(s, sorted(tids))
    code_def = {c.id: c.definition or c.label for c in fw.codes}
    everyone = sorted(set(groups) | {str(p) for r in rows.values() if len(r) for p in r["participant_id"]})
    groups = {p: groups.get(p, NO_GROUP) for p in everyone}
    embed = None
    out = []
    for tid, label, codes, _quotes in all_themes:
        if tid not in rows:
            continue
        statement = (statements or {}).get(tid) or (code_def.get(codes[0], label) if level == "code" and codes
                                                    else label)
        f = Finding(theme_id=tid, label=label, level=level, codes=codes, statement=statement, groups=groups)
        f.judged = {j.participant: j for j in judgements(project, framework_id, level=level, theme_id=tid,
                                                         statement=statement)}
        todo = rows[tid][~rows[tid]["participant_id"].astype(str).isin(f.judged)] if len(rows[tid]) else rows[tid]
        if len(todo):
            embed = embed or embed_function(project, embedder)
            f.ranked = rank_rows(todo, statement, embed, places, per_participant)
        out.append(f)
    return out


def findings_frame(findings: list[Finding], *, quotes: int = 1) -> pd.DataFrame:
    """Long table: one row per theme and participant, with the researcher's mark (or "not yet checked"), who made
    it, and up to ``quotes`` quotes (the marked ones, else the closest passages)."""
    rows = []
    for f in findings:
        for pid in sorted(f.groups):
            j = f.judged.get(pid)
            qs = [(q.text, q.place) for q in j.quotes] if j else [(r.text, r.place) for r in f.ranked.get(pid, [])]
            rows.append({"theme": f.theme_id, "label": f.label, "statement": f.statement, "participant": pid,
                         "group": f.groups[pid], "judgement": f.verdict(pid), "judged_by": j.judged_by if j else "",
                         "quotes": len(j.quotes) if j else 0, "passages_to_read": len(f.ranked.get(pid, [])),
                         "examples": " | ".join(f"{t.strip()[:240]} ({p})" for t, p in qs[:quotes])})
    cols = ["theme", "label", "statement", "participant", "group", "judgement", "judged_by", "quotes",
            "passages_to_read", "examples"]
    return pd.DataFrame(rows, columns=cols)


def findings_overview(findings: list[Finding]) -> pd.DataFrame:
    """One row per theme and group: participants the researcher marked each way, and those not checked yet."""
    frames = [f.by_group().assign(theme=f.theme_id, label=f.label) for f in findings]
    cols = ["theme", "label", "group", "participants", *COUNT_COLUMNS]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)

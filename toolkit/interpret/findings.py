"""Checking findings against the transcripts (interpretation).

For each theme (a framework category, a code, or a category built at mapping) and its finding statement (default:
the theme's label and definition) the check reads every coded passage and classifies it (``stance.RULE``): it
supports the statement, says the opposite (a negation or contrast cue in the sentence closest to the statement, or
marked as counter-evidence by the researcher, ``coding.counter``), or only mentions the theme. Participants are then
supporting, opposing, mixed, mentioning only, or silent. The same counts come per attribute group
(e.g. occupational group), so a finding carried by one group only shows as such.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from ..errors import InputError
from ..store import Project
from ..store import core as db
from ..store import mapping as mdb
from ..store.events import Action
from .links import NO_GROUP, participant_groups, resolve_codings
from .stance import classify

LEVELS = ("category", "code", "map")


@dataclass
class Finding:
    theme_id: str
    label: str
    level: str
    codes: list[str]
    support: dict[str, list[dict]] = field(default_factory=dict)
    counter: dict[str, list[dict]] = field(default_factory=dict)
    silent: list[str] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)  # participant -> group
    mentions: dict[str, list[dict]] = field(default_factory=dict)  # coded, but nothing close to the statement
    statement: str = ""

    def stance(self, pid: str) -> str:
        if pid in self.support and pid in self.counter:
            return "mixed"
        if pid in self.support:
            return "supports"
        if pid in self.counter:
            return "opposes"
        if pid in self.mentions:
            return "mentions only"
        return "silent"

    def by_group(self) -> pd.DataFrame:
        """Per group: participants, how many support, oppose (incl. mixed) and say nothing."""
        rows = []
        for g in sorted(set(self.groups.values())):
            people = [p for p, pg in self.groups.items() if pg == g]
            rows.append({"group": g, "participants": len(people),
                         "supports": sum(p in self.support for p in people),
                         "opposes": sum(p in self.counter for p in people),
                         "mentions only": sum(self.stance(p) == "mentions only" for p in people),
                         "silent": sum(p in self.silent for p in people)})
        return pd.DataFrame(rows, columns=["group", "participants", "supports", "opposes", "mentions only", "silent"])


def _quote(r) -> dict:
    return {"coding_id": int(r.id), "participant": str(r.participant_id), "transcript": r.transcript,
            "start": int(r.start), "end": int(r.end), "code_id": r.code_id, "text": r.text}


def check_findings(project: Project, framework_id: str, *, level: str = "category", attribute: str | None = "group",
                   coders: Iterable[str] | None = None, via: str | None = None, embedder=None,
                   statements: dict[str, str] | None = None) -> list[Finding]:
    """One ``Finding`` per theme of the framework (in framework order; map categories in their order).

    ``statements[theme_id]`` is the finding to check (default: the theme's label, with the code's definition at code
    level); ``embedder`` reads the passages against it (default: the project's model); ``coders``: the evidence
    (``toolkit.evidence``)."""
    if level not in LEVELS:
        raise InputError(None, f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    with project.read() as s:
        fw = db.get_framework(s, framework_id)
        if attribute == "group" and "group" not in db.attribute_names(s):
            attribute = None  # the default attribute is optional; a named one must exist
        groups = participant_groups(s, attribute)
        df, _ = resolve_codings(s, framework_id, coders=coders, via=via)
        if level == "map":
            cats = mdb.map_categories_frame(s, framework_id)
            dims = mdb.dimensions_frame(s, framework_id)
            els = mdb.key_elements_frame(s, framework_id)
            everything = db.codings_frame(s)
    everyone = sorted(set(groups) | set(df["participant_id"].astype(str) if not df.empty else []))
    groups = {p: groups.get(p, NO_GROUP) for p in everyone}
    themes: list[tuple[str, str, list[str], set[int] | None]] = []
    code_text = {c.id: f"{c.label}. {c.definition}" if c.definition else c.label for c in fw.codes}
    if level == "category":
        themes = [(c.id, c.label, [k.id for k in c.codes], None) for c in fw.categories]
    elif level == "code":
        themes = [(c.id, c.label, [c.id], None) for c in fw.codes]
    else:
        if cats.empty:
            raise InputError(None, f"framework {framework_id!r} has no mapping categories yet (map propose ...)")
        for c in cats.itertuples():
            d_ids = set(dims.loc[dims["category_id"] == c.id, "id"])
            mine = els[els["dimension_id"].isin(d_ids)]
            quotes = {int(q) for qs in mine["quotes"] for q in qs}
            themes.append((str(c.id), c.label, sorted(set(mine["code_id"].dropna())), quotes))
    embed = _embed(project, embedder)
    out = []
    for tid, label, codes, quote_ids in themes:
        own = (statements or {}).get(tid)
        # default: the theme's label, or the closest of its codes' labels and definitions
        goals = [own] if own else [label] + [code_text[c] for c in codes if c in code_text]
        f = Finding(theme_id=tid, label=label, level=level, codes=codes, groups=groups,
                    statement=own or (code_text[codes[0]] if level == "code" and codes else label))
        rows = df[df["code_id"].isin(codes)] if not df.empty else df
        if quote_ids is not None:
            backing = everything[everything["id"].isin(quote_ids)]
            backing = backing.assign(participant_id=backing["participant_id"].fillna(backing["transcript"]))
            marked = rows[rows["counter"].astype(bool)] if not rows.empty else rows
            rows = pd.concat([backing, marked[[c for c in backing.columns if c in marked.columns]]],
                             ignore_index=True) if len(marked) else backing
        if not rows.empty:  # one passage coded with several of the theme's codes is read once
            rows = rows.assign(counter=rows.groupby(["transcript", "start", "end"])["counter"].transform("max"))
            rows = rows.drop_duplicates(["transcript", "start", "end"])
        recs = list(rows.itertuples()) if not rows.empty else []
        stances = classify([r.text for r in recs], goals, embed,
                           marked=[bool(r.counter) for r in recs]) if recs else []
        book = {"supports": f.support, "counter": f.counter, "mentions": f.mentions}
        for r, st in zip(recs, stances, strict=True):
            q = _quote(r) | {"stance": st.stance, "why": st.why, "similarity": st.similarity,
                             "sentence": st.sentence, "marked": bool(r.counter)}
            book[st.stance].setdefault(str(r.participant_id), []).append(q)
        f.silent = [p for p in everyone if p not in f.support and p not in f.counter and p not in f.mentions]
        out.append(f)
    return out


def _embed(project: Project, embedder):
    """``texts -> vectors`` through the project's vector cache (the project's model unless one is given)."""
    from ..vectors import encode_cached

    if embedder is None:
        from ..settings import project_embedder

        embedder = project_embedder(project)
    return lambda texts: encode_cached(project, embedder, list(texts))


def findings_frame(findings: list[Finding], *, quotes: int = 1) -> pd.DataFrame:
    """Long table: one row per theme and participant, with the stance and up to ``quotes`` example quotes."""
    rows = []
    for f in findings:
        for pid in sorted(f.groups):
            st = f.stance(pid)
            qs = f.support.get(pid, []) + f.counter.get(pid, []) + f.mentions.get(pid, [])
            rows.append({"theme": f.theme_id, "label": f.label, "statement": f.statement, "participant": pid,
                         "group": f.groups[pid], "stance": st, "supporting_quotes": len(f.support.get(pid, [])),
                         "counter_quotes": len(f.counter.get(pid, [])),
                         "mentioning_quotes": len(f.mentions.get(pid, [])),
                         "examples": " | ".join(q["text"].strip()[:240] for q in qs[:quotes])})
    cols = ["theme", "label", "statement", "participant", "group", "stance", "supporting_quotes", "counter_quotes",
            "mentioning_quotes", "examples"]
    return pd.DataFrame(rows, columns=cols)


def findings_overview(findings: list[Finding]) -> pd.DataFrame:
    """One row per theme and group: participants supporting, opposing and silent."""
    frames = [f.by_group().assign(theme=f.theme_id, label=f.label) for f in findings]
    cols = ["theme", "label", "group", "participants", "supports", "opposes", "mentions only", "silent"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def mark_counter(project: Project, coding_ids: Iterable[int], counter: bool = True, *,
                 actor: str | None = None) -> None:
    """Mark (or unmark) coded passages as counter-evidence for their code."""
    ids = [int(i) for i in coding_ids]
    with project.transaction(Action.CODING_COUNTER, actor=actor, payload={"codings": ids, "counter": counter}) as s:
        for cid in ids:
            db.set_counter_evidence(s, cid, counter)

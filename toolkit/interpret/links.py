"""Linkages (interpretation): which codes or categories occur together, and the quotes that show it.

Two codes co-occur when they are applied in the same unit: a *passage* (a stretch of one transcript made of
overlapping coded spans), a *turn* (the same speaker turn) or a *participant*. Counts alone favour frequent codes, so
every pair also gets the Jaccard index (units with both / units with either) and the lift (observed / expected
co-occurrence if the two were independent). Results come overall and per attribute group, as matrices, an edge
table and a networkx graph; every link carries the quotes it rests on.

``resolve_codings`` is shared with findings and drivers: it returns a project's codings in the codes of a wanted
framework, going through a crosswalk when the project was indexed with another framework (e.g. lvi84 -> lvi21).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from ..errors import InputError, NotFoundError
from ..evidence import FilteredEvidence
from ..evidence import resolve as resolve_evidence
from ..participants import ParticipantFilter
from ..store import Project
from ..store import core as db
from ..store import measures as msdb

UNITS = ("passage", "turn", "participant")
LEVELS = ("code", "category")
NO_GROUP = "(no value)"


# --- codings in the wanted framework ------------------------------------------------------------------------------


def resolve_codings(s, framework_id: str, *, coders: Iterable[str] | None = None,
                    via: str | None = None, where: ParticipantFilter | None = None) -> tuple[pd.DataFrame, str | None]:
    """Active codings expressed in ``framework_id``'s codes, and the crosswalk id used (None when direct).

    Without ``via``, codings made in the framework itself are used when there are any; otherwise the crosswalk
    into the framework whose source framework has the most codings. Codings a crosswalk maps to nothing are
    dropped; several source codes on one span that land on the same target code count once. ``coders``: whose codings
    count (``toolkit.evidence``; None: consensus where it exists, else the lead coder); ``where`` (or an evidence
    resolved with one): only the codings of the participants it matches.
    """
    fw = db.get_framework(s, framework_id)
    ev = resolve_evidence(s, coders, framework=framework_id, where=where)
    coders = list(ev.coders)
    direct = ev.filter(db.codings_frame(s, framework_id=framework_id, coders=coders))
    if via is None and not direct.empty:
        direct["source_code_id"] = direct["code_id"]
        return _with_participant(direct), None
    candidates = [via] if via else [cid for fid in db.framework_ids(s) if fid != framework_id
                                    for cid in msdb.crosswalks_between(s, fid, framework_id)]
    best, best_df = None, None
    for cid in candidates:
        cw = msdb.get_crosswalk(s, cid)
        if cw.to_framework != framework_id:
            raise InputError(None, f"crosswalk {cid!r} leads to {cw.to_framework!r}, not to {framework_id!r}")
        df = ev.filter(db.codings_frame(s, framework_id=cw.from_framework, coders=coders))
        if best_df is None or len(df) > len(best_df):
            best, best_df = cw, df
    if best is None or best_df is None or best_df.empty:
        return _with_participant(direct.assign(source_code_id=direct["code_id"])), None
    target = {m["from"]: m["to"] for m in best.mapping}
    codes = {c.id: c for c in fw.codes}
    df = best_df.copy()
    df["source_code_id"] = df["code_id"]
    df["code_id"] = df["code_id"].map(target)
    df = df[df["code_id"].notna() & df["code_id"].isin(codes.keys())].copy()
    df["code_label"] = df["code_id"].map(lambda c: codes[c].label)
    df["category_id"] = df["code_id"].map(lambda c: codes[c].category_id)
    df["framework_id"] = framework_id
    keys = ["transcript_id", "start", "end", "code_id", "coder"]
    df["counter"] = df.groupby(keys)["counter"].transform("max").astype(bool)
    df = df.drop_duplicates(keys).reset_index(drop=True)
    return _with_participant(df), best.id


def _with_participant(df: pd.DataFrame) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    if not df.empty:
        df["participant_id"] = df["participant_id"].where(df["participant_id"].notna(), df["transcript"])
    return df


def participant_groups(s, attribute: str | None, coders=None) -> dict[str, str]:
    """participant id -> value of ``attribute`` (``(no value)`` when missing); all in one group when None. ``coders``:
    an evidence resolved with a participant filter keeps only the participants it matches."""
    people = db.participants(s)
    if isinstance(coders, FilteredEvidence):
        people = [p for p in people if p["id"] in coders.participants]
    if attribute is None:
        return {p["id"]: "all" for p in people}
    if attribute not in db.attribute_names(s):
        known = ", ".join(db.attribute_names(s)) or "none"
        raise NotFoundError(f"no participant attribute {attribute!r} (known: {known})")
    return {p["id"]: str(p.get(attribute)) if p.get(attribute) not in (None, "") else NO_GROUP for p in people}


# --- units --------------------------------------------------------------------------------------------------------


def assign_units(df: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Adds ``unit``, ``unit_start`` and ``unit_end`` columns (the unit's span in its transcript, for passages/turns)."""
    if unit not in UNITS:
        raise InputError(None, f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    df = df.sort_values(["transcript_id", "start", "end"]).reset_index(drop=True)
    ids, starts, ends = [], [], []
    if unit == "participant":
        return df.assign(unit=df["participant_id"].astype(str), unit_start=np.nan, unit_end=np.nan)
    for _tid, g in df.groupby("transcript_id", sort=False):
        if unit == "turn" and g["segment_id"].notna().all():
            ids += [f"{r.transcript}#turn{int(r.segment_id)}" for r in g.itertuples()]
            spans = g.groupby("segment_id").agg(a=("start", "min"), b=("end", "max"))
            starts += list(g["segment_id"].map(spans["a"]))
            ends += list(g["segment_id"].map(spans["b"]))
            continue
        members: list[list[int]] = []
        cur_end = -1
        for i, r in zip(g.index, g.itertuples(), strict=True):
            if members and r.start < cur_end:
                members[-1].append(i)
                cur_end = max(cur_end, r.end)
            else:
                members.append([i])
                cur_end = r.end
        for m in members:
            a, b = int(df.loc[m, "start"].min()), int(df.loc[m, "end"].max())
            uid = f"{df.loc[m[0], 'transcript']}:{a}-{b}"
            ids += [uid] * len(m)
            starts += [a] * len(m)
            ends += [b] * len(m)
    return df.assign(unit=ids, unit_start=starts, unit_end=ends)


# --- the linkage --------------------------------------------------------------------------------------------------


@dataclass
class Linkage:
    level: str
    unit: str
    group: str
    items: list[str]
    labels: dict[str, str]
    n_units: int
    support: pd.Series  # units per item
    participants: dict[str, set[str]]
    co: pd.DataFrame
    jaccard: pd.DataFrame
    lift: pd.DataFrame
    evidence: dict[tuple[str, str], list[dict]] = field(default_factory=dict)

    def quotes(self, a: str, b: str) -> list[dict]:
        """Every unit where ``a`` and ``b`` occur together, with the quotes of each."""
        return self.evidence.get((a, b)) or self.evidence.get((b, a)) or []

    def edges(self, min_count: int = 1, sort_by: str = "jaccard") -> pd.DataFrame:
        rows = []
        for (a, b), ev in self.evidence.items():
            n = int(self.co.loc[a, b])
            if n < min_count:
                continue
            rows.append({"group": self.group, "a": a, "b": b, "label_a": self.labels.get(a, a),
                         "label_b": self.labels.get(b, b), "together": n, "n_a": int(self.support[a]),
                         "n_b": int(self.support[b]), "jaccard": round(float(self.jaccard.loc[a, b]), 4),
                         "lift": round(float(self.lift.loc[a, b]), 4),
                         "participants": len({e["participant"] for e in ev}),
                         "example": _example(ev)})
        cols = ["group", "a", "b", "label_a", "label_b", "together", "n_a", "n_b", "jaccard", "lift", "participants",
                "example"]
        out = pd.DataFrame(rows, columns=cols)
        return out.sort_values([sort_by, "together", "a", "b"], ascending=[False, False, True, True],
                               ignore_index=True)

    def graph(self, min_count: int = 1) -> nx.Graph:
        """Nodes: items (label, units, participants); edges: links with counts, Jaccard, lift and their quotes."""
        g = nx.Graph(level=self.level, unit=self.unit, group=self.group)
        for i in self.items:
            g.add_node(i, label=self.labels.get(i, i), units=int(self.support[i]),
                       participants=len(self.participants.get(i, ())))
        for r in self.edges(min_count).itertuples():
            g.add_edge(r.a, r.b, together=r.together, jaccard=r.jaccard, lift=r.lift, participants=r.participants,
                       quotes=self.quotes(r.a, r.b))
        return g


def _example(ev: list[dict]) -> str:
    e = ev[0]
    text = e.get("passage") or " / ".join(q["text"] for q in e["a"][:1] + e["b"][:1])
    return f"{e['participant']}: {text[:300]}"


def compute(df: pd.DataFrame, *, level: str = "code", unit: str = "passage", group: str = "all",
            labels: dict[str, str] | None = None, order: list[str] | None = None,
            texts: dict[int, str] | None = None) -> Linkage:
    """Co-occurrence of ``df``'s codes (or categories) in the chosen units. ``df`` comes from ``resolve_codings``."""
    if level not in LEVELS:
        raise InputError(None, f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    key = "code_id" if level == "code" else "category_id"
    df = assign_units(df, unit) if not df.empty else df.assign(unit=[], unit_start=[], unit_end=[])
    present = list(dict.fromkeys(df[key])) if not df.empty else []
    items = [i for i in (order or []) if i in set(present)] + sorted(set(present) - set(order or []))
    units = list(dict.fromkeys(df["unit"])) if not df.empty else []
    x = pd.crosstab(df["unit"], df[key]).reindex(index=units, columns=items, fill_value=0).clip(upper=1) \
        if not df.empty else pd.DataFrame(index=[], columns=items, dtype=int)
    m = x.to_numpy(dtype=np.int64)
    co = m.T @ m
    n = np.diag(co).astype(float)
    union = n[:, None] + n[None, :] - co
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = np.where(union > 0, co / union, 0.0)
        lift = np.where(np.outer(n, n) > 0, co * len(units) / np.outer(n, n), 0.0)
    frame = lambda a: pd.DataFrame(a, index=items, columns=items)  # noqa: E731
    evidence: dict[tuple[str, str], list[dict]] = {}
    pos = {it: i for i, it in enumerate(items)}
    for uid, g in df.groupby("unit", sort=False):
        present_here = sorted(set(g[key]), key=pos.__getitem__)
        if len(present_here) < 2:
            continue
        first = g.iloc[0]
        passage = None
        if texts is not None and unit != "participant":
            passage = texts[int(first["transcript_id"])][int(first["unit_start"]):int(first["unit_end"])]
        quotes = {it: [_quote(r) for r in g[g[key] == it].itertuples()] for it in present_here}
        for a, b in combinations(present_here, 2):
            evidence.setdefault((a, b), []).append(
                {"unit": uid, "participant": str(first["participant_id"]),
                 "transcript": None if unit == "participant" else first["transcript"], "passage": passage,
                 "a": quotes[a], "b": quotes[b]})
    parts = {it: set(map(str, df.loc[df[key] == it, "participant_id"])) for it in items}
    return Linkage(level=level, unit=unit, group=group, items=items, labels=dict(labels or {}),
                   n_units=len(units), support=pd.Series(np.diag(co), index=items, dtype=int), participants=parts,
                   co=frame(co), jaccard=frame(jac), lift=frame(lift), evidence=evidence)


def _quote(r) -> dict:
    return {"coding_id": int(r.id), "transcript": r.transcript, "participant": str(r.participant_id),
            "start": int(r.start), "end": int(r.end), "code_id": r.code_id, "text": r.text,
            "counter": bool(r.counter)}


def linkage(project: Project, framework_id: str, *, level: str = "code", unit: str = "passage",
            attribute: str | None = None, coders: Iterable[str] | None = None, via: str | None = None,
            include_counter: bool = True) -> dict[str, Linkage]:
    """Linkages of a framework's codes or categories: ``{"all": ...}`` plus one per group of ``attribute``."""
    with project.read() as s:
        fw = db.get_framework(s, framework_id)
        df, _via = resolve_codings(s, framework_id, coders=coders, via=via)
        groups = participant_groups(s, attribute, coders)
        texts = db.transcript_texts(s) if unit != "participant" else None
    if df.empty:
        raise InputError(None, f"no codings in framework {framework_id!r} (nor reachable through a crosswalk)")
    if not include_counter:
        df = df[~df["counter"].astype(bool)]
    if level == "code":
        labels, order = {c.id: c.label for c in fw.codes}, [c.id for c in fw.codes]
    else:
        labels, order = {c.id: c.label for c in fw.categories}, [c.id for c in fw.categories]
    out = {"all": compute(df, level=level, unit=unit, labels=labels, order=order, texts=texts)}
    if attribute is not None:
        gcol = df["participant_id"].map(lambda p: groups.get(p, NO_GROUP))
        for gname in sorted(set(gcol)):
            out[gname] = compute(df[gcol == gname], level=level, unit=unit, group=gname, labels=labels, order=order,
                                 texts=texts)
    return out


def linkage_table(results: dict[str, Linkage], min_count: int = 1, sort_by: str = "jaccard") -> pd.DataFrame:
    """All groups' edge tables in one long frame (``group`` column first)."""
    frames = [lk.edges(min_count, sort_by) for lk in results.values()]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else results["all"].edges(min_count, sort_by)


def write_graphml(graph: nx.Graph, path: str | Path) -> None:
    """GraphML keeps scalar attributes only: the quotes become a count."""
    g = nx.Graph(**{k: v for k, v in graph.graph.items() if isinstance(v, str | int | float)})
    g.add_nodes_from(graph.nodes(data=True))
    for a, b, d in graph.edges(data=True):
        g.add_edge(a, b, **{k: v for k, v in d.items() if k != "quotes"}, quotes=len(d.get("quotes", [])))
    nx.write_graphml(g, str(path))

"""Driver maps and contract measures: which drivers participants raised, which measures act on them, and the gaps.

A *driver* is a code of a condensed framework that carries a ``ring`` in the framework file (or, at
``level="category"``, a category of such codes, on the ring most of its codes sit on). Each driver is sized by the
number of participants who raised it (passages marked as counter-evidence do not count as raising it), coloured by
the share of each occupational (or other attribute) group, and linked to the drivers it co-occurs with in the same
passages. A project indexed with another framework reaches the drivers through a crosswalk (e.g. lvi84 -> lvi21),
without being refined first.

A measures catalogue names, for each contract measure, the driver codes it targets. Per driver: its measures; per
measure: its drivers and quantities; and the *gap list*: drivers raised by at least ``gap_min`` participants that
no measure targets. Drawing is in ``toolkit.export.driver_map``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import frameworks as fwio
from ..errors import InputError
from ..store import Project
from ..store import core as db
from ..store import measures as msdb
from ..store.events import Action
from .links import NO_GROUP, compute, participant_groups, resolve_codings

GAP_SHARE = 1 / 3  # default gap threshold: raised by at least a third of the participants (and by two or more)


@dataclass
class Driver:
    id: str
    label: str
    ring: str
    category_id: str
    participants: list[str] = field(default_factory=list)
    passages: int = 0
    shares: dict[str, int] = field(default_factory=dict)  # group -> participants of that group raising it
    counter_participants: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)

    @property
    def n_participants(self) -> int:
        return len(self.participants)

    @property
    def dominant_group(self) -> str | None:
        """The group with the most participants raising the driver; None when nobody did or groups tie."""
        top = sorted(self.shares.values(), reverse=True)
        if not top or top[0] == 0 or (len(top) > 1 and top[0] == top[1]):
            return None
        return max(self.shares, key=self.shares.__getitem__)


@dataclass
class MeasureInfo:
    id: str
    title: str
    description: str = ""
    quantities: list = field(default_factory=list)
    targets: list[str] = field(default_factory=list)  # code ids named in the catalogue
    drivers: list[str] = field(default_factory=list)  # the drivers on the map those targets reach
    rationale: dict[str, str] = field(default_factory=dict)
    origin: str = "catalogue"
    section: dict | None = None


@dataclass
class DriverAnalysis:
    framework_id: str
    framework_name: str
    level: str
    rings: list[dict]  # inner to outer, as in the framework file
    drivers: list[Driver]
    measures: list[MeasureInfo]
    links: pd.DataFrame  # a, b, together, jaccard, lift, participants: pairs together in >= link_min passages, lift > 1
    groups: list[str]
    attribute: str | None
    n_participants: int
    gap_min: int
    catalogue_id: str | None = None
    catalogue_name: str | None = None
    via: str | None = None  # the crosswalk the codings came through

    def driver(self, driver_id: str) -> Driver:
        for d in self.drivers:
            if d.id == driver_id:
                return d
        raise KeyError(driver_id)

    def gaps(self, min_participants: int | None = None) -> list[Driver]:
        """Drivers raised by at least ``min_participants`` (default ``gap_min``) that no measure targets,
        most raised first."""
        n = self.gap_min if min_participants is None else min_participants
        found = [d for d in self.drivers if d.n_participants >= n and not d.measures]
        return sorted(found, key=lambda d: (-d.n_participants, d.id))

    def driver_table(self) -> pd.DataFrame:
        gaps = {d.id for d in self.gaps()}
        rows = [{"driver": d.id, "label": d.label, "ring": d.ring, "participants": d.n_participants,
                 "passages": d.passages, "groups": ", ".join(f"{g} {n}" for g, n in d.shares.items() if n),
                 "counter": len(d.counter_participants), "measures": ", ".join(d.measures), "gap": d.id in gaps}
                for d in self.drivers]
        return pd.DataFrame(rows, columns=["driver", "label", "ring", "participants", "passages", "groups", "counter",
                                           "measures", "gap"])

    def measure_table(self) -> pd.DataFrame:
        rows = [{"measure": m.id, "title": m.title, "drivers": ", ".join(m.drivers),
                 "other_targets": ", ".join(t for t in m.targets if t not in m.drivers and
                                            t not in {d.id for d in self.drivers}),
                 "quantities": quantities_text(m.quantities), "origin": m.origin}
                for m in self.measures]
        return pd.DataFrame(rows, columns=["measure", "title", "drivers", "other_targets", "quantities", "origin"])

    def matrix(self) -> pd.DataFrame:
        """Driver x measure: 1 where the measure targets the driver."""
        m = pd.DataFrame(0, index=[d.id for d in self.drivers], columns=[x.id for x in self.measures])
        for x in self.measures:
            for d in x.drivers:
                m.loc[d, x.id] = 1
        return m


NAME_KEYS = ("procedure_en", "item_en", "code_text_en", "name_en", "procedure", "item", "code_text", "name", "item_no")


def format_quantity(q, full: bool = False) -> str:
    """One quantity record as text, e.g. 'MR knee, over 50: 3295 -> 659 (-80%)' or 'Fee per returned referral:
    250 NOK'. English keys win over their Norwegian originals; ``full`` adds every other field."""
    if not isinstance(q, dict):
        return str(q)
    q = {k: v for k, v in q.items() if v not in (None, "", [])}
    for k in list(q):
        if k.endswith("_en"):
            q.pop(k[:-3], None)
            q.pop(k[:-3] + "_no", None)
    name = next((str(q.pop(k)) for k in NAME_KEYS if k in q), "")
    for k in NAME_KEYS:
        q.pop(k, None)
    core = []
    before = next((k for k in q if k.startswith("activity")), None)
    if before and "contract_volume" in q:
        change = f" ({q.pop('change_pct'):+g}%)" if "change_pct" in q else ""
        core.append(f"{q.pop(before)} -> {q.pop('contract_volume')}{change}")
    for amount in ("amount", "value"):
        if amount in q:
            core.append(f"{q.pop(amount)} {q.pop('unit', '')}".strip())
    rest = []
    if full or not core:
        for k, v in q.items():
            if not full and (k in ("note", "modality") or not isinstance(v, int | float)):
                continue
            v = ", ".join(map(str, v)) if isinstance(v, list) else v
            rest.append(f"{k.replace('_', ' ')} {v}")
    parts = "; ".join(core + rest)
    return f"{name}: {parts}" if name and parts else name or parts


def quantities_text(quantities: list, limit: int | None = None, sep: str = "; ") -> str:
    """Several quantity records, compact; after ``limit`` records a count of the rest."""
    shown = [format_quantity(q) for q in quantities[:limit]]
    more = len(quantities) - len(shown)
    return sep.join(shown + ([f"... and {more} more"] if more > 0 else []))


def load_catalogue(project: Project, catalogue) -> tuple[fwio.MeasuresCatalogue | None, str]:
    """A catalogue from an object, a project catalogue id or a file; returns it and where it came from.

    A file whose catalogue id is already in the project gives the project's copy (with the user's measures and
    edited links).
    """
    if catalogue is None or isinstance(catalogue, fwio.MeasuresCatalogue):
        return catalogue, "given"
    with project.read() as s:
        known = msdb.catalogue_ids(s)
        path = Path(str(catalogue))
        if str(catalogue) in known:
            return msdb.get_catalogue(s, str(catalogue)), "project"
        if not path.is_file():
            raise InputError(path, f"no such measures file, and no catalogue of that id in the project "
                                   f"(known: {', '.join(known) or 'none'})")
        cat = fwio.load_measures(path)
        if cat.id in known:
            return msdb.get_catalogue(s, cat.id), "project"
        if not db.has_framework(s, cat.framework):
            raise InputError(path, f"catalogue {cat.id!r} targets framework {cat.framework!r}, which this project "
                                   "does not hold")
        fwio.check_measures(cat, {cat.framework: db.get_framework(s, cat.framework)})
        return cat, "file"


def _default_framework(s) -> str:
    for fid in db.framework_ids(s):
        if any(c.ring for c in db.get_framework(s, fid).codes):
            return fid
    raise InputError(None, "no framework of this project places codes on rings (add `ring:` to its driver codes)")


def analyse_drivers(project: Project, *, framework_id: str | None = None, catalogue=None, level: str = "code",
                    attribute: str | None = "group", coders: Iterable[str] | None = None, via: str | None = None,
                    link_unit: str = "passage", link_min: int = 2, gap_min: int | None = None) -> DriverAnalysis:
    """Everything the driver map and the driver x measure table show."""
    if level not in ("code", "category"):
        raise InputError(None, f"level must be 'code' or 'category', not {level!r}")
    cat, _source = load_catalogue(project, catalogue)
    with project.read() as s:
        framework_id = framework_id or (cat.framework if cat else _default_framework(s))
        if cat is not None and cat.framework != framework_id:
            raise InputError(cat.source_file or cat.id, f"catalogue {cat.id!r} targets framework {cat.framework!r}, "
                                                        f"not {framework_id!r}")
        fw = db.get_framework(s, framework_id)
        if attribute == "group" and "group" not in db.attribute_names(s):
            attribute = None
        groups_of = participant_groups(s, attribute, coders)
        df, used = resolve_codings(s, framework_id, coders=coders, via=via)
    ring_codes = [c for c in fw.codes if c.ring]
    if not ring_codes:
        raise InputError(fw.source_file or fw.id, f"framework {fw.id!r} places no code on a ring; add `ring:` to "
                                                  "its driver codes")
    ring_ids = [r["id"] for r in fw.rings]
    if level == "code":
        key = "code_id"
        members = {c.id: [c.id] for c in ring_codes}
        drivers = [Driver(id=c.id, label=c.label, ring=c.ring, category_id=c.category_id) for c in ring_codes]
    else:
        key = "category_id"
        drivers, members = [], {}
        for c in fw.categories:
            mine = [k for k in c.codes if k.ring]
            if mine:
                ring = Counter(k.ring for k in mine).most_common(1)[0][0]
                drivers.append(Driver(id=c.id, label=c.label, ring=ring, category_id=c.id))
                members[c.id] = [k.id for k in mine]
    code_to_driver = {k: d for d, ks in members.items() for k in ks}
    people = sorted(set(groups_of) | (set(df["participant_id"].astype(str)) if not df.empty else set()))
    groups_of = {p: groups_of.get(p, NO_GROUP) for p in people}
    group_order = sorted(set(groups_of.values()))
    if not df.empty:
        df = df[df["code_id"].isin(code_to_driver)].copy()
        df["driver"] = df["code_id"].map(code_to_driver)
    for d in drivers:
        rows = df[df["driver"] == d.id] if not df.empty else df
        raising = rows[~rows["counter"].astype(bool)] if not rows.empty else rows
        d.participants = sorted(set(raising["participant_id"].astype(str))) if not raising.empty else []
        d.passages = len(raising)
        d.counter_participants = sorted(set(rows.loc[rows["counter"].astype(bool), "participant_id"].astype(str))) \
            if not rows.empty else []
        share = Counter(groups_of[p] for p in d.participants)
        d.shares = {g: share.get(g, 0) for g in group_order}
    links = pd.DataFrame(columns=["a", "b", "together", "jaccard", "lift", "participants"])
    if not df.empty:
        lk = compute(df[~df["counter"].astype(bool)].assign(**{key: lambda x: x["driver"]}), level=level,
                     unit=link_unit, order=[d.id for d in drivers])
        links = lk.edges(min_count=link_min)[["a", "b", "together", "jaccard", "lift", "participants"]]
        links = links[links["lift"] > 1]  # linked: together more often than chance
    measures = _measures(cat, fw, code_to_driver, drivers)
    n_people = len(people)
    if gap_min is None:
        gap_min = max(2, math.ceil(n_people * GAP_SHARE))
    return DriverAnalysis(framework_id=fw.id, framework_name=fw.name, level=level,
                          rings=list(fw.rings),
                          drivers=sorted(drivers, key=lambda d: (ring_ids.index(d.ring), d.category_id, d.id)),
                          measures=measures, links=links.reset_index(drop=True), groups=group_order,
                          attribute=attribute, n_participants=n_people, gap_min=int(gap_min),
                          catalogue_id=cat.id if cat else None, catalogue_name=cat.name if cat else None, via=used)


def _measures(cat, fw, code_to_driver: dict[str, str], drivers: list[Driver]) -> list[MeasureInfo]:
    if cat is None:
        return []
    by_id = {d.id: d for d in drivers}
    out = []
    for m in cat.measures:
        targets = [t["driver"] for t in m.get("targets") or []]
        reached = list(dict.fromkeys(code_to_driver[t] for t in targets if t in code_to_driver))
        info = MeasureInfo(id=m["id"], title=m["title"], description=m.get("description") or "",
                           quantities=list(m.get("quantities") or []), targets=targets, drivers=reached,
                           rationale={t["driver"]: t.get("rationale") or "" for t in m.get("targets") or []},
                           origin=m.get("origin", "catalogue"), section=m.get("section"))
        for d in reached:
            by_id[d].measures.append(info.id)
        out.append(info)
    return out


# --- editing measures (users' own measures and links) -------------------------------------------------------------


def add_measure(project: Project, catalogue_id: str, measure_id: str, title: str, *, description: str = "",
                quantities: list | None = None, targets: Iterable[str] = (), actor: str | None = None) -> None:
    """Add a measure of the user's own to a project catalogue, optionally linked to driver codes."""
    targets = list(targets)
    with project.transaction(Action.MEASURES_ADD_MEASURE, actor=actor,
                             payload={"catalogue": catalogue_id, "measure": measure_id, "targets": targets}) as s:
        cat = msdb.get_catalogue(s, catalogue_id)
        if any(m["id"] == measure_id for m in cat.measures):
            raise InputError(None, f"catalogue {catalogue_id!r} already has a measure {measure_id!r}")
        msdb.add_measure(s, catalogue_id, measure_id, title, description, quantities)
        for code in targets:
            _check_driver(s, cat.framework, code)
            msdb.set_link(s, catalogue_id, measure_id, code)


def link_measure(project: Project, catalogue_id: str, measure_id: str, code_id: str, rationale: str = "", *,
                 actor: str | None = None) -> None:
    with project.transaction(Action.MEASURES_LINK, actor=actor,
                             payload={"catalogue": catalogue_id, "measure": measure_id, "driver": code_id}) as s:
        cat = msdb.get_catalogue(s, catalogue_id)
        _check_driver(s, cat.framework, code_id)
        msdb.set_link(s, catalogue_id, measure_id, code_id, rationale)


def unlink_measure(project: Project, catalogue_id: str, measure_id: str, code_id: str, *,
                   actor: str | None = None) -> None:
    with project.transaction(Action.MEASURES_UNLINK, actor=actor,
                             payload={"catalogue": catalogue_id, "measure": measure_id, "driver": code_id}) as s:
        msdb.remove_link(s, catalogue_id, measure_id, code_id)


def _check_driver(s, framework_id: str, code_id: str) -> None:
    codes = {c.id for c in db.get_framework(s, framework_id).codes}
    if code_id not in codes:
        raise InputError(None, f"unknown driver {code_id!r}: not a code of framework {framework_id!r}")

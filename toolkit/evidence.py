"""The evidence source: whose codings a chart, map, finding, report or export rests on.

One rule for every page, export and command (the CLI default is the app's default):

- **default**: consensus **per passage**: on each passage (the framework's unit of analysis,
  ``indexing.workspace.unit_of_analysis``) where consensus was recorded (codings of the consensus coder, or a unit
  resolved with no code), the consensus codings; everywhere else the project's **lead coder**'s. A lead coding is
  replaced when at least half of it lies in consensus passages. The lead coder is a project setting
  (``lead_coder``); unset, it is the human coder with most codings of their own (manual, accepted suggestions,
  imported). Students (``student:*``), model coders and open suggestions never count.
- **chosen**: the codings of the coders named (e.g. ``["second"]``, or a student's in Teaching mode).

``resolve(project, coders, framework=...)`` gives an ``Evidence``; ``Evidence.filter(codings)`` keeps the rows it
counts; ``Evidence.describe()`` is the line every page header and export title block shows ("consensus on 1 of 77
passages of P01, lead coder reference elsewhere"). ``merge_overlaps`` turns overlapping spans of one code (e.g. of two
coders) into one quote. Further filters (who may see which coder, which participants) are keyword arguments of
``resolve`` and fields of ``Evidence``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace

import pandas as pd

from . import access, settings
from .errors import InputError, NotFoundError
from .participants import ParticipantFilter
from .store import Project
from .store import core as db
from .store import evidence as edb
from .store.events import Action

__all__ = ["DEFAULT", "STUDENT_PREFIX", "Evidence", "FilteredEvidence", "consensus_passages", "eligible_coders",
           "lead_coder", "merge_overlaps", "resolve", "set_lead_coder", "with_participants"]

DEFAULT = "default"
STUDENT_PREFIX = "student:"
OWN_ORIGINS = ("manual", "suggestion", "imported")
NAMED = 3  # transcripts named one by one in ``describe``


def is_student(name: str) -> bool:
    return str(name).startswith(STUDENT_PREFIX)


Span = tuple[str, int, int, int]  # framework, transcript id, start, end


@dataclass(frozen=True)
class Evidence:
    """Whose codings count. ``coders`` are all coders that may contribute (for the SQL filter).

    ``passages``: the consensus passages (framework, transcript id, start, end); ``totals``: (framework, transcript
    id, passages in the unit of analysis) of the transcripts with consensus; ``labels``: transcript id -> participant;
    ``framework``: the framework the description counts passages in (None: every framework with consensus)."""

    kind: str  # default | chosen
    coders: tuple[str, ...]
    lead: str | None = None
    consensus: str | None = None
    passages: tuple[Span, ...] = ()
    totals: tuple[tuple[str, int, int], ...] = ()
    labels: tuple[tuple[int, str], ...] = ()
    framework: str | None = None
    #: blind coding (``toolkit.access.visibility``): on these transcripts only ``own``'s codings count (all: ``None``)
    hidden: frozenset[int] | None = frozenset()
    own: str | None = None

    @property
    def consensus_transcripts(self) -> frozenset[int]:
        return frozenset(tid for _f, tid, _a, _b in self.passages)

    def _counts(self) -> list[tuple[str, int, int]]:
        """(participant, consensus passages, passages) per transcript with consensus, in the described framework."""
        fws = {f for f, *_ in self.passages}  # a framework without its own consensus rests on another's (crosswalk)
        fws = {self.framework} if self.framework in fws else fws
        n: dict[int, int] = defaultdict(int)
        for f, tid, _a, _b in self.passages:
            if f in fws:
                n[tid] += 1
        total: dict[int, int] = defaultdict(int)
        for f, tid, k in self.totals:
            if f in fws:
                total[tid] = max(total[tid], k)
        names = dict(self.labels)
        return sorted((names.get(tid, str(tid)), k, max(total[tid], k)) for tid, k in n.items())

    def describe(self) -> str:
        """One line naming the evidence, for page headers and export title blocks."""
        if self.own is None:
            return self._describe()
        where = "every transcript" if self.hidden is None else f"{len(self.hidden)} blind transcript(s)"
        return self._describe() + f"; on {where}: only {self.own}'s own codings (blind until the lead reveals)"

    def _describe(self) -> str:
        """One line naming the evidence, for page headers and export title blocks."""
        if self.kind == "chosen":
            return "Evidence: codings of " + ", ".join(self.coders) + " (chosen)"
        if not self.coders:
            return "Evidence: no codings yet (no consensus and no lead coder)"
        parts = []
        counts = self._counts() if self.consensus else []
        if counts:
            who = "consensus" + (f" ({self.consensus})" if self.consensus != "consensus" else "")
            each = [f"{k} of {n} passages of {p}" if i == 0 else f"{k} of {n} of {p}"
                    for i, (p, k, n) in enumerate(counts[:NAMED])]
            more = len(counts) - NAMED
            if more > 0:
                rest = counts[NAMED:]
                each.append(f"{sum(k for _, k, _ in rest)} of {sum(n for _, _, n in rest)} in {more} more "
                            "transcript(s)")
            parts.append(f"{who} on " + ", ".join(each))
        if self.lead:
            parts.append(f"lead coder {self.lead}" + (" elsewhere" if counts else ""))
        return "Evidence: " + ", ".join(parts) + " (default; students, models and open suggestions excluded)"

    @property
    def short(self) -> str:
        if self.kind == "chosen":
            return "+".join(self.coders)
        return "+".join(c for c in (self.consensus if self.passages else None, self.lead) if c) or "none"

    def filter(self, df: pd.DataFrame) -> pd.DataFrame:
        """The rows of a codings frame (columns ``coder`` and ``transcript_id``) that this evidence counts; under
        blind coding (``own``), on the hidden transcripts only the asker's own codings."""
        if self.own is None or df.empty:
            return self._filter(df)
        tid = df["transcript_id"].astype(int)
        blind = tid.isin(self.hidden) if self.hidden is not None else pd.Series(True, index=df.index)
        seen = self._filter(df[~blind])
        own = df[blind & (df["coder"] == self.own)]
        return df[df.index.isin(seen.index.union(own.index))]

    def _filter(self, df: pd.DataFrame) -> pd.DataFrame:
        """The rows of a codings frame (columns ``coder``, ``transcript_id``, ``start``, ``end``, and
        ``framework_id`` when there is one) that this evidence counts."""
        if df.empty:
            return df
        if self.kind == "chosen":
            return df[df["coder"].isin(self.coders)]
        cons = (df["coder"] == self.consensus) if self.consensus else pd.Series(False, index=df.index)
        lead = (df["coder"] == self.lead) & ~cons
        if self.passages and lead.any():
            lead &= ~_mostly_inside(df[lead], self.passages).reindex(df.index, fill_value=False)
        return df[cons | lead]


def _mostly_inside(df: pd.DataFrame, passages: tuple[Span, ...]) -> pd.Series:
    """True for the codings of which at least half lies in the consensus passages of their framework and transcript
    (a frame without ``framework_id``: of any framework)."""
    by_key: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    for f, tid, a, b in passages:
        by_key[(f, tid)].append((a, b))
        by_key[(None, tid)].append((a, b))
    has_fw = "framework_id" in df.columns
    out = []
    for r in df.itertuples():
        spans = by_key.get((r.framework_id if has_fw else None, int(r.transcript_id)), ())
        a, b = int(r.start), int(r.end)
        inside = sum(max(0, min(b, y) - max(a, x)) for x, y in spans)
        out.append(bool(spans) and (inside * 2 >= max(1, b - a) if b > a else any(x <= a < y for x, y in spans)))
    return pd.Series(out, index=df.index, dtype=bool)


def consensus_passages(s, consensus: str) -> tuple[tuple[Span, ...], tuple[tuple[str, int, int], ...]]:
    """The passages (of each framework's unit of analysis) where ``consensus`` was recorded, and the number of
    passages of each transcript concerned (the stored passages; where none are stored yet, the consensus spans stand
    for them)."""
    from .indexing.workspace import unit_of_analysis_in

    spans = edb.consensus_spans(s, consensus)
    found: set[Span] = set()
    totals: list[tuple[str, int, int]] = []
    for fw, g in spans.groupby("framework_id", sort=True):
        scheme = unit_of_analysis_in(s, str(fw))
        tids = sorted(int(x) for x in g["transcript_id"].unique())
        stored = edb.passage_spans(s, scheme, tids)
        for tid in tids:
            ps = stored[stored["transcript_id"] == tid]
            # passages are cut at import (``indexing.workspace.ensure_passages``); none yet: the consensus spans
            units = list(zip(ps["start"].astype(int), ps["end"].astype(int), strict=True))
            totals.append((str(fw), tid, len(units)))
            for a, b in zip(g.loc[g["transcript_id"] == tid, "start"], g.loc[g["transcript_id"] == tid, "end"],
                            strict=True):
                hit = [(x, y) for x, y in units if min(int(b), y) > max(int(a), x)]
                found.update((str(fw), tid, int(x), int(y)) for x, y in (hit or [(int(a), int(b))]))
    return tuple(sorted(found)), tuple(totals)


def _stats(s) -> pd.DataFrame:
    st = edb.coder_stats(s)
    return st[(st["kind"] != "model") & ~st["coder"].map(is_student)] if not st.empty else st


def _lead(s, st: pd.DataFrame) -> str | None:
    chosen = settings.read(s, settings.LEAD_CODER)
    if chosen:
        return chosen
    own = st[st["origin"].isin(OWN_ORIGINS)]
    if own.empty:
        return None
    counts = own.groupby("coder")["codings"].sum()
    return str(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0])


def lead_coder(project: Project) -> str | None:
    """The project's lead coder: the ``lead_coder`` setting, else the human coder with most own codings."""
    with project.read() as s:
        return _lead(s, _stats(s))


def set_lead_coder(project: Project, name: str | None, *, actor: str | None = None) -> str | None:
    """Make ``name`` the project's lead coder (None or "": back to the automatic choice); returns the lead now."""
    name = (name or "").strip() or None
    if name and is_student(name):
        raise InputError(None, f"{name!r} is a student: a student's practice codings cannot be the project's evidence")
    with project.transaction(Action.EVIDENCE_LEAD, actor=actor, payload={"lead": name}) as s:
        if name and name not in {c["name"] for c in db.list_coders(s) if c["kind"] != "model"}:
            raise NotFoundError(f"no human coder {name!r} in this project")
        settings.write(s, settings.LEAD_CODER, name)
        return _lead(s, _stats(s))


def eligible_coders(project: Project, *, viewer=None) -> list[dict]:
    """Coders a page may offer as evidence: name, codings, role (consensus / lead / ""); never students or models.
    ``viewer`` (a name or ``access.Viewer``): counts only the codings they may see (blind coding)."""
    with project.read() as s:
        st = _stats(s)
        lead = _lead(s, st)
        vis = access.visibility(s, viewer) if viewer is not None else None
    if vis is not None and not st.empty:
        st = vis.filter(st)
    if st.empty:
        return []
    cons = set(st.loc[st["origin"] == "consensus", "coder"])
    counts = st.groupby("coder")["codings"].sum()
    out = [{"name": str(c), "codings": int(n), "role": "consensus" if c in cons else "lead" if c == lead else ""}
           for c, n in counts.items()]
    return sorted(out, key=lambda d: (d["role"] == "", -d["codings"], d["name"]))


def _resolve(s, coders, framework: str | None = None) -> Evidence:
    if coders is not None and not isinstance(coders, str):
        coders = [c for c in coders if c]
    if coders is None or coders == DEFAULT or list(coders) == [DEFAULT] or not coders:
        st = _stats(s)
        lead = _lead(s, st)
        cons_rows = st[st["origin"] == "consensus"] if not st.empty else st
        consensus = None
        passages: tuple[Span, ...] = ()
        totals: tuple[tuple[str, int, int], ...] = ()
        if not cons_rows.empty:
            consensus = str(cons_rows.groupby("coder")["codings"].sum().sort_values(ascending=False).index[0])
        elif resolved := edb.resolved_as(s):  # units resolved with no code at all
            consensus = pd.Series(resolved).value_counts().index[0]
        if consensus:
            passages, totals = consensus_passages(s, consensus)
        names = tuple(dict.fromkeys(c for c in (consensus, lead) if c))
        labels = tuple(sorted(edb.transcript_labels(s, sorted({tid for _f, tid, _n in totals})).items()))
        return Evidence(DEFAULT, names, lead=lead, consensus=consensus, passages=passages, totals=totals,
                        labels=labels, framework=framework)
    names = tuple(dict.fromkeys([coders] if isinstance(coders, str) else coders))
    known = {c["name"] for c in db.list_coders(s)}
    missing = [c for c in names if c not in known]
    if missing:
        raise NotFoundError(f"no coder {', '.join(map(repr, missing))} in this project "
                            f"(known: {', '.join(sorted(known)) or 'none'})")
    return Evidence("chosen", names)


def resolve(project_or_session, coders: Iterable[str] | Evidence | str | None = None, *,
            framework: str | None = None, where: ParticipantFilter | None = None, viewer=None) -> Evidence:
    """The evidence for ``coders`` (None or ``"default"``: the default rule above). Accepts a Project or a Session.
    ``framework``: the framework whose passages ``describe`` counts (the filter covers every framework).
    ``viewer`` (a name or ``access.Viewer``): under blind coding, on the transcripts they may not see others' work
    of, only their own codings count (``toolkit.access.visibility``). ``where``: only the codings of the participants
    it matches (``with_participants``)."""
    if isinstance(coders, Evidence) and not where and viewer is None:
        return coders
    if isinstance(project_or_session, Project):
        with project_or_session.read() as s:
            return resolve(s, coders, framework=framework, where=where, viewer=viewer)
    ev = coders if isinstance(coders, Evidence) else _resolve(project_or_session, coders, framework)
    vis = access.visibility(project_or_session, viewer) if viewer is not None else None
    if vis is not None and (vis.hidden or vis.everything_hidden):
        ev = replace(ev, coders=tuple(dict.fromkeys((*ev.coders, vis.own))), own=vis.own,
                     hidden=None if vis.everything_hidden else vis.hidden)
    return with_participants(project_or_session, ev, where) if where else ev


def merge_overlaps(df: pd.DataFrame, keys: Iterable[str] = ("transcript_id", "code_id")) -> list[dict]:
    """Overlapping spans of one code in one transcript (any coders) merged: one dict per merged span with ``start``,
    ``end`` (the union), ``ids`` (every coding id in it), ``coders`` (in first-seen order) and the first row's other
    fields. Spans that only touch stay apart."""
    keys = list(keys)
    if df.empty:
        return []
    out: list[dict] = []
    for _k, g in df.sort_values(keys + ["start", "end", "id"]).groupby(keys, sort=False):
        cur: dict | None = None
        for r in g.to_dict("records"):
            if cur is not None and int(r["start"]) < cur["end"]:
                cur["end"] = max(cur["end"], int(r["end"]))
                cur["ids"].append(int(r["id"]))
                if r["coder"] not in cur["coders"]:
                    cur["coders"].append(r["coder"])
                continue
            cur = dict(r, start=int(r["start"]), end=int(r["end"]), ids=[int(r["id"])], coders=[r["coder"]])
            out.append(cur)
    return out


# --- the participant filter: one separate step on top of the rule above ---------------------------------------------


@dataclass(frozen=True)
class FilteredEvidence(Evidence):
    """An evidence restricted to the participants a ``ParticipantFilter`` matches: its ``filter`` keeps their codings
    only, and ``describe`` names the filter, so every chart, map, finding, report and export that rests on it says so
    in its title block."""

    where: ParticipantFilter = field(default_factory=ParticipantFilter)
    participants: frozenset[str] = field(default_factory=frozenset)
    base: Evidence | None = None

    def describe(self) -> str:
        return (self.base or Evidence(self.kind, self.coders)).describe() + " · " + self.where.describe()

    @property
    def short(self) -> str:
        return (self.base or Evidence(self.kind, self.coders)).short + " where " + "; ".join(
            f"{a}={'|'.join(v)}" for a, v in self.where.conditions)

    def filter(self, df: pd.DataFrame) -> pd.DataFrame:
        df = (self.base or Evidence(self.kind, self.coders)).filter(df)
        return df if df.empty else df[df["participant_id"].isin(self.participants)]


def with_participants(session, ev: Evidence, where: ParticipantFilter) -> Evidence:
    """``ev`` restricted to the participants ``where`` matches (an unknown attribute, or a filter no participant
    matches, is refused with the values there are)."""
    base = ev.base if isinstance(ev, FilteredEvidence) else ev
    ids = where.select(db.participants(session))
    own = {f.name: getattr(base, f.name) for f in fields(Evidence)}
    return FilteredEvidence(**own, where=where, participants=ids, base=base)

"""The evidence source: whose codings a chart, map, finding, report or export rests on.

One rule for every page, export and command (the CLI default is the app's default):

- **default**: the consensus indexing where it exists (transcripts with codings of a consensus coder: codings with
  origin ``consensus``, or crosswalked from them), else the project's **lead coder** for the other transcripts. The
  lead coder is a project setting (``lead_coder``); unset, it is the human coder with most codings of their own
  (manual, accepted suggestions, imported). Students (``student:*``), model coders and open suggestions never count
  (open suggestions are not codings at all).
- **chosen**: the codings of the coders named (e.g. ``["second"]``, or a student's in Teaching mode).

``Evidence.describe()`` is the line every page header and every export's title block shows. ``merge_overlaps``
turns overlapping spans of one code (e.g. of two coders) into one quote.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import pandas as pd

from . import access
from .errors import InputError, NotFoundError
from .store import Project
from .store import core as db
from .store import evidence as edb
from .store.events import Action

__all__ = ["DEFAULT", "STUDENT_PREFIX", "Evidence", "eligible_coders", "lead_coder", "merge_overlaps", "resolve",
           "set_lead_coder"]

DEFAULT = "default"
STUDENT_PREFIX = "student:"
LEAD_SETTING = "lead_coder"
OWN_ORIGINS = ("manual", "suggestion", "imported")


def is_student(name: str) -> bool:
    return str(name).startswith(STUDENT_PREFIX)


@dataclass(frozen=True)
class Evidence:
    """Whose codings count. ``coders`` are all coders that may contribute (for the SQL filter)."""

    kind: str  # default | chosen
    coders: tuple[str, ...]
    lead: str | None = None
    consensus: str | None = None
    consensus_transcripts: frozenset[int] = field(default_factory=frozenset)
    #: blind coding (``toolkit.access.visibility``): on these transcripts only ``own``'s codings count (all: ``None``)
    hidden: frozenset[int] | None = frozenset()
    own: str | None = None

    def describe(self) -> str:
        """One line naming the evidence, for page headers and export title blocks."""
        if self.own is None:
            return self._describe()
        where = "every transcript" if self.hidden is None else f"{len(self.hidden)} blind transcript(s)"
        return self._describe() + f"; on {where}: only {self.own}'s own codings (blind until the lead reveals)"

    def _describe(self) -> str:
        if self.kind == "chosen":
            return "Evidence: codings of " + ", ".join(self.coders) + " (chosen)"
        if not self.coders:
            return "Evidence: no codings yet (no consensus and no lead coder)"
        parts = []
        if self.consensus:
            parts.append(f"consensus ({self.consensus}) in {len(self.consensus_transcripts)} transcript(s)")
        if self.lead:
            parts.append(f"lead coder {self.lead}" + (" elsewhere" if self.consensus else ""))
        return "Evidence: " + ", ".join(parts) + " (default; students, models and open suggestions excluded)"

    @property
    def short(self) -> str:
        if self.kind == "chosen":
            return "+".join(self.coders)
        return "+".join(c for c in (self.consensus, self.lead) if c) or "none"

    def filter(self, df: pd.DataFrame) -> pd.DataFrame:
        """The rows of a codings frame (columns ``coder`` and ``transcript_id``) that this evidence counts."""
        if df.empty:
            return df
        if self.kind == "chosen":
            keep = df["coder"].isin(self.coders)
        else:
            in_cons = df["transcript_id"].astype(int).isin(self.consensus_transcripts)
            keep = (in_cons & (df["coder"] == self.consensus)) | (~in_cons & (df["coder"] == self.lead))
        if self.own is not None:  # blind: the asker's own codings there, nobody else's
            blind = (df["transcript_id"].astype(int).isin(self.hidden) if self.hidden is not None
                     else pd.Series(True, index=df.index))
            keep = (~blind & keep) | (blind & (df["coder"] == self.own))
        return df[keep]


def _stats(s) -> pd.DataFrame:
    st = edb.coder_stats(s)
    return st[(st["kind"] != "model") & ~st["coder"].map(is_student)] if not st.empty else st


def _lead(s, st: pd.DataFrame) -> str | None:
    chosen = db.get_setting(s, LEAD_SETTING)
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
        db.set_setting(s, LEAD_SETTING, name)
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


def _resolve(s, coders) -> Evidence:
    if coders is not None and not isinstance(coders, str):
        coders = [c for c in coders if c]
    if coders is None or coders == DEFAULT or list(coders) == [DEFAULT] or not coders:
        st = _stats(s)
        lead = _lead(s, st)
        cons_rows = st[st["origin"] == "consensus"] if not st.empty else st
        consensus = None
        tids: frozenset[int] = frozenset()
        if not cons_rows.empty:
            consensus = str(cons_rows.groupby("coder")["codings"].sum().sort_values(ascending=False).index[0])
            tids = frozenset(int(x) for x in st.loc[st["coder"] == consensus, "transcript_id"])
        names = tuple(dict.fromkeys(c for c in (consensus, lead) if c))
        return Evidence(DEFAULT, names, lead=lead, consensus=consensus, consensus_transcripts=tids)
    names = tuple(dict.fromkeys([coders] if isinstance(coders, str) else coders))
    known = {c["name"] for c in db.list_coders(s)}
    missing = [c for c in names if c not in known]
    if missing:
        raise NotFoundError(f"no coder {', '.join(map(repr, missing))} in this project "
                            f"(known: {', '.join(sorted(known)) or 'none'})")
    return Evidence("chosen", names)


def resolve(project_or_session, coders: Iterable[str] | str | None = None, *, viewer=None) -> Evidence:
    """The evidence for ``coders`` (None or ``"default"``: the default rule above). Accepts a Project or a Session.
    ``viewer`` (a name or ``access.Viewer``): under blind coding, on the transcripts they may not see others' work
    of, only their own codings count (``toolkit.access.visibility``)."""
    if isinstance(coders, Evidence):
        return coders
    if isinstance(project_or_session, Project):
        with project_or_session.read() as s:
            return resolve(s, coders, viewer=viewer)
    ev = _resolve(project_or_session, coders)
    vis = access.visibility(project_or_session, viewer) if viewer is not None else None
    if vis is None or (not vis.hidden and not vis.everything_hidden):
        return ev
    return replace(ev, coders=tuple(dict.fromkeys((*ev.coders, vis.own))), own=vis.own,
                   hidden=None if vis.everything_hidden else vis.hidden)


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

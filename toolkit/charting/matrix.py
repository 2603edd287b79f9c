"""The chart: a participant-by-code matrix of one framework (or one category of it).

Rows are participants, ordered and grouped by attributes (e.g. occupational group, then urban/rural); columns are the
framework's codes grouped by category (in code-tree order), one column per category (``level="category"``), or one
per code at a depth of the code tree (``level="depth:N"``: each code charted under its ancestor at depth N). Each cell holds the coded
passages of that participant for that column (verbatim, with transcript and place), the cell's summary, its status
(``empty`` / ``draft`` / ``reviewed``), author and time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from .. import settings
from ..codetree import code_tree, parse_level, rollup
from ..errors import InputError, NotFoundError
from ..evidence import Evidence, FilteredEvidence, merge_overlaps, resolve
from ..participants import ParticipantFilter
from ..store import Project
from ..store import charting as cdb
from ..store import core as db
from ..store import findings as fdb

__all__ = ["DEFAULT_GROUP_BY", "Cell", "Column", "Matrix", "Quote", "Table", "build_matrix", "natural_key"]

DEFAULT_GROUP_BY = ("group", "setting")
LEVELS = ("code", "category")


def natural_key(value) -> tuple:
    """Sort key that puts P2 before P10."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in re.split(r"(\d+)", str(value)) if p)


def clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(round(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


@dataclass(frozen=True)
class Quote:
    """One coded passage. ``coding_ids`` lists every coding merged into it: overlapping spans of one code (of the
    evidence's coders) become one quote covering their union."""

    coding_id: int
    transcript: str
    start: int
    end: int
    text: str
    coder: str
    code_id: str
    t_start: float | None = None
    t_end: float | None = None
    coding_ids: tuple[int, ...] = ()
    transcript_id: int = 0
    turns: tuple[int, int] | None = None  # first and last speaker turn (1-based) the passage lies in

    @property
    def reference(self) -> str:
        """Where the passage is, as a reader finds it: ``P01_gp_rural.txt, turn 12, 00:12:03-00:12:40`` (turns
        counted from 1, interviewer turns included; the time when the transcript has one)."""
        a, b = self.turns or (None, None)
        ref = f"{self.transcript}, " + (f"turn {a}" if a == b else f"turns {a}\u2013{b}") if a else self.transcript
        if self.t_start is not None:
            ref += f", {clock(self.t_start)}" + (f"\u2013{clock(self.t_end)}" if self.t_end is not None else "")
        return ref


@dataclass
class Cell:
    participant: str
    column: str
    quotes: list[Quote] = field(default_factory=list)
    summary: str = ""
    status: str = "empty"  # empty | draft | reviewed
    origin: str | None = None  # manual | drafted | carried
    author: str | None = None
    updated_at: datetime | None = None
    summary_quotes: list[int] = field(default_factory=list)  # coding ids the summary draws on
    summary_id: int | None = None
    sources: list[int] | None = None  # summaries carried into this one by refinement
    version: int = 0  # the stored summary's version (0: none yet); a save passes it back to detect conflicts
    stale: bool = False  # the summary was written from other codings than the cell holds now

    def spans(self) -> list[tuple[int, int, int]]:
        """The passages under the cell: (transcript id, start, end) of each quote (what a summary rests on)."""
        return sorted((q.transcript_id, q.start, q.end) for q in self.quotes)

    def cited_quotes(self) -> list[Quote]:
        """The quotes the summary cites (those whose codings it lists; none when it lists none)."""
        if not self.summary_quotes:
            return []
        wanted = set(self.summary_quotes)
        return [q for q in self.quotes if wanted.intersection(q.coding_ids or (q.coding_id,))]


STALE_NOTE = "written from earlier evidence"


def evidence_fingerprint(spans: Iterable[tuple[int, int, int]]) -> str:
    """A short fingerprint of the passages under a cell, (transcript id, start, end) each: what a summary rests on
    (stored when it is written, drafted or confirmed; a different fingerprint now means the evidence changed)."""
    text = ";".join(f"{t}:{a}-{b}" for t, a, b in sorted({(int(t), int(a), int(b)) for t, a, b in spans}))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cell_evidence(s, framework_id: str, participant: str, code: str,
                  coders: Iterable[str] | Evidence | None = None) -> list[tuple[int, int, int]]:
    """The passages under one cell for the evidence ``coders`` (inside an open session), as ``Cell.spans``."""
    ev = resolve(s, coders, framework=framework_id)
    df = ev.filter(db.codings_frame(s, framework_id=framework_id, coders=list(ev.coders), with_text=False))
    if df.empty:
        return []
    df = df[(df["participant_id"] == participant) & (df["code_id"] == code)]
    return sorted((int(r["transcript_id"]), r["start"], r["end"]) for r in merge_overlaps(df, ("transcript_id",)))


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    category_id: str
    category_label: str


@dataclass(frozen=True)
class Table:
    """A printable slice of the matrix: a title and the columns it shows (after the participant columns)."""

    title: str
    category_id: str
    columns: tuple[Column, ...]


@dataclass
class Matrix:
    framework_id: str
    framework_name: str
    level: str
    group_by: tuple[str, ...]
    rows: pd.DataFrame  # one row per participant, index = participant id; columns id, pseudonym and attributes
    columns: list[Column]
    cells: dict[tuple[str, str], Cell]
    categories: list[tuple[str, str]]  # (id, label) of the categories shown
    project_name: str = ""
    created_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    unassigned: int = 0  # codings on transcripts not linked to a participant (not charted)
    evidence: Evidence | None = None  # whose codings the passages are
    crosswalks: tuple[str, ...] = ()  # crosswalks the charted codings came through (refinement), if any

    @property
    def participants(self) -> list[str]:
        return list(self.rows.index)

    @property
    def attributes(self) -> list[str]:
        return [c for c in self.rows.columns if c not in ("id", "pseudonym")]

    def value(self, participant: str, attribute: str) -> str:
        """A participant's attribute as display text ("" when missing)."""
        cache = self.__dict__.setdefault("_values", {})
        if not cache:
            for rec in self.rows.to_dict("index").items():
                cache[rec[0]] = {k: _display(v) for k, v in rec[1].items()}
        return cache[participant].get(attribute, "")

    def cell(self, participant: str, column: str) -> Cell:
        return self.cells[(participant, column)]

    def groups(self) -> list[tuple[tuple[str, ...], list[str]]]:
        """Consecutive participants sharing the ``group_by`` values, in row order."""
        out: list[tuple[tuple[str, ...], list[str]]] = []
        for pid in self.participants:
            key = tuple(self.value(pid, a) for a in self.group_by)
            if out and out[-1][0] == key:
                out[-1][1].append(pid)
            else:
                out.append((key, [pid]))
        return out

    def tables(self, max_columns: int | None = None) -> list[Table]:
        """One table per category (code level) or one for all categories; wide ones split every ``max_columns``."""
        if self.level == "category":
            parts = [("All categories", "", list(self.columns))]
        else:
            parts = [(f"{cid} {label}", cid, [c for c in self.columns if c.category_id == cid])
                     for cid, label in self.categories]
        out = []
        for title, cid, cols in parts:
            step = max_columns or len(cols) or 1
            chunks = [cols[i:i + step] for i in range(0, len(cols), step)] or [[]]
            for i, chunk in enumerate(chunks):
                suffix = f" (part {i + 1} of {len(chunks)})" if len(chunks) > 1 else ""
                out.append(Table(title + suffix, cid, tuple(chunk)))
        return out

    def frame(self, value: str = "summary") -> pd.DataFrame:
        """Participants x columns holding ``summary`` text, ``status``, or ``passages`` (number of quotes)."""
        get = {"summary": lambda c: c.summary, "status": lambda c: c.status,
               "passages": lambda c: len(c.quotes)}[value]
        data = {col.id: [get(self.cells[(p, col.id)]) for p in self.participants] for col in self.columns}
        return pd.DataFrame(data, index=pd.Index(self.participants, name="participant"))

    def long(self) -> pd.DataFrame:
        """One row per cell: participant, attributes, column, summary and its provenance, quote counts and ids."""
        recs = []
        for col in self.columns:
            for pid in self.participants:
                c = self.cells[(pid, col.id)]
                rec: dict[str, object] = {
                    "framework": self.framework_id, "evidence": self.evidence.short if self.evidence else "",
                    "category_id": col.category_id,
                    "category": col.category_label, "column_id": col.id, "column": col.label, "participant": pid}
                rec.update({a: self.value(pid, a) for a in self.attributes})
                rec.update({"status": c.status, "evidence_note": STALE_NOTE if c.stale else "",
                            "origin": c.origin or "", "author": c.author or "",
                            "updated_at": c.updated_at.isoformat(sep=" ") if c.updated_at else "",
                            "summary": c.summary, "passages": len(c.quotes),
                            "summary_quotes": " ".join(map(str, c.summary_quotes)),
                            "coding_ids": " ".join(str(i) for q in c.quotes for i in (q.coding_ids or (q.coding_id,)))})
                recs.append(rec)
        return pd.DataFrame(recs)


def _display(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    return str(v)


def _check_attributes(names: Sequence[str], known: Sequence[str], what: str) -> None:
    for a in names:
        if a not in known:
            raise NotFoundError(f"no participant attribute {a!r} ({what}); known: {', '.join(known) or 'none'}")


def build_matrix(project: Project, framework_id: str, *, category: str | None = None,
                 group_by: Sequence[str] | None = DEFAULT_GROUP_BY, level: str = "code",
                 coders: Iterable[str] | Evidence | None = None, where: ParticipantFilter | None = None,
                 viewer=None) -> Matrix:
    """The chart of ``framework_id`` (one category of it with ``category``).

    ``group_by`` names participant attributes to order and group rows by; the default (group, setting) uses those of
    the two the project has, while any name given explicitly must exist. ``level="category"`` gives one column per
    category (its cell joins the code summaries and passages). ``coders``: whose codings count (``toolkit.evidence``:
None = consensus where it exists, else the lead coder; never students or models). ``where`` (or an evidence
    resolved with one): only the participants a ``ParticipantFilter`` matches, as rows and as codings. ``viewer`` (a
    name or ``access.Viewer``): on transcripts they code blind, only their own codings (``evidence.resolve``).
    Raises ``NotFoundError`` for an unknown framework, category or attribute, ``InputError`` for a project without
    participants.
    """
    try:
        depth = parse_level(level)
    except ValueError as e:
        raise InputError(None, f"level must be one of {', '.join(LEVELS)} or depth:N, not {level!r}") from e
    with project.read() as s:
        fw = db.get_framework(s, framework_id)
        pframe = db.participants_frame(s)
        project_name = settings.read(s, settings.NAME) or ""
        ev = resolve(s, coders, framework=framework_id, where=where, viewer=viewer)
        codings = ev.filter(db.codings_frame(s, framework_id=framework_id, coders=list(ev.coders), with_text=False))
        tids = codings["transcript_id"].unique() if len(codings) else []
        places = cdb.segment_places(s, tids)
        texts = {int(tid): db.transcript_text(s, int(tid)) for tid in tids}
        sums = cdb.summaries_frame(s, framework_id)
        prints = fdb.summary_fingerprints(s, framework_id)
    if pframe.empty:
        raise InputError(project.label, "the project has no participants: import transcripts and a participants "
                                            "file first")
    cats = fw.categories
    if category is not None:
        cats = [c for c in cats if c.id == category]
        if not cats:
            raise NotFoundError(f"no category {category!r} in framework {framework_id!r} "
                                f"(known: {', '.join(c.id for c in fw.categories)})")
    attrs = [c for c in pframe.columns if c not in ("id", "pseudonym")]
    if group_by is DEFAULT_GROUP_BY:
        group_by = [a for a in DEFAULT_GROUP_BY if a in attrs]
    group_by = tuple(group_by or ())
    _check_attributes(group_by, attrs, "group by")
    rows = _order_rows(pframe, group_by)
    if isinstance(ev, FilteredEvidence):  # the participant filter: only the rows it matches
        rows = rows[rows.index.isin(ev.participants)]
    cat_ids = {cat.id for cat in cats}
    code_cols = [Column(n.id, n.label, n.category_id, n.category_label) for n in code_tree(fw)
                 if n.category_id in cat_ids]
    code_ids = {c.id for c in code_cols}
    quotes = _quotes(codings[codings["code_id"].isin(code_ids)], places, texts)
    cells: dict[tuple[str, str], Cell] = {}
    for pid in rows.index:
        for col in code_cols:
            cells[(pid, col.id)] = Cell(pid, col.id, quotes.get((pid, col.id), []))
    for r in sums.itertuples(index=False):
        cell = cells.get((r.participant_id, r.code_id))
        if cell is None or not (r.text or "").strip():
            continue
        cell.summary, cell.status, cell.origin = r.text, r.status, r.origin
        cell.author, cell.updated_at, cell.summary_id = r.author, r.updated_at, int(r.id)
        cell.summary_quotes = [int(x) for x in (r.quotes or [])]
        cell.sources = list(r.sources) if isinstance(r.sources, list) else None
        cell.version = int(r.version)
        if int(r.id) in prints:  # the evidence recorded when it was written, drafted or confirmed
            cell.stale = prints[int(r.id)] != evidence_fingerprint(cell.spans())
        else:  # written before fingerprints: stale when it cites codings the cell no longer holds
            cell.stale = not set(cell.summary_quotes) <= {i for q in cell.quotes for i in q.coding_ids}
    unassigned = int(codings["participant_id"].isna().sum()) if len(codings) else 0
    matrix = Matrix(fw.id, fw.name, "code", group_by, rows, code_cols, cells, [(c.id, c.label) for c in cats],
                    project_name=project_name, unassigned=unassigned, evidence=ev,
                    crosswalks=_crosswalks(codings))
    if depth == 0:
        return _rolled_up(matrix, [(Column(cat.id, cat.label, cat.id, cat.label), [c.id for c in cat.codes])
                                   for cat in cats], "category")
    if depth is not None:
        groups: dict[str, tuple[Column, list[str]]] = {}
        up = rollup(fw, depth)
        for col, (gid, glabel) in ((c, up[c.id]) for c in code_cols):
            groups.setdefault(gid, (Column(gid, glabel, col.category_id, col.category_label), []))[1].append(col.id)
        return _rolled_up(matrix, list(groups.values()), f"depth:{depth}")
    return matrix


def _crosswalks(codings: pd.DataFrame) -> tuple[str, ...]:
    if codings.empty:
        return ()
    batches = codings.loc[codings["origin"] == "crosswalk", "batch"].dropna().astype(str)
    return tuple(sorted({b.removeprefix("crosswalk:") for b in batches}))


def _order_rows(pframe: pd.DataFrame, group_by: tuple[str, ...]) -> pd.DataFrame:
    df = pframe.copy()
    df.index = df["id"].astype(str)
    df.index.name = "participant"

    def key(pid: str) -> tuple:
        vals = tuple((1, ()) if _display(df.at[pid, a]) == "" else (0, natural_key(df.at[pid, a])) for a in group_by)
        return vals + (natural_key(pid),)

    return df.loc[sorted(df.index, key=key)]


def _times(places: pd.DataFrame) -> dict[int, list[tuple[int, int, float | None, float | None]]]:
    out: dict[int, list[tuple[int, int, float | None, float | None]]] = {}
    for r in places.itertuples(index=False):
        t0 = None if r.t_start is None or pd.isna(r.t_start) else float(r.t_start)
        t1 = None if r.t_end is None or pd.isna(r.t_end) else float(r.t_end)
        if t0 is not None or t1 is not None:
            out.setdefault(int(r.transcript_id), []).append((int(r.start), int(r.end), t0, t1))
    return out


def _span_time(segs, start: int, end: int) -> tuple[float | None, float | None]:
    """Timestamps of a span: from the first to the last timed segment it overlaps."""
    hit = [s for s in segs if s[0] < end and s[1] > start] or [s for s in segs if s[0] <= start <= s[1]]
    starts = [s[2] for s in hit if s[2] is not None]
    ends = [s[3] for s in hit if s[3] is not None]
    return (min(starts) if starts else None, max(ends) if ends else None)


def turn_numbers(places: pd.DataFrame) -> dict[int, list[tuple[int, int]]]:
    """Per transcript, the (start, end) of each speaker turn in order (turn n is item n-1). ``places`` comes from
    ``store.charting.segment_places`` (ordered by turn)."""
    out: dict[int, list[tuple[int, int]]] = {}
    for r in places.itertuples(index=False):
        out.setdefault(int(r.transcript_id), []).append((int(r.start), int(r.end)))
    return out


def span_turns(turns: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The first and last turn (1-based) a span overlaps, or None."""
    hit = [i for i, (a, b) in enumerate(turns, 1) if a < end and b > start]
    return (hit[0], hit[-1]) if hit else None


def _quotes(codings: pd.DataFrame, places: pd.DataFrame, texts: dict[int, str]) -> dict[tuple[str, str], list[Quote]]:
    """Quotes per (participant, code): overlapping spans of one code (any of the evidence's coders) become one."""
    times = _times(places)
    turns = turn_numbers(places)
    out: dict[tuple[str, str], list[Quote]] = {}
    codings = codings[codings["participant_id"].notna()] if len(codings) else codings
    for r in merge_overlaps(codings, ("participant_id", "code_id", "transcript")):
        tid = int(r["transcript_id"])
        start, end = r["start"], r["end"]
        t0, t1 = _span_time(times.get(tid, ()), start, end)
        q = Quote(coding_id=int(r["ids"][0]), transcript=r["transcript"], start=start, end=end,
                  text=texts[tid][start:end], coder=", ".join(r["coders"]), code_id=r["code_id"], t_start=t0,
                  t_end=t1, coding_ids=tuple(r["ids"]), transcript_id=tid,
                  turns=span_turns(turns.get(tid, []), start, end))
        out.setdefault((str(r["participant_id"]), r["code_id"]), []).append(q)
    return out


def _rolled_up(m: Matrix, groups: list[tuple[Column, list[str]]], level: str) -> Matrix:
    """One column per group of code columns (a category, or a code with its descendants): the cell joins the codes'
    passages and summaries."""
    cols = [col for col, _ in groups]
    cells: dict[tuple[str, str], Cell] = {}
    for pid in m.participants:
        for col, code_ids in groups:
            parts = [m.cells[(pid, c)] for c in code_ids]
            quotes = sorted((q for p in parts for q in p.quotes), key=lambda q: (q.transcript, q.start, q.end))
            written = [p for p in parts if p.summary]
            if not written:
                status = "empty"
            elif all(p.status == "reviewed" for p in written) and all(p.summary for p in parts if p.quotes):
                status = "reviewed"
            else:
                status = "draft"
            latest = max(written, key=lambda p: p.updated_at or datetime.min) if written else None
            cells[(pid, col.id)] = Cell(
                pid, col.id, quotes, summary="\n".join(f"{p.column}: {p.summary}" for p in written), status=status,
                origin=latest.origin if latest else None,
                author=", ".join(dict.fromkeys(p.author for p in written if p.author)) or None,
                updated_at=latest.updated_at if latest else None,
                summary_quotes=[i for p in written for i in (p.summary_quotes or
                                                             [j for q in p.quotes for j in q.coding_ids])],
                stale=any(p.stale for p in written))
    return Matrix(m.framework_id, m.framework_name, level, m.group_by, m.rows, cols, cells, m.categories,
                  project_name=m.project_name, created_at=m.created_at, unassigned=m.unassigned, evidence=m.evidence,
                  crosswalks=m.crosswalks)

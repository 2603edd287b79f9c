"""Checking a finding against the transcripts is the researcher's judgement: the tool ranks, the researcher decides.

For a finding statement about a theme, ``rank_passages`` orders each participant's coded passages of the theme by
closeness to the statement (the closest sentence of a passage, by sentence embeddings), so the passages that speak
to it come first; it says nothing about whether they support it. The researcher then marks each participant
(``judge``): **support**, **counter-evidence**, **mentions** (touches the theme without speaking to the statement)
or **silent**, with the quotes that carry the judgement. Every mark is one logged action (who, when, the previous
mark); ``judgements`` reads them back with their quotes; ``clear`` takes a mark back. ``parse_marks`` turns a
typed line of letters ("s c m n ." one per participant, in order) into marks, for keyboard-fast checking.

    ranked = rank_passages(project, "lvi84", "Patients ask for an MR", theme_id="CUL")
    judge(project, "lvi84", "CUL", "Patients ask for an MR", "P05", "counter", quotes=[ranked["P05"][0].coding_id],
          actor="ann")
    judgements(project, "lvi84", theme_id="CUL")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from ..charting.matrix import clock, span_turns, turn_numbers
from ..errors import InputError, NotFoundError
from ..store import Project
from ..store import charting as cdb
from ..store import core as db
from ..store import findings as fdb
from ..store import mapping as mdb
from ..store.events import Action
from ..textspans import split_sentences
from .links import participant_groups, resolve_codings

__all__ = ["KEYS", "VERDICTS", "VERDICT_LABELS", "Judgement", "RankedPassage", "clear", "default_statement",
           "judge", "judge_many", "judgements",
           "parse_marks", "rank_passages", "rank_rows"]

VERDICTS = ("support", "counter", "mentions", "silent")
VERDICT_LABELS = {"support": "supports", "counter": "counter-evidence", "mentions": "mentions only",
                  "silent": "silent"}
KEYS = {"s": "support", "c": "counter", "m": "mentions", "n": "silent"}  # one letter per mark; "." skips
UNCHECKED = "not yet checked"
LEVELS = ("category", "code", "map")


@dataclass(frozen=True)
class RankedPassage:
    """A coded passage of a participant, with how close its closest sentence is to the finding statement."""

    participant: str
    coding_id: int
    transcript: str
    code_id: str
    text: str
    sentence: str  # the passage's sentence closest to the statement
    closeness: float  # cosine similarity of that sentence to the statement (a ranking aid, not a verdict)
    turns: tuple[int, int] | None = None
    t_start: float | None = None

    @property
    def place(self) -> str:
        """``P01_gp_rural.txt, turn 12, 00:12:03``: where a reader finds it."""
        a, b = self.turns or (None, None)
        ref = self.transcript + ((f", turn {a}" if a == b else f", turns {a}\u2013{b}") if a else "")
        return ref + (f", {clock(self.t_start)}" if self.t_start is not None else "")


@dataclass(frozen=True)
class JudgedQuote:
    coding_id: int
    text: str
    place: str


@dataclass(frozen=True)
class Judgement:
    """A researcher's mark of one participant against a finding."""

    finding_id: int
    framework_id: str
    level: str
    theme_id: str
    statement: str
    participant: str
    verdict: str
    quotes: tuple[JudgedQuote, ...]
    judged_by: str
    judged_at: datetime
    note: str | None = None

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]


Embed = Callable[[list[str]], np.ndarray]


def themes(s, framework_id: str, level: str) -> list[tuple[str, str, list[str], set[int] | None]]:
    """(theme id, label, its codes, the codings behind it or None) of every theme at ``level``: framework
    categories, codes, or the categories built at mapping (their key elements' quotes)."""
    if level not in LEVELS:
        raise InputError(None, f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    fw = db.get_framework(s, framework_id)
    if level == "category":
        return [(c.id, c.label, [k.id for k in c.codes], None) for c in fw.categories]
    if level == "code":
        return [(c.id, c.label, [c.id], None) for c in fw.codes]
    cats = mdb.map_categories_frame(s, framework_id)
    if cats.empty:
        raise InputError(None, f"framework {framework_id!r} has no mapping categories yet (map propose ...)")
    dims = mdb.dimensions_frame(s, framework_id)
    els = mdb.key_elements_frame(s, framework_id)
    out: list[tuple[str, str, list[str], set[int] | None]] = []
    for c in cats.itertuples():
        mine = els[els["dimension_id"].isin(set(dims.loc[dims["category_id"] == c.id, "id"]))]
        out.append((str(c.id), c.label, sorted(set(mine["code_id"].dropna())),
                    {int(q) for qs in mine["quotes"] for q in qs}))
    return out


def default_statement(s, framework_id: str, level: str, theme_id: str) -> str:
    """The statement a theme is checked against until the researcher writes one: its label (a code: its
    definition)."""
    found = [t for t in themes(s, framework_id, level) if t[0] == theme_id]
    if not found:
        raise NotFoundError(f"no theme {theme_id!r} at level {level!r} of framework {framework_id!r}")
    if level == "code":
        code = next(c for c in db.get_framework(s, framework_id).codes if c.id == theme_id)
        return code.definition or code.label
    return found[0][1]


def theme_rows(s, framework_id: str, level: str, theme_id: str, coders=None, via: str | None = None,
               codings: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The coded passages of one theme under the evidence (with text), and every participant of the project."""
    found = [t for t in themes(s, framework_id, level) if t[0] == theme_id]
    if not found:
        raise NotFoundError(f"no theme {theme_id!r} at level {level!r} of framework {framework_id!r}")
    _tid, _label, codes, quote_ids = found[0]
    everyone = sorted(participant_groups(s, None))
    if quote_ids is not None:
        df = db.codings_frame(s)
        df = df[df["id"].isin(quote_ids)]
        return df.assign(participant_id=df["participant_id"].fillna(df["transcript"])), everyone
    df = codings if codings is not None else resolve_codings(s, framework_id, coders=coders, via=via)[0]
    return (df[df["code_id"].isin(codes)] if not df.empty else df), everyone


def rank_rows(rows: pd.DataFrame, statement: str, embed: Embed, places: pd.DataFrame | None = None,
              per_participant: int | None = None) -> dict[str, list[RankedPassage]]:
    """Rank coded passages (rows of a codings frame with ``text``; one passage coded with several codes is ranked
    once) by the closeness of their closest sentence to ``statement``, per participant, closest first."""
    if rows.empty:
        return {}
    rows = rows.drop_duplicates(["transcript", "start", "end"])
    sents = [[t[a:b] for a, b in split_sentences(t)] or [t] for t in rows["text"]]
    vecs = embed([statement] + [x for ss in sents for x in ss])
    goal, rest = vecs[0], vecs[1:]
    turns = turn_numbers(places) if places is not None else {}
    times: dict[int, list[tuple[int, int, float]]] = {}
    if places is not None:
        for r in places.itertuples(index=False):
            if r.t_start is not None and not pd.isna(r.t_start):
                times.setdefault(int(r.transcript_id), []).append((int(r.start), int(r.end), float(r.t_start)))
    out: dict[str, list[RankedPassage]] = {}
    i = 0
    for r, ss in zip(rows.itertuples(), sents, strict=True):
        sims = rest[i:i + len(ss)] @ goal
        i += len(ss)
        k = int(np.argmax(sims))
        tid = int(r.transcript_id)
        t0 = next((t for a, b, t in times.get(tid, []) if a < int(r.end) and b > int(r.start)), None)
        out.setdefault(str(r.participant_id), []).append(RankedPassage(
            str(r.participant_id), int(r.id), r.transcript, r.code_id, r.text, ss[k], round(float(sims[k]), 3),
            span_turns(turns.get(tid, []), int(r.start), int(r.end)), t0))
    for pid in out:
        out[pid].sort(key=lambda x: -x.closeness)
        if per_participant:
            out[pid] = out[pid][:per_participant]
    return out


def rank_passages(project: Project, framework_id: str, statement: str, *, theme_id: str, level: str = "category",
                  coders: Iterable[str] | None = None, embedder=None, per_participant: int | None = None
                  ) -> dict[str, list[RankedPassage]]:
    """Every participant's coded passages of a theme, ranked by closeness to ``statement`` (closest first); every
    participant of the project is a key (an empty list: nothing coded under the theme)."""
    if not (statement or "").strip():
        raise InputError(None, "write the finding statement first")
    with project.read() as s:
        rows, everyone = theme_rows(s, framework_id, level, theme_id, coders)
        places = cdb.segment_places(s, rows["transcript_id"].unique() if len(rows) else [])
    ranked = rank_rows(rows, statement.strip(), embed_function(project, embedder), places, per_participant)
    return {pid: ranked.get(pid, []) for pid in everyone}


def embed_function(project: Project, embedder) -> Embed:
    """``texts -> vectors`` through the project's vector cache (the project's model unless one is given)."""
    from ..vectors import encode_cached

    if embedder is None:
        from ..settings import project_embedder

        embedder = project_embedder(project)
    return lambda texts: encode_cached(project, embedder, list(texts))


def _check(s, framework_id: str, level: str, theme_id: str, participant: str, verdict: str | None) -> None:
    if level not in LEVELS:
        raise InputError(None, f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    if verdict is not None and verdict not in VERDICTS:
        raise InputError(None, f"a mark is one of {', '.join(VERDICTS)}, not {verdict!r}")
    db.get_framework(s, framework_id)
    if participant not in cdb.participant_ids(s):
        raise NotFoundError(f"no participant {participant!r} in this project")


def judge(project: Project, framework_id: str, theme_id: str, statement: str, participant: str, verdict: str, *,
          level: str = "category", quotes: Sequence[int] = (), note: str | None = None, actor: str) -> int:
    """The researcher ``actor`` marks ``participant`` against the finding (support / counter / mentions / silent),
    with the coding ids of the quotes that carry the mark. Replaces an earlier mark (kept in the event log).
    Returns the judgement's id."""
    statement = (statement or "").strip()
    if not statement:
        raise InputError(None, "a judgement needs the finding statement it is about")
    if not (actor or "").strip():
        raise InputError(None, "a judgement needs the researcher's name")
    quotes = [int(q) for q in quotes]
    payload: dict[str, object] = {"framework": framework_id, "level": level, "theme": theme_id,
                                  "statement": statement, "participant": participant, "verdict": verdict,
                                  "quotes": quotes}
    with project.transaction(Action.FINDING_JUDGE, actor=actor, payload=payload) as s:
        _check(s, framework_id, level, theme_id, participant, verdict)
        fid = fdb.finding_id(s, framework_id, level, theme_id, statement, created_by=db.coder_id(s, actor.strip()))
        if fid is None:  # finding_id creates the finding when it is missing, so this does not happen
            raise RuntimeError(f"finding {theme_id!r} could not be created")
        payload["previous"] = fdb.judgement(s, fid, participant)
        return fdb.put_judgement(s, fid, participant, verdict, judged_by=db.coder_id(s, actor.strip()),
                                 quotes=quotes, note=note)


def judge_many(project: Project, framework_id: str, theme_id: str, statement: str, marks: dict[str, str], *,
               level: str = "category", quotes: dict[str, Sequence[int]] | None = None, actor: str) -> int:
    """Several participants marked at once (a page's form, or typed letters: ``parse_marks``): each mark is its own
    logged action, as with ``judge``. Every mark is checked first, so a bad one writes nothing. Returns the number
    written."""
    for pid, verdict in marks.items():
        if verdict not in VERDICTS:
            raise InputError(None, f"a mark is one of {', '.join(VERDICTS)}, not {verdict!r}", pid)
    with project.read() as s:
        unknown = sorted(set(marks) - set(cdb.participant_ids(s)))
    if unknown:
        raise NotFoundError(f"no participant {', '.join(unknown)} in this project")
    for pid, verdict in marks.items():
        judge(project, framework_id, theme_id, statement, pid, verdict, level=level,
              quotes=(quotes or {}).get(pid, ()), actor=actor)
    return len(marks)


def clear(project: Project, framework_id: str, theme_id: str, statement: str, participant: str, *,
          level: str = "category", actor: str) -> bool:
    """Take back the mark of ``participant`` (it shows as not yet checked again); False when there was none."""
    payload: dict[str, object] = {"framework": framework_id, "level": level, "theme": theme_id,
                                  "statement": statement.strip(), "participant": participant}
    with project.transaction(Action.FINDING_CLEAR, actor=actor, payload=payload) as s:
        _check(s, framework_id, level, theme_id, participant, None)
        fid = fdb.finding_id(s, framework_id, level, theme_id, statement.strip(), create=False)
        previous = fdb.judgement(s, fid, participant) if fid is not None else None
        payload["previous"] = previous
        if previous and fid is not None:
            fdb.delete_judgement(s, fid, participant)
        return previous is not None


def judgements(project: Project, framework_id: str, *, level: str | None = None, theme_id: str | None = None,
               statement: str | None = None) -> list[Judgement]:
    """The researcher's marks (newest statement last), each with its quotes (text and place)."""
    with project.read() as s:
        fr = fdb.findings_frame(s, framework_id, level)
        if theme_id is not None:
            fr = fr[fr["theme_id"] == theme_id]
        if statement is not None:
            fr = fr[fr["statement"] == statement.strip()]
        js = fdb.judgements_frame(s, fr["id"].tolist())
        ids = sorted({int(q) for qs in js["quotes"] for q in qs})
        codings = db.codings_frame(s) if ids else pd.DataFrame(columns=["id"])
        codings = codings[codings["id"].isin(ids)]
        places = cdb.segment_places(s, codings["transcript_id"].unique() if len(codings) else [])
    turns = turn_numbers(places)
    quote = {}
    for r in codings.itertuples():
        a = span_turns(turns.get(int(r.transcript_id), []), int(r.start), int(r.end))
        quote[int(r.id)] = JudgedQuote(int(r.id), r.text, RankedPassage(str(r.participant_id), int(r.id),
                                                                        r.transcript, r.code_id, r.text, "", 0.0,
                                                                        a).place)
    by_id = {int(r.id): r for r in fr.itertuples()}
    out = []
    for j in js.itertuples():
        f = by_id[int(j.finding_id)]
        out.append(Judgement(int(f.id), framework_id, f.level, f.theme_id, f.statement, j.participant_id, j.verdict,
                             tuple(quote[int(q)] for q in j.quotes if int(q) in quote), j.judged_by,
                             j.judged_at, j.note))
    return out


def parse_marks(letters: str, participants: Sequence[str]) -> dict[str, str]:
    """Marks typed as letters, one per participant in order: ``s`` support, ``c`` counter-evidence, ``m`` mentions,
    ``n`` silent, ``.`` or ``-`` skip (spaces and commas ignored). ``"ss.c"`` -> ``{P01: support, P02: support,
    P04: counter}``. Raises ``InputError`` naming the place of an unknown letter or of letters beyond the list."""
    keys = [ch for ch in (letters or "").lower() if not ch.isspace() and ch != ","]
    if len(keys) > len(participants):
        raise InputError(None, f"{len(keys)} marks typed for {len(participants)} participants",
                         f"mark {len(participants) + 1}")
    out = {}
    for i, (k, pid) in enumerate(zip(keys, participants, strict=False), start=1):
        if k in ".-":
            continue
        if k not in KEYS:
            raise InputError(None, f"unknown mark {k!r} (use s, c, m, n, or . to skip)", f"mark {i} ({pid})")
        out[pid] = KEYS[k]
    return out

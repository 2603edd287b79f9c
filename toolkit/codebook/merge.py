"""Merging and splitting codes: the codings follow, each keeping its coder, time and origin, and each recording the
code it came from (``code_lineage`` + ``coding_move``).

A merge re-points the codings of the merged codes to the target (a code of the framework, or a new one), moves their
memos, decisions and chart summaries with them, folds a coder's duplicate codings of one span into one (the other is
marked removed, its sources join the one kept), and rewrites every crosswalk naming the codes: a framework started as
a copy of a detailed one (``new_framework(..., carry_codings=True)``) keeps its crosswalk from the detailed framework
true, like the shipped lvi84 -> lvi21. The suggester learns from codings by code, so the merged codes' training labels
pool on the next run. A split creates new codes and reassigns the codings passage by passage; ``split_ranking`` ranks,
for each passage, which new code fits it (cosine of the passage to each new code's "label: definition", with the
project's embedder).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..embed import Embedder
from ..errors import InputError
from ..store import Project
from ..store import codebook as cdb
from ..store import core as db
from ..store.events import Action
from .edit import _add_code, check_editor, check_id

__all__ = ["MergeReport", "NewCode", "SplitRow", "SplitReport", "merge_codes", "split_ranking", "split_code"]


@dataclass
class MergeReport:
    framework_id: str
    into: str
    merged: list[str]
    codings: int = 0  # coding rows that followed (removed ones too)
    duplicates: int = 0  # a coder's second coding of one span, folded into the first
    summaries: int = 0
    crosswalks: list[str] = field(default_factory=list)
    created: bool = False  # the target is a new code

    def text(self) -> str:
        return (f"merged {', '.join(self.merged)} into {self.into}{' (new code)' if self.created else ''}: "
                f"{self.codings} coding(s) followed, {self.duplicates} duplicate(s) folded, {self.summaries} chart "
                f"cell(s) carried" + (f"; crosswalk(s) updated: {', '.join(self.crosswalks)}" if self.crosswalks
                                      else ""))


@dataclass
class NewCode:
    """A code a split makes."""

    id: str
    label: str
    definition: str = ""

    @property
    def text(self) -> str:
        return f"{self.label}: {self.definition}" if self.definition else self.label


@dataclass
class SplitRow:
    coding_id: int
    transcript: str
    start: int
    end: int
    coder: str
    text: str
    scores: dict[str, float]  # new code id -> cosine of the passage to the code's "label: definition"
    best: str


@dataclass
class SplitReport:
    framework_id: str
    code: str
    new_codes: list[str]
    moved: dict[str, int]  # new code -> codings reassigned to it
    kept: int  # codings left on the original code
    deleted_original: bool
    crosswalks: list[str] = field(default_factory=list)


def merge_codes(project: Project, framework_id: str, codes: list[str], into: str, *, label: str | None = None,
                definition: str | None = None, category: str | None = None,
                actor: str | None = None) -> MergeReport:
    """Merge ``codes`` into ``into``: one of them, another code of the framework, or a new code (``label`` needed
    unless the labels of the merged codes joined will do; placed where the first merged code was)."""
    codes = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    into = check_id(into, "target code id", f"framework {framework_id}")
    sources = [c for c in codes if c != into]
    if not sources:
        raise InputError(f"framework {framework_id}", "name at least one code to merge into another")
    report = MergeReport(framework_id, into, sources)
    payload: dict[str, object] = {"framework": framework_id, "codes": sources, "into": into}
    with project.transaction(Action.CODE_MERGE, actor=actor, payload=payload) as s:
        check_editor(s, actor)
        rows = [cdb.code_row(s, framework_id, c) for c in sources]
        if not cdb.has_code(s, framework_id, into):
            first = rows[0]
            parent = cdb.parent_of(s, first)
            parent_id = parent.id if parent is not None and parent.id not in sources else None
            texts = [r for r in rows if (r.definition or "").strip()]
            _add_code(s, framework_id, into, label or " / ".join(r.label for r in rows),
                      category or (None if parent_id else first.category.id), parent_id,
                      definition if definition is not None else "\n".join(f"{r.label}: {(r.definition or '').strip()}"
                                                                          for r in texts),
                      "; ".join(r.include for r in rows if r.include), "; ".join(r.exclude for r in rows if r.exclude),
                      [e for r in rows for e in (r.examples or [])], position=first.position)
            report.created = True
        target = cdb.code_row(s, framework_id, into)
        if label and not report.created:
            target.label = label.strip()
        if definition is not None and not report.created:
            target.definition = definition.strip()
        author = db.coder_id(s, actor) if actor else None
        below = {d.pk for r in rows for d in [r, *cdb.descendants(s, r.pk)]}
        if target.pk in below - {r.pk for r in rows}:  # the target sits under a merged code: lift it out first
            cdb.set_code_place(s, target, target.category_pk, None)
        for r in rows:
            lineage = cdb.add_lineage(s, framework_id, "merge", r, target, actor)
            report.codings += cdb.move_codings(s, cdb.all_coding_ids(s, r.pk), target.pk, lineage)
            cdb.repoint_code_refs(s, r.pk, target.pk)
            report.summaries += cdb.carry_summaries(s, r.pk, r.id, target.pk, author)
            for k in cdb.children(s, r.pk):
                cdb.set_code_place(s, k, target.category_pk, target.pk)
            cdb.rename_measure_links(s, framework_id, r.id, into)
            cdb.delete_code(s, r)
        report.duplicates = cdb.fold_duplicates(s, target.pk, author if author is not None
                                                else db.coder_id(s, "framework-editor", kind="model"))
        report.crosswalks = cdb.rewrite_crosswalks(s, framework_id, dict.fromkeys(sources, into))
        payload.update(codings=report.codings, duplicates=report.duplicates, created=report.created,
                       crosswalks=report.crosswalks)
    return report


def split_ranking(project: Project, framework_id: str, code: str, new_codes: list[NewCode],
                  embedder: Embedder) -> list[SplitRow]:
    """For each active coding of ``code``, how well each new code fits its passage (cosine to the new code's
    "label: definition", the project's embedding cache), best first in ``best``."""
    from ..vectors import encode_cached

    if len(new_codes) < 2:
        raise InputError(f"framework {framework_id}, code {code}", "a split needs at least two new codes")
    with project.read() as s:
        row = cdb.code_row(s, framework_id, code)
        rows = cdb.code_codings(s, row.pk)
        names = {t["id"]: t["name"] for t in db.transcripts(s)}
        texts = {tid: db.transcript_text(s, tid) for tid in {r["transcript_id"] for r in rows}}
    passages = [" ".join(texts[r["transcript_id"]][r["start"]:r["end"]].split()) for r in rows]
    if not rows:
        return []
    vecs = encode_cached(project, embedder, passages + [c.text for c in new_codes])
    P, C = vecs[:len(passages)], vecs[len(passages):]
    sims = np.asarray(P @ C.T, dtype=float)
    out = []
    for r, text, sim in zip(rows, passages, sims, strict=True):
        scores = {c.id: round(float(x), 4) for c, x in zip(new_codes, sim, strict=True)}
        out.append(SplitRow(r["id"], names.get(r["transcript_id"], str(r["transcript_id"])), r["start"], r["end"],
                            r["coder"], text, scores, max(scores, key=scores.__getitem__)))
    return out


def split_code(project: Project, framework_id: str, code: str, new_codes: list[NewCode],
               assignment: dict[int, str], *, delete_original: bool = True, actor: str | None = None) -> SplitReport:
    """Split ``code`` into ``new_codes`` (made in its category, under its parent): each coding id in ``assignment``
    moves to the new code named there (take them from ``split_ranking``'s ``best``, or the researcher's choice); the
    others stay. With every active coding reassigned and ``delete_original``, the original code goes."""
    if len(new_codes) < 2:
        raise InputError(f"framework {framework_id}, code {code}", "a split needs at least two new codes")
    ids = [check_id(c.id, "new code id", f"framework {framework_id}") for c in new_codes]
    unknown = sorted(set(assignment.values()) - set(ids))
    if unknown:
        raise InputError(f"framework {framework_id}, code {code}", f"codings assigned to {', '.join(unknown)}, "
                                                                   "which is not one of the new codes")
    report = SplitReport(framework_id, code, ids, dict.fromkeys(ids, 0), 0, False)
    payload: dict[str, object] = {"framework": framework_id, "code": code, "into": ids}
    with project.transaction(Action.CODE_SPLIT, actor=actor, payload=payload) as s:
        check_editor(s, actor)
        row = cdb.code_row(s, framework_id, code)
        parent = cdb.parent_of(s, row)
        active = {r["id"] for r in cdb.code_codings(s, row.pk)}
        stray = sorted(set(map(int, assignment)) - active)
        if stray:
            raise InputError(f"framework {framework_id}, code {code}",
                             f"coding(s) {', '.join(map(str, stray[:5]))} are not active codings of {code}")
        for n, c in enumerate(new_codes):
            _add_code(s, framework_id, c.id, c.label, row.category.id, parent.id if parent is not None else None,
                      c.definition, position=row.position + 1 + n)
        targets = {c.id: cdb.code_row(s, framework_id, c.id) for c in new_codes}
        for cid, tgt in targets.items():
            mine = [int(k) for k, v in assignment.items() if v == cid]
            lineage = cdb.add_lineage(s, framework_id, "split", row, tgt, actor)
            report.moved[cid] = cdb.move_codings(s, mine, tgt.pk, lineage)
        report.kept = len(active) - sum(report.moved.values())
        if delete_original and report.kept == 0:
            for k in cdb.children(s, row.pk):
                cdb.set_code_place(s, k, row.category_pk, targets[ids[0]].pk)
            cdb.repoint_code_refs(s, row.pk, targets[ids[0]].pk)
            cdb.carry_summaries(s, row.pk, row.id, targets[ids[0]].pk, db.coder_id(s, actor) if actor else None)
            cdb.delete_code(s, row)
            report.deleted_original = True
            report.crosswalks = cdb.rewrite_crosswalks(s, framework_id, {code: ids[0]})
        payload.update(moved=report.moved, kept=report.kept, deleted_original=report.deleted_original)
    return report

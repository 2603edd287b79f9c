"""Chart-cell summaries: extractive drafts to start from, and the researcher's own text and review.

A draft is a labelled *extract*, not a summary: the one or two most central sentences of the cell's coded passages
(closeness to the centre of the cell's sentences and to the code's definition, by sentence embeddings), at most
``MAX_WORDS`` words; a longer sentence is cut at a word boundary and ends with an ellipsis. Every piece occurs
verbatim in a coded passage; pieces are joined with ``DRAFT_SEPARATOR``; the draft lists the coding ids it drew on.
It stays a ``draft`` (shown as "extract") until the researcher edits or confirms it. Drafting never replaces a
summary a researcher wrote, carried over or reviewed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from ..embed import Embedder
from ..errors import InputError, NotFoundError
from ..store import Project
from ..store import charting as cdb
from ..store import core as db
from ..store import findings as fdb
from ..store.events import Action
from ..vectors import encode_cached
from .matrix import Cell, build_matrix, cell_evidence, evidence_fingerprint
from .sentences import Sentence, candidates

__all__ = ["DRAFT_SEPARATOR", "STATUSES", "DraftReport", "draft_summaries", "drafted_sentences", "review_summary",
           "select_sentences", "set_summary"]

DRAFT_SEPARATOR = " \u2026 "
ELLIPSIS = "\u2026"
MAX_WORDS = 40
STATUSES = ("draft", "reviewed")
Progress = Callable[[int, int, str], None]


@dataclass
class DraftReport:
    drafted: int = 0  # cells given a new draft
    kept_researcher: int = 0  # cells left alone: a researcher wrote, carried over or reviewed the summary
    kept_draft: int = 0  # cells that already had a draft (use overwrite=True to redraft)
    no_sentences: int = 0  # cells whose passages hold no participant sentence
    sentences: int = 0  # candidate sentences embedded
    seconds: float = 0.0
    model: str = ""
    cells: list[tuple[str, str]] = field(default_factory=list)  # (participant, code) drafted


def drafted_sentences(text: str) -> list[str]:
    """The pieces of a drafted summary (each a verbatim piece of a coded passage; a cut one loses its ellipsis)."""
    return [p.removesuffix(ELLIPSIS) for p in text.split(DRAFT_SEPARATOR) if p]


def clip_words(text: str, max_words: int) -> str:
    """``text`` cut after ``max_words`` words (at a comma or semicolon in the last third when there is one), with an
    ellipsis; unchanged when short enough. The kept part is a verbatim prefix."""
    words = text.split()
    if len(words) <= max_words:
        return text
    cut = 0
    for _ in range(max_words):  # end of the max_words-th word in the original text
        while cut < len(text) and text[cut].isspace():
            cut += 1
        while cut < len(text) and not text[cut].isspace():
            cut += 1
    head = text[:cut]
    soft = max(head.rfind(", "), head.rfind("; "))
    if soft > len(head) * 2 // 3:
        head = head[:soft]
    return head.rstrip(" ,;:-") + ELLIPSIS


def _replaceable(cell: Cell, overwrite: bool) -> str | None:
    """Why drafting must leave this cell alone, or None."""
    if not cell.summary:
        return None
    if cell.origin != "drafted" or cell.status != "draft":
        return "researcher"
    return None if overwrite else "draft"


def select_sentences(vectors: np.ndarray, lengths: list[int], code_vector: np.ndarray | None = None, *,
                     max_sentences: int = 3, max_chars: int = 350, redundancy: float = 0.85) -> list[int]:
    """Indices of the most representative sentences: high cosine to the centroid of all (and to the code), each
    after the first at least as representative as the average sentence and not a near-duplicate of one already
    chosen, within ``max_chars`` (the first is always taken). Short cells get fewer sentences: 1 for up to 3
    candidates, 2 for up to 8."""
    n = len(vectors)
    if n == 0:
        return []
    k = min(max_sentences, 1 if n <= 3 else 2 if n <= 8 else 3)
    centroid = vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    score = vectors @ (centroid / norm) if norm else np.zeros(n)
    if code_vector is not None:
        score = 0.7 * score + 0.3 * (vectors @ code_vector)
    fits = [i for i in range(n) if lengths[i] <= max_chars]
    order = sorted(fits or range(n), key=lambda i: (-score[i], i))
    floor = float(score.mean())
    chosen: list[int] = []
    total = 0
    for i in order:
        if len(chosen) >= k:
            break
        if chosen and (score[i] < floor or max(float(vectors[i] @ vectors[j]) for j in chosen) > redundancy
                       or total + lengths[i] > max_chars):
            continue
        chosen.append(i)
        total += lengths[i]
    return chosen


def _cell_sentences(cell: Cell, segments: dict[int, list[tuple[int, int, str]]]) -> list[Sentence]:
    merged: dict[tuple[int, int, int], Sentence] = {}
    for q in cell.quotes:
        for sent in candidates(q.text, q.start, q.transcript_id, q.coding_ids or (q.coding_id,),
                               segments.get(q.transcript_id, [])):
            key = (sent.transcript_id, sent.start, sent.end)
            if key in merged:
                ids = tuple(dict.fromkeys(merged[key].coding_ids + sent.coding_ids))
                merged[key] = Sentence(sent.transcript_id, sent.start, sent.end, sent.text, ids)
            else:
                merged[key] = sent
    sents = sorted(merged.values(), key=lambda x: (x.transcript_id, x.start))
    for min_words in (5, 2):
        keep = [x for x in sents if x.words >= min_words]
        if keep:
            return keep
    return sents


def draft_summaries(project: Project, framework_id: str, embedder: Embedder, *, overwrite: bool = False,
                    participants: Iterable[str] | None = None, codes: Iterable[str] | None = None,
                    coders: Iterable[str] | None = None, max_sentences: int = 2, max_words: int = MAX_WORDS,
                    actor: str | None = None, progress: Progress | None = None) -> DraftReport:
    """Draft a labelled extract (at most ``max_sentences`` sentences, ``max_words`` words) for every chart cell with
    coded passages (or the given participants/codes), from the passages of the evidence ``coders`` (default: see
    ``toolkit.evidence``).

    Cells whose summary a researcher wrote, carried over or reviewed are never touched; cells with an earlier draft
    are redrafted only with ``overwrite``. All drafts are written in one transaction; ``progress(done, total, what)``
    reports embedding and then cells.
    """
    t0 = time.perf_counter()
    m = build_matrix(project, framework_id, group_by=(), coders=coders)
    want_p = set(m.participants) if participants is None else set(participants)
    want_c = {c.id for c in m.columns} if codes is None else set(codes)
    for pid in want_p - set(m.participants):
        raise NotFoundError(f"no participant {pid!r} in this project")
    for cid in want_c - {c.id for c in m.columns}:
        raise NotFoundError(f"no code {cid!r} in framework {framework_id!r}")
    report = DraftReport(model=embedder.name)
    todo: list[Cell] = []
    for (pid, cid), cell in m.cells.items():
        if pid not in want_p or cid not in want_c or not cell.quotes:
            continue
        why = _replaceable(cell, overwrite)
        if why == "researcher":
            report.kept_researcher += 1
        elif why == "draft":
            report.kept_draft += 1
        else:
            todo.append(cell)
    with project.read() as s:
        fw = db.get_framework(s, framework_id)
        tids = {q.transcript_id for c in todo for q in c.quotes}
        places = cdb.segment_places(s, tids)
    segments: dict[int, list[tuple[int, int, str]]] = {}
    for r in places.itertuples(index=False):
        segments.setdefault(int(r.transcript_id), []).append((int(r.start), int(r.end), r.role))
    per_cell = [(cell, _cell_sentences(cell, segments)) for cell in todo]
    texts = list(dict.fromkeys(x.text for _, sents in per_cell for x in sents))
    report.sentences = len(texts)
    code_text = {c.id: ". ".join(p for p in (c.label, c.definition) if p) for c in fw.codes}
    code_ids = sorted({cell.column for cell in todo})
    # through the project vector cache: a redraft re-encodes nothing
    vecs = encode_cached(project, embedder, texts + [code_text[c] for c in code_ids], progress) if texts else None
    row = {tx: i for i, tx in enumerate(texts)}
    code_row = {c: len(texts) + i for i, c in enumerate(code_ids)}
    drafts: list[tuple[Cell, str, list[int]]] = []
    step = max(1, len(per_cell) // 100)
    for n, (cell, sents) in enumerate(per_cell, start=1):
        if not sents:
            report.no_sentences += 1
            continue
        v = vecs[[row[x.text] for x in sents]]
        pick = select_sentences(v, [x.words for x in sents], vecs[code_row[cell.column]],
                                max_sentences=max_sentences, max_chars=max_words)
        chosen = [sents[i] for i in sorted(pick)]
        ids = list(dict.fromkeys(i for x in chosen for i in x.coding_ids))
        drafts.append((cell, DRAFT_SEPARATOR.join(clip_words(x.text, max_words) for x in chosen), ids))
        if progress and (n == len(per_cell) or n % step == 0):
            progress(n, len(per_cell), "drafting cells")
    with project.transaction(Action.SUMMARIES_DRAFT, actor=actor,
                             payload={"framework": framework_id, "model": embedder.name, "cells": len(drafts),
                                      "overwrite": overwrite}) as s:
        author = db.coder_id(s, f"draft:{embedder.name}", kind="model")
        pks = db.code_pks(s, framework_id)
        for cell, text, ids in drafts:
            now = cdb.get_summary(s, framework_id, cell.participant, pks[cell.column])
            if now and now["text"] and (now["origin"] != "drafted" or now["status"] != "draft" or not overwrite):
                report.kept_researcher += 1  # changed since the matrix was read
                continue
            sid = cdb.put_summary(s, framework_id=framework_id, participant_id=cell.participant,
                                  code_pk=pks[cell.column], text=text, status="draft", origin="drafted", quotes=ids,
                                  author_id=author)
            fdb.put_summary_evidence(s, sid, evidence_fingerprint(cell.spans()), len(cell.quotes))
            report.drafted += 1
            report.cells.append((cell.participant, cell.column))
    report.seconds = round(time.perf_counter() - t0, 3)
    return report


def _cell_keys(s, framework_id: str, participant: str, code: str) -> int:
    db.get_framework(s, framework_id)
    if participant not in cdb.participant_ids(s):
        raise NotFoundError(f"no participant {participant!r} in this project")
    pks = db.code_pks(s, framework_id)
    if code not in pks:
        raise NotFoundError(f"no code {code!r} in framework {framework_id!r}")
    return pks[code]


def set_summary(project: Project, framework_id: str, participant: str, code: str, text: str, *,
                status: str = "draft", author: str, quotes: Iterable[int] | None = None,
                actor: str | None = None, base_version: int | None = None,
                coders: Iterable[str] | None = None) -> int | None:
    """Write (or replace) a cell's summary as researcher ``author``; returns its id.

    ``quotes`` are the coding ids it draws on (they must be codings of this cell); when omitted, the ids already
    listed are kept. Empty ``text`` removes the summary (returns None). The previous text is kept in the event log.
    ``base_version`` is the version the edit started from (``Cell.version``; 0 for an empty cell): if someone saved
    the cell since, ``ConflictError`` is raised and nothing is overwritten. ``None`` skips the check. The codings
    under the cell now (evidence ``coders``, default: ``toolkit.evidence``) are recorded as what the summary rests on.
    """
    if status not in STATUSES:
        raise InputError(None, f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    if not (author or "").strip():
        raise InputError(None, "a summary needs an author (the researcher's name)")
    text = (text or "").strip()
    payload = {"framework": framework_id, "participant": participant, "code": code, "status": status}
    with project.transaction(Action.SUMMARY_SET, actor=actor or author, payload=payload) as s:
        code_pk = _cell_keys(s, framework_id, participant, code)
        old = cdb.get_summary(s, framework_id, participant, code_pk)
        if old:
            payload["previous"] = {k: old[k] for k in ("text", "status", "origin", "quotes")}
        if not text:
            if old:
                cdb.delete_summary(s, old["id"], expected_version=base_version)
            return None
        if quotes is not None:
            quotes = [int(q) for q in quotes]
            stray = sorted(set(quotes) - cdb.cell_coding_ids(s, participant, code_pk))
            if stray:
                raise InputError(None, f"coding id(s) {', '.join(map(str, stray))} are not passages of "
                                       f"{participant} x {code}")
        else:
            quotes = old["quotes"] if old else []
        sid = cdb.put_summary(s, framework_id=framework_id, participant_id=participant, code_pk=code_pk,
                              text=text, status=status, origin="manual", quotes=quotes,
                              author_id=db.coder_id(s, author.strip()), sources=old["sources"] if old else None,
                              expected_version=base_version)
        _record_evidence(s, sid, framework_id, participant, code, coders)
        return sid


def _record_evidence(s, summary_id: int, framework_id: str, participant: str, code: str, coders) -> None:
    held = cell_evidence(s, framework_id, participant, code, coders)
    fdb.put_summary_evidence(s, summary_id, evidence_fingerprint(held), len(held))


def review_summary(project: Project, framework_id: str, participant: str, code: str, *, author: str,
                   actor: str | None = None, base_version: int | None = None,
                   coders: Iterable[str] | None = None) -> int:
    """Mark a cell's summary as reviewed by ``author`` (its text and provenance stay as they are): the researcher
    confirms it for the codings under the cell now (evidence ``coders``), so it is no longer "written from earlier
    evidence"."""
    if not (author or "").strip():
        raise InputError(None, "a review needs the reviewer's name")
    with project.transaction(Action.SUMMARY_REVIEW, actor=actor or author,
                             payload={"framework": framework_id, "participant": participant, "code": code}) as s:
        code_pk = _cell_keys(s, framework_id, participant, code)
        old = cdb.get_summary(s, framework_id, participant, code_pk)
        if not old or not old["text"]:
            raise InputError(None, f"{participant} x {code} has no summary to review; write one first")
        sid = cdb.put_summary(s, framework_id=framework_id, participant_id=participant, code_pk=code_pk,
                              text=old["text"], status="reviewed", origin=old["origin"], quotes=old["quotes"],
                              author_id=db.coder_id(s, author.strip()), sources=old["sources"],
                              expected_version=base_version)
        _record_evidence(s, sid, framework_id, participant, code, coders)
        return sid

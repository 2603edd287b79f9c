"""The indexing assistant on a project: passages, cached embeddings, suggestions that learn from decisions, and the
researcher's decisions with full provenance. The researcher always decides: nothing here codes silently.

    suggest(project, "lvi84", embedder)          # rank codes for every passage, store them with reasons
    accept(project, suggestion_id, coder="ann")  # a coding with origin 'suggestion', its score and model
    bulk_accept(project, "lvi84", "REF07", 0.6, coder="ann") / undo_batch(project, batch, coder="ann")
    review_queue(project, "lvi84")               # passages worth reviewing next, most uncertain first
    no_fit(project, "lvi84")                     # passages that fit no code well: gaps in the framework
"""

from __future__ import annotations

import gc
import hashlib
import json
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager

import numpy as np
import pandas as pd

from ..embed import Embedder, text_hash
from ..errors import InputError
from ..store import Project
from ..store import core as db
from ..store import indexing as idb
from .codespace import CodeSpace, lexical_similarity
from .learning import learned_selection
from .suggester import CodeSuggester
from .units import DEFAULT_SCHEME, parse_scheme, passages_from_segments

Progress = Callable[[int, int, str], None]
POSITIVE_ORIGINS = ("manual", "suggestion", "imported", "consensus")
MIN_COVER = 0.5  # a coding labels a passage when it covers at least half of it

__all__ = ["ensure_passages", "encode_cached", "suggest", "passages", "accept", "reject", "add_code", "remove_code",
           "bulk_accept", "undo_batch", "review_queue", "no_fit", "DEFAULT_SCHEME"]


def ensure_passages(project: Project, scheme: str = DEFAULT_SCHEME) -> int:
    """Cut passages of ``scheme`` for every transcript that has none yet; returns how many were added."""
    parse_scheme(scheme)
    added = 0
    with project.read() as s:
        todo = [tr["id"] for tr in db.transcripts(s) if not idb.has_passages(s, tr["id"], scheme)]
    if not todo:
        return 0
    with project.transaction("passages.cut", payload={"scheme": scheme, "transcripts": len(todo)}) as s:
        for tid in todo:
            rows = passages_from_segments(db.segments_frame(s, tid), scheme)
            idb.add_passages(s, rows)
            added += len(rows)
    return added


def encode_cached(project: Project, embedder: Embedder, texts: list[str], progress: Progress | None = None
                  ) -> np.ndarray:
    """Vectors for ``texts``, encoding only text this model has never seen in this project (the cache is keyed by
    model name and text hash, so reopening a project or re-running never re-encodes unchanged text)."""
    hashes = [text_hash(x) for x in texts]
    with project.read() as s:
        have = idb.cached_vectors(s, embedder.name, hashes)
    missing = list(dict.fromkeys(h for h in hashes if h not in have))
    if missing:
        first = {h: x for h, x in zip(hashes, texts, strict=True)}
        # longest first: batches of similar length waste no padding (as one big ``model.encode`` call would do)
        missing.sort(key=lambda h: -len(first[h]))
        vecs = embedder.embed([first[h] for h in missing],
                              progress=(lambda d, n: progress(d, n, "embedding")) if progress else None)
        new = dict(zip(missing, vecs, strict=True))
        with project.transaction() as s:
            idb.store_vectors(s, embedder.name, new)
        have.update(new)
    dim = embedder.dim
    return np.stack([have[h] for h in hashes]) if texts else np.zeros((0, dim), np.float32)


def _labels(codings: pd.DataFrame, decided: pd.DataFrame, pas: pd.DataFrame, code_ids: list[str]) -> np.ndarray:
    """Y in {1, 0, -1}: codes the researchers gave a passage (1); for a coded passage, the other codes (0); rejected
    suggestions (0); otherwise unknown (-1)."""
    col = {c: k for k, c in enumerate(code_ids)}
    Y = np.full((len(pas), len(code_ids)), -1, dtype=np.int8)
    pos_of = {pid: i for i, pid in enumerate(pas["id"])}
    if len(codings):
        codings = codings[codings.origin.isin(POSITIVE_ORIGINS)]
        by_t = {tid: g for tid, g in codings.groupby("transcript_id")}
        for i, p in enumerate(pas.itertuples()):
            g = by_t.get(p.transcript_id)
            if g is None:
                continue
            ov = np.minimum(g["end"].to_numpy(), p.end) - np.maximum(g["start"].to_numpy(), p.start)
            hit = g["code_id"].to_numpy()[ov >= MIN_COVER * (p.end - p.start)]
            if len(hit):
                Y[i, Y[i] == -1] = 0
                for c in hit:
                    if c in col:
                        Y[i, col[c]] = 1
    for d in decided.itertuples():
        i = pos_of.get(d.passage_id)
        if i is not None and d.code_id in col:
            Y[i, col[d.code_id]] = 1 if d.status == "accepted" else 0
    return Y


def _fingerprint(fw, model: str, scheme: str, top_k: int, pas: pd.DataFrame, Y: np.ndarray) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([model, scheme, top_k, [(c.id, c.label, c.definition, c.include, c.examples, c.category_id)
                                                for c in fw.codes]]).encode())
    h.update(np.asarray(pas["id"], dtype=np.int64).tobytes())
    for x in pas["text"]:
        h.update(x.encode("utf-8"))
    h.update(np.ascontiguousarray(Y).tobytes())
    return h.hexdigest()


@contextmanager
def _no_cyclic_gc():
    """Tens of thousands of small, acyclic rows are built per run; the cyclic collector would scan the whole heap
    (model included) again and again for nothing. Reference counting still frees everything."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _frames(project: Project, framework_id: str, scheme: str) -> dict:
    ensure_passages(project, scheme)
    with project.read() as s:
        fw = db.get_framework(s, framework_id)
        pas = idb.passages_frame(s, scheme)
        codings = db.codings_frame(s, framework_id=framework_id, with_text=False)
        decided = idb.decided_pairs(s, framework_id)
        pks = db.code_pks(s, framework_id)
    if pas.empty:
        raise InputError(None, "no participant passages to suggest codes for: import transcripts first")
    return {"fw": fw, "pas": pas, "pks": pks, "Y": _labels(codings, decided, pas, [c.id for c in fw.codes])}


def _features(project: Project, embedder: Embedder, data: dict, progress: Progress | None) -> dict:
    """Adds X (text, question and lexical features), the code space, CV groups (participant) and the document
    sequence (transcript; passages are in document order) to ``data``."""
    fw, pas = data["fw"], data["pas"]
    texts = list(pas["text"]) + [c for c in pas["context"] if c]
    V = encode_cached(project, embedder, list(dict.fromkeys(texts)), progress)
    row = {x: i for i, x in enumerate(dict.fromkeys(texts))}
    Xt = V[[row[x] for x in pas["text"]]]
    Xc = np.stack([V[row[c]] if c else np.zeros(V.shape[1], np.float32) for c in pas["context"]])
    cats = {c.id: f"{c.label}. {c.description}".strip(" .") for c in fw.categories}
    distinct = list(dict.fromkeys(pas["text"]))
    lex = lexical_similarity(distinct, fw.codes, cats)
    at = {x: i for i, x in enumerate(distinct)}
    data["X"] = np.hstack([Xt, Xc, lex[[at[x] for x in pas["text"]]]])
    data["space"] = CodeSpace.build(fw.codes, embedder, category_texts=cats,
                                    encode=lambda xs: encode_cached(project, embedder, list(xs)))
    data["groups"] = pas["participant_id"].fillna(pas["transcript"]).to_numpy()
    data["sequence"] = pas["transcript_id"].to_numpy()
    return data


def training_data(project: Project, framework_id: str, embedder: Embedder, *, scheme: str = DEFAULT_SCHEME,
                  progress: Progress | None = None) -> dict:
    """Everything a suggester is fitted on, for ``learn``: X, Y, the code space, groups and sequence."""
    return _features(project, embedder, _frames(project, framework_id, scheme), progress)


def suggest(project: Project, framework_id: str, embedder: Embedder, *, scheme: str = DEFAULT_SCHEME,
            top_k: int = 5, transcripts: list[str] | None = None, progress: Progress | None = None) -> dict:
    """Rank the framework's codes for every passage and store the top ``top_k`` with score, threshold and reason.

    Learns from the project's codings of this framework and from accepted/rejected suggestions; with none, it is
    zero-shot from the codes' labels, definitions and examples. Returns counts and timings.
    """
    with _no_cyclic_gc():
        return _suggest(project, framework_id, embedder, scheme=scheme, top_k=top_k, transcripts=transcripts,
                        progress=progress)


def _suggest(project: Project, framework_id: str, embedder: Embedder, *, scheme: str, top_k: int,
             transcripts: list[str] | None, progress: Progress | None) -> dict:
    t0 = time.perf_counter()
    data = _frames(project, framework_id, scheme)
    fw, pas, Y, pks = data["fw"], data["pas"], data["Y"], data["pks"]
    with project.read() as s:
        tids = None if transcripts is None else [db.resolve_transcript(s, x).id for x in transcripts]
    code_ids = [c.id for c in fw.codes]
    selection, learned_hash = learned_selection(project, framework_id, embedder.name)
    fingerprint = _fingerprint(fw, f"{embedder.name}|{learned_hash}", scheme, top_k, pas, Y)
    key = f"suggest:{framework_id}:{scheme}"
    if transcripts is None:
        with project.read() as s:
            unchanged = db.get_setting(s, key) == fingerprint
            stored = idb.suggestions_frame(s, framework_id) if unchanged else None
        if unchanged and stored is not None and len(stored):
            # nothing changed since the last run (same passages, codes, decisions and model): nothing to redo
            return {"passages": len(pas), "suggestions": len(stored), "suggested": int(stored.suggested.sum()),
                    "no_fit": int(sum(r.get("fit_strength", 1) < 1 for r in
                                      stored.sort_values("rank").groupby("passage_id").first()["reason"])),
                    "labelled_passages": int((Y != -1).any(1).sum()), "calibrated": None,
                    "model": stored.model.iloc[0], "seconds": round(time.perf_counter() - t0, 2),
                    "fit_seconds": 0.0, "unchanged": True}
    data = _features(project, embedder, data, progress)
    X, space = data["X"], data["space"]
    t_model = time.perf_counter()
    model = CodeSuggester(code_space=space, selection=selection).fit(X, Y, groups=data["groups"],
                                                                     sequence=data["sequence"])
    t_fit = time.perf_counter()
    target = pas.index if tids is None else pas.index[pas.transcript_id.isin(tids)]
    P = model.predict_proba(X[target], sequence=data["sequence"][np.asarray(target)])
    strength = model.fit_strength(P)
    model_name = f"{embedder.name}+CodeSuggester" + (f"+learned:{learned_hash[:12]}" if learned_hash else "")
    coded = Y[target] == 1
    texts_by_row = pas["text"].to_numpy()
    pid_by_row = pas["id"].to_numpy()
    tname_by_row = pas["transcript"].to_numpy()
    # (r, i, rank, k): the top codes of each target passage that are not already coded there
    masked = np.where(coded, -np.inf, P)
    top = np.argsort(-masked, axis=1, kind="stable")[:, :top_k]
    keep = ~np.take_along_axis(coded, top, axis=1)
    rr, cc = np.nonzero(keep)
    tgt = np.asarray(target)
    pairs = list(zip(rr.tolist(), tgt[rr].tolist(), cc.tolist(), top[rr, cc].tolist(), strict=True))
    closest, nearest = model.explain(X, [p[1] for p in pairs], [p[3] for p in pairs], n_near=2)
    rows = []
    for (r, i, rank, k), (kind, ex_text, cos), near in zip(pairs, closest, nearest, strict=True):
        rows.append({"passage_id": int(pid_by_row[i]), "code_pk": pks[code_ids[k]], "score": float(P[r, k]),
                     "rank": rank + 1, "suggested": bool(P[r, k] >= model.thresholds_[k]), "model": model_name,
                     "reason": {"threshold": round(float(model.thresholds_[k]), 4),
                                "closest": {"kind": kind, "text": ex_text, "similarity": round(cos, 3)},
                                "nearest_coded": [{"passage_id": int(pid_by_row[j]), "transcript": tname_by_row[j],
                                                   "text": texts_by_row[j][:200], "similarity": round(sim, 3)}
                                                  for j, sim in near],
                                "evidence": int(model.evidence_[k]), "fit_strength": round(float(strength[r]), 3),
                                "calibrated": bool(model.calibrated_)}})
    with project.transaction("suggest", payload={"framework": framework_id, "scheme": scheme, "model": model_name,
                                                 "passages": len(target)}) as s:
        idb.replace_open_suggestions(s, framework_id, pas["id"].iloc[target].tolist(), rows)
        if transcripts is None:
            db.set_setting(s, key, fingerprint)
    return {"passages": len(target), "suggestions": len(rows), "suggested": sum(r["suggested"] for r in rows),
            "no_fit": int((strength < 1).sum()), "labelled_passages": int((Y != -1).any(1).sum()),
            "calibrated": bool(model.calibrated_), "model": model_name,
            "seconds": round(time.perf_counter() - t0, 2), "fit_seconds": round(t_fit - t0, 2),
            "model_fit_seconds": round(t_fit - t_model, 2)}


def passages(project: Project, framework_id: str, transcript: str | int, *, scheme: str = DEFAULT_SCHEME
             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(passages, open and decided suggestions, active codings of the framework) of one transcript, for reviewing."""
    with project.read() as s:
        tr = db.resolve_transcript(s, transcript)
        pas = idb.passages_frame(s, scheme, [tr.id])
        sug = idb.suggestions_frame(s, framework_id, passage_ids=pas["id"].tolist())
        cod = db.codings_frame(s, framework_id=framework_id, transcript_ids=[tr.id])
    return pas, sug, cod


def accept(project: Project, suggestion_id: int, *, coder: str, batch: str | None = None) -> int:
    """Accept a suggestion: a coding of the passage with origin 'suggestion', its score and model."""
    with project.transaction("suggestion.accept", actor=coder, payload={"suggestion": int(suggestion_id)}) as s:
        return _accept(s, suggestion_id, db.coder_id(s, coder), batch)


def _accept(s, suggestion_id: int, cid: int, batch: str | None) -> int:
    sg = idb.suggestion(s, suggestion_id)
    if sg.status == "accepted":
        raise InputError(None, f"suggestion {suggestion_id} is already accepted")
    p = idb.passage(s, sg.passage_id)
    coding = db.add_coding(s, transcript_id=p.transcript_id, start=p.start, end=p.end, code_pk=sg.code_pk, coder=cid,
                           origin="suggestion", score=sg.score, model=sg.model, segment_id=p.segment_id, batch=batch)
    idb.set_decision(s, sg.id, "accepted", cid)
    return coding


def reject(project: Project, suggestion_id: int, *, coder: str) -> None:
    """Reject a suggestion: recorded, and learned from at the next ``suggest``."""
    with project.transaction("suggestion.reject", actor=coder, payload={"suggestion": int(suggestion_id)}) as s:
        idb.suggestion(s, suggestion_id)
        idb.set_decision(s, suggestion_id, "rejected", db.coder_id(s, coder))


def add_code(project: Project, framework_id: str, transcript: str | int, start: int, end: int, code_id: str, *,
             coder: str) -> int:
    """Code any character span by hand (origin 'manual')."""
    with project.transaction("coding.add", actor=coder, payload={"transcript": str(transcript), "start": start,
                                                                 "end": end, "code": code_id}) as s:
        tr = db.resolve_transcript(s, transcript)
        if not 0 <= start < end <= len(tr.text):
            raise InputError(tr.name, f"span {start}:{end} lies outside the transcript (length {len(tr.text)})")
        pks = db.code_pks(s, framework_id)
        if code_id not in pks:
            raise InputError(None, f"unknown code {code_id!r} in framework {framework_id!r}")
        return db.add_coding(s, transcript_id=tr.id, start=start, end=end, code_pk=pks[code_id],
                             coder=db.coder_id(s, coder), origin="manual")


def remove_code(project: Project, coding_id: int, *, coder: str) -> None:
    """Remove a coding (kept in the history, with who removed it and when)."""
    with project.transaction("coding.remove", actor=coder, payload={"coding": int(coding_id)}) as s:
        db.remove_coding(s, int(coding_id), db.coder_id(s, coder))


def bulk_accept(project: Project, framework_id: str, code_id: str, threshold: float, *, coder: str) -> dict:
    """Accept every open suggestion of one code scoring at least ``threshold``, as one batch that can be undone."""
    batch = uuid.uuid4().hex[:12]
    with project.transaction("suggestion.bulk_accept", actor=coder,
                             payload={"framework": framework_id, "code": code_id, "threshold": threshold,
                                      "batch": batch}) as s:
        if code_id not in db.code_pks(s, framework_id):
            raise InputError(None, f"unknown code {code_id!r} in framework {framework_id!r}")
        sug = idb.suggestions_frame(s, framework_id, status="open", code_id=code_id)
        sug = sug[sug.score >= threshold]
        cid = db.coder_id(s, coder)
        for sid in sug["id"]:
            _accept(s, int(sid), cid, batch)
    return {"batch": batch, "accepted": len(sug)}


def undo_batch(project: Project, batch: str, *, coder: str) -> int:
    """Undo a bulk accept: its codings are removed and its suggestions are open again."""
    with project.transaction("suggestion.undo_batch", actor=coder, payload={"batch": batch}) as s:
        ids = idb.batch_codings(s, batch)
        if not ids:
            raise InputError(None, f"no active codings in batch {batch!r}")
        sids = idb.accepted_suggestions_for_codings(s, ids)
        cid = db.coder_id(s, coder)
        for i in ids:
            db.remove_coding(s, i, cid)
        for sid in sids:
            idb.set_decision(s, sid, "open", None)
    return len(ids)


def _open_with_passages(project: Project, framework_id: str, scheme: str) -> pd.DataFrame:
    with project.read() as s:
        sug = idb.suggestions_frame(s, framework_id, status="open")
        pas = idb.passages_frame(s, scheme)
    if sug.empty:
        return sug
    top = sug.sort_values("rank").groupby("passage_id").first().reset_index()
    top["threshold"] = [r.get("threshold", 0.5) for r in top["reason"]]
    top["fit_strength"] = [r.get("fit_strength", 0.0) for r in top["reason"]]
    return top.merge(pas[["id", "transcript", "participant_id", "start", "end", "text"]],
                     left_on="passage_id", right_on="id", suffixes=("", "_passage"))


def review_queue(project: Project, framework_id: str, *, scheme: str = DEFAULT_SCHEME, n: int = 20) -> pd.DataFrame:
    """Passages worth reviewing next: those whose best code sits closest to its threshold (most uncertain first)."""
    top = _open_with_passages(project, framework_id, scheme)
    if top.empty:
        return top
    top["uncertainty"] = -np.abs(np.log(np.maximum(top["score"], 1e-9) / np.maximum(top["threshold"], 1e-9)))
    return top.sort_values("uncertainty", ascending=False).head(n).reset_index(drop=True)


def no_fit(project: Project, framework_id: str, *, scheme: str = DEFAULT_SCHEME, n: int | None = 50) -> pd.DataFrame:
    """Passages that fit no code well (no code reaches its threshold), weakest fit first: during familiarization
    these show where the framework has gaps."""
    top = _open_with_passages(project, framework_id, scheme)
    if top.empty:
        return top
    out = top[top["fit_strength"] < 1].sort_values("fit_strength")
    return (out if n is None else out.head(n)).reset_index(drop=True)

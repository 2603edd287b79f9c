"""The indexing assistant on a project: passages, cached embeddings, suggestions that learn from decisions, and the
researcher's decisions with full provenance. The researcher always decides: nothing here codes silently.

    suggest(project, "lvi84", embedder)          # rank codes for every passage, store them with reasons
    accept(project, suggestion_id, coder="ann")  # a coding with origin 'suggestion', its score and model
    bulk_accept(project, "lvi84", "REF07", 0.6, coder="ann") / undo_batch(project, batch, coder="ann")
    review_queue(project, "lvi84")               # passages worth reviewing next, most uncertain first
    no_fit(project, "lvi84")                     # passages that fit no code well: gaps in the framework

Under blind double coding (``review.blind_mode``: two or more human coders) ``suggest`` fits once per fold of
transcripts, each fold without the human codings and decisions on its own transcripts (``blind_folds``), so the
suggestions shown on a transcript never carry another coder's choices on it.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import json
import time
import zlib
from collections.abc import Callable
from contextlib import contextmanager

import numpy as np
import pandas as pd

from .. import access, settings
from ..embed import Embedder
from ..errors import InputError
from ..store import Project
from ..store import core as db
from ..store import decisions as ddb
from ..store import indexing as idb
from ..store.events import Action
from ..vectors import encode_cached
from . import blind_folds as bf
from .codespace import CodeSpace, lexical_similarity
from .decisions import accept, add_code, add_span, bulk_accept, nocode, reject, remove_code, undo, undo_batch, undo_last  # noqa: F401
from .learned import learned_selection
from .suggester import CodeSuggester
from .workspace import ensure_passages, unit_of_analysis

Progress = Callable[[int, int, str], None]
POSITIVE_ORIGINS = ("manual", "suggestion", "imported", "consensus")
MIN_COVER = 0.5  # a coding labels a passage when it covers at least half of it
NOTHING_NEW = {"new_labels": 0, "decisions_since_last": 0, "suggestions_changed": 0}

__all__ = ["encode_cached", "suggest", "passages", "accept", "reject", "add_code", "add_span",
           "remove_code", "nocode", "bulk_accept", "undo", "undo_last", "undo_batch", "review_queue", "no_fit",
           "describe_update", "passed_over"]


def _labels(codings: pd.DataFrame, decided: pd.DataFrame, pas: pd.DataFrame, code_ids: list[str],
            nocode: list[int] | None = None) -> np.ndarray:
    """Y in {1, 0, -1}: codes the researchers gave a passage (1); for a coded passage, the other codes (0); rejected
    suggestions not coded there by anyone (0; a team coder's own rejections too); every code of a passage marked "no
    code here" and not coded since (0); a passage nobody coded that comes before a coded passage of its transcript
    (the coding went past it: ``passed_over``) has none of the codes (0); otherwise unknown (-1)."""
    col = {c: k for k, c in enumerate(code_ids)}
    Y = np.full((len(pas), len(code_ids)), -1, dtype=np.int8)
    pos_of = {pid: i for i, pid in enumerate(pas["id"])}
    if len(codings):
        codings = codings[codings.origin.isin(POSITIVE_ORIGINS)]
        by_t = {tid: (g["start"].to_numpy(), g["end"].to_numpy(), g["code_id"].to_numpy())
                for tid, g in codings.groupby("transcript_id")}  # arrays once per transcript, not per passage
        for i, (tid, a, b) in enumerate(zip(pas["transcript_id"].tolist(), pas["start"].tolist(),
                                            pas["end"].tolist(), strict=True)):
            g = by_t.get(tid)
            if g is None:
                continue
            ov = np.minimum(g[1], b) - np.maximum(g[0], a)
            hit = g[2][ov >= MIN_COVER * (b - a)]
            if len(hit):
                Y[i, Y[i] == -1] = 0
                for c in hit:
                    if c in col:
                        Y[i, col[c]] = 1
    Y[passed_over(Y, pas["transcript_id"].to_numpy())] = 0
    for d in decided.itertuples():
        i = pos_of.get(d.passage_id)
        if i is not None and d.code_id in col and (d.status == "accepted" or Y[i, col[d.code_id]] != 1):
            Y[i, col[d.code_id]] = 1 if d.status == "accepted" else 0  # a rejection never undoes a coding
    for pid in nocode or ():
        i = pos_of.get(pid)
        if i is not None:
            Y[i, Y[i] == -1] = 0
    return Y


def passed_over(Y: np.ndarray, transcript: np.ndarray) -> np.ndarray:
    """Rows (passages in document order, ``transcript`` their transcript) with no label that come before the last
    coded passage of their transcript: researchers code a transcript from the top, so a passage they went past without
    a code is one they read and left uncoded. Without these as "no code" examples the suggester never sees a passage
    that needs no code, and on the sample it put a code above threshold on 297 of the 331 passages the reference
    indexing left uncoded."""
    coded = (Y == 1).any(1)
    out = np.zeros(len(Y), dtype=bool)
    for t in np.unique(transcript[coded]) if coded.any() else []:
        rows = np.flatnonzero(transcript == t)
        last = rows[coded[rows]].max()
        out[rows[rows < last]] = True
    return out & (Y == -1).all(1)


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
        nocode_ids = ddb.nocode_passages(s, framework_id)
        pks = db.code_pks(s, framework_id)
        kinds = {c["name"]: c["kind"] for c in db.list_coders(s)}
        dec = ddb.decisions_frame(s, framework_id)
    if pas.empty:
        raise InputError(None, "no participant passages to suggest codes for: import transcripts first")
    code_ids = [c.id for c in fw.codes]
    return {"fw": fw, "pas": pas, "pks": pks, "codings": codings, "kinds": kinds, "decided": decided,
            "Y": _labels(codings, decided, pas, code_ids, nocode_ids),
            "decisions": (len(dec), int(dec["undone_at"].notna().sum()))}


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


def training_data(project: Project, framework_id: str, embedder: Embedder, *, scheme: str | None = None,
                  progress: Progress | None = None) -> dict:
    """Everything a suggester is fitted on, for ``learn``: X, Y, the code space, groups and sequence."""
    scheme = scheme or unit_of_analysis(project, framework_id)
    return _features(project, embedder, _frames(project, framework_id, scheme), progress)


def suggest(project: Project, framework_id: str, embedder: Embedder, *, scheme: str | None = None,
            top_k: int = 5, transcripts: list[str] | None = None, progress: Progress | None = None,
            coder: str | None = None) -> dict:
    """Rank the framework's codes for every passage and store the top ``top_k`` with score, threshold and reason.

    Passages are cut by ``scheme``, by default the framework's unit of analysis (``workspace.unit_of_analysis``).
    Learns from the project's codings of this framework and from accepted/rejected suggestions; with none, it is
    zero-shot from the codes' labels, definitions and examples. Returns counts and timings (and ``blind``, ``folds``),
    and what changed since the last run: ``new_labels`` ((passage, code) labels that differ; None when the passages
    or codes changed), ``decisions_since_last`` and ``suggestions_changed`` (above-threshold suggestions that
    appeared or went). Any decision or undo since the last run refits; ``unchanged`` is true only when none happened
    and nothing else the suggester reads changed.

    Blind double coding (``review.blind_mode``: two or more human coders, counting ``coder``, the person asking, as
    the Index view does): each transcript's suggestions are learned from the other transcripts only, never from a
    human coder's codings or decisions on it (``blind_folds``), and a code coded there stays suggested.
    """
    if coder is not None:  # the project's suggestions are the lead's to update (a coder's own view never changes them)
        access.require(access.viewer(project, coder), "suggest")
    scheme = scheme or unit_of_analysis(project, framework_id)
    with _no_cyclic_gc():
        return _suggest(project, framework_id, embedder, scheme=scheme, top_k=top_k, transcripts=transcripts,
                        progress=progress, coder=coder)


def _suggest(project: Project, framework_id: str, embedder: Embedder, *, scheme: str, top_k: int,
             transcripts: list[str] | None, progress: Progress | None, coder: str | None = None) -> dict:
    """Outside blind double coding: one fit on every label; a code already coded on a passage is not suggested there.
    In blind mode: one fit per fold of transcripts without that fold's human labels (``blind_folds``), the top codes
    stored unmasked, decided rows refreshed, ``"blind": true`` in every reason."""
    from .review import blind_mode

    t0 = time.perf_counter()
    data = _frames(project, framework_id, scheme)
    fw, pas, Y = data["fw"], data["pas"], data["Y"]
    blind = blind_mode(project, coder)
    with project.read() as s:
        tids = None if transcripts is None else [db.resolve_transcript(s, x).id for x in transcripts]
    code_ids = [c.id for c in fw.codes]
    selection, learned_hash = learned_selection(project, framework_id, embedder.name)
    # every decision or undo since the last run means a refit, even one that leaves the labels as they were (an
    # accept of a code another coder already gave): the researcher is then told that nothing new was learned
    marks = f"{embedder.name}|{learned_hash}|decisions:{data['decisions'][0]}:{data['decisions'][1]}"
    if blind:  # the labels a fold keeps on its own transcripts: consensus and non-human coders' codings only
        data["Y_kept"] = _labels(bf.kept_codings(data["codings"], data["kinds"]), data["decided"].iloc[:0], pas,
                                 code_ids)
        fingerprint = _fingerprint(fw, f"{marks}|blind", scheme, top_k, pas,
                                   np.vstack([Y, data["Y_kept"]]))
    else:
        fingerprint = _fingerprint(fw, marks, scheme, top_k, pas, Y)
    if transcripts is None:
        with project.read() as s:
            unchanged = settings.read(s, settings.SUGGEST_FINGERPRINT, framework=framework_id, scheme=scheme) == \
                fingerprint
            last = settings.read(s, settings.SUGGEST_RESULT, framework=framework_id, scheme=scheme) if unchanged \
                else None
            stored = idb.suggestions_frame(s, framework_id) if unchanged and not last else None
        if unchanged and last:  # the summary of the run that left the project as it is: nothing to redo or read
            return dict(last, labelled_passages=int((Y != -1).any(1).sum()),
                        seconds=round(time.perf_counter() - t0, 2), fit_seconds=0.0, unchanged=True, **NOTHING_NEW)
        if unchanged and stored is not None and len(stored):
            # nothing changed since the last run (same passages, codes, decisions and model): nothing to redo
            return {"passages": len(pas), "suggestions": len(stored), "suggested": int(stored.suggested.sum()),
                    "no_fit": int(sum(r.get("fit_strength", 1) < 1 for r in
                                      stored.sort_values("rank").groupby("passage_id").first()["reason"])),
                    "labelled_passages": int((Y != -1).any(1).sum()), "calibrated": None,
                    "model": stored.model.iloc[0], "seconds": round(time.perf_counter() - t0, 2),
                    "fit_seconds": 0.0, "unchanged": True, "blind": blind, **NOTHING_NEW}
    data = _features(project, embedder, data, progress)
    t_features = time.perf_counter()
    target = pas.index if tids is None else pas.index[pas.transcript_id.isin(tids)]
    tgt = np.asarray(target, dtype=np.int64)
    plan = bf.fold_plan(data["sequence"], Y, data["Y_kept"], tgt) if blind else [((), Y, tgt)]
    model_name = f"{embedder.name}+CodeSuggester" + (f"+learned:{learned_hash[:12]}" if learned_hash else "")
    decided = _decided_cells(data, code_ids) if blind else None
    rows, strength, calibrated = [], [], []
    t_fit = time.perf_counter()
    if blind and selection is None:  # every fold fits every scorer; one choice from their out-of-fold predictions
        models = [_fit(data, Yf, bf.PROVISIONAL) for fold, Yf, _ in plan]
        chosen = bf.choose_across_folds([(m, fold, Yf) for m, (fold, Yf, _) in zip(models, plan, strict=True)],
                                        data["X"], Y, data["sequence"])
        for m in models:
            m.use_selection(chosen)
    else:
        models = [_fit(data, Yf, selection) for _fold, Yf, _ in plan]
    fit_time = time.perf_counter() - t_fit
    for model, (_fold, _Yf, fold_rows) in zip(models, plan, strict=True):
        P = model.predict_proba(data["X"][fold_rows], sequence=data["sequence"][fold_rows])
        strength.append(model.fit_strength(P))
        calibrated.append(bool(model.calibrated_))
        rows += _rows(model, P, strength[-1], fold_rows, data, top_k, model_name,
                      coded=None if blind else Y[fold_rows] == 1, decided=decided)
    strength = np.concatenate(strength) if strength else np.zeros(0)
    with project.transaction(Action.SUGGEST, payload={"framework": framework_id, "scheme": scheme, "model": model_name,
                                                 "passages": len(target), "blind": blind}) as s:
        before = idb.suggestions_frame(s, framework_id, passage_ids=pas["id"].iloc[target].tolist(), status="open")
        shown_before = set(zip(before.passage_id[before.suggested], before.code_pk[before.suggested], strict=True))
        last_run = settings.read(s, settings.SUGGEST_RESULT, framework=framework_id, scheme=scheme) or {}
        new_labels = _new_labels(settings.read(s, settings.SUGGEST_LABELS, framework=framework_id, scheme=scheme), Y,
                                 pas["id"])
        idb.replace_open_suggestions(s, framework_id, pas["id"].iloc[target].tolist(), rows, refresh_decided=blind)
        if blind:  # a new row of a code already coded there (unmasked): its stored status says so, as after a decision
            ddb.sync_suggestions(s, framework_id, _coded_new(rows, data, code_ids, decided))
        listed = [r for r in rows if r["reason"].get("listed", True)]
        summary = {"passages": len(target), "suggestions": len(listed),
                   "suggested": int(sum(r["suggested"] for r in listed)), "no_fit": int((strength < 1).sum()),
                   "calibrated": bool(calibrated) and all(calibrated), "model": model_name, "blind": blind,
                   "folds": len(plan) if blind else 0, "decisions": data["decisions"][0]}
        shown_now = {(r["passage_id"], r["code_pk"]) for r in listed if r["suggested"]}
        changed = {"new_labels": new_labels,
                   "decisions_since_last": data["decisions"][0] - last_run["decisions"] if "decisions" in last_run
                   else None,
                   "suggestions_changed": len(shown_before ^ shown_now)}
        if transcripts is None:
            settings.write(s, settings.SUGGEST_FINGERPRINT, fingerprint, framework=framework_id, scheme=scheme)
            settings.write(s, settings.SUGGEST_RESULT, summary, framework=framework_id, scheme=scheme)
            settings.write(s, settings.SUGGEST_LABELS, _pack(Y, pas["id"]), framework=framework_id, scheme=scheme)
    summary = dict(summary, **changed)
    return dict(summary, labelled_passages=int((Y != -1).any(1).sum()), seconds=round(time.perf_counter() - t0, 2),
                fit_seconds=round(t_features - t0 + fit_time, 2), model_fit_seconds=round(fit_time, 2))


def describe_update(r: dict) -> str:
    """What a ``suggest`` run did, in a researcher's words (the app's message and the CLI's line)."""
    if r.get("unchanged"):
        return "Suggestions are up to date: no decision, coding or code changed since the last run."
    d, n, c = r.get("decisions_since_last"), r.get("new_labels"), r.get("suggestions_changed", 0)
    said = []
    if d:
        said.append(f"{d} decision{'s' if d != 1 else ''} since the last run")
    if n == 0 and d:
        said.append("they taught the suggester nothing new (each agrees with a coding it already learned from)")
    elif n is not None:
        said.append(f"{n} new or changed label{'s' if n != 1 else ''} learned")
    said.append(f"{c} suggestion{'s' if c != 1 else ''} above threshold changed" if c else
                "no suggestion above threshold changed")
    out = "Updated: " + "; ".join(said) + (
        f". {r['passages']} passages; {r['suggested']} codes suggested above their thresholds; {r['no_fit']} passages "
        f"fit no code well; learned from {r['labelled_passages']} coded passages ({r['seconds']} s).")
    if r.get("blind"):
        out += " Blind double coding: each transcript's suggestions are learned from the other transcripts only."
    return out


def _fit(data: dict, Y: np.ndarray, selection) -> CodeSuggester:
    """The suggester fitted on every passage's features and the labels ``Y`` (no state kept between calls: the same
    project gives the same suggestions in any process, whatever ran before)."""
    return CodeSuggester(code_space=data["space"], selection=selection).fit(
        data["X"], Y, groups=data["groups"], sequence=data["sequence"])


def _pack(Y: np.ndarray, ids) -> str:
    """The labels of a run, kept with its fingerprint so the next run can say how many changed."""
    head = hashlib.sha256(np.asarray(ids, dtype=np.int64).tobytes()).hexdigest()[:16]
    body = base64.b64encode(zlib.compress((np.asarray(Y, np.int16) + 1).astype(np.uint8).tobytes())).decode()
    return json.dumps({"ids": head, "shape": list(Y.shape), "y": body})


def _new_labels(packed: str | None, Y: np.ndarray, ids) -> int | None:
    """How many (passage, code) labels differ from the run that stored ``packed``; None when the passages or codes
    changed since (no cell-by-cell comparison) or there was no run."""
    if not packed:
        return None
    old = json.loads(packed)
    if old["shape"] != list(Y.shape) or old["ids"] != json.loads(_pack(Y[:0], ids))["ids"]:
        return None
    prev = np.frombuffer(zlib.decompress(base64.b64decode(old["y"])), np.uint8).reshape(Y.shape).astype(np.int16) - 1
    return int((prev != Y).sum())


def _decided_cells(data: dict, code_ids: list[str]) -> dict[int, set[int]]:
    """Passage row -> code columns with a decided (accepted or rejected) suggestion row, to refresh in blind mode."""
    row_of = {int(pid): i for i, pid in enumerate(data["pas"]["id"])}
    col = {c: k for k, c in enumerate(code_ids)}
    out: dict[int, set[int]] = {}
    for pid, code in zip(data["decided"]["passage_id"], data["decided"]["code_id"], strict=True):
        if int(pid) in row_of and code in col:
            out.setdefault(row_of[int(pid)], set()).add(col[code])
    return out


def _coded_new(rows: list[dict], data: dict, code_ids: list[str], decided: dict[int, set[int]]) -> list[int]:
    """Passages where a new (not yet decided) row is of a code that a coding already gives the passage."""
    at = {int(pid): i for i, pid in enumerate(data["pas"]["id"])}
    col = {data["pks"][c]: k for k, c in enumerate(code_ids)}
    Y = data["Y"]
    return sorted({r["passage_id"] for r in rows if Y[at[r["passage_id"]], col[r["code_pk"]]] == 1
                   and col[r["code_pk"]] not in decided.get(at[r["passage_id"]], ())})


def _rows(model: CodeSuggester, P: np.ndarray, strength: np.ndarray, target: np.ndarray, data: dict, top_k: int,
          model_name: str, *, coded: np.ndarray | None, decided: dict[int, set[int]] | None) -> list[dict]:
    """The suggestion rows of the ``target`` passage rows (P: their probabilities from ``model``, ``strength``: its
    ``fit_strength(P)``).

    With ``coded`` (not blind): each passage's top ``top_k`` codes that are not coded there. Without (blind): the top
    ``top_k`` codes as they are, plus a row for every ``decided`` cell outside them (``"listed": false``, its rank
    in the full order), so a decided row's stored score is refreshed too; every reason then says ``"blind": true``.
    ``explain`` runs on this fold's model, so ``nearest_coded`` cites only passages this model learned from."""
    pas, pks, code_ids = data["pas"], data["pks"], [c.id for c in data["fw"].codes]
    order = np.argsort(-(P if coded is None else np.where(coded, -np.inf, P)), axis=1, kind="stable")
    top = order[:, :top_k]
    # (r, i, rank, k, listed): the top codes of each target passage (not already coded there, outside blind mode)
    if coded is not None:
        rr, cc = np.nonzero(~np.take_along_axis(coded, top, axis=1))
        pairs = [(r, int(target[r]), c, int(top[r, c]), True) for r, c in zip(rr.tolist(), cc.tolist(), strict=True)]
    else:
        pairs = [(r, int(target[r]), c, int(top[r, c]), True) for r in range(len(target)) for c in range(top.shape[1])]
        for r, i in enumerate(target.tolist()):
            extra = (decided or {}).get(i, set()) - set(top[r].tolist())
            rank_of = {int(k): j for j, k in enumerate(order[r])} if extra else {}
            pairs += [(r, i, rank_of[k], k, False) for k in sorted(extra)]
    texts_by_row, pid_by_row, tname_by_row = pas["text"].to_numpy(), pas["id"].to_numpy(), pas["transcript"].to_numpy()
    shown = model.suggested(P)
    closest, nearest = model.explain(data["X"], [p[1] for p in pairs], [p[3] for p in pairs], n_near=2)
    rows = []
    for (r, i, rank, k, listed), (kind, ex_text, cos), near in zip(pairs, closest, nearest, strict=True):
        reason = {"threshold": round(float(model.calibration_map(model.thresholds_[k])), 4),
                  "closest": {"kind": kind, "text": ex_text, "similarity": round(cos, 3)},
                  "nearest_coded": [{"passage_id": int(pid_by_row[j]), "transcript": tname_by_row[j],
                                     "text": texts_by_row[j][:200], "similarity": round(sim, 3)} for j, sim in near],
                  "evidence": int(model.evidence_[k]), "fit_strength": round(float(strength[r]), 3),
                  "calibrated": bool(model.calibrated_)}
        if coded is None:
            reason.update(blind=True, listed=listed)
        rows.append({"passage_id": int(pid_by_row[i]), "code_pk": pks[code_ids[k]], "score": float(P[r, k]),
                     "rank": rank + 1, "suggested": bool(shown[r, k]), "model": model_name,
                     "reason": reason})
    return rows


def passages(project: Project, framework_id: str, transcript: str | int, *, scheme: str | None = None
             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(passages, open and decided suggestions, active codings of the framework) of one transcript, for reviewing
    (``scheme``: the framework's unit of analysis unless given)."""
    scheme = scheme or unit_of_analysis(project, framework_id)
    with project.read() as s:
        tr = db.resolve_transcript(s, transcript)
        pas = idb.passages_frame(s, scheme, [tr.id])
        sug = idb.suggestions_frame(s, framework_id, passage_ids=pas["id"].tolist())
        cod = db.codings_frame(s, framework_id=framework_id, transcript_ids=[tr.id])
    return pas, sug, cod


def _open_with_passages(project: Project, framework_id: str, scheme: str, coder: str | None = None) -> pd.DataFrame:
    """Open suggestions with their passages: open for the project (the shared status), or with ``coder`` open for
    that coder alone (their own codings and rejections: under blind coding another coder's decisions neither hide
    nor show a suggestion), listed by the run, on the transcripts they may code."""
    with project.read() as s:
        pas = idb.passages_frame(s, scheme)
        if coder is None:
            sug = idb.suggestions_frame(s, framework_id, status="open")
        else:
            v = access.viewer_in(s, coder)
            sug = idb.suggestions_frame(s, framework_id, passage_ids=pas["id"].tolist())
            sug = sug[[(r or {}).get("listed", True) is not False for r in sug["reason"]]]
            allowed = access.codable_transcript_ids(s, v)
            if allowed is not None:
                sug = sug[sug["passage_id"].isin(pas.loc[pas["transcript_id"].isin(allowed), "id"])]
            cid = db.coder_id_or_none(s, coder)
            if cid is not None:
                sug = sug[sug["id"].isin(ddb.open_for_coder(s, framework_id, cid, sug["id"].tolist()))]
    if sug.empty:
        return sug
    top = sug.sort_values("rank").groupby("passage_id").first().reset_index()
    top["threshold"] = [r.get("threshold", 0.5) for r in top["reason"]]
    top["fit_strength"] = [r.get("fit_strength", 0.0) for r in top["reason"]]
    return top.merge(pas[["id", "transcript", "participant_id", "start", "end", "text"]],
                     left_on="passage_id", right_on="id", suffixes=("", "_passage"))


def review_queue(project: Project, framework_id: str, *, scheme: str | None = None, n: int = 20,
                 transcript: str | None = None, coder: str | None = None) -> pd.DataFrame:
    """Passages worth reviewing next: those whose best code sits closest to its threshold (most uncertain first);
    only those of ``transcript`` when given (``scheme``: the framework's unit of analysis unless given); with
    ``coder``, from that coder's own open suggestions."""
    top = _open_with_passages(project, framework_id, scheme or unit_of_analysis(project, framework_id), coder)
    if not top.empty and transcript is not None:
        top = top[top.transcript == transcript]
    if top.empty:
        return top
    top["uncertainty"] = -np.abs(np.log(np.maximum(top["score"], 1e-9) / np.maximum(top["threshold"], 1e-9)))
    return top.sort_values("uncertainty", ascending=False).head(n).reset_index(drop=True)


def no_fit(project: Project, framework_id: str, *, scheme: str | None = None, n: int | None = 50) -> pd.DataFrame:
    """Passages that fit no code well (no code reaches its threshold), weakest fit first: during familiarization
    these show where the framework has gaps (``scheme``: the framework's unit of analysis unless given)."""
    top = _open_with_passages(project, framework_id, scheme or unit_of_analysis(project, framework_id))
    if top.empty:
        return top
    out = top[top["fit_strength"] < 1].sort_values("fit_strength")
    return (out if n is None else out.head(n)).reset_index(drop=True)

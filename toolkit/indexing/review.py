"""What the Index page shows a coder, derived from the project as it is now: the transcript's passages (cut on demand,
no embedding needed), for each the coder's codings, the suggestions above their threshold and the folded candidates,
each with a status derived from the current codings and decisions, a one-line reason, and the passage's history.

Blind coding (``blind_mode``): with two or more human coders, a coder sees only their own codings and decisions
(``show_others`` opens the others'); the Agreement page is where codings meet. The suggestions are blind too: then
``service.suggest`` learns each transcript's suggestions from the other transcripts only (``blind_folds``).
"""

from __future__ import annotations

import pandas as pd

from .. import access
from ..coders import human_coders
from ..models import Framework
from ..store import Project
from ..store import core as db
from ..store import decisions as ddb
from ..store import indexing as idb
from ..textspans import split_sentences
from .workspace import unit_of_analysis

__all__ = ["transcript_view", "transcript_base", "reason_line", "code_choices", "search_codes", "passages_with_code",
           "blind_mode"]
KIND_WORDS = {"accept": "accepted", "reject": "rejected", "add": "coded by hand", "remove": "removed",
              "nocode": "marked no code here", "bulk": "bulk accepted", "consensus": "consensus recorded"}


def blind_mode(project: Project, coder: str | None = None, *, humans: list[str] | None = None) -> bool:
    """Is blind double coding in effect? Yes when the project has two or more human coders, counting ``coder`` (who
    may not have coded anything yet). The one rule behind the blind Index view and the blind suggestions."""
    humans = human_coders(project) if humans is None else humans
    return len(set(humans) | ({coder} if coder else set())) >= 2


def reason_line(reason: dict | None, score: float) -> str:
    """One plain-language line on why a code was suggested for a passage."""
    r = reason or {}
    thr = float(r.get("threshold", 0.5))
    cl = r.get("closest") or {}
    near = r.get("nearest_coded") or []
    parts = []
    if near:
        n = near[0]
        parts.append(f"reads like a passage already coded with it ({n.get('transcript', '')}, "
                     f"similarity {n.get('similarity', 0):.2f})")
    elif cl.get("text"):
        words = " ".join(str(cl["text"]).split()[:10])
        parts.append(f"close to the code's {cl.get('kind', 'text')} \u201c{words}\u2026\u201d "
                     f"(similarity {cl.get('similarity', 0):.2f})")
    ev = int(r.get("evidence", 0))
    parts.append(f"learned from {ev} coded passage{'s' if ev != 1 else ''}" if ev else "no coded examples yet")
    side = "above" if score >= thr else "below"
    digits = next((d for d in (2, 3, 4) if f"{score:.{d}f}" != f"{thr:.{d}f}"), 4)  # never "0.05, below ... 0.05"
    return f"{score:.{digits}f}, {side} this code's threshold {thr:.{digits}f}: " + "; ".join(parts)


def _sentences(segs: pd.DataFrame) -> list[dict]:
    out = []
    for seg in segs.sort_values("idx").itertuples():
        for a, b in split_sentences(seg.text) or [(0, len(seg.text))]:
            if b > a:
                out.append({"start": int(seg.start) + a, "end": int(seg.start) + b, "turn": int(seg.idx),
                            "speaker": seg.speaker or "", "role": seg.role, "text": seg.text[a:b]})
    return out


def transcript_base(project: Project, framework: str, transcript: str | int, coder: str, *,
                    details: bool = True) -> dict:
    """The part of ``transcript_view`` that no coding decision changes (``store.events.CODING_DECISIONS``): the
    transcript's passages with their suggestions (score, threshold flag, reason line; not their state) and its
    sentences. Cache it by ``overview.structure_version`` and pass it to ``transcript_view`` as ``base``, so a click
    reads only the codings and decisions again. ``coder``: whose view (reasons leave out what they may not see).
    ``details``: keep each suggestion's reason as data (``detail``, two thirds of the whole; empty when false) beside
    its reason line."""
    scheme = unit_of_analysis(project, framework)
    with project.read() as s:
        tr = db.resolve_transcript(s, transcript)
        tid, tname = tr.id, tr.name
    vis = access.visibility(project, coder)
    with project.read() as s:
        unseen = {x["name"] for x in db.transcripts(s) if vis is not None and vis.hides(x["id"], None)}
        pas = idb.passages_frame(s, scheme, [tid])
        sug = idb.suggestions_frame(s, framework, passage_ids=pas["id"].tolist())
        segs = db.segments_frame(s, tid)
    # plain records from here on: a few hundred rows, looped per passage (pandas per-row access is far slower)
    sug_by: dict[int, list[dict]] = {}
    for sg in sug.to_dict("records"):
        seen = _seen(sg["reason"], unseen)
        sug_by.setdefault(int(sg["passage_id"]), []).append({
            "id": int(sg["id"]), "code_id": sg["code_id"], "label": sg["code_label"], "score": float(sg["score"]),
            "suggested": bool(sg["suggested"]), "listed": (sg["reason"] or {}).get("listed") is not False,
            "reason": reason_line(seen, float(sg["score"])), "detail": (seen or {}) if details else {}})
    passages = []
    for p in pas.to_dict("records"):
        t_start = p["t_start"]
        passages.append({"id": int(p["id"]), "start": int(p["start"]), "end": int(p["end"]), "text": p["text"],
                         "context": p["context"], "speaker": p["speaker"] or "",
                         "t_start": float(t_start) if _present(t_start) else None,
                         "suggestions": sug_by.get(int(p["id"]), [])})
    return {"scheme": scheme, "transcript_id": tid, "transcript": tname, "passages": passages,
            "sentences": _sentences(segs), "has_suggestions": len(sug) > 0,
            "blind_suggestions": any((r or {}).get("blind") for r in sug["reason"])}


def transcript_view(project: Project, framework: str, transcript: str | int, coder: str, *,
                    show_others: bool = False, base: dict | None = None) -> dict:
    """Everything the Index page needs for one transcript and one coder (cache it by the project version).

    Returns ``{"scheme", "transcript", "blind", "coders", "passages": [ {id, start, end, text, context, speaker,
    t_start, codings, suggestions, candidates, history, nocode} ...], "sentences": [...], "has_suggestions",
    "blind_suggestions"}`` (``blind_suggestions``: this transcript's suggestions were learned from other transcripts
    only). A suggestion's ``state`` for this coder is ``coded`` (with the coding ids), ``rejected`` (with the decision
    id to undo) or ``open``; a row a blind run kept only to refresh a decided suggestion (``listed`` false: not among
    that run's top codes) is shown only when this coder coded or rejected it. ``base``: ``transcript_base`` of the
    same framework, transcript and coder (read here when not given).
    """
    if base is None:
        base = transcript_base(project, framework, transcript, coder)
    tid = base["transcript_id"]
    humans = human_coders(project)
    vis = access.visibility(project, coder)  # a team coder: others' work hidden on a blind transcript, whatever asked
    hidden_here = vis is not None and vis.hides(tid, None)
    # a team coder: blind exactly while the transcript is assigned and not revealed; else the one-project rule
    blind = hidden_here if vis is not None else blind_mode(project, coder, humans=humans) and not show_others
    with project.read() as s:
        cod = db.codings_frame(s, framework_id=framework, transcript_ids=[tid], with_text=False)
        dec = ddb.decisions_frame(s, framework, transcript_ids=[tid])
    if blind:
        cod = cod[cod.coder == coder]
        dec = dec[dec.coder == coder]
    cods = cod.to_dict("records")
    decs = dec.to_dict("records")
    rejects, nocodes = {}, {}
    for d in decs:
        if d["coder"] != coder or _present(d["undone_at"]) or not _present(d["passage_id"]):
            continue
        if d["kind"] == "reject":
            rejects[(int(d["passage_id"]), d["code_id"])] = int(d["id"])
        elif d["kind"] == "nocode":
            nocodes[int(d["passage_id"])] = int(d["id"])
    out = []
    for p in base["passages"]:
        pid, a, b = p["id"], p["start"], p["end"]
        codings, covering = [], {}
        for c in cods:
            if c["end"] > a and c["start"] < b:
                mine = c["coder"] == coder
                codings.append({"id": int(c["id"]), "code_id": c["code_id"], "label": c["code_label"],
                                "coder": c["coder"], "origin": c["origin"], "start": int(c["start"]),
                                "end": int(c["end"]), "mine": mine,
                                "score": float(c["score"]) if _present(c["score"]) else None})
                if mine and ddb._covers(int(c["start"]), int(c["end"]), a, b):
                    covering.setdefault(c["code_id"], []).append(int(c["id"]))
        shown, folded = [], []
        for sg in p["suggestions"]:
            code = sg["code_id"]
            if code in covering:
                state, ref = "coded", covering[code]
            elif (pid, code) in rejects:
                state, ref = "rejected", rejects[(pid, code)]
            else:
                state, ref = "open", None
                if not sg["listed"]:
                    continue  # kept only to refresh another coder's decided row: not among this run's top codes
            item = {"id": sg["id"], "code_id": code, "label": sg["label"], "score": sg["score"],
                    "suggested": sg["suggested"], "state": state, "ref": ref, "reason": sg["reason"],
                    "detail": sg["detail"]}
            (shown if sg["suggested"] else folded).append(item)
        history = []
        for d in decs:
            if d["passage_id"] == pid or (d["transcript_id"] == tid and _present(d["start"])
                                          and d["end"] > a and d["start"] < b):
                code = d["code_id"] if isinstance(d["code_id"], str) else ", ".join((d["note"] or {}).get("codes", []))
                history.append({"id": int(d["id"]), "what": KIND_WORDS.get(d["kind"], d["kind"]), "kind": d["kind"],
                                "code": code, "coder": d["coder"], "at": str(d["at"])[:19],
                                "undone": _present(d["undone_at"])})
        out.append({"id": pid, "start": a, "end": b, "text": p["text"], "context": p["context"],
                    "speaker": p["speaker"], "t_start": p["t_start"],
                    "codings": codings, "suggestions": shown, "candidates": folded, "history": history,
                    "nocode": nocodes.get(pid) if not covering else None, "coded": sorted(covering)})
    return {"scheme": base["scheme"], "transcript": base["transcript"], "blind": blind, "coders": humans,
            "passages": out, "sentences": base["sentences"], "has_suggestions": base["has_suggestions"],
            "blind_suggestions": base["blind_suggestions"]}


def _seen(reason: dict | None, unseen: set[str]) -> dict | None:
    """The reason without the passages it cites from transcripts whose codings the asker may not see."""
    if not reason or not unseen or not reason.get("nearest_coded"):
        return reason
    return dict(reason, nearest_coded=[n for n in reason["nearest_coded"] if n.get("transcript") not in unseen])


def _present(x) -> bool:
    """Not None and not NaN/NaT."""
    return x is not None and not (isinstance(x, float) and x != x) and not pd.isna(x)


def passages_with_code(view: dict, code_id: str) -> list[int]:
    """Indexes of the view's passages where the code is coded (visibly) or suggested above its threshold."""
    return [i for i, p in enumerate(view["passages"])
            if any(c["code_id"] == code_id for c in p["codings"])
            or any(s["code_id"] == code_id and s["state"] != "rejected" for s in p["suggestions"])]


def code_choices(project: Project, framework: str, coder: str, *, fw: Framework | None = None) -> list[dict]:
    """The framework's codes for a picker: recently used by this coder first, then by category in framework order.
    Each: id, label, category, definition, recent. ``fw``: the framework as read (``project.get_framework``; no
    coding decision changes it), read here when not given."""
    with project.read() as s:
        if fw is None:
            fw = db.get_framework(s, framework)
        recent = ddb.recent_codes(s, framework, coder)
    cats = {c.id: c.label for c in fw.categories}
    rows = [{"id": c.id, "label": c.label, "category": cats.get(c.category_id, c.category_id or ""),
             "definition": c.definition or "", "recent": c.id in recent} for c in fw.codes]
    order = {c: i for i, c in enumerate(recent)}
    return sorted([r for r in rows if r["recent"]], key=lambda r: order[r["id"]]) + [r for r in rows
                                                                                   if not r["recent"]]


def search_codes(choices: list[dict], query: str) -> list[dict]:
    """The choices whose id, label or definition contain every word of ``query`` (case-insensitive)."""
    words = query.lower().split()
    if not words:
        return choices
    return [c for c in choices if all(w in f"{c['id']} {c['label']} {c['definition']}".lower() for w in words)]

"""Two coders, one framework: agreement per code and overall, disagreements passage by passage, and the consensus.

Units of comparison are the sentences of participant speech (or whole participant turns), so text that *neither*
coder coded counts as agreement on absence, as it should. A unit carries a code for a coder when one of that coder's
codings of the code covers enough of it (at least half of the unit, or 40 characters of it).
Per code: percent agreement, Cohen's kappa (scikit-learn) and Krippendorff's alpha (nominal; package
``krippendorff``). Kappa and alpha are undefined (NaN) for a code that neither coder used on these units.
"""

from __future__ import annotations

from collections.abc import Iterable

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from ..errors import InputError
from ..store import Project
from ..store import core as db
from ..store.events import Action  # noqa: F401 (used by consensus)
from .units import parse_scheme, split_turn
from .workspace import unit_of_analysis

__all__ = ["compare_coders", "units"]
MIN_COVER_CHARS = 40


def scheme_of(unit: str) -> str:
    """A unit name as a passage scheme: ``sentence`` is ``sentences:1``; schemes pass as they are."""
    scheme = {"sentence": "sentences:1"}.get(unit, unit)
    try:
        parse_scheme(scheme)
    except InputError:
        raise InputError(None, f"unknown unit {unit!r} (use sentence, turn, paragraph or sentences:N)") from None
    return scheme


def units(segments: pd.DataFrame, *, unit: str = "sentence") -> pd.DataFrame:
    """Units of comparison cut from participant (and unlabelled) speech, by a passage scheme (the framework's unit of
    analysis: ``toolkit.indexing.workspace.unit_of_analysis``) or ``sentence``."""
    scheme = scheme_of(unit)
    rows = []
    for seg in segments[segments.role != "interviewer"].itertuples():
        for a, b in split_turn(seg.text, scheme):
            rows.append({"transcript_id": seg.transcript_id, "transcript": seg.transcript,
                         "participant_id": seg.participant_id, "segment_id": seg.id,
                         "start": seg.start + a, "end": seg.start + b, "text": seg.text[a:b]})
    return pd.DataFrame(rows, columns=["transcript_id", "transcript", "participant_id", "segment_id", "start", "end",
                                       "text"])


def _assign(u: pd.DataFrame, codings: pd.DataFrame) -> list[dict[str, list[int]]]:
    """For each unit: code id -> ids of the codings that cover it."""
    out: list[dict[str, list[int]]] = [{} for _ in range(len(u))]
    by_t = {tid: g for tid, g in codings.groupby("transcript_id")} if len(codings) else {}
    starts = u["start"].to_numpy()
    ends = u["end"].to_numpy()
    tids = u["transcript_id"].to_numpy()
    for i in range(len(u)):
        g = by_t.get(tids[i])
        if g is None:
            continue
        a, b = starts[i], ends[i]
        ov = np.minimum(g["end"].to_numpy(), b) - np.maximum(g["start"].to_numpy(), a)
        need = min((b - a) / 2, MIN_COVER_CHARS)
        for cid, code in zip(g["id"].to_numpy()[ov >= max(need, 1)], g["code_id"].to_numpy()[ov >= max(need, 1)],
                             strict=True):
            out[i].setdefault(code, []).append(int(cid))
    return out


def _stats(a: np.ndarray, b: np.ndarray) -> dict:
    agree = float((a == b).mean()) if len(a) else float("nan")
    used = bool(a.any() or b.any())
    # positive agreement: of the codes given, the share both gave (2 * both / (A + B)); absences do not count
    positive = float(2 * (a & b).sum() / (a.sum() + b.sum())) if used else float("nan")
    if not used or len(a) == 0:
        return {"agreement": agree, "positive": positive, "kappa": float("nan"), "alpha": float("nan")}
    if (a == b).all():
        kappa = alpha = 1.0
    else:
        kappa = float(cohen_kappa_score(a, b))
        alpha = float(krippendorff.alpha(reliability_data=np.vstack([a, b]).astype(float),
                                         level_of_measurement="nominal"))
    return {"agreement": agree, "positive": positive, "kappa": kappa, "alpha": alpha}


def _settled(s, framework: str, a: str, b: str) -> dict[tuple[str, int, int], int]:
    """(transcript, start, end) -> id of the consensus decision (not undone) that settled it for this pair."""
    from ..store import decisions as ddb

    d = ddb.decisions_frame(s, framework, kinds=["consensus"], active_only=True)
    names = {t["id"]: t["name"] for t in db.transcripts(s)} if len(d) else {}
    return {(names.get(r.transcript_id), int(r.start), int(r.end)): int(r.id) for r in d.itertuples()
            if pd.notna(r.start) and sorted((r.note or {}).get("coders", [])) == sorted([a, b])}


def compare_coders(project: Project, coder_a: str, coder_b: str, *, framework: str,
                   transcripts: Iterable[str] | None = None, unit: str | None = None) -> dict:
    """Agreement of two coders on the transcripts both coded (or the ones named).

    Returns ``{"per_code": DataFrame, "overall": dict, "disagreements": DataFrame, "units": int, "transcripts": [...]}``.
    ``per_code`` has one row per code of the framework: units coded by A, by B, by both, percent agreement, kappa,
    alpha. ``overall`` pools every (unit, code) decision over the codes either coder used, and gives the mean of the
    per-code kappas and the agreement on whether a unit was coded at all. ``disagreements`` lists each unit where the
    code sets differ, with the text, ``only_a``, ``only_b`` and ``both``, their labels (``labels``) and ``resolved``
    (the id of the consensus decision that settled it, or None); ``overall["unresolved"]`` counts those not settled.
    ``unit`` defaults to the framework's unit of analysis.
    """
    unit = unit or unit_of_analysis(project, framework)
    with project.read() as s:
        fw = db.get_framework(s, framework)
        known = {c["name"] for c in db.list_coders(s)}
        for name in (coder_a, coder_b):
            if name not in known:
                raise InputError(None, f"unknown coder {name!r} (known: {', '.join(sorted(known)) or 'none'})")
        ca = db.codings_frame(s, framework_id=framework, coders=[coder_a], with_text=False)
        cb = db.codings_frame(s, framework_id=framework, coders=[coder_b], with_text=False)
        if transcripts is None:
            names = sorted(set(ca["transcript"]) & set(cb["transcript"]))
        else:
            names = [db.resolve_transcript(s, t).name for t in transcripts]
        tids = [db.transcript_by_name(s, n).id for n in names]
        segs = pd.concat([db.segments_frame(s, tid) for tid in tids]) if tids else pd.DataFrame()
        settled = _settled(s, framework, coder_a, coder_b)
    if segs.empty:
        raise InputError(None, f"coders {coder_a!r} and {coder_b!r} have no transcript in common to compare")
    u = units(segs, unit=unit)
    ca, cb = ca[ca.transcript_id.isin(tids)], cb[cb.transcript_id.isin(tids)]
    sa, sb = _assign(u, ca), _assign(u, cb)
    code_ids = [c.id for c in fw.codes]
    labels = {c.id: c.label for c in fw.codes}
    rows, A, B = [], [], []
    for cid in code_ids:
        a = np.array([cid in x for x in sa], dtype=int)
        b = np.array([cid in x for x in sb], dtype=int)
        rows.append({"code": cid, "label": labels[cid], "units_a": int(a.sum()), "units_b": int(b.sum()),
                     "units_both": int((a & b).sum()), **_stats(a, b)})
        if a.any() or b.any():
            A.append(a)
            B.append(b)
    per_code = pd.DataFrame(rows)
    pooled = _stats(np.concatenate(A), np.concatenate(B)) if A else _stats(np.array([]), np.array([]))
    any_a = np.array([bool(x) for x in sa], dtype=int)
    any_b = np.array([bool(x) for x in sb], dtype=int)
    overall = {"units": len(u), "codes_used": len(A), "pooled_agreement": pooled["agreement"],
               "pooled_kappa": pooled["kappa"], "pooled_alpha": pooled["alpha"],
               "pooled_positive": pooled["positive"],
               "mean_kappa": float(np.nanmean(per_code["kappa"])) if per_code["kappa"].notna().any() else float("nan"),
               "coded_at_all_agreement": _stats(any_a, any_b)["agreement"],
               "coded_at_all_kappa": _stats(any_a, any_b)["kappa"]}
    dis = []
    for i, unit_row in enumerate(u.itertuples()):
        ka, kb = set(sa[i]), set(sb[i])
        if ka != kb:
            dis.append({"transcript": unit_row.transcript, "participant_id": unit_row.participant_id,
                        "start": unit_row.start, "end": unit_row.end, "text": unit_row.text,
                        "only_a": sorted(ka - kb), "only_b": sorted(kb - ka), "both": sorted(ka & kb),
                        "labels": {c: labels.get(c, c) for c in ka | kb},
                        "codings": sorted({c for x in (sa[i], sb[i]) for ids in x.values() for c in ids}),
                        "resolved": settled.get((unit_row.transcript, int(unit_row.start), int(unit_row.end)))})
    disagreements = pd.DataFrame(dis, columns=["transcript", "participant_id", "start", "end", "text", "only_a",
                                               "only_b", "both", "labels", "codings", "resolved"])
    overall["unresolved"] = int(disagreements["resolved"].isna().sum())
    return {"coders": (coder_a, coder_b), "framework": framework, "unit": unit, "transcripts": names,
            "per_code": per_code, "overall": overall, "disagreements": disagreements, "units": len(u),
            "_units": u, "_a": sa, "_b": sb}


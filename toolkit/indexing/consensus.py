"""The consensus of two coders, written safely: one passage at a time (the passage is then marked resolved, and the
decision can be undone), or in bulk for the codes both coders gave, after a preview that says how many codings it
will write. Consensus codings have coder ``consensus`` (or another name), origin ``consensus`` and, in ``sources``,
the ids of the coders' codings they came from.

    r = compare_coders(project, "ann", "bob", framework="lvi84")
    resolve_unit(project, r, "P01.txt", 120, 388, ["REF07"], actor="ann")   # one passage
    preview_agreed(project, r)["codings"]  -> N;  record_agreed(project, r, expect=N, actor="ann")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from .. import access
from ..errors import InputError
from ..store import Project
from ..store import core as db
from ..store import decisions as ddb
from ..store.events import Action

__all__ = ["resolve_unit", "preview_agreed", "record_agreed", "record_consensus", "CONSENSUS"]
CONSENSUS = "consensus"


def _unit_index(comparison: dict, transcript: str, start: int, end: int) -> int:
    u = comparison["_units"]
    hit = u.index[(u.transcript == transcript) & (u.start == int(start)) & (u.end == int(end))]
    if not len(hit):
        raise InputError(None, f"{transcript} {start}-{end} is not a unit of this comparison "
                               f"(unit: {comparison['unit']})")
    return int(u.index.get_loc(hit[0]))


def _present(s, coder_id: int, transcript_id: int, start: int, end: int) -> set[int]:
    """Code pks the consensus coder already has on exactly this span (active)."""
    return ddb.codes_on_span(s, coder_id, transcript_id, start, end)


def _write_unit(s, comparison: dict, i: int, codes: Iterable[str], pks: dict, cid: int) -> list[int]:
    row = comparison["_units"].iloc[i]
    sa, sb = comparison["_a"][i], comparison["_b"][i]
    have = _present(s, cid, int(row.transcript_id), int(row.start), int(row.end))
    out = []
    for code in codes:
        if code not in pks:
            raise InputError(None, f"unknown code {code!r} in framework {comparison['framework']!r}")
        if pks[code] in have:
            continue
        sources = sorted(set(sa.get(code, [])) | set(sb.get(code, [])))
        out.append(db.add_coding(s, transcript_id=int(row.transcript_id), start=int(row.start), end=int(row.end),
                                 code_pk=pks[code], coder=cid, origin="consensus", segment_id=int(row.segment_id),
                                 sources=sources))
    return out


def resolve_unit(project: Project, comparison: dict, transcript: str, start: int, end: int, codes: Iterable[str],
                 *, actor: str, coder: str = CONSENSUS) -> dict:
    """Record the consensus codes of one unit (a passage of the unit of analysis): writes them as codings of
    ``coder`` and marks the unit resolved for this pair of coders. Undo with ``decisions.undo``."""
    access.check(project, actor, "consensus")
    codes = list(dict.fromkeys(codes))
    i = _unit_index(comparison, transcript, start, end)
    row = comparison["_units"].iloc[i]
    a, b = comparison["coders"]
    framework = comparison["framework"]
    with project.transaction(Action.CONSENSUS_UNIT, actor=actor, payload={"framework": framework, "coders": [a, b],
                                                                     "transcript": transcript, "start": int(start),
                                                                     "end": int(end), "codes": codes}) as s:
        d = ddb.decisions_frame(s, framework, transcript_ids=[int(row.transcript_id)], kinds=["consensus"],
                                active_only=True)
        if any(int(r.start) == int(start) and int(r.end) == int(end)
               and sorted((r.note or {}).get("coders", [])) == sorted([a, b]) for r in d.itertuples()
               if pd.notna(r.start)):
            raise InputError(None, f"{transcript} {start}-{end} is already resolved for {a} and {b}: undo that first")
        cid = db.coder_id(s, coder, kind=CONSENSUS)
        ids = _write_unit(s, comparison, i, codes, db.code_pks(s, framework), cid)
        did = ddb.add_decision(s, framework_id=framework, kind="consensus", coder_id=db.coder_id(s, actor),
                               transcript_id=int(row.transcript_id), start=int(start), end=int(end),
                               coding_ids=ids, note={"coders": [a, b], "as": coder, "codes": codes,
                                                     "unit": comparison["unit"]})
    return {"decision": did, "codings": len(ids)}


def _agreed_plan(s, comparison: dict, coder: str) -> list[tuple[int, list[str]]]:
    """(unit index, codes to write) for every unit with codes both coders gave that the consensus lacks, except the
    units already resolved one by one for this pair (``resolve_unit``, not undone)."""
    known = {c["name"]: c["id"] for c in db.list_coders(s)}
    cid = known.get(coder)
    pks = db.code_pks(s, comparison["framework"])
    u = comparison["_units"]
    resolved = ddb.resolved_units(s, comparison["framework"], comparison["coders"])
    plan = []
    for i, row in enumerate(u.itertuples()):
        shared = sorted(set(comparison["_a"][i]) & set(comparison["_b"][i]))
        if not shared or (int(row.transcript_id), int(row.start), int(row.end)) in resolved:
            continue  # a unit resolved in consensus keeps what the resolution said
        have = _present(s, cid, int(row.transcript_id), int(row.start), int(row.end)) if cid else set()
        todo = [c for c in shared if pks.get(c) not in have]
        if todo:
            plan.append((i, todo))
    return plan


def preview_agreed(project: Project, comparison: dict, *, coder: str = CONSENSUS) -> dict:
    """What ``record_agreed`` would write: ``{"units": n, "codings": N}`` (codes both coders gave, not yet in the
    consensus)."""
    with project.read() as s:
        plan = _agreed_plan(s, comparison, coder)
    return {"units": len(plan), "codings": sum(len(c) for _, c in plan)}


def record_agreed(project: Project, comparison: dict, *, expect: int | None = None, actor: str,
                  coder: str = CONSENSUS) -> dict:
    """Write the codes both coders gave as consensus codings, as one decision that can be undone. ``expect`` (from
    the preview the user confirmed) must match what would be written, or nothing is written."""
    access.check(project, actor, "consensus")
    a, b = comparison["coders"]
    framework = comparison["framework"]
    with project.transaction(Action.CONSENSUS_AGREED, actor=actor, payload={"framework": framework,
                                                                       "coders": [a, b]}) as s:
        plan = _agreed_plan(s, comparison, coder)
        n = sum(len(c) for _, c in plan)
        if expect is not None and int(expect) != n:
            raise InputError(None, f"the preview said {expect} codings but {n} would be written now: look again")
        cid = db.coder_id(s, coder, kind=CONSENSUS)
        pks = db.code_pks(s, framework)
        ids = [x for i, codes in plan for x in _write_unit(s, comparison, i, codes, pks, cid)]
        did = ddb.add_decision(s, framework_id=framework, kind="bulk", coder_id=db.coder_id(s, actor),
                               coding_ids=ids, batch=f"consensus-{len(ids)}-{a}-{b}",
                               note={"coders": [a, b], "as": coder, "consensus": True})
    return {"decision": did, "codings": len(ids), "units": len(plan)}


def record_consensus(project: Project, comparison: dict, resolutions: Mapping[tuple[str, int, int], Iterable[str]]
                     | None = None, *, coder: str = CONSENSUS, actor: str | None = None) -> int:
    """The whole consensus at once (the CLI's ``consensus --resolutions``): each unit in ``resolutions`` is resolved
    with the codes given there (``resolve_unit``), every other unit keeps the codes both coders gave
    (``record_agreed``). Returns the number of codings written."""
    actor = actor or coder
    n = 0
    for (tr, a, b), codes in (resolutions or {}).items():
        n += resolve_unit(project, comparison, tr, a, b, codes, actor=actor, coder=coder)["codings"]
    skip = {(tr, int(a), int(b)) for tr, a, b in (resolutions or {})}
    if skip:
        u = comparison["_units"]
        keep = [i for i, r in enumerate(u.itertuples()) if (r.transcript, int(r.start), int(r.end)) not in skip]
        comparison = dict(comparison, _units=u.iloc[keep].reset_index(drop=True),
                          _a=[comparison["_a"][i] for i in keep], _b=[comparison["_b"][i] for i in keep])
    return n + record_agreed(project, comparison, actor=actor, coder=coder)["codings"]

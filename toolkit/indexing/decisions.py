"""The researcher's indexing decisions, each one recorded (who, when, what) so it shows in the passage's history and
can be undone: accept or reject a suggestion, code any span by hand, remove a coding, mark a passage "no code here",
accept one code in bulk. A suggestion's status is derived from the active codings and the decisions not undone
(``store.decisions.sync_suggestions``), so accept, remove, accept again works and a rejection can be taken back.

    sid = accept(project, suggestion_id, coder="ann")   # returns the decision id
    undo(project, sid, coder="ann")                      # the coding is removed, the suggestion open again
"""

from __future__ import annotations

import uuid

import numpy as np

from .. import access
from ..errors import InputError, PermissionDenied
from ..store import Project
from ..store import core as db
from ..store import decisions as ddb
from ..store import indexing as idb
from ..store.events import Action

__all__ = ["accept", "reject", "add_code", "add_span", "remove_code", "nocode", "bulk_accept", "undo", "undo_last",
           "undo_batch"]



def accept(project: Project, suggestion_id: int, *, coder: str, batch: str | None = None) -> int:
    """Accept a suggestion: a coding of the passage with origin 'suggestion', its score and model. Returns the id of
    the coding (the decision is recorded beside it)."""
    with project.transaction(Action.SUGGESTION_ACCEPT, actor=coder, payload={"suggestion": int(suggestion_id)}) as s:
        sg = idb.suggestion(s, suggestion_id)
        p = idb.passage(s, sg.passage_id)
        access.may_code(s, coder, p.transcript_id)
        cid = db.coder_id(s, coder)
        db.lock(s, "decide", int(sg.id), cid)  # two accepts of one suggestion by one coder at once: one coding
        if ddb.coded_by(s, cid, p.transcript_id, sg.code_pk, p.start, p.end):
            raise InputError(None, f"suggestion {suggestion_id}: {coder} has already coded this passage with it")
        coding = db.add_coding(s, transcript_id=p.transcript_id, start=p.start, end=p.end, code_pk=sg.code_pk,
                               coder=cid, origin="suggestion", score=sg.score, model=sg.model,
                               segment_id=p.segment_id, batch=batch)
        ddb.add_decision(s, framework_id=sg.framework_id, kind="accept", coder_id=cid, transcript_id=p.transcript_id,
                         start=p.start, end=p.end, passage_id=p.id, code_pk=sg.code_pk, suggestion_id=sg.id,
                         coding_ids=[coding])
        ddb.sync_suggestions(s, sg.framework_id, [p.id])
        return coding


def reject(project: Project, suggestion_id: int, *, coder: str) -> int:
    """Reject a suggestion: recorded, learned from at the next ``suggest``, and undoable. Returns the decision id."""
    with project.transaction(Action.SUGGESTION_REJECT, actor=coder, payload={"suggestion": int(suggestion_id)}) as s:
        sg = idb.suggestion(s, suggestion_id)
        p = idb.passage(s, sg.passage_id)
        access.may_code(s, coder, p.transcript_id)
        cid = db.coder_id(s, coder)
        db.lock(s, "decide", int(sg.id), cid)
        if ddb.rejected_by(s, cid, sg.id):
            raise InputError(None, f"suggestion {suggestion_id}: {coder} has already rejected it")
        did = ddb.add_decision(s, framework_id=sg.framework_id, kind="reject", coder_id=cid,
                               transcript_id=p.transcript_id, start=p.start, end=p.end, passage_id=p.id,
                               code_pk=sg.code_pk, suggestion_id=sg.id)
        ddb.sync_suggestions(s, sg.framework_id, [p.id])
        return did


def add_code(project: Project, framework_id: str, transcript: str | int, start: int, end: int, code_id: str, *,
             coder: str, passage_id: int | None = None) -> int:
    """Code any character span of a transcript by hand (origin 'manual'); works before any suggestion exists.
    Returns the coding id."""
    return add_span(project, framework_id, transcript, start, end, [code_id], coder=coder,
                    passage_id=passage_id)[0]


def add_span(project: Project, framework_id: str, transcript: str | int, start: int, end: int,
             code_ids: list[str], *, coder: str, passage_id: int | None = None) -> list[int]:
    """Code a span (sentences within a turn, across turns, or any characters) with one or more codes, as one
    decision. Returns the coding ids."""
    if not code_ids:
        raise InputError(None, "choose at least one code")
    with project.transaction(Action.CODING_ADD, actor=coder, payload={"transcript": str(transcript), "start": start,
                                                                 "end": end, "codes": list(code_ids)}) as s:
        tr = db.resolve_transcript(s, transcript)
        access.may_code(s, coder, tr.id)
        if not 0 <= start < end <= len(tr.text):
            raise InputError(tr.name, f"span {start}:{end} lies outside the transcript (length {len(tr.text)})")
        pks = db.code_pks(s, framework_id)
        for c in code_ids:
            if c not in pks:
                raise InputError(None, f"unknown code {c!r} in framework {framework_id!r}")
        cid = db.coder_id(s, coder)
        ids = [db.add_coding(s, transcript_id=tr.id, start=start, end=end, code_pk=pks[c], coder=cid,
                             origin="manual") for c in code_ids]
        ddb.add_decision(s, framework_id=framework_id, kind="add", coder_id=cid, transcript_id=tr.id, start=start,
                         end=end, passage_id=passage_id, code_pk=pks[code_ids[0]] if len(code_ids) == 1 else None,
                         coding_ids=ids, note={"codes": list(code_ids)})
        ddb.sync_suggestions(s, framework_id, ddb.passages_of_span(s, tr.id, start, end))
        return ids


def remove_code(project: Project, coding_id: int, *, coder: str) -> int:
    """Remove a coding (kept in the history, with who removed it and when; undoable). Returns the decision id."""
    with project.transaction(Action.CODING_REMOVE, actor=coder, payload={"coding": int(coding_id)}) as s:
        c = ddb.coding_row(s, coding_id)
        v = access.may_code(s, coder, c.transcript_id)
        cid = db.coder_id(s, coder)
        if c.coder_id != cid and v.role == "coder":
            raise PermissionDenied(f"coding {coding_id} is not {coder}'s")
        fw = ddb.framework_of_code(s, c.code_pk)
        db.remove_coding(s, int(coding_id), cid)
        did = ddb.add_decision(s, framework_id=fw, kind="remove", coder_id=cid, transcript_id=c.transcript_id,
                               start=c.start, end=c.end, code_pk=c.code_pk, coding_ids=[int(coding_id)])
        ddb.sync_suggestions(s, fw, ddb.passages_of_span(s, c.transcript_id, c.start, c.end))
        return did


def nocode(project: Project, framework_id: str, passage_id: int, *, coder: str) -> int:
    """Mark a passage "no code here": the learner reads it as having none of the framework's codes (until a coding
    or an undo says otherwise). Returns the decision id."""
    with project.transaction(Action.PASSAGE_NOCODE, actor=coder, payload={"framework": framework_id,
                                                                     "passage": int(passage_id)}) as s:
        if not db.has_framework(s, framework_id):
            raise InputError(None, f"no framework {framework_id!r}")
        p = idb.passage(s, passage_id)
        access.may_code(s, coder, p.transcript_id)
        return ddb.add_decision(s, framework_id=framework_id, kind="nocode", coder_id=db.coder_id(s, coder),
                                transcript_id=p.transcript_id, start=p.start, end=p.end, passage_id=p.id)


def bulk_accept(project: Project, framework_id: str, code_id: str, threshold: float, *, coder: str,
                transcript: str | int | None = None) -> dict:
    """Accept every suggestion of one code scoring at least ``threshold`` that is open *for this coder* (no coding of
    theirs covers it, no rejection of theirs stands: another coder's decisions neither skip nor show), on the
    transcripts they may code (a coder: those assigned to them; ``transcript``: that one only), as one batch (one
    decision) that can be undone."""
    batch = uuid.uuid4().hex[:12]
    with project.transaction(Action.SUGGESTION_BULK_ACCEPT, actor=coder,
                             payload={"framework": framework_id, "code": code_id, "threshold": threshold,
                                      "batch": batch}) as s:
        pks = db.code_pks(s, framework_id)
        if code_id not in pks:
            raise InputError(None, f"unknown code {code_id!r} in framework {framework_id!r}")
        v = access.viewer_in(s, coder)
        access.require(v, "index")
        sug = idb.suggestions_frame(s, framework_id, code_id=code_id)
        listed = [(r or {}).get("listed", True) is not False for r in sug["reason"]]
        sug = sug[(sug.score >= threshold).to_numpy() & np.array(listed, dtype=bool)]
        allowed = access.codable_transcript_ids(s, v)
        if transcript is not None:
            tid = db.resolve_transcript(s, transcript).id
            if allowed is not None and tid not in allowed:
                raise PermissionDenied(f"{coder} is not assigned to this transcript")
            allowed = {tid}
        if allowed is not None:
            sug = sug[sug["transcript_id"].isin(allowed)] if "transcript_id" in sug else sug[
                sug["passage_id"].isin(idb.passage_ids_of(s, allowed))]
        cid = db.coder_id(s, coder)
        db.lock(s, "bulk", framework_id, cid)
        sug = sug[sug["id"].isin(ddb.open_for_coder(s, framework_id, cid, sug["id"].tolist()))]
        ids, pids = [], []
        for sid in sug["id"]:
            sg = idb.suggestion(s, int(sid))
            p = idb.passage(s, sg.passage_id)
            ids.append(db.add_coding(s, transcript_id=p.transcript_id, start=p.start, end=p.end, code_pk=sg.code_pk,
                                     coder=cid, origin="suggestion", score=sg.score, model=sg.model,
                                     segment_id=p.segment_id, batch=batch))
            pids.append(p.id)
        ddb.add_decision(s, framework_id=framework_id, kind="bulk", coder_id=cid, code_pk=pks[code_id],
                         coding_ids=ids, batch=batch, note={"threshold": threshold, "passages": pids})
        ddb.sync_suggestions(s, framework_id, pids)
    return {"batch": batch, "accepted": len(sug)}


def _reverse(s, d, cid: int) -> None:
    """Reverse decision ``d``: codings it created are removed, codings it removed are restored (unless the decision
    that created them was undone since: undoing an accept, then its later removal, leaves no coding)."""
    for i in d.coding_ids or []:
        c = ddb.coding_or_none(s, int(i))
        if c is None:
            continue
        if d.kind == "remove":
            if c.removed_at is not None and not ddb.creator_undone(s, c.transcript_id, int(i)):
                db.restore_coding(s, int(i))
        elif c.removed_at is None:
            db.remove_coding(s, int(i), cid)
    ddb.mark_undone(s, d.id, cid)
    pids = set((d.note or {}).get("passages", []))
    if d.passage_id is not None:
        pids.add(d.passage_id)
    if d.transcript_id is not None and d.start is not None:
        pids.update(ddb.passages_of_span(s, d.transcript_id, d.start, d.end))
    ddb.sync_suggestions(s, d.framework_id, pids)


def undo(project: Project, decision_id: int, *, coder: str) -> dict:
    """Undo one decision (any kind, any age): what it did is reversed, and it stays in the history as undone."""
    with project.transaction(Action.DECISION_UNDO, actor=coder, payload={"decision": int(decision_id)}) as s:
        d = ddb.decision(s, decision_id)
        if d.undone_at is not None:
            raise InputError(None, f"decision {decision_id} is already undone")
        v = access.viewer_in(s, coder)
        access.require(v, "index")
        cid = db.coder_id(s, coder)
        if d.coder_id != cid and v.role not in ("lead",):
            raise PermissionDenied(f"decision {decision_id} is another coder's: only they (or the lead) may undo it")
        _reverse(s, d, cid)
        return {"decision": int(d.id), "kind": d.kind, "codings": len(d.coding_ids or [])}


def undo_last(project: Project, framework_id: str, *, coder: str) -> dict:
    """Undo this coder's newest decision in the framework that is not undone yet."""
    with project.read() as s:
        d = ddb.last_decision(s, framework_id, db.coder_id(s, coder)) if _known(s, coder) else None
    if d is None:
        raise InputError(None, f"{coder} has nothing to undo in {framework_id}")
    return undo(project, d.id, coder=coder)


def _known(s, coder: str) -> bool:
    return any(c["name"] == coder for c in db.list_coders(s))


def undo_batch(project: Project, batch: str, *, coder: str) -> int:
    """Undo a bulk accept by its batch id: its codings are removed and its suggestions are open again."""
    with project.read() as s:
        d = ddb.decision_by_batch(s, batch)
    if d is None:
        raise InputError(None, f"no bulk accept {batch!r} to undo")
    return undo(project, d.id, coder=coder)["codings"]

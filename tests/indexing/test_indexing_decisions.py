"""Indexing decisions: every decision undoable, statuses derived from what is true now (accept-remove-accept,
reject-then-add, reject-undo), "no code here" read by the learner, hand coding of any span before any suggestion,
blind views, the code picker, the unit of analysis and the coder's position. The fake model is enough here: these
tests are about decisions and provenance, not about the quality of the suggestions."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from toolkit import project as proj
from toolkit.errors import InputError
from toolkit.indexing import decisions as dec
from toolkit.indexing import review, workspace
from toolkit.indexing import service as sv
from toolkit.indexing.units import DEFAULT_SCHEME
from toolkit.sample import SAMPLE_DIR
from toolkit.store import core as db
from toolkit.store import decisions as ddb
from toolkit.store import indexing as idb
from toolkit.store import open_project

T = "P01_gp_rural.txt"


@pytest.fixture(scope="module")
def small_file(tmp_path_factory, ):
    from toolkit.embed import FakeEmbedder

    path = tmp_path_factory.mktemp("dec") / "small.fa"
    p = proj.create(path, name="small")
    proj.import_transcripts(p, [SAMPLE_DIR / T], attributes=SAMPLE_DIR / "participants.csv")
    sv.suggest(p, "lvi84", FakeEmbedder())
    p.close()
    return path


@pytest.fixture
def small(small_file, tmp_path):
    dst = tmp_path / "s.fa"
    shutil.copy2(small_file, dst)
    with open_project(dst) as p:
        yield p


def _status(p, sid):
    with p.read() as s:
        return idb.suggestion(s, sid).status


def _mine(p, coder="ann"):
    with p.read() as s:
        return db.codings_frame(s, framework_id="lvi84", coders=[coder], with_text=False)


def _first_open(p):
    with p.read() as s:
        sug = idb.suggestions_frame(s, "lvi84", status="open")
    return sug.iloc[0]


def _state(p, sid, coder="ann"):
    v = review.transcript_view(p, "lvi84", T, coder)
    for x in v["passages"]:
        for s in x["suggestions"] + x["candidates"]:
            if s["id"] == sid:
                return s["state"], x
    raise AssertionError(sid)


def test_accept_remove_accept(small):
    sg = _first_open(small)
    sid = int(sg.id)
    cid = dec.accept(small, sid, coder="ann")
    assert _status(small, sid) == "accepted" and _state(small, sid)[0] == "coded"
    dec.remove_code(small, cid, coder="ann")
    assert _status(small, sid) == "open" and _state(small, sid)[0] == "open"  # not stale "accepted"
    cid2 = dec.accept(small, sid, coder="ann")  # offered, and works, again
    assert cid2 != cid and list(_mine(small).id) == [cid2]


def test_reject_then_add_by_hand_shows_coded(small):
    sg = _first_open(small)
    sid = int(sg.id)
    dec.reject(small, sid, coder="ann")
    assert _status(small, sid) == "rejected" and _state(small, sid)[0] == "rejected"
    with small.read() as s:
        p = idb.passage(s, int(sg.passage_id))
    dec.add_code(small, "lvi84", T, p.start, p.end, sg.code_id, coder="ann")
    state, _ = _state(small, sid)
    assert state == "coded" and _status(small, sid) == "accepted"


def test_a_rejection_can_be_undone(small):
    sid = int(_first_open(small).id)
    did = dec.reject(small, sid, coder="ann")
    dec.undo(small, did, coder="ann")
    assert _status(small, sid) == "open" and _state(small, sid)[0] == "open"
    with pytest.raises(InputError):
        dec.undo(small, did, coder="ann")
    _, passage = _state(small, sid)
    assert [h["undone"] for h in passage["history"] if h["id"] == did] == [True]  # the history keeps it


def test_undo_last_and_remove_undo_restore(small):
    sid = int(_first_open(small).id)
    cid = dec.accept(small, sid, coder="ann")
    did = dec.remove_code(small, cid, coder="ann")
    assert _mine(small).empty
    out = dec.undo_last(small, "lvi84", coder="ann")
    assert out["decision"] == did and list(_mine(small).id) == [cid]
    assert _status(small, sid) == "accepted"
    dec.undo_last(small, "lvi84", coder="ann")  # now the accept itself
    assert _mine(small).empty and _status(small, sid) == "open"
    with pytest.raises(InputError):
        dec.undo_last(small, "lvi84", coder="nobody")


def test_bulk_accept_and_undo_keep_counts_true(small):
    with small.read() as s:
        sug = idb.suggestions_frame(s, "lvi84", status="open")
    code = sug.code_id.value_counts().index[0]
    n = int((sug.code_id == code).sum())
    r = dec.bulk_accept(small, "lvi84", code, 0.0, coder="ann")
    assert r["accepted"] == n == len(_mine(small))
    with small.read() as s:
        assert len(idb.suggestions_frame(s, "lvi84", status="accepted", code_id=code)) == n
    assert dec.undo_batch(small, r["batch"], coder="ann") == n
    assert _mine(small).empty
    with small.read() as s:
        assert len(idb.suggestions_frame(s, "lvi84", status="open", code_id=code)) == n


def test_no_code_here_is_learned_and_undoable(small):
    with small.read() as s:
        pas = idb.passages_frame(s, workspace.unit_of_analysis(small, "lvi84"))
    pid = int(pas.id.iloc[3])
    did = dec.nocode(small, "lvi84", pid, coder="ann")
    with small.read() as s:
        assert ddb.nocode_passages(s, "lvi84") == [pid]
        fw = db.get_framework(s, "lvi84")
        codings = db.codings_frame(s, framework_id="lvi84", with_text=False)
        Y = sv._labels(codings, idb.decided_pairs(s, "lvi84"), pas, [c.id for c in fw.codes],
                       ddb.nocode_passages(s, "lvi84"))
    row = int(np.flatnonzero(pas.id.to_numpy() == pid)[0])
    assert (Y[row] == 0).all()  # every code: absent here
    v = review.transcript_view(small, "lvi84", T, "ann")
    assert next(x for x in v["passages"] if x["id"] == pid)["nocode"] == did
    dec.undo(small, did, coder="ann")
    with small.read() as s:
        assert ddb.nocode_passages(s, "lvi84") == []


def test_hand_coding_of_any_span_before_any_suggestion(tmp_path):
    p = proj.create(tmp_path / "new.fa", name="new")
    proj.import_transcripts(p, [SAMPLE_DIR / T])
    v = review.transcript_view(p, "lvi84", T, "ann")  # cuts passages on demand: no model, no suggestion
    assert v["passages"] and not v["has_suggestions"]
    sents = v["sentences"]
    turns = sorted({x["turn"] for x in sents})
    a = next(x for x in sents if x["turn"] == turns[1])
    b = next(x for x in sents if x["turn"] == turns[2])
    ids = dec.add_span(p, "lvi84", T, a["start"], b["end"], ["REF07", "CUL01"], coder="ann")  # across turns
    got = _mine(p)
    assert sorted(got.id) == sorted(ids) and set(got.origin) == {"manual"}
    assert set(zip(got.start, got.end, strict=True)) == {(a["start"], b["end"])}
    with pytest.raises(InputError):
        dec.add_span(p, "lvi84", T, 10, 5, ["REF07"], coder="ann")
    with pytest.raises(InputError):
        dec.add_span(p, "lvi84", T, 0, 5, ["NOPE"], coder="ann")
    assert len(_mine(p)) == 2  # nothing half-written
    p.close()


def test_blind_view_shows_only_my_codings(small):
    with small.read() as s:
        pas = idb.passages_frame(s, workspace.unit_of_analysis(small, "lvi84"))
    x = pas.iloc[0]
    dec.add_code(small, "lvi84", T, int(x.start), int(x.end), "REF07", coder="bob")
    dec.add_code(small, "lvi84", T, int(x.start), int(x.end), "CUL01", coder="ann")
    v = review.transcript_view(small, "lvi84", T, "ann")
    assert v["blind"]
    first = v["passages"][0]
    assert {c["code_id"] for c in first["codings"]} == {"CUL01"}
    assert {h["coder"] for h in first["history"]} == {"ann"}
    v = review.transcript_view(small, "lvi84", T, "ann", show_others=True)
    assert {c["code_id"] for c in v["passages"][0]["codings"]} == {"CUL01", "REF07"} and not v["blind"]


def test_suggestions_are_split_at_the_threshold_with_a_reason(small):
    v = review.transcript_view(small, "lvi84", T, "ann")
    items = [s for x in v["passages"] for s in x["suggestions"]]
    folded = [s for x in v["passages"] for s in x["candidates"]]
    assert folded and all(not s["suggested"] for s in folded) and all(s["suggested"] for s in items)
    s = folded[0]
    assert s["reason"].startswith(f"{s['score']:.2f}, below this code's threshold")


def test_code_picker_groups_searches_and_puts_recent_first(small):
    x = review.code_choices(small, "lvi84", "ann")
    cats = [c["category"] for c in x]
    assert cats == sorted(cats, key=cats.index)  # grouped: each category in one run
    pas0 = review.transcript_view(small, "lvi84", T, "ann")["passages"][0]
    dec.add_code(small, "lvi84", T, pas0["start"], pas0["end"], x[-1]["id"], coder="ann")
    y = review.code_choices(small, "lvi84", "ann")
    assert y[0]["id"] == x[-1]["id"] and y[0]["recent"]
    word = next(w for w in x[5]["definition"].split() if len(w) > 6)
    assert x[5]["id"] in [c["id"] for c in review.search_codes(x, word)]
    assert review.search_codes(x, "zzzz-no-such-word") == []


def test_unit_of_analysis_and_position(small):
    assert workspace.unit_of_analysis(small, "lvi84") == DEFAULT_SCHEME
    workspace.set_unit_of_analysis(small, "lvi84", "turn")
    assert workspace.unit_of_analysis(small, "lvi84") == "turn"
    v = review.transcript_view(small, "lvi84", T, "ann")
    with small.read() as s:
        segs = db.segments_frame(s, db.resolve_transcript(s, T).id)
    assert len(v["passages"]) == int((segs.role != "interviewer").sum())  # one passage per participant turn
    with pytest.raises(InputError):
        workspace.set_unit_of_analysis(small, "lvi84", "words:3")
    assert workspace.get_position(small, "ann", "lvi84") is None
    before = db_version(small)
    workspace.set_position(small, "ann", "lvi84", T, 42)
    assert workspace.get_position(small, "ann", "lvi84") == {"transcript": T, "passage": 42}
    assert db_version(small) == before  # moving around is not an action: cached reads stay valid


def db_version(p):
    with p.read() as s:
        return db.latest_event_id(s)


def test_suggest_on_an_unchanged_project_does_nothing(small, fake_embedder):
    r = sv.suggest(small, "lvi84", fake_embedder)
    assert r.get("unchanged") is True


def test_reason_line_never_shows_a_score_equal_to_a_threshold_it_is_below():
    from toolkit.indexing.review import reason_line

    assert reason_line({"threshold": 0.12, "evidence": 9}, 0.10).startswith("0.10, below this code's threshold 0.12:")
    line = reason_line({"threshold": 0.0504, "evidence": 9}, 0.0496)
    assert line.startswith("0.0496, below this code's threshold 0.0504:")


def test_coding_decisions_keep_the_structure_version_and_a_kept_base_stays_true(small):
    """The Index page keeps ``review.transcript_base`` over its clicks (keyed by ``overview.structure_version``): every
    coding decision leaves that version as it was and the view built on the kept base is the view read afresh; a
    change of the codes moves the version, and the base read then names the new label."""
    from toolkit import codebook as cb
    from toolkit import overview

    base = review.transcript_base(small, "lvi84", T, "ann")
    sv0, v0 = overview.structure_version(small), overview.version(small)
    pas = base["passages"]
    items = [s for p in pas for s in p["suggestions"]]
    dec.accept(small, items[0]["id"], coder="ann")
    dec.reject(small, items[1]["id"], coder="ann")
    dec.nocode(small, "lvi84", pas[-1]["id"], coder="ann")
    ids = dec.add_span(small, "lvi84", T, pas[2]["start"], pas[3]["end"], ["ORG01", "CUL10"], coder="bo")
    dec.remove_code(small, ids[1], coder="bo")
    dec.undo_last(small, "lvi84", coder="ann")  # the "no code here"
    assert overview.version(small) > v0 and overview.structure_version(small) == sv0
    for who in ("ann", "bo"):
        for others in (False, True):
            kept = review.transcript_view(small, "lvi84", T, who, show_others=others,
                                          base=review.transcript_base(small, "lvi84", T, who) if who == "bo" else base)
            assert kept == review.transcript_view(small, "lvi84", T, who, show_others=others)
    assert any(p["codings"] for p in kept["passages"]) and any(p["history"] for p in kept["passages"])
    light = review.transcript_base(small, "lvi84", T, "ann", details=False)  # the page's: reason lines, no data
    lines = [[(x["id"], x["reason"]) for x in p["suggestions"]] for p in light["passages"]]
    assert lines == [[(x["id"], x["reason"]) for x in p["suggestions"]] for p in base["passages"]]
    assert any(x["detail"] for p in base["passages"] for x in p["suggestions"])
    assert not any(x["detail"] for p in light["passages"] for x in p["suggestions"])
    code = items[0]["code_id"]
    cb.edit_code(small, "lvi84", code, cb.CodeFields(label="A new label"))
    assert overview.structure_version(small) > sv0
    fresh = review.transcript_base(small, "lvi84", T, "ann")
    assert {s["label"] for p in fresh["passages"] for s in p["suggestions"] if s["code_id"] == code} == {"A new label"}

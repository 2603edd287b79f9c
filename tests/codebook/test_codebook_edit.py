"""The framework editor on both backends: rename, move and merge never lose a coding; a merge keeps each coding's
provenance, records where it came from and keeps the crosswalk from the detailed framework true; refusals change
nothing; every change is an event; on a team project only the lead edits."""

from __future__ import annotations

import pandas as pd
import pytest
from test_charting_common import make_project

from toolkit import charting as ch
from toolkit import codebook as cb
from toolkit import familiarize as fam
from toolkit import team
from toolkit.errors import InputError, NotFoundError, PermissionDenied
from toolkit.store import charting as chdb
from toolkit.store import codebook as cdb
from toolkit.store import core as db
from toolkit.store import measures as mdb
from toolkit.store import schema

KEEP = ["id", "transcript_id", "start", "end", "coder", "origin", "created_at", "score", "model", "batch"]


@pytest.fixture
def project(tmp_path, project_location):
    p = make_project(tmp_path, location=project_location)
    yield p
    p.close()


def _codings(project, framework: str) -> pd.DataFrame:
    with project.read() as s:
        df = db.codings_frame(s, framework_id=framework, include_removed=True, with_text=False)
    return df.set_index("id", drop=False).sort_index()


def _state(project) -> str:
    with project.read() as s:
        cod = db.codings_frame(s, include_removed=True, with_text=False)
        fws = {f: db.get_framework(s, f) for f in db.framework_ids(s)}
        cws = {c: mdb.get_crosswalk(s, c).mapping for c in mdb.crosswalk_ids(s)}
    return cod.to_json(date_format="iso") + repr(fws) + repr(cws)


def test_merge_keeps_every_coding_with_provenance_and_writes_the_crosswalk(project):
    new = cb.new_framework(project, "cond", copy_from="lvi84", carry_codings=True, actor="ann")
    assert new.crosswalk == "lvi84-to-cond" and new.codings > 0
    before = _codings(project, "cond")
    moved = before[before["code_id"].isin(["ORG01", "ORG02"])]
    assert len(moved) == 4  # ORG01+ORG02 on one span by one coder, ORG01 twice more
    rep = cb.merge_codes(project, "cond", ["ORG01", "ORG02"], "ACC", label="Access to imaging", actor="ann")
    assert rep.created and rep.codings == 4 and rep.duplicates == 1
    after = _codings(project, "cond")
    # every coding row is still there, with its coder, time, origin, span and batch
    assert list(after.index) == list(before.index)
    pd.testing.assert_frame_equal(after[KEEP], before[KEEP])
    assert set(after.loc[moved.index, "code_id"]) == {"ACC"}
    untouched = before.index.difference(moved.index)
    assert (after.loc[untouched, "code_id"] == before.loc[untouched, "code_id"]).all()
    # the duplicate (same coder, same span) is folded: marked removed, its source joins the kept one
    active = after[after["removed_at"].isna() & (after["code_id"] == "ACC")]
    assert len(active) == 3
    assert sorted(len(x) for x in active["sources"]) == [1, 1, 2]
    # each moved coding says which code it came from
    with project.read() as s:
        came = cdb.moves_of(s, list(moved.index))
        cw = mdb.get_crosswalk(s, "lvi84-to-cond")
        fw = db.get_framework(s, "cond")
    assert {i: came[i] for i in moved.index} == {i: [moved.loc[i, "code_id"]] for i in moved.index}
    assert {m["from"]: m["to"] for m in cw.mapping if m["from"] in ("ORG01", "ORG02")} == {"ORG01": "ACC",
                                                                                            "ORG02": "ACC"}
    assert "ORG01" not in {c.id for c in fw.codes} and fw.code("ACC").label == "Access to imaging"
    # the crosswalk describes the condensed framework exactly: applying it again changes nothing
    again = ch.refine(project, "lvi84-to-cond", dry_run=True)
    assert (again.added, again.updated, again.retired) == (0, 0, 0)
    assert again.unchanged == int(after["removed_at"].isna().sum())
    assert [(r["kind"], r["from_code"], r["to_code"], r["codings"], r["actor"]) for r in cb.lineage(project, "cond")] \
        == [("merge", "ORG01", "ACC", 3, "ann"), ("merge", "ORG02", "ACC", 1, "ann")]


def test_merge_into_an_existing_code_carries_memos_and_summaries(project):
    cid = fam.add_memo(project, "about ORG02", author="ann", framework="lvi84", code="ORG02")
    ch.set_summary(project, "lvi84", "P01", "ORG02", "Long waits.", author="ann")
    ch.set_summary(project, "lvi84", "P01", "ORG01", "Capacity is short.", author="ann")
    n = len(_codings(project, "lvi84"))
    cb.merge_codes(project, "lvi84", ["ORG02"], "ORG01", actor="ann")
    assert len(_codings(project, "lvi84")) == n
    with project.read() as s:
        memo = s.get(schema.Memo, cid)
        assert memo.code_pk == cdb.code_row(s, "lvi84", "ORG01").pk
        sums = chdb.summaries_frame(s, "lvi84")
    cell = sums[(sums["participant_id"] == "P01") & (sums["code_id"] == "ORG01")]
    assert len(cell) == 1 and "Capacity is short." in cell["text"].iloc[0] and "[ORG02] Long waits." in \
        cell["text"].iloc[0]


def test_rename_and_move_never_lose_a_coding(project):
    before = _codings(project, "lvi84")
    cb.rename_code(project, "lvi84", "ORG01", "CAP01", actor="ann")
    cb.move_code(project, "lvi84", "CAP01", category="CUL", actor="ann")
    cb.move_code(project, "lvi84", "ORG02", parent="CAP01", actor="ann")
    cb.reorder_code(project, "lvi84", "CAP01", 0, actor="ann")
    after = _codings(project, "lvi84")
    pd.testing.assert_frame_equal(after[KEEP], before[KEEP])
    ren = before["code_id"] == "ORG01"
    assert set(after.loc[ren, "code_id"]) == {"CAP01"} and set(after.loc[ren, "category_id"]) == {"CUL"}
    with project.read() as s:
        fw = db.get_framework(s, "lvi84")
        cw = mdb.get_crosswalk(s, "lvi84_to_lvi21")
    assert fw.code("ORG02").parent == "CAP01" and fw.code("ORG02").category_id == "CUL"
    assert [c.id for c in fw.categories[[c.id for c in fw.categories].index("CUL")].codes][0] == "CAP01"
    assert "CAP01" in {m["from"] for m in cw.mapping} and "ORG01" not in {m["from"] for m in cw.mapping}
    # a crosswalk that follows the rename still applies
    assert ch.refine(project, "lvi84_to_lvi21", dry_run=True).added > 0


def test_refusals_change_nothing(project):
    state = _state(project)
    with pytest.raises(InputError, match="already exists"):
        cb.rename_code(project, "lvi84", "ORG01", "ORG02", actor="ann")
    with pytest.raises(InputError, match="still has 3 coding"):
        cb.delete_code(project, "lvi84", "ORG01", actor="ann")
    with pytest.raises(InputError, match="letters, digits"):
        cb.add_code(project, "lvi84", "bad id", "x", actor="ann")
    with pytest.raises(InputError, match="below it"):
        cb.move_code(project, "lvi84", "ORG01", parent="ORG01", actor="ann")
    with pytest.raises(NotFoundError):
        cb.merge_codes(project, "lvi84", ["ORG01", "NOPE"], "X", actor="ann")
    assert _state(project) == state
    # a code whose codings moved away can go; the codes below it move up
    cb.add_code(project, "lvi84", "SUB", "Below ORG01", parent="ORG01", actor="ann")
    cb.merge_codes(project, "lvi84", ["ORG01"], "ORG03", actor="ann")
    with project.read() as s:
        assert db.get_framework(s, "lvi84").code("SUB").parent == "ORG03"
    cb.delete_code(project, "lvi84", "SUB", actor="ann")
    with project.read() as s:
        assert not cdb.has_code(s, "lvi84", "SUB")


def test_every_change_is_an_event_with_who(project):
    with project.read() as s:
        first = db.latest_event_id(s)
    cb.new_framework(project, "mine", actor="ann")
    cb.add_category(project, "mine", "c1", "One", actor="ann")
    cb.add_code(project, "mine", "A", "Alpha", actor="ann")
    cb.edit_code(project, "mine", "A", cb.CodeFields(definition="the first"), actor="bob")
    cb.save_version(project, "mine", "preliminary", actor="ann")
    with project.read() as s:
        ev = db.events_frame(s)
    ev = ev[ev["id"] > first].sort_values("id")
    assert list(ev["action"]) == ["framework.new", "category.add", "code.add", "code.edit", "framework.version"]
    assert list(ev["actor"]) == ["ann", "ann", "ann", "bob", "ann"]
    assert ev.iloc[3]["payload"]["changes"] == {"definition": ["", "the first"]}


def test_team_project_only_the_lead_edits(project):
    team.add_user(project, "lena", "password-lena", role="lead")
    team.add_user(project, "ann", "password-ann", role="coder")
    with pytest.raises(PermissionDenied, match="only a lead"):
        cb.add_code(project, "lvi84", "NEW1", "New", category="ORG", actor="ann")
    with pytest.raises(PermissionDenied):
        cb.merge_codes(project, "lvi84", ["ORG01", "ORG02"], "X", actor=None)
    cb.add_code(project, "lvi84", "NEW1", "New", category="ORG", actor="lena")
    with project.read() as s:
        assert cdb.has_code(s, "lvi84", "NEW1")

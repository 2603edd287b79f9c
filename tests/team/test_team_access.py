"""The one authorisation and visibility layer (``toolkit.access``), on SQLite and PostgreSQL: the action x role table
walked through the toolkit entry points for every role; blind means blind for bulk accept, the review queue, memos,
the chart's evidence and its picker; sessions end when an account changes; logins answer alike for every name and
cannot lock the lead out from elsewhere (issue 28's numbered defects 1-8 and the Low items)."""

from __future__ import annotations

import pytest
from team_kit import open_ids, seen_codings
from test_charting_common import make_project
from test_indexing_service import FW, TRANSCRIPT

from toolkit import access, teaching, team
from toolkit import charting as ch
from toolkit import evidence as evi
from toolkit import familiarize as fam
from toolkit import project as proj
from toolkit.embed import FakeEmbedder
from toolkit.errors import InputError, PermissionDenied, ToolkitError
from toolkit.indexing import consensus, learning, review
from toolkit.indexing import decisions as dec
from toolkit.indexing import service as sv
from toolkit.indexing.units import DEFAULT_SCHEME
from toolkit.store import core as db
from toolkit.store import open_project

PW = "correct horse battery"
T1, T2 = "P01.txt", "P02.txt"


@pytest.fixture
def project(tmp_path, project_location):
    """Two transcripts of a small framework, suggestions made; a lead, two coders on T1 (blind), a student; T2 is
    assigned to nobody."""
    (tmp_path / "fw.yaml").write_text(FW)
    (tmp_path / T1).write_text(TRANSCRIPT)
    (tmp_path / T2).write_text(TRANSCRIPT.replace("P01", "P02") + "\nP02: The ferry again, the long drive.\n")
    p = proj.create(project_location, shipped=False)
    proj.add_framework(p, tmp_path / "fw.yaml")
    proj.import_transcripts(p, [tmp_path / T1, tmp_path / T2])
    lead = team.add_user(p, "lena", PW, role="lead")
    for name in ("ann", "bob"):
        team.add_user(p, name, PW + name, role="coder", actor="lena")
    team.add_user(p, "stu", PW + "stu", role="student", actor="lena")
    sv.suggest(p, "fw", FakeEmbedder(64), scheme=DEFAULT_SCHEME)
    team.assign(p, lead, T1, ["ann", "bob"])
    yield p, lead
    p.close()


# --- the action x role table, through the toolkit's entry points -----------------------------------------------------

ROLE_NAMES = {"owner": "solo", "lead": "lena", "coder": "ann", "student": "stu"}


def _entry_points(tmp_path):
    """One toolkit call per action of ``access.ACTIONS`` that the toolkit itself guards (the reading pages'
    actions are guarded by the app's navigation: ``test_app_team_pages.py``). Each takes (project, name, role)."""
    n = iter(range(1000))
    return {
        "project": lambda p, w, r: proj.set_model(p, None, actor=w),
        "frameworks": lambda p, w, r: proj.add_crosswalk(p, tmp_path / "missing.yaml", actor=w),
        "memo": lambda p, w, r: fam.add_memo(p, "a note", author=w, transcript=T1),
        "index": lambda p, w, r: dec.add_code(p, "fw", T1, 0, 10, "DIST", coder=w),
        "suggest": lambda p, w, r: sv.suggest(p, "fw", FakeEmbedder(64), scheme=DEFAULT_SCHEME, coder=w),
        "learn": lambda p, w, r: learning.learn(p, "fw", FakeEmbedder(64), coder=w, time_budget=1),
        "consensus": lambda p, w, r: consensus.record_agreed(p, {"coders": ("ann", "bob")}, actor=w),
        "refine": lambda p, w, r: ch.refine(p, "no-such-crosswalk", actor=w),
        "assign": lambda p, w, r: team.assign(p, team.User(w, r), T2, ["bob"]),
        "reveal": lambda p, w, r: team.reveal(p, team.User(w, r), T2),
        "users": lambda p, w, r: team.add_user(p, f"new{next(n)}", PW, actor=w),
        "teaching_mark": lambda p, w, r: team.mark_teaching(p, team.User(w, r), T2),
        "teaching_reset": lambda p, w, r: teaching.reset_student(p, "someone", teacher=w),
    }


PAGE_ONLY = {"familiarize", "agreement", "chart", "export", "map", "teach"}


def test_the_table_names_every_action_and_the_walk_covers_the_rest(tmp_path):
    assert set(_entry_points(tmp_path)) | PAGE_ONLY == set(access.ACTIONS)
    assert all(roles <= {"owner", "lead", "coder", "student"} for roles in access.ACTIONS.values())
    assert {a for a, roles in access.ACTIONS.items() if "coder" not in roles} >= {
        "frameworks", "refine", "assign", "reveal", "consensus", "users", "teaching_reset"}


@pytest.mark.parametrize("role", ["owner", "lead", "coder", "student"])
def test_every_action_is_allowed_exactly_to_the_roles_of_the_table(project, tmp_path, role):
    p, _ = project
    who = ROLE_NAMES[role]
    for action, call in _entry_points(tmp_path).items():
        allowed = role in access.ACTIONS[action]
        try:
            call(p, who, role)
            refused = False
        except PermissionDenied:
            refused = True
        except (ToolkitError, KeyError):  # allowed, then stopped by the input (no such crosswalk...)
            refused = False
        assert refused != allowed, f"{action} by a {role}: {'refused' if refused else 'allowed'}"


def test_a_disabled_account_may_do_nothing_and_a_coder_only_on_assigned_transcripts(project):
    p, _ = project
    with pytest.raises(PermissionDenied, match="not assigned"):
        dec.add_code(p, "fw", T2, 0, 10, "DIST", coder="ann")
    team.set_active(p, "bob", False, actor="lena")
    with pytest.raises(PermissionDenied, match="disabled"):
        dec.add_code(p, "fw", T1, 0, 10, "DIST", coder="bob")


# --- 2, 4: bulk accept and "most uncertain" on the asking coder's own decisions, assigned transcripts only -----------


def test_bulk_accept_and_review_queue_follow_the_asking_coders_own_decisions(project):
    p, lead = project
    code = "DIST"
    with p.read() as s:
        from toolkit.store import indexing as idb

        sug = idb.suggestions_frame(s, "fw", code_id=code)
        t1 = set(idb.passage_ids_of(s, [db.resolve_transcript(s, T1).id]))
    on_t1 = sug[sug["passage_id"].isin(t1)]
    assert len(on_t1) >= 2
    # alice (ann) decides two of them: accepts one, rejects the other
    a_acc, a_rej = int(on_t1["id"].iloc[0]), int(on_t1["id"].iloc[1])
    dec.accept(p, a_acc, coder="ann")
    dec.reject(p, a_rej, coder="ann")
    # bob's "most uncertain" and bulk accept see every one of them as open for him
    queue = sv.review_queue(p, "fw", scheme=DEFAULT_SCHEME, coder="bob", n=1000)
    assert set(on_t1["passage_id"]) <= set(queue["passage_id"])
    out = dec.bulk_accept(p, "fw", code, 0.0, coder="bob")
    with p.read() as s:
        bobs = db.codings_frame(s, framework_id="fw", coders=["bob"])
    assert out["accepted"] == len(on_t1) == len(bobs)  # ann's accept and reject skipped nothing
    assert set(bobs["transcript"]) == {T1}  # 4: nothing on T2, which bob is not assigned to
    assert {a_acc, a_rej} <= open_ids(p, "lena", "fw", T1)  # and the lead's own state is untouched
    # ann's own queue: her decided ones are not hers to review again
    mine = sv.review_queue(p, "fw", scheme=DEFAULT_SCHEME, coder="ann", n=1000)
    assert not {a_acc, a_rej} & set(mine["id"]) and len(mine)


def test_bulk_accept_in_a_single_file_uses_the_chosen_coders_own_state(tmp_path):
    (tmp_path / "fw.yaml").write_text(FW)
    (tmp_path / T1).write_text(TRANSCRIPT)
    p = proj.create(tmp_path / "solo.fa", shipped=False)
    proj.add_framework(p, tmp_path / "fw.yaml")
    proj.import_transcripts(p, tmp_path / T1)
    sv.suggest(p, "fw", FakeEmbedder(64), scheme=DEFAULT_SCHEME)
    with p.read() as s:
        from toolkit.store import indexing as idb

        sug = idb.suggestions_frame(s, "fw", code_id="DIST")
    dec.accept(p, int(sug["id"].iloc[0]), coder="alice")
    assert dec.bulk_accept(p, "fw", "DIST", 0.0, coder="bert")["accepted"] == len(sug)
    p.close()


# --- 1: the chart, its evidence picker and coverage -----------------------------------------------------------------


@pytest.fixture
def chart(tmp_path, project_location):
    p = make_project(tmp_path, location=project_location)
    lead = team.add_user(p, "lena", PW, role="lead")
    for name in ("ann", "bob"):
        team.add_user(p, name, PW + name, role="coder", actor="lena")
    yield p, lead
    p.close()


def test_chart_evidence_picker_and_coverage_are_blind_for_a_coder(chart):
    p, lead = chart
    t = "P01_gp_rural.txt"
    with p.read() as s:
        before = db.codings_frame(s, transcript_ids=[db.resolve_transcript(s, t).id])
    others = set(before["coder"])
    assert others and "bob" not in others
    team.assign(p, lead, t, ["ann", "bob"])
    m = ch.build_matrix(p, "lvi84", viewer="bob")
    assert not [q for c in m.cells.values() for q in c.quotes if q.transcript == t]
    assert "only bob's own codings" in m.evidence.describe()
    picked = evi.eligible_coders(p, viewer="bob")
    full = evi.eligible_coders(p, viewer="lena")
    n = {c["name"]: c["codings"] for c in picked}
    assert sum(n.values()) == sum(c["codings"] for c in full) - len(before)  # the blind transcript's are not counted
    for who in others:  # choosing another coder as evidence does not open the blind transcript either
        mm = ch.build_matrix(p, "lvi84", coders=[who], viewer="bob")
        assert not [q for c in mm.cells.values() for q in c.quotes if q.transcript == t]
    cov = ch.coverage(p, "lvi84", viewer="bob")
    assert int(cov.codes["passages"].sum()) < int(ch.coverage(p, "lvi84", viewer="lena").codes["passages"].sum())
    team.reveal(p, lead, t)
    assert [q for c in ch.build_matrix(p, "lvi84", viewer="bob").cells.values() for q in c.quotes
            if q.transcript == t]


# --- 6: memos --------------------------------------------------------------------------------------------------------


def test_memos_are_blind_and_a_coder_changes_only_their_own(project):
    p, _ = project
    a = fam.add_memo(p, "ann's hunch", author="ann", transcript=T1)
    lm = fam.add_memo(p, "the lead's plan", author="lena", transcript=T2)
    assert a not in set(fam.memos(p, viewer="bob")["id"])
    assert {a, lm} <= set(fam.memos(p, viewer="lena")["id"]) and a in set(fam.memos(p, viewer="ann")["id"])
    assert lm in set(fam.memos_table(p, viewer="bob")["id"])  # on a transcript nobody codes blind: seen
    with pytest.raises(PermissionDenied):
        fam.edit_memo(p, lm, "changed", author="bob")
    with pytest.raises(PermissionDenied):
        fam.delete_memo(p, lm, author="bob")
    fam.edit_memo(p, a, "ann's better hunch", author="ann")
    fam.delete_memo(p, a, author="lena")  # the lead may


# --- 3: sessions end when the account changes -----------------------------------------------------------------------


def test_a_session_ends_when_the_account_is_demoted_disabled_or_its_password_changes(project):
    p, _ = project
    for change in (lambda: team.set_role(p, "ann", "student", actor="lena"),
                   lambda: team.set_active(p, "ann", False, actor="lena"),
                   lambda: team.set_password(p, "ann", PW + "new", actor="lena")):
        team.set_active(p, "ann", True, actor="lena")
        team.set_role(p, "ann", "coder", actor="lena")
        team.set_password(p, "ann", PW + "ann", actor="lena")
        u = team.authenticate(p, "ann", PW + "ann")
        assert team.refresh(p, u) == u
        change()
        assert team.refresh(p, u) is None


# --- 7: students ------------------------------------------------------------------------------------------------------


def test_students_see_only_marked_transcripts_and_reset_only_their_own_work(project):
    p, lead = project
    assert team.teaching_transcripts(p) == []
    assert team.mark_teaching(p, lead, T2) is True and team.mark_teaching(p, lead, T2) is False
    assert team.teaching_transcripts(p) == [T2]
    with pytest.raises(PermissionDenied):
        team.mark_teaching(p, team.get_user(p, "stu"), T1)
    teaching.code_passage(p, "stu", T2, 0, 20, ["DIST"], framework="fw")
    teaching.code_passage(p, "sam", T2, 0, 20, ["DIST"], framework="fw")
    with pytest.raises(PermissionDenied):
        teaching.reset_student(p, "sam", teacher="stu")
    assert teaching.reset_student(p, "stu", teacher="stu") == 1
    assert teaching.reset_student(p, "sam", teacher="lena") == 1
    assert team.mark_teaching(p, lead, T2, on=False) is True and team.teaching_transcripts(p) == []


# --- 8: logins --------------------------------------------------------------------------------------------------------


def test_unknown_and_known_names_answer_alike_and_cost_one_hash_check(project, monkeypatch):
    from datetime import timedelta

    from toolkit.team import accounts

    p, _ = project
    calls = []
    real = accounts._verify
    monkeypatch.setattr(accounts, "_verify", lambda d, pw: calls.append(1) or real(d, pw))
    t0 = accounts.utcnow()
    answers = {}
    for name in ("bob", "nobody"):
        got = []
        for i in range(3):  # three wrong guesses in a row, the third while the wait after the second still runs
            calls.clear()
            try:
                team.authenticate(p, name, "wrong guess", now=t0 + timedelta(seconds=i * 0.3))
            except team.LoginError as e:
                got.append((type(e).__name__, str(e)))
            assert len(calls) == 1  # every answer, throttled or not, costs one argon2 check
        answers[name] = got
    assert answers["bob"] == answers["nobody"]
    assert answers["bob"][-1][0] == "LoginThrottled"


def test_guesses_from_elsewhere_never_lock_the_lead_out_and_unlock_clears_them(project):
    from datetime import timedelta

    from toolkit.team import accounts

    p, _ = project
    t0 = accounts.utcnow()
    for i in range(12):
        with pytest.raises(team.LoginError):
            team.authenticate(p, "lena", "guess", client="203.0.113.9", now=t0 + timedelta(seconds=i))
    with pytest.raises(team.LoginThrottled):
        team.authenticate(p, "lena", PW, client="203.0.113.9", now=t0 + timedelta(seconds=13))
    assert team.authenticate(p, "lena", PW, client="10.0.0.5", now=t0 + timedelta(seconds=13)).name == "lena"
    assert team.clear_throttle(p, "lena", actor="lena") == 1
    assert team.authenticate(p, "lena", PW, client="203.0.113.9", now=t0 + timedelta(seconds=14)).name == "lena"
    with pytest.raises(PermissionDenied):
        team.clear_throttle(p, "lena", actor="ann")


# --- Low items ----------------------------------------------------------------------------------------------------------


def test_a_coder_cannot_undo_another_coders_decision(project):
    p, _ = project
    sid = sorted(open_ids(p, "ann", "fw", T1))[0]
    dec.accept(p, sid, coder="ann")
    with p.read() as s:
        from toolkit.store import decisions as ddb

        did = int(ddb.decisions_frame(s, "fw", coders=["ann"])["id"].iloc[-1])
    with pytest.raises(PermissionDenied, match="another coder's"):
        dec.undo(p, did, coder="bob")
    dec.undo(p, did, coder="lena")  # the lead may


def test_undoing_an_accept_then_its_removal_leaves_no_coding(project):
    p, _ = project
    sid = sorted(open_ids(p, "ann", "fw", T1))[0]
    cid = dec.accept(p, sid, coder="ann")
    rem = dec.remove_code(p, cid, coder="ann")
    with p.read() as s:
        from toolkit.store import decisions as ddb

        acc = int(ddb.decisions_frame(s, "fw", coders=["ann"], kinds=["accept"])["id"].iloc[-1])
    dec.undo(p, acc, coder="ann")
    dec.undo(p, rem, coder="ann")
    assert cid not in seen_codings(p, "ann", "fw", T1)
    assert sid in open_ids(p, "ann", "fw", T1)


@pytest.mark.parametrize("bad", ["", "   ", "ann\tbob", "two\nlines", " padded"])
def test_an_empty_or_tabbed_coder_name_is_refused(project, bad):
    p, _ = project
    with pytest.raises(InputError, match="coder name"):
        dec.add_code(p, "fw", T2, 0, 10, "DIST", coder=bad)


def test_reasons_never_cite_a_transcript_the_asker_cannot_see(project):
    p, _ = project
    with p.transaction() as s:  # a reason citing T1 on a suggestion of T2 (as a run learned from ann's coding)
        from toolkit.store import indexing as idb
        from toolkit.store import schema as t

        t2 = idb.passage_ids_of(s, [db.resolve_transcript(s, T2).id])
        row = s.query(t.Suggestion).filter(t.Suggestion.passage_id.in_(t2), t.Suggestion.suggested.is_(True)).first()
        row.reason = dict(row.reason or {}, nearest_coded=[{"transcript": T1, "similarity": 0.9, "text": "x"}])
        sid = row.id
    team.assign(p, team.get_user(p, "lena"), T2, ["ann"])

    def reason(who):
        v = review.transcript_view(p, "fw", T2, who)
        return next(sg for x in v["passages"] for sg in x["suggestions"] if sg["id"] == sid)

    assert T1 in reason("lena")["reason"] and T1 in str(reason("lena")["detail"])
    assert T1 not in reason("ann")["reason"] and T1 not in str(reason("ann")["detail"])


def test_backup_to_a_missing_folder_creates_it(tmp_path):
    from toolkit.store import backup_project

    p = proj.create(tmp_path / "P.fa", shipped=False)
    p.close()
    out = backup_project(tmp_path / "P.fa", str(tmp_path / "copies") + "/")
    assert out == tmp_path / "copies" / "P.fa" and out.is_file()
    with pytest.raises(ToolkitError, match="no such folder"):
        backup_project(tmp_path / "P.fa", tmp_path / "nowhere" / "b.fa")


def test_a_killed_copy_leaves_nothing_that_blocks_the_retry(tmp_path, project_location):
    """``kill -9`` mid-copy: the target keeps the schema and no rows (the data is one transaction). It is refused as
    a project, and the retry replaces it."""
    from toolkit.store import create_empty
    from toolkit.store.copy import copy_project

    src = proj.create(tmp_path / "src.fa", shipped=False)
    src.close()
    half = create_empty(project_location)  # what the killed copy committed: the schema, not one row
    half.close()
    with pytest.raises(ToolkitError, match="unfinished"):
        open_project(project_location)
    rep = copy_project(tmp_path / "src.fa", project_location)
    assert rep.rows > 0
    open_project(project_location).close()

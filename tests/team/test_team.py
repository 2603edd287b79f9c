"""The team server's rules, on SQLite and PostgreSQL: accounts with argon2 hashes and no default password, failed
logins slowed down per account, roles, blind double coding (assign, own codings only, reveal), per-coder decisions
on suggestions, and chart summary saves that refuse a stale version (two sessions)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from team_kit import open_ids, seen_codings
from test_charting_common import make_project
from test_indexing_service import FW, TRANSCRIPT

from toolkit import charting as ch
from toolkit import project as proj
from toolkit import team
from toolkit.embed import FakeEmbedder
from toolkit.errors import ConflictError, InputError, PermissionDenied
from toolkit.indexing import decisions as dec
from toolkit.indexing import service as sv
from toolkit.indexing.units import DEFAULT_SCHEME
from toolkit.store import open_project
from toolkit.store import team as tdb
from toolkit.team.accounts import utcnow

PW = "correct horse battery"
T1 = "P01.txt"


def _team(p):
    lead = team.add_user(p, "lena", PW, role="lead")
    for name in ("ann", "bob"):
        team.add_user(p, name, PW + name, role="coder", actor="lena")
    team.add_user(p, "stu", PW + "stu", role="student", actor="lena")
    return lead


@pytest.fixture
def project(tmp_path, project_location):
    """A small indexing project (one transcript, three codes, suggestions made) and a team."""
    (tmp_path / "fw.yaml").write_text(FW)
    (tmp_path / T1).write_text(TRANSCRIPT)
    p = proj.create(project_location, shipped=False)
    proj.add_framework(p, tmp_path / "fw.yaml")
    proj.import_transcripts(p, tmp_path / T1)
    lead = _team(p)
    sv.suggest(p, "fw", FakeEmbedder(64), scheme=DEFAULT_SCHEME)
    yield p, lead
    p.close()


@pytest.fixture
def chart(tmp_path, project_location):
    """The small charting project (participants, codings of lvi84) and a team."""
    p = make_project(tmp_path, location=project_location)
    lead = _team(p)
    yield p, lead
    p.close()


def test_accounts_hash_passwords_and_refuse_weak_or_duplicate(project):
    p, _ = project
    with p.read() as s:
        row = tdb.account_for_update(s, "ann")
        assert row.password_hash.startswith("$argon2id$") and PW not in row.password_hash
    assert [u["name"] for u in team.users(p)] == ["ann", "bob", "lena", "stu"]
    with pytest.raises(InputError, match="at least 8"):
        team.add_user(p, "carl", "short")
    with pytest.raises(InputError, match="at least 8"):
        team.add_user(p, "carl", None)
    with pytest.raises(InputError, match="already exists"):
        team.add_user(p, "ann", PW)
    with pytest.raises(InputError, match="role must be"):
        team.add_user(p, "carl", PW, role="admin")
    assert team.authenticate(p, "ann", PW + "ann") == team.User("ann", "coder")
    with pytest.raises(team.LoginError, match="wrong name or password"):
        team.authenticate(p, "ann", PW)
    with pytest.raises(team.LoginError, match="wrong name or password"):
        team.authenticate(p, "nobody", PW)


def test_failed_logins_wait_longer_each_time_and_reset_on_success(project):
    p, _ = project
    t0 = utcnow()
    for i in range(4):  # each failure at the moment the previous wait ended
        with pytest.raises(team.LoginError) as e:
            team.authenticate(p, "bob", "guess", now=t0 + timedelta(seconds=2 ** i))
        assert not isinstance(e.value, team.LoginThrottled)
    assert [team.login_delay(n) for n in range(1, 6)] == [1, 2, 4, 8, 16]
    last = t0 + timedelta(seconds=8)
    # 4 failures: the next try, even with the right password, waits 8 s after the last failure, unchecked
    with pytest.raises(team.LoginThrottled) as e:
        team.authenticate(p, "bob", PW + "bob", now=last + timedelta(seconds=7))
    assert 0 < e.value.wait <= 1
    assert next(u for u in team.users(p) if u["name"] == "bob")["failed_logins"] == 4  # a throttled try is not a guess
    assert team.authenticate(p, "bob", PW + "bob", now=last + timedelta(seconds=8)).name == "bob"
    assert next(u for u in team.users(p) if u["name"] == "bob")["failed_logins"] == 0
    team.set_active(p, "bob", False, actor="lena")
    with pytest.raises(team.LoginError):
        team.authenticate(p, "bob", PW + "bob", now=last + timedelta(seconds=60))


def test_roles_limit_what_a_login_may_do(project):
    p, lead = project
    ann, stu = team.get_user(p, "ann"), team.get_user(p, "stu")
    assert stu.can("teach") and not stu.can("index") and not ann.can("assign") and lead.can("reveal")
    with pytest.raises(PermissionDenied):
        team.assign(p, ann, T1, ["bob"])
    with pytest.raises(PermissionDenied):
        team.reveal(p, ann, T1)
    team.assign(p, lead, T1, ["ann"])
    assert stu.role == "student"
    with pytest.raises(PermissionDenied):
        dec.add_code(p, "fw", T1, 0, 10, "DIST", coder="stu")
    with pytest.raises(PermissionDenied, match="not assigned"):
        dec.add_code(p, "fw", T1, 0, 10, "DIST", coder="bob")
    with pytest.raises(InputError, match="not a coder"):
        team.assign(p, lead, T1, ["stu"])


def test_blind_double_coding_until_the_lead_reveals(project):
    p, lead = project
    ann, bob = team.get_user(p, "ann"), team.get_user(p, "bob")
    assert team.assign(p, lead, T1, ["ann", "bob"]) == ["ann", "bob"]
    assert team.assign(p, lead, T1, ["ann"]) == []  # already assigned
    assert team.my_transcripts(p, ann) == [T1] and [a["coder"] for a in team.assignments(p, lead)] == ["ann", "bob"]
    sug = sorted(open_ids(p, "ann", "fw", T1))
    first, second = sug[0], sug[1]
    a1 = dec.accept(p, first, coder="ann")
    dec.reject(p, second, coder="ann")
    b1 = dec.accept(p, first, coder="bob")  # bob decides for himself: ann's decision does not block or show
    b2 = dec.add_code(p, "fw", T1, 10, 40, "WAIT", coder="bob")
    with pytest.raises(InputError, match="already coded"):
        dec.accept(p, first, coder="ann")
    assert first not in open_ids(p, "ann", "fw", T1) and second not in open_ids(p, "ann", "fw", T1)
    assert {first, second} <= open_ids(p, "lena", "fw", T1)  # the lead has not decided them
    assert second in open_ids(p, "bob", "fw", T1)  # ann's rejection does not show to bob
    # before the reveal: each coder sees only their own codings (asking for the others' changes nothing)
    assert seen_codings(p, "ann", "fw", T1) == {a1}
    assert seen_codings(p, "bob", "fw", T1) == {b1, b2}
    assert {a1, b1, b2} <= seen_codings(p, "lena", "fw", T1)
    assert team.reveal(p, lead, T1) is True
    # after: the other's committed codings show up on the next read, through a second session too
    other = open_project(p.path)
    assert {a1, b1, b2} <= seen_codings(other, "ann", "fw", T1)
    assert team.assignments(other, ann)[0]["revealed"] is True
    other.close()
    with p.read() as s:
        from toolkit.store import core as db

        coded = db.codings_frame(s, framework_id="fw")
    row = coded[coded["id"] == a1].iloc[0]
    assert row["coder"] == "ann" and row["origin"] == "suggestion" and row["score"] is not None
    assert bob.role == "coder"


def test_second_save_of_a_stale_summary_is_a_conflict(chart):
    p, lead = chart
    ann, bob = team.get_user(p, "ann"), team.get_user(p, "bob")
    m = ch.build_matrix(p, "lvi84")
    cell = next(c for c in m.cells.values() if c.quotes)
    assert cell.version == 0
    q = open_project(p.path)  # bob's own session, as a second app server process would have
    # both open the empty cell; ann saves first
    ch.set_summary(p, "lvi84", cell.participant, cell.column, "Ann's summary", author=ann.name, base_version=0)
    with pytest.raises(ConflictError, match="nothing was overwritten"):
        ch.set_summary(q, "lvi84", cell.participant, cell.column, "Bob's summary", author=bob.name, base_version=0)
    v1 = ch.build_matrix(q, "lvi84").cells[(cell.participant, cell.column)]
    assert v1.summary == "Ann's summary" and v1.version == 1
    # bob reloads, edits version 1; ann's later edit based on version 1 is now stale
    ch.set_summary(q, "lvi84", cell.participant, cell.column, "Bob's edit", author=bob.name, base_version=1)
    with pytest.raises(ConflictError):
        ch.set_summary(p, "lvi84", cell.participant, cell.column, "Ann again", author=ann.name, base_version=1)
    with pytest.raises(ConflictError):  # deleting a stale version is refused too
        ch.set_summary(p, "lvi84", cell.participant, cell.column, "", author=ann.name, base_version=1)
    now = ch.build_matrix(p, "lvi84").cells[(cell.participant, cell.column)]
    assert (now.summary, now.author, now.version) == ("Bob's edit", "bob", 2)
    q.close()


def test_simultaneous_saves_of_one_version_keep_exactly_one(chart):
    """Four sessions save the same version at the same moment: one wins, the others get a conflict."""
    p, _ = chart
    cell = next(c for c in ch.build_matrix(p, "lvi84").cells.values() if c.quotes)
    ch.set_summary(p, "lvi84", cell.participant, cell.column, "base", author="lena")
    projects = [open_project(p.path) for _ in range(4)]
    barrier, results = threading.Barrier(4), []

    def save(i):
        barrier.wait()
        try:
            ch.set_summary(projects[i], "lvi84", cell.participant, cell.column, f"text {i}", author=f"c{i}",
                           base_version=1)
            results.append(("ok", i))
        except ConflictError:
            results.append(("conflict", i))

    threads = [threading.Thread(target=save, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for q in projects:
        q.close()
    winners = [i for r, i in results if r == "ok"]
    assert len(results) == 4 and len(winners) == 1
    final = ch.build_matrix(p, "lvi84").cells[(cell.participant, cell.column)]
    assert final.summary == f"text {winners[0]}" and final.version == 2


def test_cli_user_assign_reveal_and_copy(project, tmp_path, monkeypatch, capsys):
    import io

    from toolkit.cli import main

    p, _ = project
    where = str(p.path)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["user", "add", where, "cara", "--role", "coder", "--password-stdin"]) == 0
    assert "added coder cara" in capsys.readouterr().out
    assert team.authenticate(p, "cara", "a long enough password").role == "coder"
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "add", where, "dan", "--password-stdin"]) == 2
    assert "at least 8" in capsys.readouterr().err
    assert main(["assign", where, T1, "cara", "ann", "--lead", "ann"]) == 2  # a coder cannot assign
    assert main(["assign", where, T1, "cara", "ann", "--lead", "lena"]) == 0
    assert main(["reveal", where, T1, "--lead", "lena"]) == 0
    assert main(["assignments", where]) == 0
    out = capsys.readouterr().out
    assert "cara" in out and "True" in out
    assert main(["copy", where, str(tmp_path / "copy.fa")]) == 0
    assert "content hashes of all" in capsys.readouterr().out
    q = open_project(tmp_path / "copy.fa")
    assert [a["coder"] for a in team.assignments(q, team.get_user(q, "lena"))] == ["ann", "cara"]
    assert team.authenticate(q, "cara", "a long enough password").name == "cara"  # hashes copied as they were
    q.close()


def test_chart_quotes_only_what_blind_coding_lets_a_coder_see(chart):
    p, lead = chart
    ann = team.get_user(p, "ann")
    team.assign(p, lead, "P01_gp_rural.txt", ["ann"])
    assert ann.role == "coder"
    m = ch.build_matrix(p, "lvi84", viewer="ann")
    blind = [q for c in m.cells.values() for q in c.quotes if q.transcript == "P01_gp_rural.txt"]
    assert not blind  # the reference coder's codings of the blind transcript are hidden (ann coded nothing yet)
    assert any(q.coder != "ann" for c in m.cells.values() for q in c.quotes)  # elsewhere the evidence as usual
    assert "only ann's own codings" in m.evidence.describe()
    assert any(q.transcript == "P01_gp_rural.txt" for c in ch.build_matrix(p, "lvi84", viewer="lena").cells.values()
               for q in c.quotes)
    team.reveal(p, lead, "P01_gp_rural.txt")
    assert any(q.transcript == "P01_gp_rural.txt" for c in ch.build_matrix(p, "lvi84", viewer="ann").cells.values()
               for q in c.quotes)


def test_a_coder_removes_only_own_codings(project):
    p, lead = project
    ann, bob = team.get_user(p, "ann"), team.get_user(p, "bob")
    team.assign(p, lead, T1, ["ann", "bob"])
    a = dec.add_code(p, "fw", T1, 10, 40, "WAIT", coder="ann")
    with pytest.raises(PermissionDenied, match="not bob's"):
        dec.remove_code(p, a, coder="bob")
    dec.remove_code(p, a, coder="ann")
    assert not seen_codings(p, "ann", "fw", T1) and ann.role == bob.role == "coder"


def test_a_coders_own_decisions_survive_the_next_suggestions_and_their_rejections_teach_it(project):
    """A coder's accept and reject are theirs (the one decision log): updating the suggestions must not delete them
    with the open rows, and a rejection is a label the suggester learns from."""
    p, lead = project
    team.assign(p, lead, T1, ["ann", "bob"])
    with p.read() as s:
        from toolkit.store import indexing as idb

        sug = idb.suggestions_frame(s, "fw")
    sug = sug[sug["id"].isin(open_ids(p, "ann", "fw", T1))]
    first = int(sug["id"].iloc[0])
    other = sug[sug["passage_id"] != sug["passage_id"].iloc[0]]  # on a passage ann leaves uncoded
    second = int(other["id"].iloc[0])
    dec.accept(p, first, coder="ann")
    dec.reject(p, second, coder="ann")
    rejected = other.iloc[0]
    Y = sv._frames(p, "fw", DEFAULT_SCHEME)
    pas = Y["pas"].reset_index(drop=True)
    row = int(pas.index[pas["id"] == int(rejected["passage_id"])][0])
    col = [c.id for c in Y["fw"].codes].index(rejected["code_id"])
    assert Y["Y"][row, col] == 0  # ann's rejection is a label
    before = open_ids(p, "bob", "fw", T1)
    sv.suggest(p, "fw", FakeEmbedder(64), scheme=DEFAULT_SCHEME, coder="lena")
    from toolkit.store import decisions as ddb

    with p.read() as s:
        mine = ddb.decisions_frame(s, "fw", coders=["ann"], active_only=True)
    assert set(zip(mine["suggestion_id"], mine["kind"], strict=True)) == {(first, "accept"), (second, "reject")}
    assert second not in open_ids(p, "ann", "fw", T1)  # still rejected for ann
    assert {first, second} & before <= open_ids(p, "bob", "fw", T1)  # bob still has them, under the same ids

"""Simultaneous writers, on SQLite and PostgreSQL (issue 28, defects 9 and 11): two and four programs doing the same
thing at the same moment (each with its own connection pool, as app sessions and CLI runs have) leave exactly one row
and never a raw ``IntegrityError``: one coder's accepts of one suggestion, cutting a transcript's passages after the
unit of analysis changed, ``user add`` of one name, ``assign`` and ``reveal`` of one transcript, and two ``suggest``
runs. Also: migration 0011 moves the team's old per-coder decisions into the one decision log."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import IntegrityError
from team_kit import open_ids
from test_indexing_service import FW, TRANSCRIPT

from toolkit import project as proj
from toolkit import team
from toolkit.embed import FakeEmbedder
from toolkit.errors import ConflictError, InputError
from toolkit.indexing import decisions as dec
from toolkit.indexing import review, workspace
from toolkit.indexing import service as sv
from toolkit.indexing.units import DEFAULT_SCHEME
from toolkit.store import core as db
from toolkit.store import open_project

PW = "correct horse battery"
T1 = "P01.txt"


@pytest.fixture
def project(tmp_path, project_location):
    (tmp_path / "fw.yaml").write_text(FW)
    (tmp_path / T1).write_text(TRANSCRIPT)
    p = proj.create(project_location, shipped=False)
    proj.add_framework(p, tmp_path / "fw.yaml")
    proj.import_transcripts(p, tmp_path / T1)
    lead = team.add_user(p, "lena", PW, role="lead")
    team.add_user(p, "ann", PW + "ann", role="coder", actor="lena")
    sv.suggest(p, "fw", FakeEmbedder(64), scheme=DEFAULT_SCHEME)
    yield p, lead
    p.close()


def _at_once(p, n: int, work) -> list[tuple[str, object]]:
    """Run ``work(project)`` in ``n`` threads, each with its own open project, released together by a barrier.
    Returns ("ok", result) or (exception type name, message) per writer."""
    projects = [open_project(p.path) for _ in range(n)]
    barrier, out, lock = threading.Barrier(n), [], threading.Lock()

    def run(q):
        barrier.wait()
        try:
            r = ("ok", work(q))
        except IntegrityError as e:  # never expected: counted so the assertion names it
            r = ("IntegrityError", str(e))
        except (InputError, ConflictError) as e:
            r = (type(e).__name__, str(e))
        with lock:
            out.append(r)

    threads = [threading.Thread(target=run, args=(q,)) for q in projects]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for q in projects:
        q.close()
    return out


@pytest.mark.parametrize("writers", [2, 4])
def test_one_coders_simultaneous_accepts_of_one_suggestion_make_one_coding(project, writers):
    p, lead = project
    team.assign(p, lead, T1, ["ann"])
    sid = sorted(open_ids(p, "ann", "fw", T1))[0]
    out = _at_once(p, writers, lambda q: dec.accept(q, sid, coder="ann"))
    assert [r for r, _ in out].count("ok") == 1, out
    assert all(r == "InputError" and "already coded" in m for r, m in out if r != "ok"), out
    with p.read() as s:
        cod = db.codings_frame(s, framework_id="fw", coders=["ann"])
    assert len(cod) == 1


@pytest.mark.parametrize("writers", [2, 4])
def test_one_coders_simultaneous_rejections_record_one_decision(project, writers):
    p, lead = project
    team.assign(p, lead, T1, ["ann"])
    sid = sorted(open_ids(p, "ann", "fw", T1))[0]
    out = _at_once(p, writers, lambda q: dec.reject(q, sid, coder="ann"))
    assert [r for r, _ in out].count("ok") == 1 and "IntegrityError" not in [r for r, _ in out], out
    from toolkit.store import decisions as ddb

    with p.read() as s:
        assert len(ddb.decisions_frame(s, "fw", coders=["ann"], kinds=["reject"])) == 1


@pytest.mark.parametrize("writers", [2, 4])
def test_opening_a_transcript_after_the_unit_changed_cuts_its_passages_once(project, writers):
    p, _ = project
    workspace.set_unit_of_analysis(p, "fw", "turn", actor="lena")
    out = _at_once(p, writers, lambda q: len(review.transcript_view(q, "fw", T1, "lena")["passages"]))
    assert [r for r, _ in out] == ["ok"] * writers, out
    assert len({n for _, n in out}) == 1
    from toolkit.store import indexing as idb

    with p.read() as s:
        pas = idb.passages_frame(s, "turn")
    assert len(pas) == out[0][1] and not pas.duplicated(["transcript_id", "start", "end"]).any()


@pytest.mark.parametrize("writers", [2, 4])
def test_simultaneous_user_add_of_one_name_makes_one_account(project, writers):
    p, _ = project
    out = _at_once(p, writers, lambda q: team.add_user(q, "carl", PW, actor="lena").name)
    assert [r for r, _ in out].count("ok") == 1, out
    assert all(r == "InputError" and "already exists" in m for r, m in out if r != "ok"), out
    assert [u["name"] for u in team.users(p)].count("carl") == 1


@pytest.mark.parametrize("writers", [2, 4])
def test_simultaneous_assign_and_reveal_store_one_row_each(project, writers):
    p, lead = project
    out = _at_once(p, writers, lambda q: team.assign(q, lead, T1, ["ann"]))
    assert [r for r, _ in out] == ["ok"] * writers, out
    assert sorted(len(x) for _, x in out) == [0] * (writers - 1) + [1]
    assert len(team.assignments(p, lead)) == 1
    out = _at_once(p, writers, lambda q: team.reveal(q, lead, T1))
    assert [r for r, _ in out] == ["ok"] * writers, out
    assert sorted(x for _, x in out) == [False] * (writers - 1) + [True]


def test_two_suggest_runs_at_once_end_cleanly(project):
    p, _ = project
    out = _at_once(p, 2, lambda q: sv.suggest(q, "fw", FakeEmbedder(64), scheme=DEFAULT_SCHEME,
                                               coder="lena")["suggestions"])
    assert all(r in ("ok", "ConflictError") for r, _ in out) and "ok" in [r for r, _ in out], out
    assert open_ids(p, "lena", "fw", T1)


def test_migration_0011_moves_the_team_decisions_into_the_decision_log(project_location, tmp_path):
    """A project at 0010 (before 0011) with per-coder rows in ``team_decision``: after the upgrade each is a ``decision`` row the
    app reads (its accept with the coding, its reject), and ``team_decision`` is gone."""
    import sqlalchemy as sa

    from toolkit.store.migrate import downgrade, upgrade

    (tmp_path / "fw.yaml").write_text(FW)
    (tmp_path / T1).write_text(TRANSCRIPT)
    p = proj.create(project_location, shipped=False)
    proj.add_framework(p, tmp_path / "fw.yaml")
    proj.import_transcripts(p, tmp_path / T1)
    sv.suggest(p, "fw", FakeEmbedder(64), scheme=DEFAULT_SCHEME)
    with p.read() as s:
        from toolkit.store import indexing as idb

        sug = idb.suggestions_frame(s, "fw")
    first, second = int(sug["id"].iloc[0]), int(sug["id"].iloc[1])
    cid = dec.add_code(p, "fw", T1, 0, 10, "DIST", coder="ann")  # stands for the accept's coding
    with p.transaction() as s:  # the old twin never wrote decision rows: start from none
        s.execute(sa.text("DELETE FROM decision"))
        ann = db.coder_id(s, "ann")
    downgrade(p.engine, "0010")
    with p.engine.begin() as c:
        c.execute(sa.text("INSERT INTO team_decision (suggestion_id, coder_id, status, coding_id, decided_at) "
                          "VALUES (:a, :c, 'accepted', :k, CURRENT_TIMESTAMP), (:b, :c, 'rejected', NULL, "
                          "CURRENT_TIMESTAMP)"), {"a": first, "b": second, "c": ann, "k": cid})
    upgrade(p.engine)
    p.engine.dispose()
    assert "team_decision" not in sa.inspect(p.engine).get_table_names()
    from toolkit.store import decisions as ddb

    with p.read() as s:
        d = ddb.decisions_frame(s, "fw", coders=["ann"])
    got = {(int(r.suggestion_id), r.kind, tuple(r.coding_ids)) for r in d.itertuples()}
    assert got == {(first, "accept", (cid,)), (second, "reject", ())}
    assert second not in open_ids(p, "ann", "fw", T1)  # ann's rejection is hers in the app's view
    p.close()

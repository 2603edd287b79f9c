"""A project in PostgreSQL: opening by URL, refusing what is not a project, and copying a project between an SQLite
file and PostgreSQL both ways with every row kept (row counts and content hashes compared)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from toolkit import project as proj
from toolkit.errors import ProjectError
from toolkit.store import Action, init_project, open_project, project_exists
from toolkit.store import core as db
from toolkit.store.copy import copy_project, fingerprint


def test_init_by_url_creates_the_database_and_reopens(pg_server):
    url = pg_server.new_url()
    assert not project_exists(url)
    p = init_project(url, name="Team study")
    assert p.engine.dialect.name == "postgresql" and p.path.stem == url.rsplit("/", 1)[1]
    p.close()
    q = open_project(url)
    with q.read() as s:
        assert db.get_setting(s, "name") == "Team study"
    q.close()
    with pytest.raises(ProjectError, match="not empty"):
        init_project(url)


def test_open_refuses_missing_and_foreign_databases(pg_server):
    with pytest.raises(ProjectError, match="no such database"):
        open_project(pg_server.new_url())
    with pytest.raises(ProjectError, match="not a toolkit project"):
        open_project(pg_server.url("postgres"))  # exists, has no project tables
    with pytest.raises(ProjectError, match="cannot reach"):
        open_project("postgresql://postgres@127.0.0.1:1/x")


def test_password_never_shown():
    from toolkit.store.backend import location

    loc = location("postgresql://ann:s3cret@127.0.0.1:5432/study")
    assert "s3cret" not in repr(loc) and "s3cret" not in loc.safe and "s3cret" in str(loc)
    assert loc.stem == "study"


def _project_with_everything(tmp_path, where):
    """The sample project plus rows in the tables the sample leaves empty (memos, summaries, embeddings...)."""
    from toolkit.sample import build_sample

    p = build_sample(where)
    with p.transaction(Action.MEMO_ADD) as s:
        tid = db.transcripts(s)[0]["id"]
        db.add_memo(s, text="Ünïcode memo — with 'quotes' and\nnewlines", author=db.coder_id(s, "ann"),
                    transcript_id=tid, start=0, end=5)
        from toolkit.store import schema as t

        s.add(t.Embedding(model="m", text_hash="h1", vector=bytes(range(256))))
        from toolkit.store import charting as cdb

        cdb.put_summary(s, framework_id="lvi84", participant_id=db.participants(s)[0]["id"],
                        code_pk=next(iter(db.code_pks(s, "lvi84").values())), text="A summary", status="draft",
                        origin="manual", quotes=[1, 2], sources=None, author_id=db.coder_id(s, "ann"))
    return p


@pytest.mark.slow
def test_copy_file_to_postgres_and_back_keeps_every_row(pg_server, tmp_path):
    src = _project_with_everything(tmp_path, tmp_path / "a.fa")
    before = fingerprint(src)
    src.close()
    url = pg_server.new_url()
    rep = copy_project(tmp_path / "a.fa", url)
    assert rep.tables == before and rep.rows > 1500
    assert rep.tables["coding"]["rows"] > 0 and rep.tables["memo"]["rows"] == 1
    pg = open_project(url)
    assert fingerprint(pg) == before
    # ids continue after the copied ones: a new coding gets a fresh id on PostgreSQL too
    with pg.transaction(Action.CODING_ADD) as s:
        c = db.codings_frame(s, with_text=False).iloc[0]
        new = db.add_coding(s, transcript_id=int(c["transcript_id"]), start=int(c["start"]), end=int(c["end"]),
                            code_pk=int(c["code_pk"]), coder=db.coder_id(s, "bob"), origin="manual")
    assert new == before["coding"]["rows"] + 1
    after_edit = fingerprint(pg)
    pg.close()
    back = copy_project(url, tmp_path / "b.fa")
    assert back.tables == after_edit
    b = open_project(tmp_path / "b.fa")
    assert proj.status(b)["codings"] == before["coding"]["rows"] + 1
    b.close()


def test_copy_refuses_an_existing_target_and_leaves_it(pg_server, tmp_path):
    a = init_project(tmp_path / "a.fa")
    a.close()
    url = pg_server.new_url()
    init_project(url).close()
    with pytest.raises(ProjectError, match="not empty"):
        copy_project(tmp_path / "a.fa", url)
    assert open_project(url).engine  # still there, still a project
    (tmp_path / "keep.fa").write_text("keep me")
    with pytest.raises(ProjectError, match="already exists"):
        copy_project(url, tmp_path / "keep.fa")
    assert (tmp_path / "keep.fa").read_text() == "keep me"


def test_failed_copy_leaves_no_target(pg_server, tmp_path, monkeypatch):
    a = init_project(tmp_path / "a.fa")
    with a.transaction() as s:
        db.coder_id(s, "ann")
    a.close()
    import toolkit.store.copy as cp

    original = cp._verify

    def lose_then_verify(src, dst):
        with dst.engine.begin() as c:
            c.execute(text("DELETE FROM coder"))
        return original(src, dst)

    monkeypatch.setattr(cp, "_verify", lose_then_verify)
    url = pg_server.new_url()
    with pytest.raises(ProjectError, match="table coder differs"):
        copy_project(tmp_path / "a.fa", url)
    assert not project_exists(url)


def test_failed_copy_into_an_existing_empty_database_leaves_it_empty(pg_server, tmp_path, monkeypatch):
    from toolkit.store import remove_project
    from toolkit.store.backend import create_database, location

    a = init_project(tmp_path / "a.fa")
    a.close()
    url = pg_server.new_url()
    create_database(location(url))  # made by the admin, empty, owned by the toolkit's role
    import toolkit.store.copy as cp

    monkeypatch.setattr(cp, "_verify", lambda src, dst: (_ for _ in ()).throw(ProjectError("boom")))
    with pytest.raises(ProjectError, match="boom"):
        copy_project(tmp_path / "a.fa", url)
    assert project_exists(url)  # the database stays, as empty as it was
    from sqlalchemy import inspect

    from toolkit.store.backend import postgres_engine

    eng = postgres_engine(location(url))
    assert inspect(eng).get_table_names() == []
    eng.dispose()
    remove_project(url)

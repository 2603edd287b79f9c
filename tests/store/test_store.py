"""The store: schema versioning, pragmas, transactions, and opening bad files."""

import sqlite3

import pytest
from sqlalchemy import inspect, text

from toolkit.errors import ProjectError
from toolkit.store import core as db
from toolkit.store import init_project, open_project
from toolkit.store.events import Action
from toolkit.store.migrate import current_revision, downgrade, head_revision, upgrade


def test_init_creates_head_schema_with_foreign_keys_and_wal(tmp_path):
    p = init_project(tmp_path / "a.fa", name="A")
    assert current_revision(p.engine) == head_revision()
    with p.engine.connect() as c:
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert c.execute(text("PRAGMA journal_mode")).scalar().lower() == "wal"
    with p.read() as s:
        assert db.get_setting(s, "name") == "A"
    p.close()


def test_init_refuses_to_overwrite(tmp_path):
    (tmp_path / "a.fa").write_text("keep me")
    with pytest.raises(ProjectError, match="already exists"):
        init_project(tmp_path / "a.fa")
    assert (tmp_path / "a.fa").read_text() == "keep me"


def test_open_rejects_missing_non_sqlite_and_foreign_sqlite(tmp_path):
    with pytest.raises(ProjectError, match="no such project"):
        open_project(tmp_path / "missing.fa")
    (tmp_path / "text.fa").write_text("hello")
    with pytest.raises(ProjectError, match="not an SQLite"):
        open_project(tmp_path / "text.fa")
    con = sqlite3.connect(tmp_path / "other.db")
    con.execute("create table x(a)")
    con.commit()
    con.close()
    with pytest.raises(ProjectError, match="not a toolkit project"):
        open_project(tmp_path / "other.db")


def test_migrations_downgrade_and_upgrade_round_trip(project_location):
    p = init_project(project_location)
    before = sorted(inspect(p.engine).get_table_names())
    downgrade(p.engine, "base")
    assert sorted(inspect(p.engine).get_table_names()) == ["alembic_version"]
    upgrade(p.engine)
    p.engine.dispose()
    assert sorted(inspect(p.engine).get_table_names()) == before
    assert current_revision(p.engine) == head_revision()
    p.close()


def test_open_older_schema_upgrades_after_backup(project_location, tmp_path):
    from alembic.script import ScriptDirectory

    from toolkit.store.migrate import _config

    revisions = [r.revision for r in ScriptDirectory.from_config(_config()).walk_revisions()]
    if len(revisions) < 2:
        pytest.skip("only one schema revision so far: nothing older to upgrade from")
    path = project_location
    p = init_project(path)
    with p.transaction(Action.CODING_ADD) as s:
        db.coder_id(s, "ann")
    downgrade(p.engine, revisions[1])  # the revision before head
    p.close()
    q = open_project(path)
    assert current_revision(q.engine) == head_revision()
    if not isinstance(path, str):  # a file is copied first; a database upgrades in one transaction
        assert (tmp_path / "p.fa.bak").is_file()
    with q.read() as s:
        assert [c["name"] for c in db.list_coders(s)] == ["ann"]
    q.close()


def test_transaction_rolls_back_everything_on_error_and_logs_events(project_location):
    p = init_project(project_location)
    with pytest.raises(RuntimeError):
        with p.transaction(Action.PARTICIPANTS_IMPORT) as s:
            db.upsert_participant(s, "P01", {"group": "GP"})
            raise RuntimeError("boom")
    with p.read() as s:
        assert db.participants(s) == []
        actions = list(db.events_frame(s)["action"])
    assert "participants.import" not in actions
    with p.transaction(Action.PARTICIPANTS_IMPORT, actor="ann") as s:
        db.upsert_participant(s, "P01", {"group": "GP"})
    with p.read() as s:
        ev = db.events_frame(s)
    assert ev.iloc[0]["action"] == "participants.import" and ev.iloc[0]["actor"] == "ann"
    p.close()


def test_foreign_keys_are_enforced(project_location):
    p = init_project(project_location)
    with pytest.raises(Exception, match="(?i)foreign key"):
        with p.engine.begin() as c:
            c.execute(text("INSERT INTO segment(transcript_id, idx, start, \"end\", role) VALUES (999, 0, 0, 1, 'x')"))
    p.close()

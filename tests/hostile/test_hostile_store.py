"""Bad project files and bad places: each gives one clear ProjectError and leaves the file as it was."""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event

from toolkit import project as proj
from toolkit.errors import ProjectError
from toolkit.sample import SAMPLE_DIR
from toolkit.store import backup_project, init_project, open_project
from toolkit.store import core as db
from toolkit.store.migrate import current_revision, downgrade, head_revision

ROOT = Path(__file__).resolve().parents[2]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _journal_mode(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        con.close()


def _new(tmp_path: Path, name: str = "p.fa") -> Path:
    path = tmp_path / name
    init_project(path).close()
    return path


def test_a_sqlite_file_with_only_some_tables_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "half.fa"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE project_info (key TEXT PRIMARY KEY, value TEXT)")
    con.execute("CREATE TABLE coder (id INTEGER PRIMARY KEY, name TEXT)")
    con.commit()
    con.close()
    before = _digest(path)
    with pytest.raises(ProjectError, match="not a toolkit project"):
        open_project(path)
    assert _digest(path) == before
    assert _journal_mode(path) == "delete"  # not switched to WAL
    assert not Path(f"{path}-wal").exists()


def test_a_project_missing_tables_at_the_current_schema_is_refused_as_damaged(tmp_path):
    path = _new(tmp_path)
    con = sqlite3.connect(path)
    con.execute("DROP TABLE memo")
    con.commit()
    con.close()
    before = _digest(path)
    with pytest.raises(ProjectError, match=r"damaged: table\(s\) memo are missing"):
        open_project(path)
    assert _digest(path) == before


def test_a_truncated_project_file_is_refused_as_damaged(sample_project_file, tmp_path):
    path = tmp_path / "cut.fa"
    data = sample_project_file.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ProjectError, match="damaged .*truncated"):
        open_project(path)
    assert path.read_bytes() == data[: len(data) // 2]
    path.write_bytes(data[:50])  # not even a whole header
    with pytest.raises(ProjectError, match="damaged"):
        open_project(path)


def test_a_project_from_a_newer_toolkit_is_refused_unchanged(tmp_path):
    path = _new(tmp_path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = _digest(path)
    with pytest.raises(ProjectError, match=r"newer version of the toolkit \(schema 9999"):
        open_project(path)
    assert _digest(path) == before


def test_a_failing_upgrade_leaves_the_half_made_file_as_it_was(tmp_path):
    """A project at schema 0001 that already holds an object the next migration creates: the upgrade fails half-way
    and everything it did is undone (one transaction, and the .bak to restore from)."""
    path = _new(tmp_path)
    p = open_project(path)
    downgrade(p.engine, "0001")
    p.close()
    con = sqlite3.connect(path)
    con.execute("CREATE INDEX ix_suggestion_framework_status ON suggestion (framework_id, status)")
    con.execute("CREATE TABLE half_made (x)")
    con.commit()
    con.close()

    def schema_of(path):
        con = sqlite3.connect(path)
        try:
            return sorted(con.execute("SELECT type, name, sql FROM sqlite_master").fetchall(), key=str)
        finally:
            con.close()

    before = schema_of(path)
    with pytest.raises(ProjectError, match=r"could not upgrade the project from schema 0001 .*file is unchanged"):
        open_project(path)
    assert schema_of(path) == before
    assert Path(f"{path}.bak").is_file()
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    assert current_revision(engine) == "0001" != head_revision()
    engine.dispose()


def test_disk_full_is_a_clear_error_and_the_action_is_undone(tmp_path):
    path = _new(tmp_path)
    p = open_project(path)
    p.engine.dispose()

    @event.listens_for(p.engine, "connect")
    def _small(dbapi_conn, _rec):  # SQLite itself reports SQLITE_FULL once the file would exceed this many pages
        dbapi_conn.execute(f"PRAGMA max_page_count={os.path.getsize(path) // 4096 + 2}")

    with pytest.raises(ProjectError, match="the disk is full; nothing of this action was saved"):
        proj.import_transcripts(p, SAMPLE_DIR / "P01_gp_rural.txt")
    p.engine.dispose()
    event.remove(p.engine, "connect", _small)
    assert proj.status(p)["transcripts"] == 0
    p.close()


@pytest.fixture
def small_mount(tmp_path):
    """A 3 MB tmpfs (needs root and CAP_SYS_ADMIN; skipped elsewhere)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb") as fh:  # fill the disk to the last block
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    return filler


def test_a_really_full_disk_is_a_clear_error(small_mount, tmp_path):
    path = small_mount / "p.fa"
    shutil.copy2(_new(tmp_path), path)
    p = open_project(path)
    assert proj.status(p)["transcripts"] == 0
    filler = _fill(small_mount)  # the disk fills up while the project is open
    with pytest.raises(ProjectError, match="disk is full"):
        proj.import_transcripts(p, SAMPLE_DIR / "P01_gp_rural.txt")
    p.close()
    with open_project(path) as p, pytest.raises(ProjectError, match="disk is full"):  # reopened: reads, no writes
        proj.import_transcripts(p, SAMPLE_DIR / "P01_gp_rural.txt")
    filler.unlink()
    with open_project(path) as p:
        assert proj.status(p)["transcripts"] == 0


def test_a_read_only_project_is_a_clear_error(small_mount, tmp_path):
    shutil.copy2(_new(tmp_path), small_mount / "p.fa")
    subprocess.run(["mount", "-o", "remount,ro", str(small_mount)], check=True)
    with pytest.raises(ProjectError, match="read-only"):
        p = open_project(small_mount / "p.fa")
        with p.transaction() as s:
            db.set_setting(s, "a", "b")
    with pytest.raises(ProjectError, match="read-only"):
        init_project(small_mount / "new.fa")


def test_a_read_only_project_file_is_a_clear_error_for_a_normal_user(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes read-only files (covered by the read-only mount test)")
    path = _new(tmp_path)
    path.chmod(0o444)
    with pytest.raises(ProjectError, match="read-only"):
        p = open_project(path)
        with p.transaction() as s:
            db.set_setting(s, "a", "b")


def test_backup_copies_what_is_still_in_the_wal(tmp_path):
    path = _new(tmp_path)
    p = open_project(path)
    with p.engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
    with p.transaction() as s:
        db.set_setting(s, "only_in_wal", "yes")
    assert Path(f"{path}-wal").stat().st_size > 0
    plain = tmp_path / "plain.fa"
    shutil.copy2(path, plain)  # what copying the file alone gives
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "toolkit", "backup", str(path), str(tmp_path / "copy.fa")], cwd=ROOT,
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    p.close()
    con = sqlite3.connect(plain)
    assert con.execute("SELECT value FROM project_info WHERE key='only_in_wal'").fetchone() is None
    con.close()
    q = open_project(tmp_path / "copy.fa")
    with q.read() as s:
        assert db.get_setting(s, "only_in_wal") == "yes"
    q.close()
    with pytest.raises(ProjectError, match="already exists"):
        backup_project(path, tmp_path / "copy.fa")
    (tmp_path / "foreign.db").write_bytes(b"SQLite format 3\x00" + b"\0" * 84)
    with pytest.raises(ProjectError):
        backup_project(tmp_path / "foreign.db", tmp_path / "x.fa")
    assert not (tmp_path / "x.fa").exists()

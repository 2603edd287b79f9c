"""Two or more programs writing to one project at once: nothing lost, no crash, a clear message when busy."""

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from toolkit.errors import ProjectError
from toolkit.sample import SAMPLE_DIR
from toolkit.store import core as db
from toolkit.store import open_project
from toolkit.store.safety import busy_timeout

ROOT = Path(__file__).resolve().parents[2]
REF = SAMPLE_DIR / "reference_indexing.csv"

# each writer waits for the start flag, so all of them hit the project at the same moment
WRITER = """
import json, os, sys, time
from pathlib import Path
flag = Path(sys.argv[3])
while not flag.exists():
    time.sleep(0.005)
from toolkit.project import import_codings
from toolkit.store import open_project
p = open_project(sys.argv[1])
n = import_codings(p, sys.argv[2], framework="lvi84", coder="newcoder")
p.close()
print(json.dumps({"added": int(n), "skipped": n.skipped}))
"""


def _rows() -> tuple[list[str], list[dict]]:
    with REF.open(newline="", encoding="utf-8") as fh:
        r = csv.DictReader(fh)
        return list(r.fieldnames), list(r)


def _write(path: Path, fields: list[str], rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fields)
        w.writeheader()
        w.writerows(rows)
    return path


def _run_writers(project: Path, files: list[Path], tmp_path: Path) -> list[dict]:
    flag = tmp_path / "go"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(project), str(f), str(flag)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]
    time.sleep(1.5)  # let every interpreter start and wait at the flag
    flag.touch()
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr
        out.append(json.loads(stdout.strip().splitlines()[-1]))
    return out


def _count(project: Path, coder: str = "newcoder") -> tuple[int, int]:
    p = open_project(project)
    with p.read() as s:
        n = len(db.codings_frame(s, coders=[coder]))
        coders = [c["name"] for c in db.list_coders(s)].count(coder)
    p.close()
    return n, coders


@pytest.fixture
def project_copy(sample_project_file, tmp_path):
    dst = tmp_path / "shared.fa"
    shutil.copy2(sample_project_file, dst)
    return dst


@pytest.mark.parametrize("writers", [2, 4])
def test_concurrent_imports_under_one_new_coder_keep_every_row(project_copy, tmp_path, writers):
    fields, rows = _rows()
    parts = [_write(tmp_path / f"part{i}.csv", fields, rows[i::writers]) for i in range(writers)]
    results = _run_writers(project_copy, parts, tmp_path)
    assert sum(r["added"] for r in results) == len(rows) == 646
    assert _count(project_copy) == (len(rows), 1)  # every row kept, the coder created once


def test_the_same_file_imported_by_four_writers_at_once_lands_once(project_copy, tmp_path):
    results = _run_writers(project_copy, [REF] * 4, tmp_path)
    assert sorted(r["added"] for r in results) == [0, 0, 0, 646]
    assert sorted(r["skipped"] for r in results) == [0, 646, 646, 646]
    assert _count(project_copy) == (646, 1)


def test_busy_timeout_is_at_least_30_seconds(sample_project):
    assert busy_timeout() >= 30
    with sample_project.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 30000


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO project_info(key, value) VALUES ('holder', 'x')")
    return con


def test_a_long_write_elsewhere_gives_a_clear_busy_message(project_copy, monkeypatch):
    monkeypatch.setenv("FA_BUSY_TIMEOUT", "0.5")
    p = open_project(project_copy)
    holder = _hold_write_lock(project_copy)
    try:
        with pytest.raises(ProjectError, match="the project is busy: another program is writing to it"):
            with p.transaction() as s:
                db.set_setting(s, "x", "1")
        # and from the command line: one line, no traceback
        env = dict(os.environ, PYTHONPATH=str(ROOT), FA_BUSY_TIMEOUT="0.5")
        r = subprocess.run([sys.executable, "-m", "toolkit", "codings", "import", str(project_copy), str(REF),
                            "--framework", "lvi84", "--coder", "other"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 2
        assert "the project is busy: another program is writing to it" in r.stderr
        assert "Traceback" not in r.stderr and "database is locked" not in r.stderr
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    p.close()
    assert _count(project_copy, "other") == (0, 0)


def test_a_writer_waits_for_a_short_write_elsewhere_instead_of_failing(project_copy):
    p = open_project(project_copy)
    holder = _hold_write_lock(project_copy)

    def release():
        time.sleep(1.0)
        holder.execute("COMMIT")

    t = threading.Thread(target=release)
    t.start()
    with p.transaction() as s:
        db.set_setting(s, "after", "yes")
    t.join()
    holder.close()
    with p.read() as s:
        assert db.get_setting(s, "holder") == "x" and db.get_setting(s, "after") == "yes"
    p.close()

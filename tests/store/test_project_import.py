"""Project-level import: transcripts, attributes, codings CSV; all-or-nothing on bad input."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from toolkit import project as proj
from toolkit.errors import InputError, NotFoundError
from toolkit.store import core as db
from toolkit.store import open_project

FW = """\
kind: framework
id: fw
name: Test framework
categories:
  - id: C
    label: Cat
    codes:
      - {id: ACC, label: Access, definition: Access to imaging}
      - {id: EXP, label: Expectations, definition: Patients expect a scan}
"""


@pytest.fixture
def study(tmp_path, project_location):
    d = tmp_path / "study"
    d.mkdir()
    (d / "P01_gp.txt").write_text("I: What drives imaging?\nP01: Patients expect an MR, they ask for it.\n\n"
                                  "I: And access?\nP01: The scanner is close, so we use it.\n", encoding="utf-8")
    (d / "P02_rad.txt").write_text("Interviewer: Tell me.\nRadiologist: Referrals lack information.\n",
                                   encoding="cp1252")
    (d / "interview_guide.md").write_text("# Guide\n\nQuestions.\n")
    (d / "participants.csv").write_text("id,group,setting,transcript\nP01,GP,rural,P01_gp.txt\n"
                                        "P02,radiologist,urban,P02_rad.txt\n")
    (tmp_path / "fw.yaml").write_text(FW)
    p = proj.create(project_location, shipped=False)
    proj.add_framework(p, tmp_path / "fw.yaml")
    yield p, d
    p.close()


def snapshot(p):
    with p.read() as s:
        return (db.participants(s), [(t["name"], t["segments"]) for t in db.transcripts(s)],
                db.count(s, "segment"), db.count(s, "coding"))


def test_import_folder_with_attributes(study):
    p, d = study
    rep = proj.import_transcripts(p, d, attributes=d / "participants.csv")
    assert rep.transcripts == ["P01_gp.txt", "P02_rad.txt"] and rep.left_out == ["interview_guide.md"]
    with p.read() as s:
        ts = {t["name"]: t for t in db.transcripts(s)}
        assert ts["P01_gp.txt"]["participant_id"] == "P01" and ts["P02_rad.txt"]["participant_id"] == "P02"
        assert ts["P01_gp.txt"]["segments"] == 4
        parts = {x["id"]: x for x in db.participants(s)}
        assert parts["P02"]["group"] == "radiologist" and parts["P01"]["setting"] == "rural"
        seg = db.segments_frame(s)
    p01 = seg[seg.transcript == "P01_gp.txt"]
    assert list(p01.role) == ["interviewer", "participant", "interviewer", "participant"]
    assert p01.iloc[1].text == "Patients expect an MR, they ask for it."
    # re-importing the same files changes nothing
    again = proj.import_transcripts(p, d)
    assert again.transcripts == [] and sorted(again.skipped) == ["P01_gp.txt", "P02_rad.txt"]


def test_failed_folder_import_imports_nothing(study):
    p, d = study
    (d / "P03_broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    before = snapshot(p)
    with pytest.raises(InputError, match="P03_broken.docx"):
        proj.import_transcripts(p, d, attributes=d / "participants.csv")
    assert snapshot(p) == before


def test_duplicate_participants_refused_with_row(study):
    p, d = study
    (d / "dup.csv").write_text("id,group\nP01,GP\nP01,radiologist\n")
    before = snapshot(p)
    with pytest.raises(InputError, match=r"dup.csv.*row 3"):
        proj.import_transcripts(p, d, attributes=d / "dup.csv")
    assert snapshot(p) == before


def write_codings(path, rows):
    lines = ["transcript,participant,start,end,text,code,coder"] + [",".join(map(str, r)) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_codings_csv_round_trip_and_mismatch_refused(study, tmp_path):
    p, d = study
    proj.import_transcripts(p, d, attributes=d / "participants.csv")
    with p.read() as s:
        text = db.transcript_text(s, db.transcript_by_name(s, "P01_gp.txt").id)
    a = text.index("Patients expect an MR")
    b = a + len("Patients expect an MR")
    c = text.index("The scanner is close")
    good = tmp_path / "good.csv"
    write_codings(good, [("P01_gp.txt", "P01", a, b, "Patients expect an MR", "EXP", "ann"),
                         ("P01_gp.txt", "P01", c, c + 20, "The scanner is close", "ACC", "ann")])
    assert proj.import_codings(p, good, framework="fw") == 2
    out = tmp_path / "out.csv"
    assert proj.export_codings(p, out) == 2
    exported = out.read_text().splitlines()
    assert exported[1].startswith(f"P01_gp.txt,P01,{a},{b},Patients expect an MR,EXP,ann")
    with p.read() as s:
        df = db.codings_frame(s)
    assert set(df.origin) == {"imported"} and set(df.coder) == {"ann"}

    bad = tmp_path / "bad.csv"
    write_codings(bad, [("P01_gp.txt", "P01", c, c + 20, "The scanner is close", "ACC", "bob"),
                        ("P01_gp.txt", "P01", a, b, "Patients expect an XR", "EXP", "bob")])
    before = snapshot(p)
    with pytest.raises(InputError, match=r"bad.csv, row 3: text does not match"):
        proj.import_codings(p, bad, framework="fw")
    unknown = tmp_path / "unknown.csv"
    write_codings(unknown, [("P01_gp.txt", "P01", a, b, "Patients expect an MR", "NOPE", "bob")])
    with pytest.raises(InputError, match=r"row 2: unknown code 'NOPE'"):
        proj.import_codings(p, unknown, framework="fw")
    with pytest.raises(NotFoundError, match="no framework 'nofw'"):
        proj.import_codings(p, good, framework="nofw")
    assert snapshot(p) == before


KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    from toolkit import project as proj
    from toolkit.store import core as db, open_project
    real = db.add_transcript
    calls = []
    def slow(*a, **k):
        out = real(*a, **k)
        calls.append(1)
        if len(calls) == 1:
            print("WRITING", flush=True)
            time.sleep(60)
        return out
    db.add_transcript = slow
    proj.import_transcripts(open_project(sys.argv[1]), sys.argv[2], attributes=sys.argv[3])
""")


def test_killed_process_mid_import_leaves_project_unchanged(study):
    p, d = study
    before = snapshot(p)
    p.close()
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(p.path), str(d), str(d / "participants.csv")],
                            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert proc.stdout.readline().strip() == "WRITING"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    q = open_project(p.path)
    if q.engine.dialect.name == "sqlite":
        with q.engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert snapshot(q) == before
    q.close()

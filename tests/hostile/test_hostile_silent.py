"""What used to be accepted silently is now said: duplicates, re-imports, unknown participants, disordered cues, a
participant column that disagrees."""

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit import project as proj
from toolkit.errors import InputError
from toolkit.ingest import read_transcript
from toolkit.sample import SAMPLE_DIR
from toolkit.store import core as db

ROOT = Path(__file__).resolve().parents[2]
REF = SAMPLE_DIR / "reference_indexing.csv"


@pytest.fixture
def empty(tmp_path):
    p = proj.create(tmp_path / "p.fa", shipped=False)
    yield p
    p.close()


def test_the_same_content_under_another_name_is_refused_unless_allowed(empty, tmp_path):
    a = tmp_path / "P01_first.txt"
    a.write_text("Interviewer: How far is the scanner?\nP01: Two hours by car.\n", encoding="utf-8")
    b = tmp_path / "P01_copy.txt"
    shutil.copy(a, b)
    proj.import_transcripts(empty, a)
    with pytest.raises(InputError, match=r"P01_copy.txt: the same content is already in the project as "
                                         r"'P01_first.txt'; .*allow_duplicates=True \(--allow-duplicates\)"):
        proj.import_transcripts(empty, b)
    assert proj.status(empty)["transcripts"] == 1
    folder = tmp_path / "both"
    folder.mkdir()
    shutil.copy(a, folder / "P02_a.txt")
    shutil.copy(a, folder / "P02_b.txt")
    with pytest.raises(InputError, match=r"P02_b.txt: the same content as P02_a.txt in this import"):
        proj.import_transcripts(empty, folder)
    assert proj.status(empty)["transcripts"] == 1
    rep = proj.import_transcripts(empty, b, allow_duplicates=True)
    assert rep.transcripts == ["P01_copy.txt"]
    again = proj.import_transcripts(empty, a)  # the same file again: already there, skipped as before
    assert again.skipped == ["P01_first.txt"]


def test_cli_allow_duplicates(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    a = tmp_path / "P01.txt"
    a.write_text("Interviewer: Hi?\nP01: Hello there.\n", encoding="utf-8")
    shutil.copy(a, tmp_path / "P01_again.txt")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)

    assert run("init", str(tmp_path / "p.fa"), "--no-shipped").returncode == 0
    assert run("import", str(tmp_path / "p.fa"), str(a)).returncode == 0
    r = run("import", str(tmp_path / "p.fa"), str(tmp_path / "P01_again.txt"))
    assert r.returncode == 2 and "the same content is already in the project" in r.stderr
    assert "Traceback" not in r.stderr
    r = run("import", str(tmp_path / "p.fa"), str(tmp_path / "P01_again.txt"), "--allow-duplicates")
    assert r.returncode == 0 and "imported 1 transcript" in r.stdout


def test_reimporting_a_codings_csv_adds_nothing(sample_project):
    n1 = proj.import_codings(sample_project, REF, framework="lvi84", coder="again")
    n2 = proj.import_codings(sample_project, REF, framework="lvi84", coder="again")
    assert (int(n1), n1.skipped) == (646, 0)
    assert (int(n2), n2.skipped) == (0, 646)
    with sample_project.read() as s:
        assert len(db.codings_frame(s, coders=["again"])) == 646
    # the reference coder's own file, imported under its own name again: nothing added either
    n3 = proj.import_codings(sample_project, REF, framework="lvi84")
    assert (int(n3), n3.skipped) == (0, 646)


def test_a_participant_column_that_disagrees_with_the_transcript_is_refused(sample_project, tmp_path):
    with REF.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows[4]["participant"] = "P07"  # row 6 of the file; the transcript is someone else's
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(InputError, match=rf"bad.csv, row 6: participant 'P07' disagrees with transcript "
                                         rf"'{rows[4]['transcript']}', which belongs to '{rows[4]['transcript'][:3]}'"):
        proj.import_codings(sample_project, bad, framework="lvi84", coder="x")
    with sample_project.read() as s:
        assert len(db.codings_frame(s, coders=["x"])) == 0


def test_attributes_of_unknown_participants_are_warned_about_not_created(empty, tmp_path):
    t = tmp_path / "P01_gp.txt"
    t.write_text("Interviewer: Hi?\nP01: Hello.\n", encoding="utf-8")
    attrs = tmp_path / "participants.csv"
    attrs.write_text("id,group\nP01,GP\nP99,ghost\n", encoding="utf-8")
    rep = proj.import_transcripts(empty, t, attributes=attrs)  # the study's participant list: kept, but said
    assert rep.participants == ["P01", "P99"]
    assert any("participant 'P99' has no transcript in the project or this import (yet)" in w for w in rep.warnings)
    more = tmp_path / "more.csv"
    more.write_text("id,group\nP01,GP (rural)\nP98,ghost\n", encoding="utf-8")
    rep = proj.import_attributes(empty, more)
    assert rep.participants == ["P01"]
    assert rep.warnings == ["more.csv: no participant 'P98' in the project (import the transcripts first, or name "
                            "the transcript in a `transcript` column); not added"]
    with empty.read() as s:
        assert [p["id"] for p in db.participants(s)] == ["P01", "P99"]  # no P98
        assert db.participants(s)[0]["group"] == "GP (rural)"


SRT = """\
1
00:00:01,000 --> 00:00:04,000
Interviewer: How far is the nearest scanner?

2
00:00:03,500 --> 00:00:09,000
Ola: About two hours by car, and a ferry.

3
00:00:02,000 --> 00:00:03,000
Interviewer: And in winter?

4
00:00:10,000 --> 00:00:12,000
Ola: Longer.
"""


def test_disordered_and_overlapping_subtitle_cues_are_warned_about(tmp_path, empty):
    f = tmp_path / "P05.srt"
    f.write_text(SRT, encoding="utf-8")
    pt = read_transcript(f)
    assert any("1 .srt cue(s) start before the cue above them (first at 00:00:02)" in w for w in pt.warnings)
    assert any("1 .srt cue(s) overlap the cue above them (first at 00:00:03)" in w for w in pt.warnings)
    rep = proj.import_transcripts(empty, f)
    assert any(w.startswith("P05.srt: 1 .srt cue(s) start before") for w in rep.warnings)
    ok = tmp_path / "P06.srt"
    ok.write_text(SRT.replace("00:00:02,000 --> 00:00:03,000", "00:00:09,000 --> 00:00:09,500")
                  .replace("00:00:03,500 --> 00:00:09,000", "00:00:04,000 --> 00:00:09,000"), encoding="utf-8")
    assert not [w for w in read_transcript(ok).warnings if "cue(s)" in w]

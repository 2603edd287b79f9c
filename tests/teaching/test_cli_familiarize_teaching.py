"""The command line at parity with the Familiarize and Teaching pages and the Project page's model setting:
``kwic``, ``terms``, ``memo add/list/edit/delete``, ``teach ...``, ``model show/set``. Effects are read back through
the toolkit, not from the commands' own output alone."""

from __future__ import annotations

import csv
import shutil

import pytest

from toolkit import familiarize as fam
from toolkit import settings, teaching
from toolkit.cli import main
from toolkit.store import open_project

TR = "P01_gp_rural.txt"


@pytest.fixture
def fa(sample_project_file, tmp_path) -> str:
    dst = tmp_path / "sample.fa"
    shutil.copy2(sample_project_file, dst)
    return str(dst)


def test_kwic_prints_and_writes_the_hits_of_the_toolkit(fa, tmp_path, capsys):
    assert main(["kwic", fa, "waiting list", "--window", "20"]) == 0
    lines = capsys.readouterr().out.splitlines()
    with open_project(fa) as p:
        hits = fam.kwic(p, "waiting list", window=20)
    assert len(hits) > 3 and lines[-1] == f"{len(hits)} hit(s)"
    assert all("[waiting list" in line.lower() for line in lines[:-1]) and len(lines) == len(hits) + 1
    out = tmp_path / "kwic.csv"
    assert main(["kwic", fa, "waiting", "--role", "interviewer", "--csv", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    with open_project(fa) as p:
        interviewer = fam.kwic(p, "waiting", roles=("interviewer",))
    assert len(rows) == len(interviewer) and all(r["match"].lower().startswith("waiting") for r in rows)


def test_kwic_refuses_a_bad_pattern(fa, capsys):
    assert main(["kwic", fa, "(unclosed", "--regex"]) == 2
    assert "invalid search pattern" in capsys.readouterr().err


def test_terms_by_group_one_line_per_group(fa, capsys):
    assert main(["terms", fa, "--by", "group", "--top", "4"]) == 0
    out = capsys.readouterr().out.splitlines()
    with open_project(fa) as p:
        expected = fam.distinctive_terms(p, by="group", top=4)
    groups = sorted(expected["group"].unique())
    assert out[0].split() == ["group", "terms"] and len(out) == 1 + len(groups)
    for g, line in zip(groups, out[1:], strict=True):
        assert line.startswith(g) and line.split(None, len(g.split()))[-1].strip() == ", ".join(
            expected[expected["group"] == g]["term"])
    assert main(["terms", fa, "--by", "no_such_attribute"]) == 2
    assert "unknown attribute" in capsys.readouterr().err


def test_teach_exercise_from_the_command_line(fa, capsys):
    assert main(["teach", "steps"]) == 0
    steps = capsys.readouterr().out
    assert all(s.title in steps for s in teaching.STEPS) and teaching.SOURCE in steps
    assert main(["teach", "passages", fa, TR]) == 0
    with open_project(fa) as p:
        units = teaching.passages(p, TR)
    assert len(capsys.readouterr().out.splitlines()) == 1 + len(units)
    first = units.iloc[0]
    start, end = str(int(first["start"])), str(int(first["end"]))

    assert main(["teach", "code", fa, TR, start, end, "ORG01", "ORG02", "--student", "kari"]) == 0
    assert main(["teach", "code", fa, TR, start, end, "ORG02", "--student", "kari"]) == 0
    assert "0 code(s) added, 1 removed" in capsys.readouterr().out
    with open_project(fa) as p:
        assert teaching.student_codes(p, "kari", TR) == {(int(start), int(end)): ["ORG02"]}
        assert teaching.students(p) == ["student:kari"]
    assert main(["teach", "students", fa]) == 0
    assert capsys.readouterr().out.strip() == "student:kari"

    assert main(["teach", "feedback", fa, TR, "--student", "kari"]) == 0
    out = capsys.readouterr().out
    with open_project(fa) as p:
        fb = teaching.feedback(p, "kari", TR)
    assert f"{fb['units']} passages of {TR}" in out
    assert f"{fb['overall']['pooled_positive']:.0%}" in out and "ORG02" in out  # positive agreement, not 98 %
    assert out.splitlines()[-1] == f"{len(fb['disagreements'])} passage(s) where the codes differ"

    assert main(["teach", "reset", fa, "--student", "kari", "--teacher", "tove"]) == 0
    assert "removed 1 coding(s) and the exercise work of student:kari" in capsys.readouterr().out
    with open_project(fa) as p:
        assert teaching.student_codes(p, "kari", TR) == {}


def test_teach_code_refuses_unknown_codes(fa, capsys):
    assert main(["teach", "code", fa, TR, "1584", "1649", "ORG01", "NOPE", "--student", "kari"]) == 2
    assert "NOPE" in capsys.readouterr().err
    with open_project(fa) as p:
        assert teaching.students(p) == []


def test_model_show_and_set(fa, tmp_path, capsys):
    from toolkit.embed import DEFAULT_MODEL

    assert main(["model", "show", fa]) == 0
    assert DEFAULT_MODEL in capsys.readouterr().out
    folder = tmp_path / "my-model"
    folder.mkdir()
    assert main(["model", "set", fa, str(folder), "--actor", "ann"]) == 0
    with open_project(fa) as p:
        assert settings.model_choice(p).model == str(folder.resolve())
    assert main(["model", "show", fa]) == 0
    assert str(folder.resolve()) in capsys.readouterr().out
    assert main(["model", "set", fa, str(tmp_path / "missing")]) == 2
    assert "not a local model directory" in capsys.readouterr().err
    with open_project(fa) as p:
        assert settings.model_choice(p).model == str(folder.resolve())  # unchanged by the refused call
    assert main(["model", "set", fa]) == 0
    with open_project(fa) as p:
        assert settings.model_choice(p).model is None


@pytest.mark.slow  # loads the real model
def test_model_show_check_loads_the_default(fa, capsys):
    assert main(["model", "show", fa, "--check"]) == 0
    assert "loads: all-MiniLM-L6-v2, 384 dimensions" in capsys.readouterr().out


def test_model_set_check_refuses_a_folder_that_is_no_model(fa, tmp_path, capsys):
    folder = tmp_path / "empty"
    folder.mkdir()
    assert main(["model", "set", fa, str(folder), "--check"]) == 2
    assert "does not load as a sentence-transformers model" in capsys.readouterr().err
    with open_project(fa) as p:
        assert settings.model_choice(p).model is None

"""The foundation's CLI: init, import, status, frameworks, codings; bad input exits non-zero with file and place."""

import pytest

from toolkit.cli import main
from toolkit.frameworks import SHIPPED_DIR


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "t"
    d.mkdir()
    (d / "P01.txt").write_text("I: Why?\nP01: Because the patient asked for an MR.\n")
    (d / "people.csv").write_text("id;group;setting\nP01;GP;rural\n")
    return d


def test_init_import_status(tmp_path, folder, capsys):
    fa = str(tmp_path / "p.fa")
    assert main(["init", fa]) == 0
    assert main(["import", fa, str(folder), "--attributes", str(folder / "people.csv")]) == 0
    capsys.readouterr()
    assert main(["status", fa]) == 0
    out = capsys.readouterr().out
    assert "participants: 1" in out and "transcripts:  1" in out and "segments:     2" in out
    assert "lvi84  84 codes  7 categories" in out


def test_frameworks_list_validate_and_csv_round_trip(tmp_path, capsys):
    assert main(["frameworks", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "lvi84\t84\t7" in lines
    assert main(["frameworks", "validate", str(SHIPPED_DIR)]) == 0
    assert "framework lvi84: 84 codes, 7 categories" in capsys.readouterr().out
    out = tmp_path / "lvi84.csv"
    assert main(["frameworks", "export-csv", "lvi84", str(out)]) == 0
    assert out.read_text().splitlines()[0].startswith("code,label,definition,category")
    fa = str(tmp_path / "p.fa")
    main(["init", fa, "--no-shipped"])
    capsys.readouterr()
    assert main(["frameworks", "import-csv", str(out), "--project", fa, "--id", "mine"]) == 0
    assert "added framework mine: 84 codes, 7 categories" in capsys.readouterr().out


def test_bad_input_exits_2_naming_file(tmp_path, folder, capsys):
    fa = str(tmp_path / "p.fa")
    main(["init", fa])
    (folder / "empty.txt").write_text("   \n")
    assert main(["import", fa, str(folder)]) == 2
    err = capsys.readouterr().err
    assert "empty.txt" in err and "empty" in err
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
    assert main(["import", fa, str(tmp_path / "x.pdf")]) == 2
    assert "x.pdf" in capsys.readouterr().err
    assert main(["status", str(tmp_path / "nope.fa")]) == 2
    assert "no such project file" in capsys.readouterr().err

"""The charting commands: chart, summaries draft|set|review|list, refine, coverage; errors exit 2 and change
nothing; the sample study charts, refines and charts again."""

from __future__ import annotations

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook
from test_charting_common import make_project

from toolkit import charting as ch
from toolkit.cli import charting as cli_charting
from toolkit.cli import main
from toolkit.project import get_framework
from toolkit.sample import build_sample
from toolkit.store import charting as cdb
from toolkit.store import core as db
from toolkit.store import open_project


@pytest.fixture
def path(tmp_path):
    make_project(tmp_path).close()
    return str(tmp_path / "p.fa")


def _body_rows(table) -> list[str]:
    return [r.cells[0].text for r in table.rows[1:] if len(r._tr.tc_lst) > 1]


def test_chart_writes_word_excel_and_csv(path, tmp_path, capsys, embedder, monkeypatch):
    monkeypatch.setattr(cli_charting, "embedder", lambda project, model=None: embedder)
    out = tmp_path / "out"
    out.mkdir()
    rc = main(["chart", path, "--framework", "lvi84", "--docx", str(out / "c.docx"), "--xlsx", str(out / "c.xlsx"),
               "--csv", str(out / "c.csv"), "--draft", "--max-columns", "5"])
    text = capsys.readouterr().out
    assert rc == 0 and "drafted 11 summaries" in text and "4 participants x 84 codes; 11 cells coded, 11 summarised" in text
    doc = Document(str(out / "c.docx"))
    sizes = [len(c.codes) for c in get_framework(open_project(path), "lvi84").categories]
    assert len(doc.tables) == sum(-(-n // 5) for n in sizes)  # 7 categories in parts of at most 5 codes
    assert _body_rows(doc.tables[0]) == ["P01", "P02", "P04", "P03"]
    wb = load_workbook(out / "c.xlsx")
    assert len(wb.sheetnames) == 9
    df = pd.read_csv(out / "c.csv", keep_default_na=False)
    assert len(df) == 4 * 84 and (df["summary"] != "").sum() == 11
    rc = main(["chart", path, "--framework", "lvi84", "--docx", str(out / "d.docx"), "--category", "REF",
               "--group-by", "setting", "--max-columns", "0", "--attributes", "setting", "workplace"])
    assert rc == 0
    doc = Document(str(out / "d.docx"))
    n_ref = len(next(c for c in get_framework(open_project(path), "lvi84").categories if c.id == "REF").codes)
    assert len(doc.tables) == -(-n_ref // 6) and _body_rows(doc.tables[0]) == ["P01", "P04", "P02", "P03"]
    assert [c.text for c in doc.tables[0].rows[0].cells][:3] == ["Participant", "setting", "workplace"]
    rc = main(["chart", path, "--framework", "lvi84", "--xlsx", str(out / "e.xlsx"), "--group-by", "--level",
               "category"])
    assert rc == 0 and load_workbook(out / "e.xlsx").sheetnames == ["About", "Categories", "Quotes"]


def test_errors_exit_2_and_write_nothing(path, tmp_path, capsys):
    for args, msg in ((["--framework", "nope"], "no framework 'nope'"),
                      (["--framework", "lvi84", "--group-by", "gender"], "no participant attribute 'gender'"),
                      (["--framework", "lvi84", "--category", "XX"], "no category 'XX'"),
                      (["--framework", "lvi84", "--attributes", "age"], "no participant attribute 'age'")):
        rc = main(["chart", path, *args, "--docx", str(tmp_path / "x.docx")])
        assert rc == 2 and msg in capsys.readouterr().err
    assert not (tmp_path / "x.docx").exists()
    for flag in ("--docx", "--xlsx", "--csv"):
        rc = main(["chart", path, "--framework", "lvi84", flag, str(tmp_path / "no" / "such" / "x.out")])
        assert rc == 2 and "cannot write here: no folder" in capsys.readouterr().err
    rc = main(["refine", path, "--crosswalk", "nope"])
    assert rc == 2 and "no crosswalk 'nope'" in capsys.readouterr().err


def test_summaries_set_review_list(path, tmp_path, capsys):
    text = tmp_path / "s.txt"
    text.write_text("Distance keeps referrals down.\n", encoding="utf-8")
    assert main(["summaries", "set", path, "--framework", "lvi84", "--participant", "P01", "--code", "ORG01",
                 "--file", str(text), "--author", "ann"]) == 0
    assert main(["summaries", "review", path, "--framework", "lvi84", "--participant", "P01", "--code", "ORG01",
                 "--author", "bob"]) == 0
    assert main(["summaries", "set", path, "--framework", "lvi84", "--participant", "P02", "--code", "CUL15",
                 "--text", "Fear of missing.", "--reviewed", "--author", "ann"]) == 0
    capsys.readouterr()
    assert main(["summaries", "list", path, "--framework", "lvi84", "--status", "reviewed"]) == 0
    out = capsys.readouterr().out
    assert "Distance keeps referrals down." in out and "bob" in out and "Fear of missing." in out
    assert "ORG02" not in out  # coded but empty, filtered out by --status
    rc = main(["summaries", "review", path, "--framework", "lvi84", "--participant", "P03", "--code", "REF05",
               "--author", "bob"])
    assert rc == 2 and "no summary to review" in capsys.readouterr().err
    from toolkit.store import open_project

    with open_project(path) as p, p.read() as s:
        sums = cdb.summaries_frame(s, "lvi84")
    assert sorted(sums["status"]) == ["reviewed", "reviewed"]


def test_refine_and_coverage(path, tmp_path, capsys):
    rc = main(["refine", path, "--crosswalk", "lvi84_to_lvi21", "--dry-run"])
    assert rc == 0 and "dry run" in capsys.readouterr().out
    rc = main(["refine", path, "--crosswalk", "lvi84_to_lvi21", "--csv", str(tmp_path / "r.csv")])
    out = capsys.readouterr().out
    assert rc == 0 and "codings: 11 added" in out
    assert len(pd.read_csv(tmp_path / "r.csv")) == 84
    rc = main(["refine", path, "--crosswalk", "lvi84_to_lvi21"])
    assert rc == 0 and "codings: 0 added, 0 updated, 11 unchanged" in capsys.readouterr().out
    rc = main(["coverage", path, "--framework", "lvi21", "--by", "group", "--csv", str(tmp_path / "c.csv")])
    out = capsys.readouterr().out
    assert rc == 0 and "participants with fewer than 3 passages (2): P02, P04" in out
    cov = pd.read_csv(tmp_path / "c.csv")
    assert len(cov) == 21 and "participants[GP]" in cov.columns


@pytest.mark.slow
def test_sample_study_charts_refines_and_charts_again(tmp_path, fake_embedder, capsys):
    sample = tmp_path / "sample.fa"
    project = build_sample(sample)
    ch.draft_summaries(project, "lvi84", fake_embedder, coders=["reference"])
    with project.read() as s:
        pids = list(db.participants_frame(s)["id"])
    project.close()
    assert main(["chart", str(sample), "--framework", "lvi84", "--docx", str(tmp_path / "s.docx"), "--xlsx",
                 str(tmp_path / "s.xlsx"), "--max-columns", "0", "--coder", "reference"]) == 0
    doc = Document(str(tmp_path / "s.docx"))
    assert max(len(t.columns) for t in doc.tables) == 9  # 0: as many codes as fit in 9 columns (6 here)
    assert len(doc.tables) == 17
    for t in doc.tables:
        assert sorted(_body_rows(t)) == sorted(pids)
    cells = [c.text for t in doc.tables for r in t.rows[1:] for c in r.cells[3:]]
    assert sum("(extract)" in c for c in cells) > 100
    wb = load_workbook(tmp_path / "s.xlsx")
    ws = wb[wb.sheetnames[1]]
    assert sorted(r[0] for r in ws.iter_rows(min_row=2, values_only=True)) == sorted(pids)
    assert main(["refine", str(sample), "--crosswalk", "lvi84_to_lvi21"]) == 0
    assert "summaries:" in capsys.readouterr().out
    assert main(["chart", str(sample), "--framework", "lvi21", "--docx", str(tmp_path / "r.docx"), "--xlsx",
                 str(tmp_path / "r.xlsx"), "--coder", "reference"]) == 0
    doc = Document(str(tmp_path / "r.docx"))
    sizes = [len(c.codes) for c in get_framework(open_project(sample), "lvi21").categories]
    assert len(doc.tables) == sum(-(-n // 6) for n in sizes)  # HSC (13 codes) in 3 parts, REF, MEA
    assert all(sorted(_body_rows(t)) == sorted(pids) for t in doc.tables)
    cells = [c.text for t in doc.tables for r in t.rows[1:] for c in r.cells[3:]]
    assert sum("(draft)" in c for c in cells) > 50  # summaries carried over from lvi84
    assert len(load_workbook(tmp_path / "r.xlsx").sheetnames) == 5

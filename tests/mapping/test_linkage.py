"""Linkages: co-occurrence in passages, turns and participants, Jaccard and lift, by group, with quotes.

Expected numbers are counted by hand from tests/mapping_fixtures.STUDY (19 coded sentences = 19 passages).
"""

import networkx as nx
import pytest
from mapping_fixtures import build

from toolkit import project as proj
from toolkit.cli import main
from toolkit.errors import InputError, NotFoundError
from toolkit.interpret.links import assign_units, linkage, linkage_table, resolve_codings, write_graphml
from toolkit.store import core as db


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    p, files = build(tmp_path_factory.mktemp("linkage"))
    return p


def test_codings_reach_the_condensed_framework_through_the_crosswalk(study):
    with study.read() as s:
        df, via = resolve_codings(s, "cond")
        texts = db.transcript_texts(s)
    assert via == "src_to_cond"
    assert set(df["code_id"]) == {"S1", "S2", "S3", "C1", "C2", "R1", "R2", "M1"}  # X1 maps to none
    # 26 source codings: P5's X1 maps to nothing, P6's A1 and A2 on one sentence become one S1 coding
    assert len(df) == 24
    with study.read() as s:
        assert db.count(s, "coding") == 26
    assert df.loc[df["source_code_id"] == "A2", "code_id"].eq("S1").all()
    for r in df.itertuples():
        assert texts[r.transcript_id][r.start:r.end] == r.text


def test_passage_cooccurrence_jaccard_and_lift(study):
    lk = linkage(study, "cond")["all"]
    assert lk.n_units == 19
    assert lk.support["S1"] == 7 and lk.support["S3"] == 5 and lk.support["C1"] == 4
    assert lk.co.loc["S1", "S3"] == 4
    assert lk.jaccard.loc["S1", "S3"] == pytest.approx(4 / (7 + 5 - 4))
    assert lk.lift.loc["S1", "S3"] == pytest.approx(4 * 19 / (7 * 5))
    assert lk.jaccard.loc["S1", "C1"] == pytest.approx(0.1)
    assert lk.co.loc["S2", "R2"] == 0
    edges = lk.edges()
    assert list(zip(edges["a"], edges["b"], strict=True)) == [("S1", "S3"), ("S1", "C1")]
    # every link carries its quotes: the passages where both codes were applied, verbatim
    ev = lk.quotes("S3", "S1")
    assert [e["participant"] for e in ev] == ["P1", "P2", "P3", "P5"]
    assert ev[0]["passage"] == "The scanner is only ten minutes away, so I send people more readily."
    assert all(q["code_id"] == "S1" for e in ev for q in e["a"])
    g = lk.graph(min_count=2)
    assert set(g.edges) == {("S1", "S3")} and g.nodes["S1"]["participants"] == 6
    assert len(g.edges["S1", "S3"]["quotes"]) == 4


def test_units_turn_and_participant(study):
    by_part = linkage(study, "cond", unit="participant")["all"]
    assert by_part.n_units == 6
    assert by_part.co.loc["S1", "S3"] == 4 and by_part.lift.loc["S1", "S3"] == pytest.approx(1.0)
    assert by_part.co.loc["C1", "R2"] == 2  # P3 and P4 (P4's counter-evidence included unless excluded)
    without = linkage(study, "cond", unit="participant", include_counter=False)["all"]
    assert without.co.loc["C1", "R2"] == 1
    turn = linkage(study, "cond", unit="turn")["all"]
    assert turn.n_units == 10  # 10 participant turns
    assert turn.co.loc["S1", "S3"] == 4 and turn.co.loc["S2", "R2"] == 0 and turn.co.loc["R2", "C1"] == 1


def test_by_group_and_category_level(study):
    res = linkage(study, "cond", attribute="group")
    assert set(res) == {"all", "GP", "radiologist", "manager"}
    gp = res["GP"]
    assert gp.n_units == 7 and gp.co.loc["S1", "S3"] == 2
    assert gp.lift.loc["S1", "S3"] == pytest.approx(2 * 7 / (3 * 3))
    table = linkage_table(res, min_count=1)
    assert set(table["group"]) == {"all", "GP", "radiologist", "manager"}
    cat = linkage(study, "cond", level="category")["all"]
    assert cat.co.loc["SYS", "CUL"] == 1  # only P1's 'afraid of missing' sentence (K1 + A2)
    assert cat.labels["SYS"] == "System"
    with pytest.raises(NotFoundError, match="no participant attribute 'age'"):
        linkage(study, "cond", attribute="age")
    with pytest.raises(InputError, match="unit must be"):
        linkage(study, "cond", unit="sentence")


def test_overlapping_spans_make_one_passage():
    import pandas as pd

    df = pd.DataFrame({"id": [1, 2, 3, 4], "transcript_id": [1, 1, 1, 1], "transcript": ["t"] * 4,
                       "participant_id": ["P"] * 4, "segment_id": [None] * 4, "start": [0, 5, 9, 30],
                       "end": [10, 12, 20, 40]})
    units = assign_units(df, "passage")
    assert units["unit"].tolist() == ["t:0-20"] * 3 + ["t:30-40"]


def test_direct_codings_win_over_the_crosswalk_and_cli_writes_files(study, tmp_path, capsys):
    assert main(["linkage", str(study.path), "--framework", "cond", "--by", "group", "--min-count", "1",
                 "--csv", str(tmp_path / "e.csv"), "--graphml", str(tmp_path / "g.graphml"),
                 "--matrix-csv", str(tmp_path / "m.csv")]) == 0
    out = capsys.readouterr().out
    assert any(line.split()[:3] == ["all", "S1", "S3"] for line in out.splitlines())
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert g.edges["S1", "S3"]["quotes"] == 4
    assert main(["linkage", str(study.path), "--framework", "cond", "--quotes", "S1", "S3"]) == 0
    assert "ten minutes away" in capsys.readouterr().out
    write_graphml(linkage(study, "cond")["all"].graph(), tmp_path / "h.graphml")


def test_empty_framework_is_an_error(tmp_path):
    p = proj.create(tmp_path / "e.fa", shipped=False)
    from mapping_fixtures import write_files

    proj.add_framework(p, write_files(tmp_path / "fw")["cond"])
    with pytest.raises(InputError, match="no codings in framework 'cond'"):
        linkage(p, "cond")

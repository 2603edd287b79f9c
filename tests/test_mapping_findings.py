"""Checking findings: per theme, who supports it (with quotes), who says the opposite, who says nothing."""

import pandas as pd
import pytest
from mapping_fixtures import add_summaries, build

from toolkit import mapping as mp
from toolkit.cli import main
from toolkit.errors import InputError, NotFoundError
from toolkit.interpret.findings import check_findings, findings_frame, findings_overview, mark_counter
from toolkit.store import core as db


@pytest.fixture
def study(tmp_path):
    p, _ = build(tmp_path)
    return p


def by_id(found):
    return {f.theme_id: f for f in found}


def test_categories_support_counter_and_silence(study):
    f = by_id(check_findings(study, "cond"))
    assert list(f) == ["SYS", "CUL", "REF", "MEA"]
    assert sorted(f["SYS"].support) == ["P1", "P2", "P3", "P4", "P5", "P6"] and not f["SYS"].silent
    assert sorted(f["CUL"].support) == ["P1", "P2", "P3", "P6"]
    assert list(f["CUL"].counter) == ["P4"] and f["CUL"].silent == ["P5"]
    assert f["CUL"].stance("P4") == "opposes" and f["CUL"].stance("P5") == "silent"
    assert sorted(f["REF"].support) == ["P1", "P3", "P4", "P5"] and f["REF"].silent == ["P2", "P6"]
    quote = f["CUL"].counter["P4"][0]
    assert quote["text"] == "I do not think fear of missing matters much here, people are calm."
    assert quote["transcript"] == "P4.txt"


def test_codes_by_group(study):
    c1 = by_id(check_findings(study, "cond", level="code"))["C1"]
    g = c1.by_group().set_index("group")
    assert g.loc["GP"].tolist() == [2, 2, 0, 0, 0]
    assert g.loc["radiologist"].tolist() == [2, 1, 1, 0, 0]
    assert g.loc["manager"].tolist() == [2, 0, 0, 0, 2]
    frame = findings_frame([c1]).set_index("participant")
    assert frame.loc["P4", "stance"] == "opposes" and frame.loc["P6", "stance"] == "silent"
    assert "afraid of missing a tumour" in frame.loc["P1", "examples"]
    over = findings_overview(check_findings(study, "cond"))
    assert len(over) == 4 * 3 and set(over.columns) >= {"theme", "group", "supports", "opposes", "silent"}


def test_stance_is_read_from_the_passage_not_from_coding_alone(study):
    """Issue 13: coded is not the same as supporting. A passage far from the statement only mentions the theme; a
    negation in the sentence closest to it makes it counter-evidence even when nobody marked it."""
    s1 = by_id(check_findings(study, "cond", level="code"))["S1"]  # easy access to imaging
    assert "P4" in s1.support and s1.support["P4"][0]["text"] == "Access is easy in the city."
    assert s1.stance("P5") == "mentions only"  # "Waiting lists are short now, so demand rises."
    assert all(q["why"] and q["similarity"] is not None for qs in s1.mentions.values() for q in qs)
    with study.read() as s:
        df = db.codings_frame(s, framework_id="src")
    p4 = df[(df["participant_id"] == "P4") & (df["code_id"] == "K1")]["id"].tolist()
    mark_counter(study, p4, False)  # nobody marked it now: the passage itself says "I do not think..."
    c1 = by_id(check_findings(study, "cond", level="code"))["C1"]
    assert c1.stance("P4") == "opposes" and "'not'" in c1.counter["P4"][0]["why"]
    # a statement of one's own: the same passages read against it
    own = by_id(check_findings(study, "cond", level="code",
                               statements={"C1": "Doctors order scans because they fear missing a disease"}))["C1"]
    assert own.statement.startswith("Doctors order scans") and sorted(own.support) == ["P1", "P2", "P3"]


def test_marking_and_unmarking_counter_evidence(study):
    with study.read() as s:
        df = db.codings_frame(s, framework_id="src")
    p2 = int(df[(df["participant_id"] == "P2") & (df["code_id"] == "K1")]["id"].iloc[0])
    mark_counter(study, [p2])
    c1 = by_id(check_findings(study, "cond", level="code"))["C1"]
    assert sorted(c1.counter) == ["P2", "P4"] and "P2" not in c1.support
    mark_counter(study, [p2], False)
    assert "P2" in by_id(check_findings(study, "cond", level="code"))["C1"].support
    with pytest.raises(NotFoundError):
        mark_counter(study, [p2, 99999])
    assert "P2" in by_id(check_findings(study, "cond", level="code"))["C1"].support  # unchanged


def test_map_level_uses_the_mapping_quotes(study, fake_embedder):
    with pytest.raises(InputError, match="no mapping categories"):
        check_findings(study, "cond", level="map")
    add_summaries(study, {("P1", "C1"): "P1 is afraid of missing a tumour.",
                          ("P2", "C1"): "Fear of missing cancer drives P2."})
    mp.propose_elements(study, "cond", embedder=fake_embedder, per_summary=1)
    els = mp.state(study, "cond")["elements"]
    d = mp.move_element(study, "cond", list(els["id"]), new_dimension="Just to be safe")
    mp.move_dimension(study, "cond", [d], new_category="Defensive medicine")
    (f,) = check_findings(study, "cond", level="map")
    assert f.label == "Defensive medicine" and f.codes == ["C1"]
    assert sorted(f.support) == ["P1", "P2"] and list(f.counter) == ["P4"]
    assert f.silent == ["P3", "P5", "P6"]
    assert f.support["P1"][0]["text"].startswith("I am afraid of missing a tumour")


def test_cli_findings(study, tmp_path, capsys):
    with study.read() as s:
        df = db.codings_frame(s, framework_id="src")
    p5 = int(df[(df["participant_id"] == "P5") & (df["code_id"] == "D2")]["id"].iloc[0])
    assert main(["findings", str(study.path), "--framework", "cond", "--counter", str(p5),
                 "--csv", str(tmp_path / "f.csv")]) == 0
    out = capsys.readouterr().out
    assert "marked 1 coding" in out
    csv = pd.read_csv(tmp_path / "f.csv")
    row = csv[(csv["theme"] == "REF") & (csv["participant"] == "P5")].iloc[0]
    assert row["stance"] == "opposes" and row["group"] == "manager"
    assert main(["findings", str(study.path), "--framework", "cond", "--attribute", "age"]) == 2

"""The mapping table (Table 2 layout) in Word and CSV, and the long CSV with quotes; the CLI map commands."""

import pandas as pd
import pytest
from docx import Document
from mapping_fixtures import add_summaries, build

from toolkit import mapping as mp
from toolkit.cli import main
from toolkit.export.mapping_table import TABLE_COLUMNS, export_mapping


@pytest.fixture
def mapped(tmp_path, fake_embedder):
    p, _ = build(tmp_path)
    ids = add_summaries(p, {
        ("P1", "C1"): "It is no longer sufficient for the patient to only show clinical improvement. Referrers have "
                      "expectations and need images.",
        ("P2", "C1"): "Fear of missing cancer drives much of what P2 does.",
        ("P4", "R2"): "Poor referrals make prioritising hard.",
    })
    mp.propose_elements(p, "cond", embedder=fake_embedder)
    st = mp.state(p, "cond")["elements"]
    e = st.set_index("summary_id")["id"]
    d_clin = mp.move_element(p, "cond", list(st[st["summary_id"] == ids[("P1", "C1")]]["id"]),
                             new_dimension="Clinical examination")
    d_safe = mp.move_element(p, "cond", [int(e[ids[("P2", "C1")]])], new_dimension="Just to be safe")
    mp.move_dimension(p, "cond", [d_clin, d_safe], new_category="Defensive medicine")
    return p, ids


def test_word_and_csv_have_the_table2_layout(mapped, tmp_path):
    p, ids = mapped
    table = export_mapping(p, "cond", docx=tmp_path / "m.docx", csv=tmp_path / "m.csv", long_csv=tmp_path / "l.csv")
    doc = Document(str(tmp_path / "m.docx"))
    t = doc.tables[0]
    assert [c.text for c in t.rows[0].cells] == TABLE_COLUMNS
    assert len(t.rows) == 1 + len(table) == 4
    assert t.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # header repeats on each page
    first = [c.text for c in t.rows[1].cells]
    assert "P1 · C1 Fear of missing something" in first[0]
    assert "clinical improvement" in first[0]
    assert "-Clinical improvement" in first[1].split("\n")  # a noun phrase of the summary
    assert first[2] == "-Clinical examination" and first[3] == "Defensive medicine"
    csv = pd.read_csv(tmp_path / "m.csv", keep_default_na=False)
    assert list(csv.columns) == ["participant", "code"] + TABLE_COLUMNS
    # a cell starting with "-" is neutralised for spreadsheets (leading quote, toolkit.safeio.safe_cell)
    assert csv.loc[1, "Key dimensions"] == "'-Just to be safe" and csv.loc[1, "Categorization"] == "Defensive medicine"
    assert csv.loc[2, "Key dimensions"] == "" and csv.loc[2, "participant"] == "P4"  # not yet grouped
    long = pd.read_csv(tmp_path / "l.csv", keep_default_na=False)
    assert len(long) == mp.state(p, "cond")["elements"].shape[0]
    poor = long[long["participant"] == "P4"].iloc[0]
    assert poor["quote_texts"] == "Poor referrals make prioritising hard."  # the element reaches its quote


def test_cli_map_commands(mapped, tmp_path, capsys):
    p, _ = mapped
    path = str(p.path)
    assert main(["map", "list", path, "--framework", "cond", "--what", "dimensions"]) == 0
    out = capsys.readouterr().out
    assert "Clinical examination" in out and "Just to be safe" in out
    dims = mp.state(p, "cond")["dimensions"]
    a, b = (int(x) for x in dims["id"][:2])
    assert main(["map", "merge", path, "--framework", "cond", "dimensions", str(a), str(b), "--label", "Safety"]) == 0
    assert main(["map", "rename", path, "--framework", "cond", "dimension", str(a), "Safety first"]) == 0
    assert main(["map", "export", path, "--framework", "cond", "--csv", str(tmp_path / "x.csv")]) == 0
    csv = pd.read_csv(tmp_path / "x.csv", keep_default_na=False)
    assert (csv.loc[:1, "Key dimensions"] == "'-Safety first").all()  # neutralised for spreadsheets
    assert main(["map", "move", path, "--framework", "cond", "--element", "1", "--to", "1", "--new", "x"]) == 2
    assert "exactly one" in capsys.readouterr().err
    assert main(["map", "export", path, "--framework", "cond"]) == 2

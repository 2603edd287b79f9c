"""The interpretation report: themes with quotes, linkages, findings, driver map, driver x measure table, mapping."""

import re
import shutil
import subprocess

import pandas as pd
import pytest
from docx import Document
from mapping_fixtures import add_summaries, build

from toolkit import mapping as mp
from toolkit.export.report import write_report
from toolkit.interpret.judging import judge
from toolkit.interpret.quotes import pick_quotes
from toolkit.store import core as db


@pytest.fixture
def study(tmp_path):
    p, _ = build(tmp_path)
    return p


def fills(row) -> set[str]:
    return set(re.findall(r'w:fill="([0-9A-Fa-f]{6})"', row._tr.xml))


def test_report_structure_quotes_and_gap_highlighting(study, tmp_path, fake_embedder):
    out = write_report(study, tmp_path / "r.docx", catalogue="mini_measures", embedder=fake_embedder)
    doc = Document(str(out))
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    for h in ("1. Themes and sub-themes", "2. Linkages", "3. Checking the findings", "4. Driver map",
              "5. Drivers and contract measures", "6. Mapping table", "SYS System", "S3 Time pressure"):
        assert h in heads, h
    with study.read() as s:
        texts = " ".join(db.transcript_texts(s).values())
        groups = {p["id"]: p["group"] for p in db.participants(s)}
    quotes = [p.text for p in doc.paragraphs if p.text.startswith("“")]
    assert len(quotes) >= 7
    for q in quotes:
        m = re.fullmatch(r"“(.+)” — (P\d) \((.+)\)", q)
        assert m, q
        assert m.group(1) in texts and groups[m.group(2)] == m.group(3)  # verbatim, with participant and group
    assert len(doc.inline_shapes) == 1  # the driver map
    driver_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Driver")
    shaded = {r.cells[0].text.split()[0] for r in driver_table.rows[1:] if "F8D7DA" in fills(r)}
    assert shaded == {"S3", "C1"}
    assert "[GAP]" in driver_table.rows[[r.cells[0].text.split()[0] for r in driver_table.rows].index("S3")].cells[0].text
    measure_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Measure")
    assert "MR knee, over 50: 100 -> 20 (-80%)" in measure_table.rows[1].cells[2].text
    link_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "A")
    assert link_table.rows[1].cells[0].text.startswith("S1") or link_table.rows[1].cells[1].text.startswith("S1")
    gap_par = next(p.text for p in doc.paragraphs if p.text.startswith("Gaps:"))
    assert "S3 Time pressure (4); C1 Fear of missing something (3)" in gap_par
    assert any("No key elements yet" in p.text for p in doc.paragraphs)
    # section 3: nobody has judged yet, so nothing is support or counter-evidence: passages to read instead
    checks = [t for t in doc.tables if [c.text for c in t.rows[0].cells] ==
              ["Participant", "Group", "Researcher's judgement", "Quotes"]]
    assert len(checks) == 4  # one per category
    cells = [r.cells[2].text for t in checks for r in t.rows[1:]]
    assert set(cells) == {"not yet checked"} and "counter-evidence" not in " ".join(cells)
    cul = {r.cells[0].text: r.cells[3].text for r in checks[1].rows[1:]}
    assert cul["P4"].startswith("closest passage (") and "P4.txt, turn " in cul["P4"]
    assert cul["P5"] == "no coded passage under this category"
    # a researcher's marks flow into the report, with their quotes
    with study.read() as s:
        cod = db.codings_frame(s, framework_id="src")
    q4 = int(cod[(cod["participant_id"] == "P4") & (cod["code_id"] == "K1")]["id"].iloc[0])
    judge(study, "cond", "CUL", "Culture", "P4", "counter", quotes=[q4], actor="ann")
    doc = Document(str(write_report(study, tmp_path / "r2.docx", catalogue="mini_measures", embedder=fake_embedder)))
    checks = [t for t in doc.tables if t.rows[0].cells[0].text == "Participant" and len(t.rows[0].cells) == 4]
    row = next(r for r in checks[1].rows if r.cells[0].text == "P4")
    assert row.cells[2].text.startswith("counter-evidence (ann, ")
    assert "I do not think fear of missing matters" in row.cells[3].text and "P4.txt, turn " in row.cells[3].text
    assert any("counter-evidence: P4" in p.text for p in doc.paragraphs)
    head = "\n".join(p.text for p in doc.paragraphs[:10])
    assert "Framework: " in head and "Crosswalk: " in head and "Evidence: " in head and "Key elements: none yet" in head


def test_mapping_themes_replace_framework_categories(study, tmp_path, fake_embedder):
    add_summaries(study, {("P1", "C1"): "P1 is afraid of missing a tumour.",
                          ("P2", "C1"): "Fear of missing cancer drives P2."})
    mp.propose_elements(study, "cond", embedder=fake_embedder, per_summary=1)
    d = mp.move_element(study, "cond", list(mp.state(study, "cond")["elements"]["id"]),
                        new_dimension="Just to be safe")
    mp.move_dimension(study, "cond", [d], new_category="Defensive medicine")
    doc = Document(str(write_report(study, tmp_path / "r.docx", catalogue="mini_measures")))
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "Defensive medicine" in heads and "Just to be safe" in heads and "SYS System" not in heads
    mapping = next(t for t in doc.tables if t.rows[0].cells[0].text == "Summary")
    assert len(mapping.rows) == 3 and "-Just to be safe" in mapping.rows[1].cells[2].text


def test_pick_quotes_spreads_over_groups_then_participants():
    rows = pd.DataFrame({"text": ["a" * 60, "b" * 200, "c" * 210, "d" * 220, "short"],
                         "participant_id": ["P1", "P1", "P2", "P3", "P4"], "transcript": ["t"] * 5})
    groups = {"P1": "GP", "P2": "GP", "P3": "radiologist", "P4": "manager"}
    picked = pick_quotes(rows, groups, k=2)
    assert {q["group"] for q in picked} == {"GP", "radiologist"}
    assert all(len(q["text"]) >= 40 for q in picked)
    assert len(pick_quotes(rows, groups, k=4)) == 4
    assert pick_quotes(rows.iloc[0:0], groups) == []


@pytest.mark.slow
def test_report_opens_in_libreoffice(study, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice not installed")
    write_report(study, tmp_path / "r.docx", catalogue="mini_measures")
    subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "r.docx")],
                   check=True, capture_output=True, timeout=180)
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"

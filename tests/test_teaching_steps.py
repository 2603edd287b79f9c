"""Teaching for a class: exercises with feedback for steps 1, 3, 4 and 5, each student's work apart, the teacher's
overview with n; students never become evidence on the analysis pages."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit import charting, evidence, teaching
from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.teaching import exercises as ex
from toolkit.teaching.overview import class_overview


def test_every_step_has_an_exercise_with_feedback(sample_project, embedder, tmp_path):
    p = sample_project
    out = ex.preliminary_framework(p, "kari", "Distance to the scanner\nFear of missing a diagnosis\n"
                                              "Patients demand an MRI", embedder)
    assert out["n"] == 7 and 1 <= len(out["reached"]) <= 3 and len(out["rows"]) == 3
    assert out["rows"][1]["match"]  # fear of missing: the study has it
    m = charting.build_matrix(p, "lvi84", group_by=(), coders=["reference"])
    pid, code = next((pid, c.id) for c in m.columns for pid in m.participants if m.cell(pid, c.id).quotes)
    q = m.cell(pid, code).quotes[0]
    good = ex.chart_cell(p, "kari", pid, code, q.text[:200], list(q.coding_ids), embedder)
    bad = ex.chart_cell(p, "ola", pid, code, "The weather was nice on the island.", [], embedder)
    assert good["similarity"] > bad["similarity"] and good["cited_overlap"] > bad["cited_overlap"] == 0
    items, cw = ex.grouping_items(p, "ORG")
    right = ex.group_codes(p, "kari", "ORG", dict(zip(items["code"], items["reference"], strict=True)))
    wrong = ex.group_codes(p, "ola", "ORG", {c: "all" for c in items["code"]})
    assert right["ari"] == 1.0 and wrong["ari"] < 0.5 and right["n"] == len(items)
    with pytest.raises(InputError, match="every code"):
        ex.group_codes(p, "ola", "ORG", {})
    f = ex.check_finding(p, "kari", "CUL", "Doctors order imaging because they are afraid of missing a disease",
                         embedder)
    assert f["n"] == 12 and f["coded"] and set(f["coded"]).isdisjoint(f["silent"])
    assert "support" not in f and "counter" not in f  # no automatic verdict: the student judges
    assert [e["closeness"] for e in f["examples"]] == sorted((e["closeness"] for e in f["examples"]), reverse=True)
    # the teacher's overview: one row per student, each figure with its n
    teaching.code_passage(p, "kari", "P01_gp_rural.txt", *_first_passage(p), ["ORG01"])
    table = class_overview(p).set_index("student")
    assert list(table.index) == ["kari", "ola"]
    assert table.loc["kari", "index: passages coded"] == 1 and table.loc["kari", "index: of passages"] > 10
    # one passage of P01 coded: positive agreement counts the codes either gave (the reference gave many), not the
    # passages neither coded, so it stays low where percent agreement read 0.95
    assert "index: agreement" not in table.columns and 0 <= table.loc["kari", "index: positive agreement"] < 0.2
    assert table.loc["kari", "map: adjusted Rand"] == 1.0 and table.loc["ola", "chart: cells"] == 1
    assert table.loc["kari", "familiarize: n categories"] == 7
    assert main(["teach", "overview", str(p.path), "--csv", str(tmp_path / "o.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "o.csv")) == 2
    # students are never the analysis' evidence, and their codings stay out of the chart
    assert all(not c["name"].startswith("student:") for c in evidence.eligible_coders(p))
    assert "student:kari" not in evidence.resolve(p).coders
    chart = charting.build_matrix(p, "lvi84")
    assert not any("student:" in q.coder for c in chart.cells.values() for q in c.quotes)
    with pytest.raises(InputError, match="student"):
        evidence.set_lead_coder(p, "student:kari")
    # reset removes the work too
    teaching.reset_student(p, "kari", teacher="t")
    assert "kari" not in set(class_overview(p)["student"]) or class_overview(p).set_index("student").loc[
        "kari", "index: passages coded"] == 0


def _first_passage(p):
    r = teaching.passages(p, "P01_gp_rural.txt").iloc[0]
    return int(r["start"]), int(r["end"])

"""Driver maps and contract measures on a hand-built study (tests/mapping_fixtures.py).

Hand count (participants raising each driver, counter-evidence excluded): S1 6 (all), S2 2 (P2, P4),
S3 4 (P1, P2, P3, P5), C1 3 (P1, P2, P3; P4's passage is counter-evidence), C2 1 (P6), R1 1 (P1),
R2 3 (P3, P4, P5). Measures: MA -> S1, S2; MB -> R2; MC -> C2. Untargeted: S3 (4), C1 (3), R1 (1).
"""

import itertools
import math

import matplotlib.pyplot as plt
import pytest
from lxml import etree
from mapping_fixtures import build

from toolkit import frameworks as fwio
from toolkit import project as proj
from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.export.driver_map import compute_layout, crossings, render_plotly, render_static, short_name
from toolkit.interpret.drivers import (
    add_measure,
    analyse_drivers,
    format_quantity,
    link_measure,
    quantities_text,
    unlink_measure,
)
from toolkit.store import core as db
from toolkit.store import measures as msdb


@pytest.fixture
def study(tmp_path):
    p, files = build(tmp_path)
    return p, files


def test_drivers_sized_by_participants_and_shared_by_group(study):
    p, _ = study
    a = analyse_drivers(p, catalogue="mini_measures")
    assert a.framework_id == "cond" and a.via == "src_to_cond" and a.n_participants == 6
    n = {d.id: d.n_participants for d in a.drivers}
    assert n == {"S1": 6, "S2": 2, "S3": 4, "C1": 3, "C2": 1, "R1": 1, "R2": 3}
    assert "M1" not in n  # no ring: not a driver
    assert [d.ring for d in a.drivers] == ["ref", "ref", "cul", "cul", "sys", "sys", "sys"]  # inner to outer
    c1 = a.driver("C1")
    assert c1.counter_participants == ["P4"] and c1.shares == {"GP": 2, "manager": 0, "radiologist": 1}
    assert a.driver("S1").shares == {"GP": 2, "manager": 2, "radiologist": 2}
    assert a.driver("R2").dominant_group == "radiologist"
    assert {d.id: d.measures for d in a.drivers} == {"S1": ["MA"], "S2": ["MA"], "S3": [], "C1": [], "C2": ["MC"],
                                                     "R1": [], "R2": ["MB"]}
    assert [(r.a, r.b, r.together) for r in a.links.itertuples()] == [("S1", "S3", 4)]
    mt = a.measure_table().set_index("measure")
    assert mt.loc["MA", "drivers"] == "S1, S2"
    assert mt.loc["MA", "quantities"] == "MR knee, over 50: 100 -> 20 (-80%)"
    assert mt.loc["MB", "quantities"] == "Fee per returned referral: 250 NOK"
    assert a.matrix().loc["S1", "MA"] == 1 and a.matrix().loc["S3"].sum() == 0


def test_gap_list_is_right(study):
    p, _ = study
    a = analyse_drivers(p, catalogue="mini_measures")
    assert a.gap_min == 2  # a third of 6, at least 2
    assert [d.id for d in a.gaps()] == ["S3", "C1"]  # most raised first
    assert [d.id for d in a.gaps(4)] == ["S3"]
    assert [d.id for d in a.gaps(1)] == ["S3", "C1", "R1"]
    assert a.gaps(5) == []
    assert analyse_drivers(p, catalogue="mini_measures", gap_min=3).gaps() == a.gaps(3)
    table = a.driver_table().set_index("driver")
    assert table["gap"].to_dict() == {"R1": False, "R2": False, "C1": True, "C2": False, "S1": False, "S2": False,
                                      "S3": True}
    # a user's own measure closes a gap; unlinking a catalogue link opens one
    add_measure(p, "mini_measures", "U1", "Longer consultations", targets=["S3"],
                quantities=[{"item": "minutes per consultation", "amount": 20}])
    unlink_measure(p, "mini_measures", "MA", "S1")
    b = analyse_drivers(p, catalogue="mini_measures")
    assert [d.id for d in b.gaps()] == ["S1", "C1"]
    assert b.driver("S3").measures == ["U1"] and b.measure_table().set_index("measure").loc["U1", "origin"] == "user"
    link_measure(p, "mini_measures", "U1", "C1", "time to examine")
    assert [d.id for d in analyse_drivers(p, catalogue="mini_measures").gaps()] == ["S1"]


def test_counter_evidence_does_not_raise_a_driver(tmp_path):
    p, _ = build(tmp_path, counter=False)
    a = analyse_drivers(p, catalogue="mini_measures")
    assert a.driver("C1").n_participants == 4 and a.driver("C1").counter_participants == []


def test_category_level(study):
    p, _ = study
    a = analyse_drivers(p, catalogue="mini_measures", level="category")
    assert [(d.id, d.ring, d.n_participants) for d in a.drivers] == [("REF", "ref", 4), ("CUL", "cul", 4),
                                                                     ("SYS", "sys", 6)]
    assert {m.id: m.drivers for m in a.measures} == {"MA": ["SYS"], "MB": ["REF"], "MC": ["CUL"]}
    assert a.gaps() == []


def test_catalogue_from_file_and_bad_catalogues(study, tmp_path):
    p, files = study
    other = tmp_path / "other.yaml"
    other.write_text(files["measures"].read_text().replace("id: mini_measures", "id: other_measures")
                     .replace("driver: C2", "driver: C1"))
    a = analyse_drivers(p, catalogue=other)
    assert a.catalogue_id == "other_measures" and [d.id for d in a.gaps()] == ["S3"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(other.read_text().replace("id: other_measures", "id: bad").replace("driver: R2", "driver: R9"))
    with pytest.raises(InputError, match="unknown driver 'R9'"):
        analyse_drivers(p, catalogue=bad)
    with pytest.raises(InputError, match="no such measures file"):
        analyse_drivers(p, catalogue=tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="not 'src'"):
        analyse_drivers(p, framework_id="src", catalogue="mini_measures")
    with pytest.raises(InputError, match="places no code on a ring"):
        analyse_drivers(p, framework_id="src")


def test_measure_edits_refuse_bad_input_and_change_nothing(study):
    p, _ = study
    with pytest.raises(InputError, match="unknown driver 'ZZ'"):
        add_measure(p, "mini_measures", "U2", "Something", targets=["S3", "ZZ"])
    with pytest.raises(InputError, match="already has a measure 'MA'"):
        add_measure(p, "mini_measures", "MA", "Again")
    with p.read() as s:
        cat = msdb.get_catalogue(s, "mini_measures")
    assert [m["id"] for m in cat.measures] == ["MA", "MB", "MC"]
    assert main(["measures-edit", str(p.path), "--catalogue", "mini_measures", "add", "U3", "Leaflet",
                 "--target", "R1", "--quantity", '{"item": "leaflets", "amount": 500}']) == 0
    assert main(["measures-edit", str(p.path), "--catalogue", "mini_measures", "add", "U4", "X",
                 "--quantity", "{nope"]) == 2
    a = analyse_drivers(p, catalogue="mini_measures")
    assert a.driver("R1").measures == ["U3"] and "U4" not in {m.id for m in a.measures}


def test_layout_puts_every_driver_on_its_ring_and_links_every_measure(study):
    p, _ = study
    a = analyse_drivers(p, catalogue="mini_measures")
    lay = compute_layout(a)
    rings = {r["id"]: r for r in lay.rings}
    assert [r["id"] for r in lay.rings] == ["ref", "cul", "sys"]
    assert rings["ref"]["outer"] <= rings["cul"]["inner"] + 1e-9 and rings["cul"]["outer"] <= rings["sys"]["inner"] + 1e-9
    for d in a.drivers:
        pos = lay.drivers[d.id]
        r = math.hypot(pos["x"], pos["y"])
        ring = rings[d.ring]
        assert ring["inner"] < r - pos["r"] and r + pos["r"] < ring["outer"], d.id
    sizes = {d: lay.drivers[d]["r"] for d in lay.drivers}
    assert sizes["S1"] > sizes["S3"] > sizes["S2"] > sizes["R1"]
    assert sorted(lay.arrows) == sorted([("MA", "S1"), ("MA", "S2"), ("MB", "R2"), ("MC", "C2")])
    outer = lay.rings[-1]["outer"]
    for m in lay.measures.values():
        assert abs(m["x"]) > outer  # measures sit outside the rings
    ys = sorted(m["y"] for m in lay.measures.values() if m["side"] > 0)
    assert all(b - a >= 0.5 for a, b in zip(ys, ys[1:], strict=False))


def test_static_figure_svg_has_every_driver_and_measure_link(study, tmp_path):
    p, _ = study
    a = analyse_drivers(p, catalogue="mini_measures")
    fig, lay = render_static(a, svg=tmp_path / "m.svg", png=tmp_path / "m.png")
    plt.close(fig)
    assert (tmp_path / "m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    root = etree.parse(str(tmp_path / "m.svg"))
    ns = {"s": "http://www.w3.org/2000/svg"}
    texts = ["".join(t.itertext()).strip() for t in root.iterfind(".//s:text", ns)]  # one element per line
    for d in a.drivers:  # a short name on the node (wrapped, never cut mid-word), then id and n
        assert f"{d.id} \u00b7 n={d.n_participants}" in texts, d.id
        name = short_name(d.label)
        assert name.split()[0] in " ".join(texts)
    for m in a.measures:  # measure labels are wrapped, not cut: every word of the title is drawn
        assert any(t.startswith(f"{m.id}  ") for t in texts), m.id
        assert all(w in " ".join(texts) for w in m.title.split()), m.id
    ids = {g.get("id") for g in root.iter() if g.get("id")}
    for mid, did in lay.arrows:
        assert f"arrow-{mid}-{did}" in ids
    for d in a.drivers:
        assert any(i.startswith(f"driver-{d.id}") for i in ids)
    assert {"gap-S3", "gap-C1"} <= ids and "gap-S1" not in ids
    assert "link-S1-S3" in ids
    # driver labels do not overlap each other
    boxes = list(lay.labels.values())
    assert len(boxes) == len(a.drivers)
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        for u0, v0, u1, v1 in boxes[i + 1:]:
            assert min(x1, u1) <= max(x0, u0) or min(y1, v1) <= max(y0, v0)


def test_short_names_and_fewer_crossings(study):
    assert short_name("Time constraints, efficiency demands and capacity") == "Time constraints"
    assert short_name("Communication between referrers and imaging in the region") == (
        "Communication between referrers")
    assert short_name("Referral quality") == "Referral quality"
    assert short_name("Extraordinarily long unpunctuated driver label about many separate things") == (
        "Extraordinarily long unpunctuated driver\u2026")
    p, _ = study
    a = analyse_drivers(p, catalogue="mini_measures")
    lay = compute_layout(a)
    targets = {m.id: list(m.drivers) for m in a.measures}
    worst = max(crossings(dict(zip(lay.measures, perm, strict=True)), lay.drivers, targets)
                for perm in itertools.permutations(lay.measures.values()))
    assert crossings(lay.measures, lay.drivers, targets) <= worst
    assert crossings(lay.measures, lay.drivers, targets) == min(
        crossings(dict(zip(lay.measures, perm, strict=True)), lay.drivers, targets)
        for perm in itertools.permutations(lay.measures.values()))  # the small map untangles fully


def test_plotly_figure(study):
    p, _ = study
    a = analyse_drivers(p, catalogue="mini_measures")
    fig, lay = render_plotly(a)
    arrows = [an for an in fig.layout.annotations if an.showarrow]
    assert len(arrows) == len(lay.arrows) == 4
    hover = " ".join(fig.data[-1 - len(a.groups)].hovertext)
    assert "S3 Time pressure" in hover and "GAP" in hover


def _overlapping(boxes):
    return [(i, j) for i, (x0, y0, x1, y1) in boxes.items() for j, (u0, v0, u1, v1) in boxes.items()
            if i < j and min(x1, u1) > max(x0, u0) and min(y1, v1) > max(y0, v0)]


def test_plotly_measure_labels_do_not_overlap_when_crowded(study):
    """Fourteen measures on one driver all want the same height; their labels are spread, short, full in hover."""
    p, _ = study
    for i in range(11):
        add_measure(p, "mini_measures", f"U{i:02d}", f"A long user measure title number {i} acting on time pressure",
                    targets=["S3"])
    a = analyse_drivers(p, catalogue="mini_measures")
    fig, lay = render_plotly(a)
    labels = lay.measure_labels
    assert set(labels) == {m.id for m in a.measures}
    assert _overlapping({i: lb["box"] for i, lb in labels.items()}) == []
    top = fig.layout.yaxis.range[1]
    outer = lay.rings[-1]["outer"]
    for lb in labels.values():
        assert -top <= lb["box"][1] and lb["box"][3] <= top  # inside the plot
        assert abs(lb["box"][0]) >= outer and abs(lb["box"][2]) >= outer  # outside the rings
        assert lb["text"].count("\n") < lb["lines"] <= 2
    u = labels["U03"]
    assert u["text"].endswith("…") and "A long user measure title number 3 acting on time pressure" in u["hover"]
    boxes = {an.text: (an.x, an.y) for an in fig.layout.annotations if not an.showarrow and an.hovertext}
    assert {t: xy for t, xy in boxes.items()} == {lb["text"].replace("\n", "<br>"): (lb["x"], lb["y"])
                                                  for lb in labels.values()}
    tails = {(an.ax, an.ay) for an in fig.layout.annotations if an.showarrow}
    assert tails == {(lb["x"], lb["y"]) for lb in labels.values()}


def test_format_quantity():
    assert format_quantity({"procedure": "MR kne", "procedure_en": "MR knee", "activity_2024": 3295,
                            "contract_volume": 659, "change_pct": -80}) == "MR knee: 3295 -> 659 (-80%)"
    fee = {"item": "Fee", "item_no": "Gebyr", "amount": 250, "unit": "NOK", "applies_to": ["MR head", "MR neck"]}
    assert format_quantity(fee) == "Fee: 250 NOK"
    assert format_quantity(fee, full=True) == "Fee: 250 NOK; applies to MR head, MR neck"
    assert format_quantity({"code_text": "Funksjonell MR", "code_text_en": "Functional MRI", "helfo_category": 4,
                            "modality": "MR"}) == "Functional MRI: helfo category 4"
    assert quantities_text([fee] * 5, limit=2) == "Fee: 250 NOK; Fee: 250 NOK; ... and 3 more"
    assert format_quantity("free text") == "free text"


def test_cli_drivers_writes_figures_and_report(study, tmp_path, capsys):
    p, files = study
    out = tmp_path / "out"
    out.mkdir()
    code = main(["drivers", str(p.path), "--measures", str(files["measures"]), "--svg", str(out / "d.svg"),
                 "--png", str(out / "d.png"), "--html", str(out / "d.html"), "--docx", str(out / "r.docx"),
                 "--csv", str(out / "d.csv")])
    assert code == 0
    text = capsys.readouterr().out
    assert "gaps (raised by >= 2 participants, no measure): S3 (4), C1 (3)" in text
    assert "MA -> S1, S2" in text
    for f in ("d.svg", "d.png", "d.html", "r.docx", "d.csv"):
        assert (out / f).stat().st_size > 1000 or f == "d.csv"


def test_shipped_84_code_indexing_reaches_21_code_drivers(tmp_path):
    """A project indexed with lvi84 only: the lvi21 drivers are reached through the shipped crosswalk."""
    folder = fwio.load_folder(fwio.SHIPPED_DIR)
    cw = next(c for c in folder.crosswalks.values() if c.from_framework == "lvi84" and c.to_framework == "lvi21")
    lvi21 = folder.frameworks["lvi21"]
    ringed = [m for m in cw.mapping if m["to"] and lvi21.code(m["to"]).ring][:3]
    d = tmp_path / "t"
    d.mkdir()
    (d / "P01.txt").write_text("I: What drives imaging?\nP01: " + " ".join(f"Sentence {i}." for i in range(3)) + "\n")
    p = proj.create(tmp_path / "s.fa")
    proj.import_transcripts(p, d)
    with p.transaction() as s:
        pks = db.code_pks(s, "lvi84")
        text = db.transcript_by_name(s, "P01.txt").text
        coder = db.coder_id(s, "ann")
        for i, m in enumerate(ringed):
            start = text.index(f"Sentence {i}.")
            db.add_coding(s, transcript_id=1, start=start, end=start + 11, code_pk=pks[m["from"]], coder=coder,
                          origin="manual")
    a = analyse_drivers(p, framework_id="lvi21")
    assert a.via == cw.id
    raised = {x.id for x in a.drivers if x.n_participants}
    assert raised == {m["to"] for m in ringed}
    assert len(a.drivers) == sum(1 for c in lvi21.codes if c.ring)


def test_plotly_figures_show_hostile_project_text_as_text(study):
    """Plotly draws <a href>, <b>, <br>... in texts, hovers and legends: a measure title or a code label that holds
    markup shows as characters, never as a link or an image."""
    import json

    import networkx as nx

    from toolkit.interpret import figures

    p, _ = study
    evil = '<a href="https://evil.example/x">click</a><img src=x onerror=alert(1)>'
    add_measure(p, "mini_measures", "U9", f"Measure {evil}", targets=["S3"])
    fig, _ = render_plotly(analyse_drivers(p, catalogue="mini_measures"))
    g = nx.Graph()
    g.add_node("A1", label=f"Code {evil}", units=3, participants=2)
    g.add_node("B2", label="Other", units=2, participants=1)
    g.add_edge("A1", "B2", together=1, jaccard=0.5)
    for f in (fig, figures.network(g)):
        text = json.dumps(f.to_plotly_json())
        assert "<a href" not in text and "<img" not in text
        assert "&lt;a href=" in text  # shown as the characters


def test_plotly_driver_labels_overlap_nothing(study):
    """Issue 26: the in-app map's driver labels overlap no other label, driver or measure box."""
    p, _ = study
    for i in range(6):
        add_measure(p, "mini_measures", f"V{i:02d}", f"Another measure {i} acting on time pressure", targets=["S3"])
    a = analyse_drivers(p, catalogue="mini_measures")
    fig, lay = render_plotly(a)
    labels = lay.driver_labels
    assert set(labels) == {d.id for d in a.drivers}
    boxes = {f"d{i}": lb["box"] for i, lb in labels.items()} | {f"m{i}": lb["box"] for i, lb in
                                                               lay.measure_labels.items()}
    assert _overlapping(boxes) == []
    for did, lb in labels.items():
        for other, q in lay.drivers.items():
            if other != did:
                cx = min(max(q["x"], lb["box"][0]), lb["box"][2])
                cy = min(max(q["y"], lb["box"][1]), lb["box"][3])
                assert (cx - q["x"]) ** 2 + (cy - q["y"]) ** 2 >= (q["r"] * 0.99) ** 2 or lb["text"] == did
    texts = {an.text for an in fig.layout.annotations if not an.showarrow and not an.hovertext}
    assert all(lb["text"].replace("\n", "<br>") in texts for lb in labels.values())

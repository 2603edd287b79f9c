"""Two-coder agreement: hand-checked figures, uncoded text counted, disagreements and the consensus."""

import numpy as np
import pytest

from toolkit import project as proj
from toolkit.errors import InputError
from toolkit.indexing import decisions as dec
from toolkit.indexing import workspace
from toolkit.indexing.agreement import compare_coders
from toolkit.indexing.consensus import preview_agreed, record_agreed, record_consensus, resolve_unit
from toolkit.store import core as db
from toolkit.store.events import Action

FW = """\
kind: framework
id: fw
name: fw
categories:
  - id: C
    label: C
    codes:
      - {id: X, label: Expectations}
      - {id: Y, label: Access}
      - {id: Z, label: Never used}
"""
SENTENCES = ["Patients want an MR.", "The scanner is near.", "I send them anyway.", "It is quick.",
             "Nobody says no.", "We talk a lot."]


@pytest.fixture
def two_coders(tmp_path):
    (tmp_path / "fw.yaml").write_text(FW)
    (tmp_path / "P01.txt").write_text("I: Why?\nP01: " + " ".join(SENTENCES) + "\n")
    p = proj.create(tmp_path / "p.fa", shipped=False)
    proj.add_framework(p, tmp_path / "fw.yaml")
    proj.import_transcripts(p, tmp_path / "P01.txt")
    workspace.set_unit_of_analysis(p, "fw", "sentences:1")  # the framework's unit: one sentence
    with p.read() as s:
        text = db.transcript_text(s, 1)

    def code(coder, idx, cid):
        sent = SENTENCES[idx]
        a = text.index(sent)
        with p.transaction(Action.CODING_ADD) as s:
            db.add_coding(s, transcript_id=1, start=a, end=a + len(sent), code_pk=db.code_pks(s, "fw")[cid],
                          coder=db.coder_id(s, coder), origin="manual")

    # X: A codes units 0,2 ; B codes units 0,3  -> a=[1,0,1,0,0,0], b=[1,0,0,1,0,0]
    for i in (0, 2):
        code("ann", i, "X")
    for i in (0, 3):
        code("bob", i, "X")
    # Y: both code unit 1 only -> perfect agreement
    code("ann", 1, "Y")
    code("bob", 1, "Y")
    return p


def test_per_code_figures_match_hand_computation(two_coders):
    r = compare_coders(two_coders, "ann", "bob", framework="fw")
    assert r["units"] == 6  # the interviewer's question is not a unit; uncoded sentences are
    x = r["per_code"].set_index("code").loc["X"]
    # agreement 4/6; kappa: po=4/6, pe=(2/6*2/6 + 4/6*4/6)=20/36 -> (24/36-20/36)/(16/36) = 0.25
    assert x.agreement == pytest.approx(4 / 6) and x.kappa == pytest.approx(0.25)
    # Krippendorff nominal alpha for two coders, 6 units: 1 - (n-1) * D_o / D_e with n = 12 values
    # o(0,1)=o(1,0)=2 disagreeing pairs; n0=8, n1=4 -> alpha = 1 - 11 * 4 / (2 * 8 * 4) = 0.3125
    assert x.alpha == pytest.approx(0.3125)
    y = r["per_code"].set_index("code").loc["Y"]
    assert (y.agreement, y.kappa, y.alpha) == (1.0, 1.0, 1.0)
    z = r["per_code"].set_index("code").loc["Z"]
    assert z.agreement == 1.0 and np.isnan(z.kappa)  # a code nobody used: kappa undefined, not perfect
    assert r["overall"]["codes_used"] == 2


def test_disagreements_and_consensus(two_coders):
    r = compare_coders(two_coders, "ann", "bob", framework="fw")
    d = r["disagreements"]
    assert list(d.text) == ["I send them anyway.", "It is quick."]
    assert list(d.only_a) == [["X"], []] and list(d.only_b) == [[], ["X"]]
    key = ("P01.txt", int(d.iloc[0].start), int(d.iloc[0].end))
    n = record_consensus(two_coders, r, {key: ["X"]})
    assert n == 3  # unit 0 X (agreed), unit 1 Y (agreed), unit 2 X (resolved); unit 3 unresolved -> nothing
    with two_coders.read() as s:
        c = db.codings_frame(s, coders=["consensus"])
    assert set(c.origin) == {"consensus"} and sorted(c.code_id) == ["X", "X", "Y"]
    assert all(len(src) >= 1 for src in c.sources)


def test_unknown_coder_is_an_input_error(two_coders):
    with pytest.raises(InputError, match="unknown coder 'eve'"):
        compare_coders(two_coders, "ann", "eve", framework="fw")


def test_sample_reference_vs_second_coder(sample_project):
    r = compare_coders(sample_project, "reference", "second", framework="lvi84")
    assert r["transcripts"] == ["P01_gp_rural.txt", "P02_gp_urban.docx", "P03_radiologist_urban.vtt",
                                "P04_radiologist_rural.txt"]
    assert 0.3 < r["overall"]["pooled_kappa"] < 0.95
    assert len(r["disagreements"]) > 0


def test_positive_agreement_and_labels(two_coders):
    r = compare_coders(two_coders, "ann", "bob", framework="fw")
    x = r["per_code"].set_index("code").loc["X"]
    assert x.positive == pytest.approx(2 * 1 / (2 + 2))  # both gave X to one unit; A gave it twice, B twice
    assert r["per_code"].set_index("code").loc["Y"].positive == 1.0
    assert r["disagreements"].iloc[0].labels == {"X": "Expectations"}
    assert r["unit"] == "sentences:1"


def test_the_unit_follows_the_framework_setting(two_coders):
    workspace.set_unit_of_analysis(two_coders, "fw", "turn")
    r = compare_coders(two_coders, "ann", "bob", framework="fw")
    assert r["units"] == 1 and r["unit"] == "turn"


def test_consensus_one_passage_at_a_time_with_undo(two_coders):
    r = compare_coders(two_coders, "ann", "bob", framework="fw")
    assert r["overall"]["unresolved"] == 2
    row = r["disagreements"].iloc[0]
    out = resolve_unit(two_coders, r, row.transcript, int(row.start), int(row.end), ["X"], actor="ann")
    assert out["codings"] == 1
    with two_coders.read() as s:
        c = db.codings_frame(s, coders=["consensus"], with_text=False)
    assert list(c.code_id) == ["X"] and (int(c.start.iloc[0]), int(c.end.iloc[0])) == (int(row.start), int(row.end))
    r2 = compare_coders(two_coders, "ann", "bob", framework="fw")
    assert r2["overall"]["unresolved"] == 1 and r2["disagreements"].iloc[0].resolved == out["decision"]
    with pytest.raises(InputError, match="already resolved"):
        resolve_unit(two_coders, r2, row.transcript, int(row.start), int(row.end), [], actor="ann")
    dec.undo(two_coders, out["decision"], coder="ann")
    r3 = compare_coders(two_coders, "ann", "bob", framework="fw")
    assert r3["overall"]["unresolved"] == 2
    with two_coders.read() as s:
        assert db.codings_frame(s, coders=["consensus"]).empty


def test_bulk_consensus_writes_what_the_preview_said(two_coders):
    r = compare_coders(two_coders, "ann", "bob", framework="fw")
    pv = preview_agreed(two_coders, r)
    assert pv == {"units": 2, "codings": 2}  # unit 0 X and unit 1 Y: the codes both gave
    with pytest.raises(InputError, match="preview said 5"):
        record_agreed(two_coders, r, expect=5, actor="ann")
    with two_coders.read() as s:
        assert db.codings_frame(s, coders=["consensus"]).empty  # nothing written on a mismatch
    out = record_agreed(two_coders, r, expect=2, actor="ann")
    assert out["codings"] == 2 and preview_agreed(two_coders, r)["codings"] == 0
    dec.undo(two_coders, out["decision"], coder="ann")
    assert preview_agreed(two_coders, r)["codings"] == 2


def test_a_unit_resolved_without_a_shared_code_does_not_get_it_back_from_the_bulk_write(two_coders):
    """Issue 28, defect 10: unit 1 (both coders gave Y) resolved in consensus with X only; "write the consensus
    codings" then writes unit 0's X and nothing on unit 1."""
    r = compare_coders(two_coders, "ann", "bob", framework="fw")
    units = r["_units"]
    one = units.iloc[1]
    resolve_unit(two_coders, r, one.transcript, int(one.start), int(one.end), ["X"], actor="ann")
    assert preview_agreed(two_coders, r) == {"units": 1, "codings": 1}
    record_agreed(two_coders, r, actor="ann")
    with two_coders.read() as s:
        c = db.codings_frame(s, coders=["consensus"], with_text=False)
    on_one = c[(c.start == int(one.start)) & (c.end == int(one.end))]
    assert list(on_one.code_id) == ["X"]

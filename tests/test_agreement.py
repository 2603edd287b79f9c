"""Two-coder agreement: hand-checked figures, uncoded text counted, disagreements and the consensus."""

import numpy as np
import pytest

from toolkit import project as proj
from toolkit.errors import InputError
from toolkit.indexing.agreement import compare_coders, record_consensus
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

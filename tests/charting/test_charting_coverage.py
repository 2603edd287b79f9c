"""Counts and coverage: passages and participants per code by group, unused codes, sparse participants."""

from __future__ import annotations

import pytest
from test_charting_common import make_project

from toolkit import charting as ch
from toolkit.errors import NotFoundError
from toolkit.store import core as db


@pytest.fixture
def project(tmp_path):
    p = make_project(tmp_path)
    yield p
    p.close()


def test_counts_per_code_and_group(project):
    cov = ch.coverage(project, "lvi84", by="group")
    assert len(cov.codes) == 84
    codes = cov.codes.set_index("code_id")
    # ORG01: P01's two turns (one coded by both coders counts once)
    assert codes.loc["ORG01", "passages"] == 2 and codes.loc["ORG01", "participants"] == 1
    assert codes.loc["ORG01", "passages[GP]"] == 2 and codes.loc["ORG01", "participants[radiologist]"] == 0
    assert codes.loc["REF05", "participants[radiologist]"] == 1
    with project.read() as s:
        df = db.codings_frame(s, framework_id="lvi84")
    distinct = df.drop_duplicates(["transcript_id", "start", "end", "code_id"])
    assert codes["passages"].sum() == len(distinct)
    assert set(cov.unused) == set(codes.index) - set(df["code_id"])
    long = cov.long.set_index(["code_id", "group"])
    assert long.loc[("ORG07", "GP"), "share"] == 0.5 and long.loc[("ORG07", "GP"), "group_size"] == 2
    heat = cov.heatmap()
    assert list(heat.columns) == ["GP", "radiographer", "radiologist"] and heat.shape == (84, 3)
    assert heat.loc["ORG07", "GP"] == 0.5 and heat.loc["REF10", "radiologist"] == 1.0
    assert cov.heatmap("passages").loc["ORG01", "GP"] == 2


def test_participants_with_few_codings(project):
    cov = ch.coverage(project, "lvi84", few=3)
    parts = cov.participants.set_index("participant")
    assert parts.loc["P04", "passages"] == 0 and parts.loc["P01", "codes"] == 4
    assert cov.sparse == ["P04"]
    assert ch.coverage(project, "lvi84", few=4).sparse == ["P02", "P04"]  # P01 has 5 passages, P03 4, P02 3
    assert list(ch.coverage(project, "lvi84").heatmap().columns) == ["all"]


def test_coverage_by_two_attributes_and_bad_names(project):
    cov = ch.coverage(project, "lvi84", by=["group", "setting"])
    assert list(dict.fromkeys(cov.long["group"])) == ["GP / rural", "GP / urban", "radiographer / rural",
                                                      "radiologist / urban"]
    with pytest.raises(NotFoundError, match="no participant attribute 'sex'"):
        ch.coverage(project, "lvi84", by="sex")
    with pytest.raises(NotFoundError, match="no framework"):
        ch.coverage(project, "lvi99")
    with pytest.raises(ValueError):
        cov.heatmap("median")

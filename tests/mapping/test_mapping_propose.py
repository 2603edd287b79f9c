"""Mapping: key elements proposed from summaries, dimensions by clustering, categories, and the researcher's edits."""

import pytest
from mapping_fixtures import add_summaries, build

from toolkit import mapping as mp
from toolkit.errors import InputError, NotFoundError
from toolkit.mapping.phrases import words
from toolkit.store import core as db
from toolkit.store import mapping as mdb

SUMMARIES = {
    ("P1", "C1"): "P1 is afraid of missing a tumour and refers to be safe. Clinical improvement alone is not enough.",
    ("P2", "C1"): "Fear of missing cancer drives much of what P2 does.",
    ("P3", "C1"): "Specialists are afraid of missing something and order one more scan.",
    ("P1", "S1"): "The scanner is ten minutes away, so P1 sends people more readily.",
    ("P3", "S1"): "Everything is close by and quick, so volume grows.",
    ("P4", "S1"): "Access is easy in the city.",
    ("P4", "R2"): "Poor referrals make prioritising hard.",
}


@pytest.fixture
def mapped(tmp_path):
    p, _ = build(tmp_path)
    ids = add_summaries(p, SUMMARIES)
    return p, ids


def snapshot(p):
    st = mp.state(p, "cond")
    return {k: v.drop(columns=[c for c in ("elements", "dimensions") if c in v]).to_dict("records")
            for k, v in st.items()}


def test_elements_keep_links_to_summary_and_its_quotes(mapped, fake_embedder):
    p, ids = mapped
    calls = []
    r = mp.propose_elements(p, "cond", embedder=fake_embedder, per_summary=2,
                            progress=lambda d, n, what: calls.append((d, n, what)))
    els = mp.state(p, "cond")["elements"]
    assert len(els) == len(r.created) and set(els["summary_id"]) == set(ids.values())
    stages = [what for _, _, what in calls]
    assert stages[0] == "embedding phrases" and "choosing elements" in stages
    assert calls[stages.index("choosing elements") - 1][:2] == calls[0][1:2] * 2  # phrases done before choosing
    assert [(d, n) for d, n, what in calls if what == "choosing elements"][-1] == (len(ids), len(ids))
    with p.read() as s:
        summaries = mdb.map_summaries_frame(s, "cond").set_index("id")
        texts = mdb.coding_texts(s, {q for qs in els["quotes"] for q in qs})
    for e in els.itertuples():
        summary = summaries.loc[e.summary_id]
        assert set(words(e.label)) <= set(words(summary["text"]))  # cut from the summary's own words
        assert e.quotes and set(e.quotes) <= set(summary["quotes"])  # and linked to its quotes
        assert e.participant_id == summary["participant_id"] and e.status == "proposed"
    assert els.groupby("summary_id").size().max() <= 2
    # the element about the scanner is backed by the passage that says so
    scanner = els[els["label"].str.contains("scanner|minutes", case=False)].iloc[0]
    assert any("ten minutes away" in texts[q] for q in scanner.quotes)


def test_reproposing_replaces_proposals_and_keeps_accepted(mapped, fake_embedder):
    p, ids = mapped
    mp.propose_elements(p, "cond", embedder=fake_embedder)
    els = mp.state(p, "cond")["elements"]
    keep = int(els[els["summary_id"] == ids[("P4", "R2")]]["id"].iloc[0])
    mp.rename(p, "cond", "element", keep, "Poor referrals")
    mp.propose_elements(p, "cond", embedder=fake_embedder)
    els2 = mp.state(p, "cond")["elements"]
    assert (els2[els2["summary_id"] == ids[("P4", "R2")]]["label"] == ["Poor referrals"]).all()
    others = int((els["summary_id"] == ids[("P4", "R2")]).sum()) - 1  # its other proposals are not made again
    assert len(els2) == len(els) - others
    assert keep in set(els2["id"]) and (els2["status"] == "proposed").sum() == len(els2) - 1


def test_no_summaries_is_a_clear_error_and_nothing_changes(tmp_path, fake_embedder):
    p, _ = build(tmp_path)
    with pytest.raises(InputError, match="no written summaries"):
        mp.propose_elements(p, "cond", embedder=fake_embedder)
    with pytest.raises(NotFoundError, match="no framework 'nope'"):
        mp.propose_elements(p, "nope")
    assert mp.state(p, "cond")["elements"].empty


def test_dimensions_group_like_elements_and_threshold_controls_granularity(mapped, embedder):
    p, ids = mapped
    mp.propose_elements(p, "cond", embedder=embedder, per_summary=1)
    els = mp.state(p, "cond")["elements"].set_index("id")
    counts = []
    for th in (0.3, 0.6, 0.9, 1.2):
        r = mp.propose_dimensions(p, "cond", embedder, threshold=th)
        counts.append(len(r.created))
        members = [sorted(m) for m in r.members.values()]
        assert sorted(e for m in members for e in m) == sorted(els.index)  # every element in exactly one
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    assert len(mp.state(p, "cond")["dimensions"]) == counts[-1]  # earlier proposals replaced
    r = mp.propose_dimensions(p, "cond", embedder)  # the default threshold and linkage
    dim_of = {e: d for d, m in r.members.items() for e in m}
    fear = list(els.index[els["summary_id"].isin([ids[("P1", "C1")], ids[("P2", "C1")]])])
    assert len(fear) == 2 and len({dim_of[e] for e in fear}) == 1  # the two fear-of-missing phrases form one
    referral = els.index[els["code_id"] == "R2"][0]
    assert dim_of[referral] != dim_of[fear[0]]
    with pytest.raises(InputError, match="threshold"):
        mp.propose_dimensions(p, "cond", embedder, threshold=0)


def test_categories_from_framework_and_by_clustering(mapped, fake_embedder):
    p, _ = mapped
    mp.propose_elements(p, "cond", embedder=fake_embedder, per_summary=1)
    mp.propose_dimensions(p, "cond", fake_embedder, threshold=0.01)  # one dimension per element
    r = mp.propose_categories(p, "cond")
    st = mp.state(p, "cond")
    assert set(st["categories"]["label"]) == {"Culture", "System", "Referral"}
    cat_label = dict(zip(st["categories"]["id"], st["categories"]["label"], strict=True))
    for did, cid in zip(st["dimensions"]["id"], st["dimensions"]["category_id"], strict=True):
        codes = set(st["elements"].loc[st["elements"]["dimension_id"] == did, "code_id"])
        assert cat_label[int(cid)] == {"C1": "Culture", "S1": "System", "R2": "Referral"}[codes.pop()]
    assert sorted(d for m in r.members.values() for d in m) == sorted(st["dimensions"]["id"])
    with pytest.raises(InputError, match="already has a category"):
        mp.propose_categories(p, "cond")
    mp.move_dimension(p, "cond", list(st["dimensions"]["id"]), category_id=None)
    r2 = mp.propose_categories(p, "cond", method="cluster", embedder=fake_embedder, threshold=1.0)
    assert sum(len(m) for m in r2.members.values()) == len(st["dimensions"])


def test_accept_rename_move_merge_remove(mapped, fake_embedder):
    p, ids = mapped
    mp.propose_elements(p, "cond", embedder=fake_embedder, per_summary=2)
    mp.propose_dimensions(p, "cond", fake_embedder, threshold=0.01)
    st = mp.state(p, "cond")
    e = st["elements"]
    d1, d2, d3 = [int(x) for x in st["dimensions"]["id"][:3]]
    mp.accept(p, "cond", dimensions=[d1])
    st = mp.state(p, "cond")
    assert (st["elements"].loc[st["elements"]["dimension_id"] == d1, "status"] == "accepted").all()
    # merge dimensions: elements move to the first, the rest disappear
    mp.merge_dimensions(p, "cond", [d2, d3], label="Fear of missing")
    st = mp.state(p, "cond")
    assert d3 not in set(st["dimensions"]["id"])
    row = st["dimensions"].set_index("id").loc[d2]
    assert row["label"] == "Fear of missing" and row["status"] == "accepted" and row["elements"] == 2
    # move an element into a new dimension, then into a category
    eid = int(e["id"].iloc[-1])
    new_d = mp.move_element(p, "cond", [eid], new_dimension="Referral quality")
    cid = mp.move_dimension(p, "cond", [new_d], new_category="Referral process")
    st = mp.state(p, "cond")
    assert st["elements"].set_index("id").loc[eid, "dimension_id"] == new_d
    assert st["dimensions"].set_index("id").loc[new_d, "category_id"] == cid
    mp.rename(p, "cond", "category", cid, "The referral")
    assert mp.state(p, "cond")["categories"].set_index("id").loc[cid, "label"] == "The referral"
    # merge two elements of one summary: quotes united
    two = e[e["summary_id"] == ids[("P1", "C1")]]["id"].tolist()
    keep = mp.merge_elements(p, "cond", two, label="Fear of missing; clinical improvement not enough")
    with p.read() as s:
        assert mdb.element(s, keep)["label"].startswith("Fear of missing")
    # elements of different summaries are not merged
    other = int(e[e["summary_id"] == ids[("P2", "C1")]]["id"].iloc[0])
    before = snapshot(p)
    with pytest.raises(InputError, match="different summaries"):
        mp.merge_elements(p, "cond", [keep, other])
    with pytest.raises(NotFoundError, match="no key dimension with id 999"):
        mp.merge_dimensions(p, "cond", [d1, 999])
    with pytest.raises(InputError, match="non-empty label"):
        mp.rename(p, "cond", "dimension", d1, "  ")
    assert snapshot(p) == before  # failed edits change nothing
    mp.remove(p, "cond", "dimension", [d1])
    st = mp.state(p, "cond")
    assert d1 not in set(st["dimensions"]["id"]) and st["elements"]["dimension_id"].isna().any()
    mp.remove(p, "cond", "category", [cid])
    assert pd_isna(mp.state(p, "cond")["dimensions"].set_index("id").loc[new_d, "category_id"])
    with p.read() as s:
        actions = set(db.events_frame(s)["action"])
    assert {"map.propose_elements", "map.merge_dimensions", "map.move_element", "map.rename_category"} <= actions


def pd_isna(v) -> bool:
    import pandas as pd

    return bool(pd.isna(v))


def test_manual_element_links_the_summary_quotes(mapped):
    p, ids = mapped
    eid = mp.add_element(p, "cond", "Just to be safe", summary_id=ids[("P2", "C1")])
    with p.read() as s:
        el = mdb.element(s, eid)
        assert el["quotes"] == mdb.summary_quotes(s, ids[("P2", "C1")]) and el["status"] == "accepted"
    with pytest.raises(NotFoundError, match="no summary with id 4242"):
        mp.add_element(p, "cond", "x", summary_id=4242)

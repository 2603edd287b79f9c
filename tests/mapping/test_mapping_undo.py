"""Undo of mapping edits (issue 26): every edit of key elements, dimensions and categories undone exactly, last edit
first, per framework, recorded with who and when; refused (nothing changed) when there is nothing to undo or it cannot
be done cleanly. On SQLite and PostgreSQL."""

import pandas.testing as pdt
import pytest
from mapping_fixtures import add_summaries, build

from toolkit import mapping as mp
from toolkit.charting import set_summary
from toolkit.cli import main
from toolkit.errors import ConflictError, InputError, NotFoundError
from toolkit.store import core as db
from toolkit.store import mapping as mdb

SUMMARIES = {
    ("P1", "C1"): "P1 is afraid of missing a tumour and refers to be safe. Clinical improvement alone is not enough.",
    ("P2", "C1"): "Fear of missing cancer drives much of what P2 does.",
    ("P3", "C1"): "Specialists are afraid of missing something and order one more scan.",
    ("P1", "S1"): "The scanner is ten minutes away, so P1 sends people more readily.",
    ("P3", "S1"): "Everything is close by and quick, so volume grows.",
    ("P4", "R2"): "Poor referrals make prioritising hard.",
}


@pytest.fixture
def mapped(tmp_path, project_location, fake_embedder):
    """Proposed key elements, dimensions and categories (the fake model: the groups' quality is not under test)."""
    p, _ = build(tmp_path, location=project_location)
    sid = add_summaries(p, SUMMARIES)[("P1", "S1")]
    mp.propose_elements(p, "cond", embedder=fake_embedder, per_summary=3)
    with p.read() as s:
        quotes = mdb.summary_quotes(s, sid)
    assert len(quotes) == 2
    # the researcher's own element, quoting the summary's passages in their own order (a merge sorts them)
    mp.add_element(p, "cond", "Scanner close by", summary_id=sid, quotes=quotes[::-1])
    mp.propose_dimensions(p, "cond", fake_embedder, threshold=0.9)
    mp.propose_categories(p, "cond", method="framework")
    yield p
    p.close()


def frames(p) -> dict:
    return mp.state(p, "cond")


def assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        pdt.assert_frame_equal(a[k], b[k], obj=k)


def _two_of_one_summary(st):
    """The researcher's element and another of its summary, with different quotes."""
    els = st["elements"].set_index("label")
    own = els.loc["Scanner close by"]
    other = els[(els["summary_id"] == own["summary_id"]) & (els.index != "Scanner close by")]
    assert len(other) and other["quotes"].iloc[0] != own["quotes"]
    return [int(own["id"]), int(other["id"].iloc[0])]


def _two_dimensions(st):
    ids = [int(i) for i in st["dimensions"]["id"]]
    assert len(ids) >= 2
    return ids[:2]


def _label(st, kind, i):
    df = st[kind]
    return df.loc[df["id"] == i, "label"].iloc[0]


# each edit: (do it, the edit in words as the undo names it)
def accept_elements(p, st):
    ids = [int(i) for i in st["elements"]["id"][:2]]
    mp.accept(p, "cond", elements=ids, actor="ann")
    return f"accept of key elements '{_label(st, 'elements', ids[0])}' and '{_label(st, 'elements', ids[1])}'"


def accept_dimension(p, st):
    did = int(st["dimensions"]["id"].iloc[0])
    mp.accept(p, "cond", dimensions=[did], actor="ann")
    return f"accept of key dimension '{_label(st, 'dimensions', did)}'"


def rename_element(p, st):
    eid = int(st["elements"]["id"].iloc[-1])
    mp.rename(p, "cond", "element", eid, "Lack of local guidelines", actor="ann")
    return f"rename of key element '{_label(st, 'elements', eid)}' to 'Lack of local guidelines'"


def rename_dimension(p, st):
    did = int(st["dimensions"]["id"].iloc[1])
    mp.rename(p, "cond", "dimension", did, "Defensive medicine", actor="ann")
    return f"rename of key dimension '{_label(st, 'dimensions', did)}' to 'Defensive medicine'"


def rename_category(p, st):
    cid = int(st["categories"]["id"].iloc[0])
    mp.rename(p, "cond", "category", cid, "Culture of safety", actor="ann")
    return f"rename of category '{_label(st, 'categories', cid)}' to 'Culture of safety'"


def merge_elements(p, st):
    a, b = _two_of_one_summary(st)
    mp.merge_elements(p, "cond", [a, b], label="Scanner ten minutes away", actor="ann")
    merged = mp.state(p, "cond")["elements"].set_index("id")
    assert b not in merged.index and merged.loc[a, "quotes"] == sorted(st["elements"].set_index("id").loc[a, "quotes"])
    return f"merge of 'Scanner close by' and '{_label(st, 'elements', b)}' into 'Scanner ten minutes away'"


def merge_dimensions(p, st):
    a, b = _two_dimensions(st)
    mp.merge_dimensions(p, "cond", [a, b], actor="ann")
    la = _label(st, "dimensions", a)
    return f"merge of '{la}' and '{_label(st, 'dimensions', b)}' into '{la}'"


def move_element(p, st):
    a, b = _two_dimensions(st)
    els = st["elements"]
    eid = int(els.loc[els["dimension_id"] == a, "id"].iloc[0])
    mp.move_element(p, "cond", [eid], dimension_id=b, actor="ann")
    return f"move of key element '{_label(st, 'elements', eid)}' to key dimension '{_label(st, 'dimensions', b)}'"


def move_element_to_new(p, st):
    ids = [int(i) for i in st["elements"]["id"][:2]]
    mp.move_element(p, "cond", ids, new_dimension="Access", actor="ann")
    return (f"move of key elements '{_label(st, 'elements', ids[0])}' and '{_label(st, 'elements', ids[1])}' "
            "to new key dimension 'Access'")


def move_dimension(p, st):
    did = int(st["dimensions"]["id"].iloc[0])
    mp.move_dimension(p, "cond", [did], new_category="Defensive practice", actor="ann")
    return f"move of key dimension '{_label(st, 'dimensions', did)}' to new category 'Defensive practice'"


def add_element(p, st):
    sid = int(st["elements"]["summary_id"].iloc[0])
    mp.add_element(p, "cond", "No shared protocol", summary_id=sid, actor="ann")
    return "addition of key element 'No shared protocol'"


def add_category(p, st):
    mp.add_category(p, "cond", "Economy", actor="ann")
    return "addition of category 'Economy'"


def remove_element(p, st):
    eid = int(st["elements"]["id"].iloc[0])
    mp.remove(p, "cond", "element", [eid], actor="ann")
    return f"deletion of key element '{_label(st, 'elements', eid)}'"


def remove_dimension(p, st):
    did = int(st["dimensions"]["id"].iloc[0])
    mp.remove(p, "cond", "dimension", [did], actor="ann")
    return f"deletion of key dimension '{_label(st, 'dimensions', did)}'"


def remove_category(p, st):
    cid = int(st["categories"]["id"].iloc[0])
    mp.remove(p, "cond", "category", [cid], actor="ann")
    return f"deletion of category '{_label(st, 'categories', cid)}'"


EDITS = [accept_elements, accept_dimension, rename_element, rename_dimension, rename_category, merge_elements,
         merge_dimensions, move_element, move_element_to_new, move_dimension, add_element, add_category,
         remove_element, remove_dimension, remove_category]


@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__ for e in EDITS])
def test_an_edit_then_undo_restores_the_frames_exactly(mapped, edit):
    before = frames(mapped)
    what = edit(mapped, before)
    changed = frames(mapped)
    with pytest.raises(AssertionError):
        assert_same(before, changed)  # the edit did change something
    assert mp.last_edit(mapped, "cond") == what  # the button says what it will undo
    out = mp.undo(mapped, "cond", actor="bob")
    assert out.what == what
    assert_same(before, frames(mapped))  # labels, membership, status, positions, quote links: all as they were
    with mapped.read() as s:
        ev = db.events_frame(s, limit=1).iloc[0]
    assert (ev["action"], ev["actor"]) == ("map.undo", "bob") and ev["payload"]["what"] == what
    assert ev["at"] is not None
    assert mp.last_edit(mapped, "cond").startswith("proposal of categories for ")  # the edit before is next


def test_two_undos_in_a_row_undo_the_last_edit_then_the_one_before(mapped):
    start = frames(mapped)
    merge_dimensions(mapped, start)
    merged = frames(mapped)
    rename_element(mapped, merged)
    assert mp.undo(mapped, "cond").action == "map.rename_element"
    assert_same(merged, frames(mapped))
    assert mp.undo(mapped, "cond").action == "map.merge_dimensions"
    assert_same(start, frames(mapped))
    # a new edit after undos is the next to undo; the undone ones are not undone twice
    accept_elements(mapped, start)
    assert mp.undo(mapped, "cond").action == "map.accept"
    assert_same(start, frames(mapped))


def test_undo_goes_back_through_the_proposals_to_nothing(mapped):
    for action in ("map.propose_categories", "map.propose_dimensions", "map.add_element", "map.propose_elements"):
        assert mp.undo(mapped, "cond").action == action
    st = frames(mapped)
    assert all(df.empty for df in st.values())
    assert mp.last_edit(mapped, "cond") is None
    with pytest.raises(InputError, match="nothing to undo in the mapping of framework 'cond'"):
        mp.undo(mapped, "cond")


def test_undo_is_per_framework_and_refused_when_there_is_nothing(mapped):
    with pytest.raises(InputError, match="nothing to undo in the mapping of framework 'src'"):
        mp.undo(mapped, "src")
    with pytest.raises(NotFoundError, match="no framework 'nope'"):
        mp.undo(mapped, "nope")
    before = frames(mapped)
    mp.add_category(mapped, "src", "Somewhere else")
    rename_category(mapped, before)
    assert mp.undo(mapped, "src").what == "addition of category 'Somewhere else'"
    assert mp.state(mapped, "src")["categories"].empty
    assert mp.last_edit(mapped, "cond").startswith("rename of category")


def test_undo_that_cannot_be_clean_is_refused_and_changes_nothing(mapped):
    st = frames(mapped)
    accept_elements(mapped, st)
    eid = int(st["elements"]["id"].iloc[0])
    sid = int(st["elements"]["summary_id"].iloc[0])
    row = st["elements"].loc[st["elements"]["id"] == eid].iloc[0]
    # the researcher empties the element's summary on the Chart page: its key elements go with it
    set_summary(mapped, "cond", row["participant_id"], row["code_id"], "", author="ann")
    now = frames(mapped)
    with pytest.raises(ConflictError, match=rf"cannot undo the accept of .* cleanly: key element {eid} has changed "
                                            r"since; nothing was changed"):
        mp.undo(mapped, "cond")
    assert_same(now, frames(mapped))
    assert mp.last_edit(mapped, "cond").startswith("accept of")  # still there: nothing half-undone
    assert sid not in set(now["elements"]["summary_id"].dropna())


def test_undo_of_a_deletion_whose_summary_is_gone_is_refused(mapped):
    st = frames(mapped)
    els = st["elements"]
    eid = int(els["id"].iloc[0])
    others = [int(i) for i in els.loc[els["summary_id"] == els["summary_id"].iloc[0], "id"] if int(i) != eid]
    mp.remove(mapped, "cond", "element", [eid, *others])  # all of the summary's elements
    row = els.iloc[0]
    set_summary(mapped, "cond", row["participant_id"], row["code_id"], "", author="ann")
    now = frames(mapped)
    with pytest.raises(ConflictError, match=r"summary \d+ no longer exists; nothing was changed"):
        mp.undo(mapped, "cond")
    assert_same(now, frames(mapped))


def test_cli_map_undo_says_what_it_undid(mapped, capsys):
    st = frames(mapped)
    a, b = _two_dimensions(st)
    mp.rename(mapped, "cond", "dimension", a, "Lack of local guidelines")
    mp.rename(mapped, "cond", "dimension", b, "No shared protocol")
    renamed = frames(mapped)
    assert main(["map", "merge", str(mapped.path), "--framework", "cond", "dimensions", str(a), str(b),
                 "--actor", "dana"]) == 0
    capsys.readouterr()
    with mapped.read() as s:  # an edit from the command line records who made it
        assert db.events_frame(s, limit=1).iloc[0]["actor"] == "dana"
    assert main(["map", "undo", str(mapped.path), "--framework", "cond", "--actor", "carl"]) == 0
    assert capsys.readouterr().out.strip() == ("undid: merge of 'Lack of local guidelines' and 'No shared protocol' "
                                               "into 'Lack of local guidelines'")
    assert_same(renamed, frames(mapped))
    with mapped.read() as s:
        assert db.events_frame(s, limit=1).iloc[0]["actor"] == "carl"
    assert main(["map", "undo", str(mapped.path), "--framework", "src"]) == 2
    assert "nothing to undo" in capsys.readouterr().err

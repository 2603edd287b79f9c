"""The Index and Agreement pages under AppTest, one regression test per bug of issue 12: accept-remove-accept,
reject then add, a rejection undone, the blind view, consensus one passage at a time with undo, the bulk consensus
preview, and the coder and position kept over a reload. Effects are read back through the toolkit."""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("streamlit")
from app_helpers import SMALL, build_small_suggested, ok, page, use_model  # noqa: E402

from toolkit.store import core as db  # noqa: E402
from toolkit.store import indexing as idb  # noqa: E402
from toolkit.textsafe import md  # noqa: E402


@pytest.fixture(scope="module")
def suggested_file(tmp_path_factory):
    return build_small_suggested(tmp_path_factory.mktemp("suggested") / "small.fa")


@pytest.fixture
def suggested(suggested_file, tmp_path):
    from toolkit.store import open_project

    dst = tmp_path / "small.fa"
    shutil.copy2(suggested_file, dst)
    with open_project(dst) as p:
        yield p


def _first_passage(p):
    from toolkit.indexing import review

    return review.transcript_view(p, "lvi84", SMALL[0], "researcher")["passages"][0]


def _mine(project, coder="researcher"):
    with project.read() as s:
        return db.codings_frame(s, framework_id="lvi84", coders=[coder], with_text=False)


def _status(p, sid):
    with p.read() as s:
        return idb.suggestion(s, sid).status


def _text(at) -> str:
    return " ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.caption)


def _keys(at) -> set:
    return {b.key for b in at.button}


def _a_suggestion(p):
    first = _first_passage(p)
    items = first["suggestions"] + first["candidates"]
    assert len(items) >= 2, first
    return first, items


def test_index_page_accept_remove_accept(suggested):
    at = ok(page("index", suggested.path, index_candidates=True))
    first, items = _a_suggestion(suggested)
    sid = items[0]["id"]
    assert md(first["text"])[:80] in _text(at)
    ok(at.button(key=f"accept_{sid}").click().run())
    assert len(_mine(suggested)) == 1 and _status(suggested, sid) == "accepted"
    assert f"accept_{sid}" not in _keys(at) and f"unaccept_{sid}" in _keys(at)
    ok(at.button(key=f"unaccept_{sid}").click().run())  # Remove
    assert _mine(suggested).empty and _status(suggested, sid) == "open"
    assert f"accept_{sid}" in _keys(at)  # offered again: the status is not stale
    ok(at.button(key=f"accept_{sid}").click().run())
    mine = _mine(suggested)
    assert len(mine) == 1 and mine.origin.iloc[0] == "suggestion" and mine.code_id.iloc[0] == items[0]["code_id"]


def test_index_page_reject_then_add_shows_coded(suggested):
    at = ok(page("index", suggested.path, index_candidates=True))
    first, items = _a_suggestion(suggested)
    sid, code = items[0]["id"], items[0]["code_id"]
    ok(at.button(key=f"reject_{sid}").click().run())
    assert _status(suggested, sid) == "rejected" and "rejected by you" in _text(at)
    at.multiselect(key=f"add_codes_{first['id']}").set_value([code]).run()
    ok(at.button(key=f"add_{first['id']}").click().run())
    mine = _mine(suggested)
    assert list(mine.code_id) == [code] and mine.origin.iloc[0] == "manual"
    text = _text(at)
    assert "coded by you" in text and "rejected by you" not in text
    assert _status(suggested, sid) == "accepted"


def test_index_page_codes_sentences_without_character_numbers(suggested):
    """Part of a passage without the mouse: the sentence range in its expander codes exactly those sentences; no
    control or text of the page speaks of character numbers (the offsets stay stored)."""
    from toolkit.indexing import review

    at = ok(page("index", suggested.path))
    first = _first_passage(suggested)
    pid = first["id"]
    shown = _text(at) + " " + " ".join(b.label for b in at.button)
    assert "character" not in shown.lower() and not at.number_input
    assert "span_mode" not in {r.key for r in at.radio}
    assert [e.label for e in at.expander if "without the mouse" in e.label] == \
        ["Code part of this passage without the mouse"]
    sents = review.transcript_view(suggested, "lvi84", SMALL[0], "researcher")["sentences"]
    inside = [k for k, x in enumerate(sents) if x["start"] >= first["start"] and x["end"] <= first["end"]]
    assert len(inside) >= 2, first
    k0 = k1 = inside[1]  # the passage's second sentence only: really a part of it
    code = review.code_choices(suggested, "lvi84", "researcher")[-1]["id"]
    at.multiselect(key=f"add_codes_{pid}").set_value([code]).run()
    at.selectbox(key=f"span_from_{pid}").set_value(k0).run()
    at.selectbox(key=f"span_to_{pid}").set_value(k1).run()
    ok(at.button(key=f"add_part_{pid}").click().run())
    mine = _mine(suggested)
    assert list(zip(mine.start, mine.end, mine.code_id, strict=True)) == [(sents[k0]["start"], sents[k1]["end"], code)]
    assert mine.origin.iloc[0] == "manual"
    assert any(f"Coded the chosen sentence with {code}" in m.value for m in at.success)
    text = _text(at)
    assert "part of this passage: \u201c" in text and "character" not in text.lower()
    assert md(" ".join(sents[k0]["text"].split()[:4])) in text  # the coded part named by its first words


def test_index_page_a_rejection_can_be_undone(suggested):
    at = ok(page("index", suggested.path, index_candidates=True))
    _first, items = _a_suggestion(suggested)
    sid = items[0]["id"]
    ok(at.button(key=f"reject_{sid}").click().run())
    ok(at.button(key=f"unreject_{sid}").click().run())
    assert _status(suggested, sid) == "open" and f"accept_{sid}" in _keys(at)
    ok(at.button(key=f"reject_{sid}").click().run())
    ok(at.button(key="undo_last").click().run())  # "Undo my last decision" does the same
    assert _status(suggested, sid) == "open"


def test_index_page_no_code_here_and_history(suggested):
    at = ok(page("index", suggested.path, index_candidates=True))
    first = _first_passage(suggested)
    ok(at.button(key=f"nocode_{first['id']}").click().run())
    from toolkit.store import decisions as ddb

    with suggested.read() as s:
        assert ddb.nocode_passages(s, "lvi84") == [first["id"]]
    assert any("no code here" in i.value for i in at.info)
    hist = [k for k in _keys(at) if k and k.startswith("undo_") and k[5:].isdigit()]
    assert len(hist) == 1
    ok(at.button(key=hist[0]).click().run())
    with suggested.read() as s:
        assert ddb.nocode_passages(s, "lvi84") == []


def test_index_page_is_blind_until_the_coder_compares(suggested):
    at = ok(page("index", suggested.path, index_candidates=True))
    with suggested.read() as s:
        ref = db.codings_frame(s, coders=["reference"], transcript_ids=[db.resolve_transcript(s, SMALL[0]).id])
    assert len(ref)
    assert "· reference ·" not in _text(at) and "blind" in _text(at)
    at.toggle(key="index_compare").set_value(True).run()
    first_ref = int(ref.start.min())
    from toolkit.indexing import review

    pas = review.transcript_view(suggested, "lvi84", SMALL[0], "researcher", show_others=True)["passages"]
    pos = next(k for k, x in enumerate(pas) if x["end"] > first_ref)
    at.session_state[f"index_pos_lvi84_{SMALL[0]}"] = pos
    ok(at.run())
    assert "· reference ·" in _text(at)


def test_index_page_says_whether_the_suggestions_are_blind(suggested, monkeypatch, fake_embedder):
    """The suggestions were computed with one coder (``reference``); ``researcher`` makes two: the page says they may
    carry the other coder's choices until updated, then that they are learned from other transcripts only."""
    use_model(monkeypatch, fake_embedder)
    at = ok(page("index", suggested.path))
    assert "computed before blind coding began" in _text(at) and "other transcripts only" not in _text(at)
    ok(at.button(key="suggest").click().run())
    at = ok(page("index", suggested.path))
    assert "learned from other transcripts only" in _text(at) and "before blind coding" not in _text(at)


def test_index_page_bulk_accept_with_undo_counts_true(suggested):
    at = ok(page("index", suggested.path, index_candidates=True))
    with suggested.read() as s:
        sug = idb.suggestions_frame(s, "lvi84", status="open")
    code = sug.code_id.value_counts().index[0]
    at.selectbox(key="bulk_code").select(code).run()
    at.slider(key="bulk_threshold").set_value(0.0).run()
    ok(at.button(key="bulk_accept").click().run())
    n = int((sug.code_id == code).sum())
    assert len(_mine(suggested)) == n and any(f"Accepted {n} suggestions" in m.value for m in at.success)
    ok(at.button(key="undo_batch").click().run())
    assert _mine(suggested).empty
    assert any(f"Removed {n} codings" in m.value for m in at.success)  # the message says what is true now


def test_index_page_coder_and_position_kept_over_a_reload(suggested):
    from app_helpers import PAGES
    from streamlit.testing.v1 import AppTest

    def fresh():
        a = AppTest.from_file(str(PAGES / "index.py"), default_timeout=180)
        a.session_state["project_path"] = str(suggested.path)
        a.query_params["coder"] = "ann"
        return a

    at = ok(fresh().run())
    assert "you are **ann**" in _text(at) and at.query_params.get("coder") == "ann"
    at.selectbox(key="index_transcript").select(SMALL[1]).run()
    ok(at.button(key="next").click().run())
    ok(at.button(key="next").click().run())
    from toolkit.indexing import review

    third = review.transcript_view(suggested, "lvi84", SMALL[1], "ann")["passages"][2]
    assert md(third["text"])[:60] in _text(at)
    again = ok(fresh().run())  # a reload: a new session, the same URL
    assert again.selectbox(key="index_transcript").value == SMALL[1]
    assert md(third["text"])[:60] in _text(again)
    other = ok(page("index", suggested.path))  # another coder starts at the beginning
    assert other.selectbox(key="index_transcript").value == SMALL[0]


def test_entry_keeps_the_coder_in_the_url_on_every_page(sample_project):
    from app_helpers import APP
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP / "streamlit_app.py"), default_timeout=120)
    at.session_state["project_path"] = str(sample_project.path)
    at.query_params["coder"] = "ann"
    ok(at.run())
    assert at.sidebar.selectbox(key="coder_select").value == "ann"
    at.query_params.clear()  # a page switch drops the query parameters ...
    ok(at.run())
    assert at.query_params.get("coder") == "ann"  # ... and every page sets the coder again
    at.sidebar.selectbox(key="coder_select").select("second").run()
    assert at.query_params.get("coder") == "second" and at.session_state["coder"] == "second"


# --- agreement ----------------------------------------------------------------------------------------------------


def test_agreement_page_consensus_one_passage_with_undo(sample_project):
    from toolkit.indexing.agreement import compare_coders

    at = ok(page("agreement", sample_project.path))
    r = compare_coders(sample_project, "reference", "second", framework="lvi84")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Units"] == str(r["overall"]["units"]) and r["unit"] == "sentences:3"
    assert shown["Pooled kappa"] == f"{r['overall']['pooled_kappa']:.2f}"
    assert shown["Positive agreement"] == f"{r['overall']['pooled_positive']:.0%}"
    n0 = r["overall"]["unresolved"]
    assert shown["Unresolved units"] == str(n0)
    assert any("agreed absences" in i.value for i in at.info)  # percent agreement explained
    row = r["disagreements"].iloc[0]
    text = " ".join(m.value for m in at.markdown)
    assert md(row.text)[:60] in text
    assert all(md(row.labels[c]) in text for c in row.only_a + row.only_b)  # codes with their labels
    ok(at.button(key="resolve_unit").click().run())
    with sample_project.read() as s:
        c = db.codings_frame(s, coders=["consensus"], with_text=False)
    assert sorted(c.code_id) == sorted(row.both) and set(c.start) <= {int(row.start)}
    assert {m.label: m.value for m in at.metric}["Unresolved units"] == str(n0 - 1)
    undo = [k for k in _keys(at) if k and k.startswith("unresolve_")]
    assert len(undo) == 1
    ok(at.button(key=undo[0]).click().run())
    assert {m.label: m.value for m in at.metric}["Unresolved units"] == str(n0)
    with sample_project.read() as s:
        assert db.codings_frame(s, coders=["consensus"]).empty


def test_agreement_page_bulk_consensus_previews_then_writes(sample_project):
    from toolkit.indexing.agreement import compare_coders
    from toolkit.indexing.consensus import preview_agreed

    at = ok(page("agreement", sample_project.path))
    n = preview_agreed(sample_project, compare_coders(sample_project, "reference", "second", framework="lvi84"))
    assert any(f"will write **{n['codings']} codings**" in w.value for w in at.warning)
    assert at.button(key="record_consensus").disabled  # nothing is written before the confirmation
    at.checkbox(key="bulk_consensus_sure").check().run()
    ok(at.button(key="record_consensus").click().run())
    with sample_project.read() as s:
        assert len(db.codings_frame(s, coders=["consensus"])) == n["codings"] > 0
    ok(at.button(key="undo_bulk_consensus").click().run())
    with sample_project.read() as s:
        assert db.codings_frame(s, coders=["consensus"]).empty

"""Summaries: extractive drafts never invent words, list their quotes, never replace a researcher's text; the
researcher's own text and review; sentence splitting and selection."""

from __future__ import annotations

import numpy as np
import pytest
from test_charting_common import make_project

from toolkit import charting as ch
from toolkit.charting.sentences import candidates, split_sentences, spoken_ranges
from toolkit.charting.summaries import select_sentences
from toolkit.errors import InputError, NotFoundError
from toolkit.store import charting as cdb
from toolkit.store import core as db


@pytest.fixture
def project(tmp_path, project_location):
    p = make_project(tmp_path, location=project_location)
    yield p
    p.close()


def _participant_spans(project) -> dict[str, list[tuple[int, int]]]:
    with project.read() as s:
        segs = db.segments_frame(s)
    out: dict[str, list[tuple[int, int]]] = {}
    for r in segs[segs["role"] != "interviewer"].itertuples(index=False):
        out.setdefault(r.transcript, []).append((r.start, r.end))
    return out


def test_drafts_are_verbatim_sentences_of_the_cells_passages(project, embedder):
    calls = []
    rep = ch.draft_summaries(project, "lvi84", embedder, progress=lambda d, n, what: calls.append((d, n, what)))
    m = ch.build_matrix(project, "lvi84")
    coded = [c for c in m.cells.values() if c.quotes]
    assert rep.drafted == len(coded) == 11 and rep.model == "all-MiniLM-L6-v2"
    assert calls and calls[-1][0] == calls[-1][1] and calls[-1][2] == "drafting cells"
    spoken = _participant_spans(project)
    with project.read() as s:
        texts = {r["name"]: db.transcript_text(s, r["id"]) for r in db.transcripts(s)}
    for cell in coded:
        assert (cell.status, cell.origin, cell.author) == ("draft", "drafted", "draft:all-MiniLM-L6-v2")
        sentences = ch.drafted_sentences(cell.summary)
        assert 1 <= len(sentences) <= 3
        cited = cell.cited_quotes()
        assert cited and set(cell.summary_quotes) <= {i for q in cell.quotes for i in q.coding_ids}
        for sent in sentences:
            # verbatim in a coded passage the summary lists ...
            holder = [q for q in cited if sent in q.text]
            assert holder, f"{cell.participant} x {cell.column}: {sent!r} is not in a cited passage"
            # ... and said by the participant, not the interviewer
            q = holder[0]
            at = q.start + q.text.index(sent)
            assert texts[q.transcript][at:at + len(sent)] == sent
            assert any(a <= at and at + len(sent) <= b for a, b in spoken[q.transcript])
    # the span that starts in the interviewer's question drafts only from the answer
    assert "Do you reject" not in m.cell("P03", "REF11").summary
    # a one-sentence passage is its own draft
    assert m.cell("P01", "EXP01").summary == ("Patients from the cities come in and say their physiotherapist "
                                              "told them to get an MR.")


def test_drafting_picks_sentences_about_the_code(project, embedder):
    rep = ch.draft_summaries(project, "lvi84", embedder, codes=["ORG01", "CUL15"], participants=["P01", "P02"])
    assert sorted(rep.cells) == [("P01", "ORG01"), ("P02", "CUL15")]
    m = ch.build_matrix(project, "lvi84")
    # P01's two ORG01 passages hold six sentences (one of three words, left out); two are drafted, about access,
    # not the introduction "I am a GP in a small coastal municipality."
    org01 = ch.drafted_sentences(m.cell("P01", "ORG01").summary)
    assert len(org01) == 2
    assert "The nearest X-ray machine is two hours away by car and ferry." in org01
    assert not any(x.startswith(("I am a GP", "Very much so")) for x in org01)
    # fear of missing a diagnosis (CUL15): the sentence about being blamed for a missed tumour, not "Yes, ..."
    assert "tumour" in m.cell("P02", "CUL15").summary
    assert m.cell("P01", "ORG02").status == "empty"  # not asked for


def test_drafting_never_replaces_a_researchers_summary(project, fake_embedder):
    ch.set_summary(project, "lvi84", "P01", "ORG01", "Mine.", author="ann")
    ch.set_summary(project, "lvi84", "P02", "CUL15", "Reviewed text.", author="ann", status="reviewed")
    rep = ch.draft_summaries(project, "lvi84", fake_embedder)
    assert rep.kept_researcher == 2 and rep.drafted == 9
    m = ch.build_matrix(project, "lvi84")
    assert m.cell("P01", "ORG01").summary == "Mine."
    assert m.cell("P02", "CUL15").summary == "Reviewed text."
    before = {k: (c.summary, c.updated_at) for k, c in m.cells.items()}
    rep = ch.draft_summaries(project, "lvi84", fake_embedder)  # earlier drafts are kept without overwrite
    assert (rep.drafted, rep.kept_draft, rep.kept_researcher) == (0, 9, 2)
    assert {k: (c.summary, c.updated_at) for k, c in ch.build_matrix(project, "lvi84").cells.items()} == before
    rep = ch.draft_summaries(project, "lvi84", fake_embedder, overwrite=True)
    assert (rep.drafted, rep.kept_researcher) == (9, 2)
    assert ch.build_matrix(project, "lvi84").cell("P01", "ORG01").summary == "Mine."
    # a reviewed draft is the researcher's now
    ch.review_summary(project, "lvi84", "P03", "REF05", author="bob")
    rep = ch.draft_summaries(project, "lvi84", fake_embedder, overwrite=True)
    assert rep.kept_researcher == 3


def test_set_and_review_summaries(project):
    with project.read() as s:
        ids = sorted(cdb.cell_coding_ids(s, "P01", db.code_pks(s, "lvi84")["ORG01"]))
    sid = ch.set_summary(project, "lvi84", "P01", "ORG01", "  Distance lowers referrals.  ", author="ann",
                         quotes=ids[:1])
    c = ch.build_matrix(project, "lvi84").cell("P01", "ORG01")
    assert (c.summary_id, c.summary, c.status, c.origin, c.author, c.summary_quotes) == (
        sid, "Distance lowers referrals.", "draft", "manual", "ann", ids[:1])
    assert len(c.cited_quotes()) == 1
    ch.set_summary(project, "lvi84", "P01", "ORG01", "Distance lowers referrals a lot.", author="ann")
    assert ch.build_matrix(project, "lvi84").cell("P01", "ORG01").summary_quotes == ids[:1]  # kept
    ch.review_summary(project, "lvi84", "P01", "ORG01", author="bob")
    c = ch.build_matrix(project, "lvi84").cell("P01", "ORG01")
    assert (c.status, c.author, c.summary) == ("reviewed", "bob", "Distance lowers referrals a lot.")
    with project.read() as s:
        ev = db.events_frame(s)
    last_set = ev[ev["action"] == "summary.set"].iloc[0]
    assert last_set["payload"]["previous"]["text"] == "Distance lowers referrals."
    # empty text removes the summary
    assert ch.set_summary(project, "lvi84", "P01", "ORG01", "", author="ann") is None
    assert ch.build_matrix(project, "lvi84").cell("P01", "ORG01").status == "empty"


def test_bad_summary_input_changes_nothing(project):
    def count():
        with project.read() as s:
            return len(cdb.summaries_frame(s, "lvi84")), db.count(s, "event")

    before = count()
    with pytest.raises(NotFoundError, match="no participant 'P99'"):
        ch.set_summary(project, "lvi84", "P99", "ORG01", "x", author="ann")
    with pytest.raises(NotFoundError, match="no code 'ZZZ99'"):
        ch.set_summary(project, "lvi84", "P01", "ZZZ99", "x", author="ann")
    with pytest.raises(NotFoundError, match="no framework 'nope'"):
        ch.set_summary(project, "nope", "P01", "ORG01", "x", author="ann")
    with pytest.raises(InputError, match="status"):
        ch.set_summary(project, "lvi84", "P01", "ORG01", "x", author="ann", status="final")
    with pytest.raises(InputError, match="author"):
        ch.set_summary(project, "lvi84", "P01", "ORG01", "x", author=" ")
    with pytest.raises(InputError, match="not passages of P01 x ORG01"):
        ch.set_summary(project, "lvi84", "P01", "ORG01", "x", author="ann", quotes=[999])
    with pytest.raises(InputError, match="no summary to review"):
        ch.review_summary(project, "lvi84", "P01", "ORG01", author="bob")
    with pytest.raises(NotFoundError, match="no participant 'P99'"):
        ch.draft_summaries(project, "lvi84", None, participants=["P99"])
    assert count() == before


def test_split_sentences_keeps_offsets_and_trailing_ellipsis_phrases():
    text = "So in a normal week I send... maybe eight, ten referrals? Yes. Then \"MR\" is asked for.\nNew line"
    spans = split_sentences(text, 100)
    got = [text[a - 100:b - 100] for a, b in spans]
    assert got == ["So in a normal week I send... maybe eight, ten referrals?", "Yes.", "Then \"MR\" is asked for.",
                   "New line"]
    assert split_sentences("   ", 0) == []
    assert spoken_ranges(0, 50, [(0, 10, "interviewer"), (12, 40, "participant"), (42, 60, "unknown")]) == [
        (12, 40), (42, 50)]
    assert spoken_ranges(5, 9, []) == [(5, 9)]


def test_candidates_leave_out_the_interviewer_and_speaker_labels():
    text = ("I: Could you tell me what you think drives the use of imaging in your region?\n\n"
            "P01: Access drives it. When the scanner is close, we refer more often than we should.")
    q_end = text.index("\n\n")
    a_start = text.index("Access")
    segments = [(3, q_end, "interviewer"), (a_start, len(text), "participant")]
    got = candidates(text, 0, 7, (11, 12), segments)
    assert [c.text for c in got] == ["Access drives it.", "When the scanner is close, we refer more often than we "
                                     "should."]
    assert all(text[c.start:c.end] == c.text and c.coding_ids == (11, 12) and c.transcript_id == 7 for c in got)
    # a passage given from an offset inside the transcript keeps transcript offsets
    part = text[a_start:]
    got = candidates(part, a_start, 7, (11,), segments)
    assert got[0].start == a_start and text[got[1].start:got[1].end] == got[1].text


def test_select_sentences_prefers_central_and_drops_near_duplicates():
    v = np.array([[1, 0, 0], [0.99, 0.141, 0], [0.6, 0.8, 0], [0, 0, 1]], dtype=np.float32)
    v = v / np.linalg.norm(v, axis=1, keepdims=True)
    lengths = [50, 50, 50, 50]
    pick = select_sentences(v, lengths)  # 4 candidates -> 2 sentences
    assert sorted(pick) == [1, 2]  # 1 is the most central; 0 nearly repeats it; 3 is an outlier
    assert select_sentences(v[:1], [10]) == [0]
    assert select_sentences(v, [400, 400, 400, 400], max_chars=350) in ([0], [1], [2], [3])
    assert len(select_sentences(v, [400, 10, 10, 10], max_chars=350)) == 2  # the over-long one is avoided
    assert select_sentences(np.zeros((0, 3)), []) == []

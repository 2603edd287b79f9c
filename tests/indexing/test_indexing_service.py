"""The indexing assistant on a project: passages, the embedding cache, decisions with provenance, bulk accept + undo,
learning from decisions, the review queue and no-fit passages."""

import numpy as np
import pytest

from toolkit import project as proj
from toolkit.cli import main
from toolkit.embed import FakeEmbedder
from toolkit.errors import InputError
from toolkit.indexing import service as sv
from toolkit.store import core as db

FW = """\
kind: framework
id: fw
name: fw
categories:
  - id: A
    label: Access
    codes:
      - id: DIST
        label: Distance to the scanner
        definition: travel distance ferry hospital far away
        examples: ["The ferry and the long drive to the hospital."]
      - id: WAIT
        label: Waiting lists
        definition: waiting list queue months delay
  - id: P
    label: Patients
    codes:
      - id: DEMAND
        label: Patient demand
        definition: patient wants demands insists on a scan
"""
TRANSCRIPT = """I: How far is the hospital?

P01: The hospital is far away, a long drive and the ferry. Travel takes the whole day.

I: And the waiting lists?

P01: The waiting list is months long. The queue and the delay are terrible.

I: What do patients say?

P01: The patient insists on a scan. She demands it and wants it now.

I: Anything else?

P01: Nice weather today, blue sky and sunshine.
"""


class CountingFake(FakeEmbedder):
    def __init__(self):
        super().__init__(64)
        self.calls: list[int] = []

    def embed(self, texts, *, progress=None):
        texts = list(texts)
        self.calls.append(len(texts))
        return super().embed(texts, progress=progress)


@pytest.fixture
def project(tmp_path, project_location):
    (tmp_path / "fw.yaml").write_text(FW)
    (tmp_path / "P01.txt").write_text(TRANSCRIPT)
    p = proj.create(project_location, shipped=False)
    proj.add_framework(p, tmp_path / "fw.yaml")
    proj.import_transcripts(p, tmp_path / "P01.txt")
    yield p
    p.close()


def _sugg(p, **kw):
    with p.read() as s:
        from toolkit.store import indexing as idb

        return idb.suggestions_frame(s, "fw", **kw)


def test_suggest_zero_shot_with_reasons(project):
    r = sv.suggest(project, "fw", FakeEmbedder(64), scheme="turn")
    assert r["passages"] == 4 and r["labelled_passages"] == 0
    sug = _sugg(project)
    top = sug[sug["rank"] == 1].sort_values("passage_id")
    assert top["code_id"].tolist()[:3] == ["DIST", "WAIT", "DEMAND"]
    reason = top["reason"].iloc[0]
    assert reason["closest"]["kind"] in {"label", "definition", "label+definition", "example"}
    assert {"threshold", "nearest_coded", "evidence", "fit_strength"} <= set(reason)
    # the interviewer's questions are context, not passages
    pas, _, _ = sv.passages(project, "fw", "P01.txt", scheme="turn")
    assert not pas["text"].str.startswith("How far").any() and pas["context"].iloc[0] == "How far is the hospital?"


def test_cache_hit_never_reencodes(project, tmp_path):
    emb = CountingFake()
    sv.suggest(project, "fw", emb, scheme="turn")
    first = sum(emb.calls)
    assert first > 0
    project.close()
    reopened = proj.open_project(project.path)
    emb.calls.clear()
    # a decision changes the labels, so suggest really fits and scores again
    sid = int(_sugg(reopened, status="open")["id"].iloc[0])
    sv.reject(reopened, sid, coder="ann")
    sv.suggest(reopened, "fw", emb, scheme="turn")
    assert sum(emb.calls) == 0  # passages, questions and code texts all came from the project's cache
    sv.suggest(reopened, "fw", emb, scheme="sentences:1")  # a new scheme: only texts never seen are encoded
    assert 0 < sum(emb.calls) < first + 20
    reopened.close()


def test_accept_reject_add_remove_keep_provenance(project):
    sv.suggest(project, "fw", FakeEmbedder(64), scheme="turn")
    sug = _sugg(project, status="open")
    first = sug[sug["rank"] == 1].iloc[0]
    cid = sv.accept(project, int(first["id"]), coder="ann")
    with project.read() as s:
        c = db.codings_frame(s, framework_id="fw").set_index("id").loc[cid]
    assert c["coder"] == "ann" and c["origin"] == "suggestion" and c["code_id"] == first["code_id"]
    assert c["score"] == pytest.approx(first["score"]) and c["model"] == first["model"] and c["created_at"]
    with pytest.raises(InputError):
        sv.accept(project, int(first["id"]), coder="ann")  # already accepted
    second = sug[sug["rank"] == 2].iloc[0]
    sv.reject(project, int(second["id"]), coder="bob")
    row = _sugg(project).set_index("id").loc[int(second["id"])]
    assert row["status"] == "rejected" and row["decided_by"] == "bob" and row["decided_at"] is not None
    manual = sv.add_code(project, "fw", "P01.txt", 10, 40, "WAIT", coder="ann")
    sv.remove_code(project, manual, coder="bob")
    with project.read() as s:
        allc = db.codings_frame(s, framework_id="fw", include_removed=True).set_index("id")
        events = db.events_frame(s)
    assert allc.loc[manual, "origin"] == "manual" and allc.loc[manual, "removed_at"] is not None
    assert {"suggestion.accept", "suggestion.reject", "coding.add", "coding.remove"} <= set(events["action"])
    assert set(events[events["action"] == "suggestion.reject"]["actor"]) == {"bob"}
    with pytest.raises(InputError):
        sv.add_code(project, "fw", "P01.txt", 10, 10_000, "WAIT", coder="ann")


def test_bulk_accept_and_undo(project):
    sv.suggest(project, "fw", FakeEmbedder(64), scheme="turn")
    before = _sugg(project, status="open", code_id="DIST")
    r = sv.bulk_accept(project, "fw", "DIST", 0.0, coder="ann")
    assert r["accepted"] == len(before) > 0
    with project.read() as s:
        cod = db.codings_frame(s, framework_id="fw")
    assert (cod["batch"] == r["batch"]).sum() == r["accepted"] and set(cod["origin"]) == {"suggestion"}
    assert sv.undo_batch(project, r["batch"], coder="ann") == r["accepted"]
    with project.read() as s:
        assert db.codings_frame(s, framework_id="fw").empty
    assert len(_sugg(project, status="open", code_id="DIST")) == len(before)
    with pytest.raises(InputError):
        sv.undo_batch(project, r["batch"], coder="ann")  # nothing left to undo
    with pytest.raises(InputError):
        sv.bulk_accept(project, "fw", "NOPE", 0.5, coder="ann")


def test_learns_from_decisions(project):
    sv.suggest(project, "fw", FakeEmbedder(64), scheme="turn")
    pas, _, _ = sv.passages(project, "fw", "P01.txt", scheme="turn")
    w = pas[pas["text"].str.startswith("Nice weather")].iloc[0]
    top = _sugg(project, passage_ids=[int(w["id"])]).sort_values("rank")["code_id"].iloc[0]
    # the researcher codes the weather passage with its top code by hand
    sv.add_code(project, "fw", "P01.txt", int(w["start"]), int(w["end"]), top, coder="ann")
    r = sv.suggest(project, "fw", FakeEmbedder(64), scheme="turn")
    # the coded passage, and the passages of P01 before it that the researcher went past without a code ("no code")
    assert r["labelled_passages"] == 1 + int((pas["start"] < w["start"]).sum())
    every = _sugg(project)
    # the suggestion the researcher coded by hand shows as accepted (derived from the coding), not as open
    assert set(every[(every["passage_id"] == int(w["id"])) & (every["code_id"] == top)]["status"]) == {"accepted"}
    after = every[every["status"] == "open"]
    # a code already given is not suggested again for that passage; the evidence count is in every reason
    assert not ((after["passage_id"] == int(w["id"])) & (after["code_id"] == top)).any()
    assert all(rr["evidence"] == 1 for rr in after[after["code_id"] == top]["reason"])
    assert all(rr["evidence"] == 0 for rr in after[after["code_id"] != top]["reason"])


def test_passages_gone_past_without_a_code_are_no_code():
    """Before the last coded passage of a transcript, an unlabelled passage is "no code"; after it, unknown."""
    Y = np.full((6, 2), -1, np.int8)
    Y[1, 0] = Y[4, 1] = 1
    t = np.array([1, 1, 1, 2, 2, 2])
    assert sv.passed_over(Y, t).tolist() == [True, False, False, True, False, False]
    assert not sv.passed_over(np.full((3, 2), -1, np.int8), np.array([1, 1, 1])).any()


def test_update_after_decisions_says_what_changed(project):
    """A decision since the last run always refits and says what it taught; a run with nothing new says so."""
    emb = FakeEmbedder(64)
    first = sv.suggest(project, "fw", emb, scheme="turn")
    assert first["new_labels"] is None and first["decisions_since_last"] is None
    same = sv.suggest(project, "fw", emb, scheme="turn")
    assert same["unchanged"] and sv.describe_update(same).startswith("Suggestions are up to date")
    pas, _, _ = sv.passages(project, "fw", "P01.txt", scheme="turn")
    w = pas.iloc[0]
    top = _sugg(project, passage_ids=[int(w["id"])]).sort_values("rank")["code_id"].iloc[0]
    sv.add_code(project, "fw", "P01.txt", int(w["start"]), int(w["end"]), top, coder="ann")
    r = sv.suggest(project, "fw", emb, scheme="turn")
    n_codes = _sugg(project)["code_id"].nunique()
    assert not r.get("unchanged") and r["decisions_since_last"] == 1 and 1 <= r["new_labels"] <= n_codes
    assert r["suggestions_changed"] >= 0 and "1 decision since the last run" in sv.describe_update(r)
    # a decision that adds no label (the same code again, by another coder) still refits, and says it taught nothing
    sv.add_code(project, "fw", "P01.txt", int(w["start"]), int(w["end"]), top, coder="bob")
    r2 = sv.suggest(project, "fw", emb, scheme="turn")
    assert not r2.get("unchanged") and r2["new_labels"] == 0 and "taught the suggester nothing new" in \
        sv.describe_update(r2)


def test_review_queue_and_no_fit(project):
    sv.suggest(project, "fw", FakeEmbedder(1024), scheme="turn")  # wide: unrelated words do not collide
    q = sv.review_queue(project, "fw", scheme="turn", n=10)
    assert len(q) == 4 and np.all(np.diff(q["uncertainty"]) <= 0)  # most uncertain first
    nf = sv.no_fit(project, "fw", scheme="turn")
    assert (nf["fit_strength"] < 1).all()
    assert nf["text"].str.startswith("Nice weather").any()  # nothing in the framework is about the weather


def test_cli_suggest_and_review(project, tmp_path, monkeypatch, capsys):
    import toolkit.embed

    monkeypatch.setattr(toolkit.embed, "load_embedder", lambda path=None: FakeEmbedder(64))
    path = str(project.path)
    project.close()
    assert main(["suggest", path, "--framework", "fw", "--scheme", "turn"]) == 0
    assert "4 passages" in capsys.readouterr().out
    assert main(["review", path, "--framework", "fw", "--scheme", "turn", "-n", "2"]) == 0
    assert capsys.readouterr().out.count("suggestion ") == 2
    assert main(["suggest", path, "--framework", "nope"]) == 2

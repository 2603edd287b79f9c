"""Suggestions under blind double coding: with two human coders, the suggestions on a transcript never depend on a
human coder's codings or decisions on it (a code coded there is not masked, no reason cites a passage of it, and the
scores are those of a project where those codings never existed); with one coder nothing changes; ``transcripts=``
still writes only the transcripts asked for. The fake model is enough: these tests are about what the suggestions
learn from, not about their quality."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from toolkit import project as proj
from toolkit.embed import FakeEmbedder
from toolkit.indexing import blind_folds as bf
from toolkit.indexing import decisions as dec
from toolkit.indexing import review
from toolkit.indexing import service as sv
from toolkit.indexing.units import DEFAULT_SCHEME
from toolkit.sample import SAMPLE_DIR
from toolkit.store import indexing as idb
from toolkit.store import open_project

T1, T2, T3 = "P01_gp_rural.txt", "P04_radiologist_rural.txt", "P05_specialist_urban.txt"
FW = "lvi84"


def _suggestions(p, transcript: str | None = None):
    pas = _passages(p, transcript)
    with p.read() as s:
        sug = idb.suggestions_frame(s, FW, passage_ids=pas["id"].tolist())
    return sug


def _passages(p, transcript: str | None = None):
    with p.read() as s:
        pas = idb.passages_frame(s, DEFAULT_SCHEME)
    return pas if transcript is None else pas[pas.transcript == transcript].reset_index(drop=True)


def _code_top(p, pas_row, n=1) -> list[str]:
    sug = _suggestions(p)
    return sug[sug.passage_id == int(pas_row["id"])].sort_values("rank")["code_id"].tolist()[:n]


@pytest.fixture(scope="module")
def base_file(tmp_path_factory):
    """Three interviews with zero-shot suggestions (no coder yet), then ann codes T2 and bob T3: two human coders."""
    path = tmp_path_factory.mktemp("blind") / "base.fa"
    p = proj.create(path, name="blind")
    proj.import_transcripts(p, [SAMPLE_DIR / n for n in (T1, T2, T3)], attributes=SAMPLE_DIR / "participants.csv")
    sv.suggest(p, FW, FakeEmbedder())
    for tname, who in ((T2, "ann"), (T3, "bob")):
        for _, row in _passages(p, tname).head(6).iterrows():
            code = _code_top(p, row)[0]
            dec.add_code(p, FW, tname, int(row["start"]), int(row["end"]), code, coder=who)
    p.close()
    return path


def _copy(base_file, tmp_path, name):
    dst = tmp_path / name
    shutil.copy2(base_file, dst)
    return open_project(dst)


def _listed(p, transcript):
    """(passage start, code, rank, score) of the stored suggestions a run listed on ``transcript``."""
    pas = _passages(p, transcript).set_index("id")
    sug = _suggestions(p, transcript)
    return sorted((int(pas.loc[r.passage_id, "start"]), r.code_id, int(r.rank), round(float(r.score), 12))
                  for r in sug.itertuples() if (r.reason or {}).get("listed", True))


def _bob_sees(p, transcript):
    v = review.transcript_view(p, FW, transcript, "bob")
    return [[(s["code_id"], round(s["score"], 12), s["state"]) for s in x["suggestions"] + x["candidates"]]
            for x in v["passages"]]


def _team_open(p, who):
    """What ``who`` has open on T1 (the Index view, which a team server shows too)."""
    v = review.transcript_view(p, FW, T1, who)
    return sorted((x["id"], s["code_id"], round(s["score"], 12)) for x in v["passages"]
                  for s in x["suggestions"] + x["candidates"] if s["state"] == "open")


def test_suggestions_on_a_transcript_ignore_the_human_codings_of_it(base_file, tmp_path, monkeypatch):
    # the blend weights and thresholds are a few project-wide numbers chosen on every fold's out-of-fold predictions
    # (tested below); held fixed here, every score on T1 must then be the same with or without ann's codings of T1
    fixed = dict(bf.PROVISIONAL, weights={"prior": 1.0, "lr": 1.0, "knn": 1.0})
    monkeypatch.setattr(bf, "choose_across_folds", lambda *a, **k: fixed)
    without = _copy(base_file, tmp_path, "without.fa")  # ann never codes T1
    r0 = sv.suggest(without, FW, FakeEmbedder())
    assert r0["blind"] is True and r0["folds"] == 3
    t1 = _passages(without, T1)
    p1, p2, p3 = t1.iloc[0], t1.iloc[1], t1.iloc[2]
    c1, c2 = _code_top(without, p1)[0], _code_top(without, p2)[0]

    coded = _copy(base_file, tmp_path, "coded.fa")  # the same, and ann codes, rejects and marks "no code" on T1
    dec.add_code(coded, FW, T1, int(p1["start"]), int(p1["end"]), c1, coder="ann")
    dec.add_code(coded, FW, T1, int(p2["start"]), int(p2["end"]), c2, coder="ann")
    old = _suggestions(coded, T1)  # a zero-shot row of the base run, rejected by ann
    dec.reject(coded, int(old[(old.passage_id == int(p3["id"])) & (old["rank"] == 1)]["id"].iloc[0]), coder="ann")
    sv.suggest(coded, FW, FakeEmbedder(), top_k=84)  # every code ranked: ann rejects the last one on p4
    old = _suggestions(coded, T1)
    last = old[old.passage_id == int(t1.iloc[4]["id"])].sort_values("rank").iloc[-1]
    dec.reject(coded, int(last["id"]), coder="ann")
    dec.nocode(coded, FW, int(t1.iloc[3]["id"]), coder="ann")
    r1 = sv.suggest(coded, FW, FakeEmbedder())
    assert r1["blind"] is True and r1["folds"] == 3

    # ann's codes are not masked: on p1 and p2 her code is still the top suggestion, its status derived from her coding
    sug = _suggestions(coded, T1)
    for row, code in ((p1, c1), (p2, c2)):
        mine = sug[(sug.passage_id == int(row["id"])) & (sug.code_id == code)].iloc[0]
        assert mine["rank"] == 1 and mine["status"] == "accepted" and mine["reason"]["blind"] is True
    # the strongest check: T1's suggestions are exactly those of the project where ann's T1 codings never existed
    assert _listed(coded, T1) == _listed(without, T1)
    assert _bob_sees(coded, T1) == _bob_sees(without, T1)  # what bob is shown, the rejected row included
    assert _team_open(coded, "bob") == _team_open(without, "bob")  # and on a team server
    assert _listed(coded, T2) != _listed(without, T2)  # while T2's suggestions do learn from ann's codings of T1
    # ann's rejection of a code far from the top: its row is refreshed but not listed, so only ann sees it
    row = _suggestions(coded, T1).set_index("id").loc[int(last["id"])]
    assert row["status"] == "rejected" and row["rank"] > 5 and row["reason"]["listed"] is False
    def seen(who):
        return [(s["id"], s["state"]) for x in review.transcript_view(coded, FW, T1, who)["passages"]
                for s in x["suggestions"] + x["candidates"]]

    assert (int(last["id"]), "rejected") in seen("ann") and int(last["id"]) not in dict(seen("bob"))
    # no reason on T1 cites a passage of T1; they do cite the other transcripts' coded passages
    cited = [n["transcript"] for reason in sug["reason"] for n in reason["nearest_coded"]]
    assert cited and T1 not in cited and set(cited) <= {T2, T3}
    # ann sees her own coding as coded; bob sees the same suggestion open
    for who, state in (("ann", "coded"), ("bob", "open")):
        v = review.transcript_view(coded, FW, T1, who)
        first = next(x for x in v["passages"] if x["id"] == int(p1["id"]))
        assert [s["state"] for s in first["suggestions"] + first["candidates"] if s["code_id"] == c1] == [state]
        assert v["blind"] and v["blind_suggestions"]
    without.close()
    coded.close()


def test_blind_suggest_is_unchanged_when_nothing_changed_and_only_fits_what_is_asked(base_file, tmp_path):
    p = _copy(base_file, tmp_path, "some.fa")
    before = _suggestions(p).set_index("id")
    r = sv.suggest(p, FW, FakeEmbedder(), transcripts=[T2])
    assert r["blind"] is True and r["folds"] == 1 and r["passages"] == len(_passages(p, T2))
    after = _suggestions(p)
    t2 = set(_passages(p, T2)["id"])
    assert all(x["blind"] for x in after[after.passage_id.isin(t2)]["reason"])
    rest = after[~after.passage_id.isin(t2)].set_index("id")
    assert len(rest) and not any((x or {}).get("blind") for x in rest["reason"])  # the other transcripts untouched
    assert rest["score"].equals(before.loc[rest.index, "score"])
    full = sv.suggest(p, FW, FakeEmbedder())
    again = sv.suggest(p, FW, FakeEmbedder())
    assert not full.get("unchanged") and again["unchanged"] and again["blind"] is True and again["folds"] == 3
    assert len(bf.transcript_folds(_passages(p)["transcript_id"])) == 3
    p.close()


def test_one_coder_keeps_masking_and_learning_from_the_same_transcript(tmp_path):
    p = proj.create(tmp_path / "one.fa", name="one")
    proj.import_transcripts(p, [SAMPLE_DIR / T1], attributes=SAMPLE_DIR / "participants.csv")
    sv.suggest(p, FW, FakeEmbedder())
    p1 = _passages(p, T1).iloc[0]
    c1 = _code_top(p, p1)[0]
    dec.add_code(p, FW, T1, int(p1["start"]), int(p1["end"]), c1, coder="ann")
    r = sv.suggest(p, FW, FakeEmbedder(), top_k=84)  # every code: the learned code on every passage
    assert r["blind"] is False and r["folds"] == 0 and r["labelled_passages"] == 1
    sug = _suggestions(p, T1)
    assert not any("blind" in x for x in sug["reason"])
    open_rows = sug[sug.status == "open"]
    assert not ((open_rows.passage_id == int(p1["id"])) & (open_rows.code_id == c1)).any()  # masked where coded
    learned = open_rows[open_rows.code_id == c1]
    assert len(learned) and all(x["evidence"] == 1 and x["nearest_coded"][0]["passage_id"] == int(p1["id"])
                                for x in learned["reason"])  # learned from, and citing, the same transcript
    # a second person asking makes it blind: the lone transcript then gets the zero-shot ranking, nothing learned
    r = sv.suggest(p, FW, FakeEmbedder(), top_k=84, coder="bob")
    assert r["blind"] is True and r["folds"] == 1
    sug = _suggestions(p, T1)
    assert all(x["evidence"] == 0 and x["nearest_coded"] == [] and x["blind"] for x in sug["reason"])
    p.close()


def test_folds_and_the_labels_kept_on_a_fold():
    import pandas as pd

    assert bf.transcript_folds([7, 3, 1, 9, 4, 5, 2]) == [(1, 7), (2, 9), (3,), (4,), (5,)]
    assert bf.transcript_folds([4]) == [(4,)] and bf.transcript_folds([]) == []
    cod = pd.DataFrame({"coder": ["ann", "consensus", "ref", "ann"],
                        "origin": ["manual", "consensus", "imported", "consensus"]})
    kept = bf.kept_codings(cod, {"ann": "human", "consensus": "consensus", "ref": "model"})
    assert kept.index.tolist() == [1, 2, 3]
    seq = np.array([1, 1, 2, 2, 3])
    Y = np.ones((5, 2), dtype=np.int8)
    Yk = np.full((5, 2), -1, dtype=np.int8)
    plan = bf.fold_plan(seq, Y, Yk, np.array([0, 1, 4]))
    assert [(f, rows.tolist()) for f, _, rows in plan] == [((1,), [0, 1]), ((3,), [4])]
    assert plan[0][1][:, 0].tolist() == [-1, -1, 1, 1, 1]


def test_the_blend_is_chosen_on_each_folds_out_of_fold_predictions():
    """Labels that carry no signal: a model scored on passages it learned from would look perfect (the nearest coded
    passage is the passage itself), out of fold it is at chance. The choice must see the latter."""
    from toolkit.indexing.codespace import CodeSpace
    from toolkit.indexing.suggester import CodeSuggester
    from toolkit.models import Code

    emb = FakeEmbedder()
    codes = [Code(id=f"C{k}", label=f"code {k}", definition=f"about topic {k}") for k in range(4)]
    space = CodeSpace.build(codes, emb)
    rng = np.random.default_rng(0)
    texts = [f"passage {i} says {' '.join(rng.choice(list('abcdefghij'), 5))}" for i in range(120)]
    X = emb.embed(texts)
    seq = np.repeat(np.arange(6), 20)  # six transcripts
    Y = np.zeros((120, 4), dtype=np.int8)
    Y[np.arange(120), rng.integers(0, 4, 120)] = 1  # random codes
    fitted = []
    for fold in bf.transcript_folds(seq):
        Yf = Y.copy()
        Yf[np.isin(seq, fold)] = -1
        m = CodeSuggester(space, selection=bf.PROVISIONAL).fit(X, Yf, groups=seq, sequence=seq)
        fitted.append((m, fold, Yf))
    in_sample = CodeSuggester(space, selection=bf.PROVISIONAL).fit(X, Y, groups=seq, sequence=seq)
    assert (in_sample.standardised_components(X, seq)["knn"].argmax(1) == Y.argmax(1)).mean() > 0.95
    chosen = bf.choose_across_folds(fitted, X, Y, seq)
    assert chosen["calibrated"] and set(chosen["thresholds"]) == {c.id for c in codes}
    assert chosen["cv_top1"] < 0.5  # chance is 0.25: the choice was made out of fold
    assert bf.choose_across_folds(fitted, X, Y, seq, min_rows=1000) is bf.FALLBACK  # too few coded passages

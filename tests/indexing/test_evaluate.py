"""The evaluation command: input checks, the split by group, hand-checked metrics, OUT.json, and a real-model run."""

import csv
import json

import numpy as np
import pytest

from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.indexing.evaluate import METRICS, evaluate, metrics, read_codebook, read_gold, split_by_group

CODEBOOK = [
    {"code": "COST", "label": "Cost of care", "definition": "Talk about prices, fees, money and what care costs.",
     "category": "Economy", "examples": "The fee is too high|It costs a lot of money"},
    {"code": "WAIT", "label": "Waiting times", "definition": "Delays and queues before people get an appointment.",
     "category": "Access", "examples": ""},
    {"code": "STAFF", "label": "Staff shortage", "definition": "", "category": "Access", "examples": ""},  # no definition
    {"code": "MISC_OTHER", "label": "", "definition": "", "category": "", "examples": ""},  # nothing but an id
]
TEXTS = {
    "COST": ["The prices went up and the fee is expensive.", "We pay a lot of money for each visit.",
             "It costs too much, people cannot afford the fee."],
    "WAIT": ["We waited in the queue for months.", "The delay before an appointment is very long.",
             "People wait weeks before they get an appointment."],
    "STAFF": ["There are not enough nurses on the ward.", "The clinic lacks doctors and staff."],
    "": ["The weather was fine that day.", "I had breakfast before the meeting."],
}


def write_pair(tmp_path, n_groups=4):
    cb = tmp_path / "codebook.csv"
    with open(cb, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["code", "label", "definition", "category", "examples"])
        w.writeheader()
        w.writerows(CODEBOOK)
    gold = tmp_path / "gold.csv"
    with open(gold, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["segment_id", "group", "text", "codes", "context"])
        i = 0
        for g in range(n_groups):
            for code, texts in TEXTS.items():
                for t in texts:
                    i += 1
                    codes = code if i % 7 else (f"{code};MISC_OTHER" if code else "MISC_OTHER")
                    w.writerow([f"s{i}", f"G{g}", f"{t} (group {g})", codes,
                                "What do you think about the cost?" if code == "COST" else ""])
    return cb, gold


def test_read_codebook_handles_missing_definition_and_label(tmp_path):
    cb, _ = write_pair(tmp_path)
    codes, cats = read_codebook(cb)
    assert [c.id for c in codes] == ["COST", "WAIT", "STAFF", "MISC_OTHER"]
    assert codes[0].examples == ["The fee is too high", "It costs a lot of money"]
    assert codes[2].definition == "" and codes[3].label == ""
    assert cats == {"Economy": "Economy", "Access": "Access"}


@pytest.mark.parametrize("content, where, what", [
    ("label,definition\nx,y\n", "header", "missing column(s) code"),
    ("code,label\nA,a\nA,b\n", "row 3", "duplicate code id 'A'"),
    ("code,label\n,a\n", "row 2", "empty code id"),
])
def test_bad_codebook_names_file_and_place(tmp_path, content, where, what):
    f = tmp_path / "cb.csv"
    f.write_text(content)
    with pytest.raises(InputError) as e:
        read_codebook(f)
    assert str(f) in str(e.value) and where in str(e.value) and what in str(e.value)


def test_bad_gold_names_the_row(tmp_path):
    f = tmp_path / "gold.csv"
    f.write_text("segment_id,group,text,codes\n1,g,hello,A\n2,g,there,NOPE\n")
    with pytest.raises(InputError, match=r"gold.csv, row 3: code 'NOPE' is not in the codebook"):
        read_gold(f, ["A"])
    f.write_text("segment_id,group,text\n1,g,hello\n")
    with pytest.raises(InputError, match="header: missing column"):
        read_gold(f, ["A"])
    f.write_text("segment_id,group,text,codes\n1,g,hello,A\n1,g,again,\n")
    with pytest.raises(InputError, match="row 3: duplicate segment_id"):
        read_gold(f, ["A"])


def test_gold_allows_segments_without_codes(tmp_path):
    f = tmp_path / "gold.csv"
    f.write_text("segment_id,group,text,codes\n1,g,hello,A;B\n2,g,there,\n")
    df, Y = read_gold(f, ["A", "B"])
    assert Y.tolist() == [[1, 1], [0, 0]] and df["context"].tolist() == ["", ""]


def test_split_by_group_never_puts_a_group_on_both_sides():
    groups = np.array([f"g{i % 10}" for i in range(100)])
    for seed in range(5):
        tr = split_by_group(groups, 0.2, seed)
        assert set(groups[tr]).isdisjoint(groups[~tr]) and len(set(groups[tr])) == 2
    assert not split_by_group(groups, 0.0, 0).any()
    assert len(set(groups[split_by_group(groups, 0.01, 0)])) == 1  # at least one group when F > 0
    with pytest.raises(InputError):
        split_by_group(groups, 1.0, 0)


def test_metrics_hand_computed():
    # 3 segments, 3 codes. gold: s0={0}, s1={1,2}, s2={} ; ranking by scores
    gold = np.array([[1, 0, 0], [0, 1, 1], [0, 0, 0]])
    scores = np.array([[0.9, 0.1, 0.0], [0.5, 0.4, 0.1], [0.3, 0.2, 0.1]])
    pred = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 0]])
    m = metrics(scores, pred, gold)
    assert m["top1_accuracy"] == 0.5  # s0 right, s1 wrong (s2 has no gold code: not counted)
    assert m["top3_recall"] == 1.0  # every gold code is in its segment's top 3
    # micro: tp=2 (s0 c0, s1 c1), fp=1 (s1 c0), fn=1 (s1 c2) -> P=2/3, R=2/3, F1=2/3
    assert m["micro_f1"] == pytest.approx(2 / 3, abs=1e-4)
    # macro over codes present in gold (0,1,2): c0 F1=2/3 (tp1 fp1), c1 F1=1, c2 F1=0 -> 5/9
    assert m["macro_f1"] == pytest.approx(5 / 9, abs=1e-4)
    # kappa c0: gold [1,0,0] pred [1,1,0]: po=2/3, pe=1/3*2/3+2/3*1/3=4/9 -> 0.4; c1 identical -> 1; c2 pred none -> 0
    assert m["mean_kappa"] == pytest.approx((0.4 + 1 + 0) / 3, abs=1e-4)
    # thresholded pairs: tp=2 of 3 suggested, 2 of 3 gold pairs found
    assert m["precision"] == pytest.approx(2 / 3, abs=1e-4) and m["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert m["uncoded_suggested"] == 0
    # a suggestion on the segment nobody coded is a false positive
    m2 = metrics(scores, np.array([[1, 0, 0], [1, 1, 0], [1, 0, 0]]), gold)
    assert m2["precision"] == 0.5 and m2["recall"] == m["recall"] and m2["uncoded_suggested"] == 1
    # ece of the top code's probability (10 bins): s0 top c0 p=0.9 right, s1 top c0 p=0.5 wrong, s2 top c0 p=0.3
    # wrong (nobody coded it) -> bins 9, 5, 3: (|0.9-1| + |0.5-0| + |0.3-0|) / 3
    assert m["ece"] == pytest.approx((0.1 + 0.5 + 0.3) / 3, abs=1e-4)
    assert metrics(scores, pred, gold, proba=np.array([[1.0, 0, 0], [0, 0, 0], [0, 0, 0]]))["ece"] == 0.0


def test_evaluate_out_json_exact_keys(tmp_path, fake_embedder):
    cb, gold = write_pair(tmp_path)
    for F in (0.0, 0.5):
        r = evaluate(cb, gold, train_fraction=F, seed=1, embedder=fake_embedder)
        for key in ("n_segments", "n_codes", "train_fraction", "seconds", "assistant", "baselines"):
            assert key in r
        assert set(r["baselines"]) == {"tfidf", "majority", "cosine", "logreg"}
        for m in (r["assistant"], *r["baselines"].values()):
            assert set(m) == set(METRICS) and all(0 <= v <= 1 or k in ("mean_kappa", "uncoded_suggested") for k, v in m.items())
        assert r["n_segments"] == 40 and r["n_codes"] == 4 and r["train_fraction"] == F
    assert r["n_train_groups"] == 2 and r["n_eval_groups"] == 2


def test_evaluate_cli_writes_json(tmp_path, monkeypatch, fake_embedder, capsys):
    import toolkit.embed

    cb, gold = write_pair(tmp_path)
    monkeypatch.setattr(toolkit.embed, "load_embedder", lambda path=None: fake_embedder)
    out = tmp_path / "out.json"
    assert main(["evaluate", "--codebook", str(cb), "--gold", str(gold), "--train-fraction", "0.25", "--seed", "3",
                 "--json", str(out)]) == 0
    r = json.loads(out.read_text())
    assert r["train_fraction"] == 0.25 and r["n_segments"] == 40
    assert json.loads(capsys.readouterr().out)["assistant"] == r["assistant"]
    assert main(["evaluate", "--codebook", str(tmp_path / "nope.csv"), "--gold", str(gold)]) == 2


def test_evaluate_real_model_zero_shot_beats_tfidf_and_learning_helps(tmp_path, embedder):
    cb, gold = write_pair(tmp_path)
    zs = evaluate(cb, gold, train_fraction=0.0, seed=0, embedder=embedder)
    assert zs["assistant"]["top1_accuracy"] >= 0.9  # the obvious codes are found from their definitions alone
    assert zs["assistant"]["top1_accuracy"] > zs["baselines"]["majority"]["top1_accuracy"]
    sup = evaluate(cb, gold, train_fraction=0.5, seed=0, embedder=embedder)
    assert sup["assistant"]["top3_recall"] >= zs["assistant"]["top3_recall"] - 0.05
    assert sup["assistant"]["micro_f1"] >= 0.8


def test_seeds_average_and_keep_each_run(tmp_path, fake_embedder):
    cb, gold = write_pair(tmp_path)
    runs = [evaluate(cb, gold, train_fraction=0.5, seed=s, embedder=fake_embedder) for s in (0, 1)]
    r = evaluate(cb, gold, train_fraction=0.5, seeds=[0, 1], embedder=fake_embedder)
    assert [p["seed"] for p in r["per_seed"]] == [0, 1] and r["seeds"] == [0, 1]
    for name in METRICS:
        assert r["assistant"][name] == pytest.approx(np.mean([x["assistant"][name] for x in runs]), abs=1e-4)
        assert r["baselines"]["logreg"][name] == pytest.approx(
            np.mean([x["baselines"]["logreg"][name] for x in runs]), abs=1e-4)


def test_cosine_and_logreg_baselines_by_hand(embedder):
    from toolkit.indexing.baselines import code_text, cosine_scores, logreg_baseline
    from toolkit.models import Code

    codes = [Code(id="COST", label="Cost of care", definition="Prices and fees."), Code(id="X_Y", label="")]
    assert code_text(codes[0]) == "Cost of care: Prices and fees." and code_text(codes[1]) == "X Y"
    assert code_text(Code(id="A", label="", definition="Only a definition")) == "Only a definition"
    X = embedder.embed(["The fee is far too expensive.", "We paid a lot of money.", "The queue was long.",
                        "We waited for months."])
    cos = cosine_scores(X, embedder.embed([code_text(c) for c in codes]))
    assert cos.shape == (4, 2) and cos[0, 0] > cos[0, 1]
    # trained on the first and third passage: the waiting passages are the second code, whatever its text says
    Y = np.array([[1, 0], [0, 1]])
    S, pred = logreg_baseline(X[[0, 2]], Y, X, cos)
    assert S.argmax(1).tolist() == [0, 0, 1, 1] and pred.sum(1).min() >= 1


def test_cli_seeds(tmp_path, monkeypatch, fake_embedder, capsys):
    import toolkit.embed

    cb, gold = write_pair(tmp_path)
    monkeypatch.setattr(toolkit.embed, "load_embedder", lambda path=None: fake_embedder)
    assert main(["evaluate", "--codebook", str(cb), "--gold", str(gold), "--train-fraction", "0.5",
                 "--seeds", "0,1,2"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert len(r["per_seed"]) == 3 and set(r["baselines"]) >= {"cosine", "logreg"}
    assert main(["evaluate", "--codebook", str(cb), "--gold", str(gold), "--seeds", "a,b"]) == 2


def test_cosine_ranking_ties_codes_with_one_text_exactly_and_ignores_the_other_rows():
    """Zero-shot is plain cosine: the same order whether a passage is scored alone or with others, and two codes
    with the same text (one question asked of two groups) tie exactly, the first ranking first."""
    from toolkit.indexing.baselines import cosine_scores

    rng = np.random.default_rng(3)
    unit = lambda A: (A / np.linalg.norm(A, axis=1, keepdims=True)).astype(np.float32)  # noqa: E731
    X, V = unit(rng.normal(size=(300, 384))), unit(rng.normal(size=(6, 384)))
    V = np.vstack([V, V[2:3]])  # code 6 has the text of code 2
    S = cosine_scores(X, V)
    assert (S[:, 6] == S[:, 2]).all() and (S.argmax(1) != 6).all()
    np.testing.assert_array_equal(cosine_scores(X[7:19], V), S[7:19])

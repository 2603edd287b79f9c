"""The code suggester: zero-shot ranking, learning from decisions, calibrated thresholds, sklearn conventions."""

import numpy as np
import pytest
from sklearn.base import clone

from toolkit.indexing.baselines import code_text
from toolkit.indexing.calibration import best_f1_threshold
from toolkit.indexing.codespace import CodeSpace, code_exemplar_texts
from toolkit.indexing.suggester import CodeSuggester
from toolkit.models import Code

CODES = [
    Code(id="ACC", label="Geographical access to imaging",
         definition="The distance to the nearest scanner or hospital and travel time for patients.",
         examples=["When the scanner is twenty minutes away, you just send them."], category_id="ORG"),
    Code(id="EXP", label="Patient expectations",
         definition="Patients ask for or demand a scan; the doctor gives in to the patient's wish.",
         examples=["They come in and say they want an MRI."], category_id="PAT"),
    Code(id="FEAR", label="Fear of litigation",
         definition="Doctors order imaging to protect themselves against complaints and lawsuits.", category_id="DEF"),
    Code(id="X_1", label=""),  # neither label nor definition
]
CATS = {"ORG": "Organisation and access", "PAT": "Patients", "DEF": "Defensive medicine"}


def test_code_texts_fall_back_to_the_id():
    kinds = [k for k, _ in code_exemplar_texts(CODES[0])]
    assert kinds == ["label", "definition", "label+definition", "example"]
    assert code_exemplar_texts(CODES[3]) == [("id", "X 1")]
    # a label equal to the id is the label (a flat codebook's "emotional response" is its only short name)
    assert code_exemplar_texts(Code(id="Q", label="Q")) == [("label", "Q")]
    assert code_text(Code(id="emotional response", label="emotional response", definition="Feelings shown.")) == \
        "emotional response: Feelings shown."


def test_zero_shot_ranks_the_obvious_code_first(embedder):
    space = CodeSpace.build(CODES, embedder, category_texts=CATS)
    passages = [
        "We live far from the hospital, so for us the distance to the nearest scanner is a long journey.",
        "The patient demanded a scan, and in the end I gave in to what she wished.",
        "I am afraid of being sued, so I order imaging to protect myself against complaints.",
    ]
    X = embedder.embed(passages)
    model = CodeSuggester(space).fit(X, np.full((3, 4), -1))
    P = model.predict_proba(X)
    assert P.argmax(1).tolist() == [0, 1, 2]
    assert (P.sum(1) < 1).all() and model.learner_ is None and not model.calibrated_  # the rest is "no code"
    assert model.decision_function(X).shape == (3, 5)
    kind, text, cos = model.closest_exemplar(X[1], 1)
    assert kind in {"label", "definition", "label+definition", "example"} and cos > 0.2


def test_a_passage_about_nothing_in_the_framework_fits_no_code(embedder):
    space = CodeSpace.build(CODES, embedder, category_texts=CATS)
    X = embedder.embed([
        "We live far from the hospital, so for us the distance to the nearest scanner is a long journey.",
        "The patient demanded a scan, and in the end I gave in to what she wished.",
        "I am afraid of being sued, so I order imaging to protect myself against complaints.",
        "The weather was lovely on Sunday and we went fishing with the children.",
    ])
    model = CodeSuggester(space).fit(X, np.full((4, 4), -1))
    strength = model.fit_strength(model.predict_proba(X))
    assert strength[3] < 1 and strength[3] < strength[:3].min()
    assert model.predict(X)[3].sum() == 0


def test_zero_shot_ranking_is_plain_cosine_to_the_code_text(embedder):
    from toolkit.indexing.baselines import code_text

    space = CodeSpace.build(CODES, embedder, category_texts=CATS)
    X = embedder.embed(["Patients travel far to the scanner.", "They insist on an MRI.", "Lawyers and complaints.",
                        "I had a sandwich.", "The waiting list is long."])
    S = X @ embedder.embed([code_text(c) for c in CODES]).T
    P = CodeSuggester(space).fit(X, np.full((5, 4), -1)).predict_proba(X)
    assert (np.argsort(-P, axis=1) == np.argsort(-S, axis=1)).all()


def test_question_context_is_evidence_in_the_channels(embedder):
    space = CodeSpace.build(CODES, embedder, category_texts=CATS)
    answer = embedder.embed(["Yes, quite often actually."])
    q_dist = embedder.embed(["How far do your patients have to travel to the nearest scanner?"])
    q_law = embedder.embed(["Do you order scans to protect yourself against lawsuits?"])
    pool = np.hstack([np.vstack([answer, answer]), np.vstack([q_dist, q_law])])
    model = CodeSuggester(space, zero_shot="channels").fit(pool, np.full((2, 4), -1))
    P = model.predict_proba(pool)
    # the same answer, read through the question asked: access above litigation after the travel question, and the
    # other way round after the lawsuit question
    assert P[0, 0] > P[0, 2] and P[1, 2] > P[1, 0]
    Z = model.zero_shot_evidence(pool)
    assert Z[0, 0] - Z[1, 0] > 0.5 and Z[1, 2] - Z[0, 2] > 0.5
    no_ctx = CodeSuggester(space, zero_shot="channels").fit(pool[:, :384], np.full((2, 4), -1)).predict_proba(pool[:, :384])
    assert np.allclose(no_ctx[0], no_ctx[1])


def _toy(fake_embedder, n_per=12, seed=0):
    """Passages whose words say ACC/EXP, but the researchers code the 'budget' ones with FEAR (not in its text)."""
    rng = np.random.default_rng(seed)
    words = {0: "scanner distance travel hospital far", 1: "patient wants demand scan wish",
             2: "budget money cost economy funding"}
    texts, y, groups = [], [], []
    for k, w in words.items():
        for i in range(n_per):
            ws = w.split()
            texts.append(" ".join(rng.choice(ws, 4)) + f" extra{i}")
            y.append(k)
            groups.append(f"P{i % 4}")
    X = fake_embedder.embed(texts)
    Y = np.zeros((len(texts), 4), dtype=np.int8)
    Y[np.arange(len(texts)), y] = 1
    return X, Y, np.array(y), np.array(groups)


def test_learns_from_decisions_and_calibrates(fake_embedder):
    space = CodeSpace.build(CODES, fake_embedder, category_texts=CATS)
    X, Y, y, groups = _toy(fake_embedder)
    new = fake_embedder.embed(["budget funding money cost", "travel far scanner distance"])
    zero = CodeSuggester(space).fit(np.vstack([X, new]), np.full((len(X) + 2, 4), -1))
    assert zero.predict_proba(new)[0].argmax() != 2  # zero-shot cannot know 'budget' means FEAR here
    model = CodeSuggester(space).fit(X, Y, groups=groups)
    P = model.predict_proba(new)
    assert P[0].argmax() == 2 and P[1].argmax() == 0
    assert model.calibrated_ and model.thresholds_.shape == (4,)
    assert model.predict(new)[0, 2] == 1 and model.predict(new)[0, 3] == 0
    assert model.evidence_.tolist() == [12, 12, 12, 0]
    assert model.nearest_coded(new[0], 2, n=1)[0][0] in set(np.flatnonzero(y == 2))
    # a code with no evidence keeps the global threshold; the others have their own
    assert model.thresholds_[3] == pytest.approx(model.global_threshold_)


def test_rejections_lower_a_code(fake_embedder):
    space = CodeSpace.build(CODES, fake_embedder, category_texts=CATS)
    texts = ["they want the scan, patient demand"] * 6
    X = fake_embedder.embed(texts)
    T = np.full((6, 4), -1, dtype=np.int8)
    before = CodeSuggester(space).fit(X, T).predict_proba(X[:1])[0, 1]
    T[:, 1] = 0  # every suggestion of EXP rejected
    after = CodeSuggester(space).fit(X, T).predict_proba(X[:1])[0, 1]
    assert after < before


def test_sklearn_conventions(fake_embedder):
    space = CodeSpace.build(CODES, fake_embedder)
    m = CodeSuggester(space, context_weight=0.3)
    assert m.get_params()["context_weight"] == 0.3 and clone(m).context_weight == 0.3
    assert not hasattr(m, "thresholds_")
    X, Y, _, groups = _toy(fake_embedder, n_per=4)
    assert m.fit(X, Y) is m and m.n_features_in_ == X.shape[1] and list(m.classes_) == ["ACC", "EXP", "FEAR", "X_1"]
    with pytest.raises(ValueError):
        m.fit(X[:, :10], Y)
    with pytest.raises(ValueError):
        m.fit(X, Y[:, :2])


def test_best_f1_threshold():
    t, f1 = best_f1_threshold(np.array([0.9, 0.8, 0.3, 0.1]), np.array([1, 1, 0, 0]))
    assert 0.3 < t < 0.8 and f1 == 1.0
    assert best_f1_threshold(np.array([0.5]), np.array([0]))[1] == 0.0


def test_lexical_channel(fake_embedder):
    from toolkit.indexing.codespace import lexical_similarity

    texts = ["the lawsuits and complaints make doctors order imaging", "sunshine holiday weather"]
    L = lexical_similarity(texts, CODES, CATS)
    assert L.shape == (2, 4) and L[0].argmax() == 2 and L[1].max() == 0
    assert lexical_similarity([], CODES).shape == (0, 4)
    space = CodeSpace.build(CODES, fake_embedder, category_texts=CATS)
    E = np.zeros((2, 2 * space.dim), dtype=np.float32)  # embeddings that say nothing
    X = np.hstack([E, L])
    P = CodeSuggester(space, zero_shot="channels").fit(X, np.full((2, 4), -1)).predict_proba(X)
    assert P[0].argmax() == 2
    P0 = CodeSuggester(space, zero_shot="channels", lexical_weight=0.0).fit(X, np.full((2, 4), -1)).predict_proba(X)
    assert np.allclose(P0[0], P0[0, 0])  # without the lexical channel nothing distinguishes the codes


def test_nearest_coded_scores_match_a_brute_force_vote():
    from toolkit.indexing import ensemble as ens

    rng = np.random.default_rng(0)
    unit = lambda A: (A / np.linalg.norm(A, axis=1, keepdims=True)).astype(np.float32)  # noqa: E731
    Xtr, X = unit(rng.normal(size=(50, 8))), unit(rng.normal(size=(7, 8)))
    Ytr = (rng.random((50, 5)) < 0.3).astype(np.int8)
    got = ens.knn_scores(Xtr, Ytr, X, k=4)
    sim = X @ Xtr.T
    for i in range(len(X)):
        nn = np.argsort(-sim[i])[:4]
        w = np.exp((sim[i, nn] - sim[i, nn].max()) / ens.KNN_TEMPERATURE)
        np.testing.assert_allclose(got[i], (w[:, None] * (Ytr[nn] == 1)).sum(0) / w.sum(), rtol=1e-5, atol=1e-6)


def test_a_warm_refit_after_one_decision_reaches_the_cold_fit_in_fewer_steps(fake_embedder):
    space = CodeSpace.build(CODES, fake_embedder, category_texts=CATS)
    X, Y, y, groups = _toy(fake_embedder)
    sel = CodeSuggester(space).fit(X, Y, groups=groups).selection_()
    before = CodeSuggester(space, selection=sel, warm_start=True).fit(X, Y, groups=groups)
    Y2 = Y.copy()
    Y2[0] = 0
    Y2[0, (y[0] + 1) % 3] = 1  # the researcher recodes one passage
    cold = CodeSuggester(space, selection=sel).fit(X, Y2, groups=groups)
    warm = before.fit(X, Y2, groups=groups)  # the same estimator, refitted: starts from its last regressions
    assert warm.learner_.lr.n_iter_[0] < cold.learner_.lr.n_iter_[0]
    np.testing.assert_allclose(warm.predict_proba(X), cold.predict_proba(X), atol=0.02)
    assert (warm.predict_proba(X).argmax(1) == cold.predict_proba(X).argmax(1)).all()


def test_weights_move_only_on_clear_cross_validated_evidence():
    from toolkit.indexing import ensemble as ens

    rng = np.random.default_rng(1)
    n, K = 400, 6
    y = rng.integers(0, K, n)
    Y = np.zeros((n, K), dtype=np.int8)
    Y[np.arange(n), y] = 1

    def scorer(p_right):  # standardised scores whose top code is right on about p_right of the passages
        S = rng.normal(size=(n, K))
        right = rng.random(n) < p_right
        S[np.arange(n)[right], y[right]] += 10
        return S

    lr = scorer(0.5)
    base = {"prior": np.zeros((n, K)), "lr": lr}
    right = lr.argmax(1) == y
    near = lr.copy()  # a scorer that agrees with lr except on 10 passages: 6 put right, 4 put wrong
    for i in np.flatnonzero(~right)[:6]:
        near[i, y[i]] += 20
    for i in np.flatnonzero(right)[:4]:
        near[i, (y[i] + 1) % K] += 200
    w, a, _ = ens.choose_weights({**base, "knn": near}, Y, None)
    # 2 passages net on 400: within the noise (the one regression starts at twice the prior's weight)
    assert w["knn"] == 0 and w["lr"] == 2 and a == (0.0, 0.0, 0.0)
    w, a, _ = ens.choose_weights({**base, "knn": near}, Y, None, min_z=0)
    assert w["knn"] > 0  # without the rule the noise would have been taken
    w, _, cv = ens.choose_weights({**base, "knn": scorer(0.9)}, Y, None)
    assert w["knn"] > 0 and cv > 0.85  # a clearly better scorer is taken


def test_window_mean_stays_inside_each_document():
    from toolkit.indexing import sequence as sq

    X = np.eye(5, dtype=np.float32)
    W = sq.window_mean(X, ["a", "a", "a", "b", "c"], width=1)
    np.testing.assert_allclose(W[1], (X[0] + X[2]) / np.sqrt(2), atol=1e-6)  # both neighbours, unit length
    np.testing.assert_allclose(W[2], X[1], atol=1e-6)  # the next row is another document
    assert not W[3].any() and not W[4].any()  # alone in its document: no conversation around it
    assert sq.window_mean(X, None) is None


def test_conversation_around_a_passage_is_a_candidate_when_order_is_known(fake_embedder):
    space = CodeSpace.build(CODES, fake_embedder, category_texts=CATS)
    X, Y, _, groups = _toy(fake_embedder)
    with_order = CodeSuggester(space).fit(X, Y, groups=groups, sequence=groups)
    assert "lr_window" in with_order.weights_ and with_order.learner_.lr_win is not None
    assert with_order.predict_proba(X, sequence=groups).shape == (len(X), 4)
    without = CodeSuggester(space).fit(X, Y, groups=groups)
    assert "lr_window" not in without.weights_ and without.learner_.lr_win is None


def test_one_regression_reads_passage_question_and_neighbours_when_all_are_known(fake_embedder):
    space = CodeSpace.build(CODES, fake_embedder, category_texts=CATS)
    X, Y, _, groups = _toy(fake_embedder)
    Q = fake_embedder.embed(["What decides whether you refer a patient?"] * len(X))
    XQ = np.hstack([X, Q])
    both = CodeSuggester(space).fit(XQ, Y, groups=groups, sequence=groups)
    assert both.learner_.built == {"lr", "lr_all"} and both.learner_.lr_all.coef_.shape[1] == 3 * X.shape[1]
    assert both.predict_proba(XQ, sequence=groups).shape == (len(X), 4)
    assert CodeSuggester(space).fit(XQ, Y, groups=groups).learner_.built == {"lr", "lr_context"}


def test_transitions_count_neighbouring_coded_passages_of_one_document_only():
    from toolkit.indexing import sequence as sq

    # document a: 0 1 0 1 ; document b: 2 3 ; an uncoded passage (-1 row) breaks a pair
    T = np.full((7, 4), -1, dtype=np.int8)
    for i, k in enumerate([0, 1, 0, 1, 2, 3]):
        T[i if i < 4 else i + 1, k] = 1
    seq = ["a", "a", "a", "a", "a", "b", "b"]  # row 4 is an uncoded passage at the end of a
    A = sq.transitions(T, seq, prior=1.0)
    np.testing.assert_allclose(A.sum(1), 1.0)
    assert A[0, 1] > 0.5 and A[0, 1] > 3 * A[0, 0]  # 0 is followed by 1, twice
    assert A[1, 0] > A[1, 2]  # 1 -> 0 once; 1 -> 2 never (the end of a and the start of b are not neighbours)
    assert A[2, 3] > A[2, 2]
    assert sq.transitions(T, None) is None  # no order, no chain
    assert sq.transitions(np.eye(3, dtype=np.int8), ["a", "b", "c"]) is None  # no two coded neighbours


def test_the_chain_decides_an_ambiguous_passage_by_its_neighbours_but_not_across_documents():
    from toolkit.indexing import sequence as sq

    A = np.full((3, 3), 0.02)
    A[0, 1] = A[1, 2] = A[2, 0] = 0.96
    S = np.array([[5.0, 0, 0], [0, 1, 1], [0, 1, 1]])  # row 0 clearly 0; rows 1 and 2 torn between 1 and 2
    P = sq.posterior(S, ["a", "a", "b"], A, scale=1.0)
    np.testing.assert_allclose(np.exp(P).sum(1), 1.0, atol=1e-9)
    assert P[1].argmax() == 1  # after a 0 comes a 1
    assert P[2, 1] == pytest.approx(P[2, 2])  # row 2 starts another document: nothing from row 1
    flat = sq.posterior(S, ["a", "a", "b"], np.full((3, 3), 1 / 3), scale=1.0)
    np.testing.assert_allclose(np.exp(flat[1]), [1 / (1 + 2 * np.e), np.e / (1 + 2 * np.e), np.e / (1 + 2 * np.e)])


def test_a_project_whose_codes_follow_a_guide_chooses_the_chain(fake_embedder):
    """Documents that go through the codes in one order, with passages that say little: the cross-validation takes
    the codes' chain, and it ranks new documents better than the same model without the passages' order."""
    rng = np.random.default_rng(0)
    words = ["scanner distance travel", "patient demand wish", "lawsuit complaint protect", "budget money cost"]
    noise = "well yes so then maybe right okay think know really".split()
    texts, y, docs = [], [], []
    for d in range(36):
        for t in range(8):
            k = t % 4
            ws = list(rng.choice(noise, 4)) + (list(rng.choice(words[k].split(), 1)) if rng.random() < 0.5 else [])
            texts.append(" ".join(ws) + f" d{d}t{t}")
            y.append(k)
            docs.append(f"D{d}")
    X, y, docs = fake_embedder.embed(texts), np.array(y), np.array(docs)
    Y = np.zeros((len(y), 4), dtype=np.int8)
    Y[np.arange(len(y)), y] = 1
    train = np.isin(docs, [f"D{d}" for d in range(24)])
    T = np.where(train[:, None], Y, -1).astype(np.int8)
    space = CodeSpace.build(CODES, fake_embedder, category_texts=CATS)
    model = CodeSuggester(space).fit(X, T, groups=docs, sequence=docs)
    assert model.smoothing_[2] > 0 and model.transitions_[0].argmax() == 1 and model.transitions_[3].argmax() == 0
    new = ~train
    with_order = (model.predict_proba(X[new], sequence=docs[new]).argmax(1) == y[new]).mean()
    without = (model.predict_proba(X[new]).argmax(1) == y[new]).mean()
    assert with_order > without + 0.2
    assert model.selection_()["smoothing"][2] == model.smoothing_[2]


def test_the_chain_of_documents_of_uneven_length_equals_one_document_at_a_time():
    from toolkit.indexing import sequence as sq

    def one_by_one(S, seq, A, scale):  # the textbook forward-backward, one document after another
        E, out = np.exp(scale * (S - S.max(1, keepdims=True))), np.empty_like(S)
        starts = np.flatnonzero(np.r_[True, seq[1:] != seq[:-1]])
        for a, b in zip(starts, np.r_[starts[1:], len(seq)], strict=True):
            e, f, g = E[a:b], np.empty_like(E[a:b]), np.ones_like(E[a:b])
            f[0] = e[0] / e[0].sum()
            for t in range(1, len(e)):
                f[t] = (A.T @ f[t - 1]) * e[t] / ((A.T @ f[t - 1]) * e[t]).sum()
            for t in range(len(e) - 2, -1, -1):
                g[t] = A @ (e[t + 1] * g[t + 1]) / (A @ (e[t + 1] * g[t + 1])).sum()
            out[a:b] = np.log(f * g / (f * g).sum(1, keepdims=True) + 1e-12)
        return out

    rng = np.random.default_rng(1)
    seq = np.repeat(np.arange(5), [1, 5, 2, 9, 3])
    S, A = rng.normal(size=(len(seq), 7)), rng.random((7, 7))
    A /= A.sum(1, keepdims=True)
    np.testing.assert_allclose(sq.posterior(S, seq, A, 1.5), one_by_one(S, seq, A, 1.5), atol=1e-10)


def test_the_search_scales_every_learned_scorer_at_once(monkeypatch):
    """Few coded participants: four regressions that are weak and say the same thing, and a better prior. Moving one
    regression's weight at a time stops early (the other three still say the same); scaling all of them at once
    reaches a clearly better blend."""
    from toolkit.indexing import ensemble as ens

    rng = np.random.default_rng(2)
    n, K = 400, 6
    y = rng.integers(0, K, n)
    Y = np.zeros((n, K), dtype=np.int8)
    Y[np.arange(n), y] = 1
    prior = rng.normal(size=(n, K))
    prior[np.arange(n), y] += 1.0
    common = rng.normal(size=(n, K))
    common[np.arange(n), y] += 0.5
    oof = {"prior": prior, **{k: common + 0.1 * rng.normal(size=(n, K))
                              for k in ("lr", "lr_context", "lr_window", "lr_all")}}
    w, _, cv = ens.choose_weights(oof, Y, None)
    learned = [w[k] for k in ens.LEARNED if k in w]
    assert max(learned) <= 0.5 and w["prior"] >= 1  # all four turned down against the prior
    monkeypatch.setattr(ens, "SCALE", ())
    _, _, cv_one_at_a_time = ens.choose_weights(oof, Y, None)
    assert cv > cv_one_at_a_time + 0.01


def test_the_order_counts_only_when_neighbours_share_codes_more_than_chance():
    from toolkit.indexing import sequence as sq

    rng = np.random.default_rng(3)
    runs = np.repeat(rng.integers(0, 6, 60), 4)  # codes in runs of four, as answers on one topic come
    T = np.zeros((240, 6), dtype=np.int8)
    T[np.arange(240), runs] = 1
    docs = np.repeat(np.arange(8), 30)
    assert sq.order_informative(T, docs)
    shuffled = np.concatenate([rng.permutation(np.flatnonzero(docs == d)) for d in range(8)])
    assert not sq.order_informative(T[shuffled], docs)  # the same codes in a random order within each document
    assert not sq.order_informative(T, np.arange(240))  # one passage per document: no neighbours
    assert not sq.order_informative(T, None)
    unknown = T.copy()
    unknown[:] = -1
    assert not sq.order_informative(unknown, docs)  # nothing coded yet


def test_without_a_meaningful_order_the_conversation_around_is_the_rest_of_the_document(fake_embedder):
    from toolkit.indexing import sequence as sq

    X = np.eye(4, dtype=np.float32)
    D = sq.document_mean(X, ["a", "a", "a", "b"])
    np.testing.assert_allclose(D[0], (X[1] + X[2]) / np.sqrt(2), atol=1e-6)  # the others, not itself
    assert not D[3].any() and sq.document_mean(X, None) is None
    space = CodeSpace.build(CODES, fake_embedder, category_texts=CATS)
    Xp, Y, y, groups = _toy(fake_embedder)
    rng = np.random.default_rng(1)  # one random order (any shuffle beats the test's 19 others 1 time in 20)
    docs = np.array([f"D{i % 6}" for i in range(len(y))])
    order = rng.permutation(len(y))
    order = order[np.argsort(docs[order], kind="stable")]  # each document's passages in a random order
    model = CodeSuggester(space).fit(Xp[order], Y[order], groups=docs[order], sequence=docs[order])
    assert not model.order_informative_ and model.transitions_ is None and model.smoothing_ == (0.0, 0.0, 0.0)
    assert "lr_window" in model.learner_.built  # on the rest of each document
    assert model.predict_proba(Xp[order], sequence=docs[order]).shape == (len(y), 4)


def test_calibration_map_makes_held_out_top_probabilities_reliable_and_stays_near_identity_on_few_pairs():
    """Platt scaling of the top suggestion's probability: fitted on (probability, right) pairs where the softmax is
    underconfident, the mapped probabilities of NEW pairs from the same source are reliable; with a handful of pairs
    the standard normal prior keeps the map near the identity."""
    from scipy.special import expit, logit

    from toolkit.indexing.calibration import IDENTITY, fit_calibration_map
    from toolkit.indexing.evaluate import expected_calibration_error

    rng = np.random.default_rng(0)

    def draw(n):  # the truth: a top probability p is right with probability expit(1.8 logit(p) + 0.9)
        p = rng.beta(1.5, 4, n)
        return p, rng.random(n) < expit(1.8 * logit(p) + 0.9)

    p, right = draw(3000)
    a, b = fit_calibration_map(p, right)
    assert a == pytest.approx(1.8, abs=0.25) and b == pytest.approx(0.9, abs=0.25)
    q, right_q = draw(3000)
    mapped = expit(a * logit(q) + b)
    assert expected_calibration_error(mapped, right_q) < 0.04 < expected_calibration_error(q, right_q)
    few = fit_calibration_map(p[:6], right[:6])
    assert np.hypot(few[0] - 1, few[1]) < np.hypot(a - 1, b)
    assert fit_calibration_map(np.zeros(0), np.zeros(0)) == IDENTITY


def test_calibration_keeps_rankings_and_suggestions_and_travels_with_the_selection(fake_embedder):
    space = CodeSpace.build(CODES, fake_embedder, category_texts=CATS)
    X, Y, y, groups = _toy(fake_embedder)
    Y = np.roll(Y, 1, axis=1) * (np.arange(len(Y)) % 3 == 0)[:, None] + Y * (np.arange(len(Y)) % 3 != 0)[:, None]
    zero = CodeSuggester(space).fit(X, np.full(Y.shape, -1, dtype=np.int8))
    assert zero.calibration_ == (1.0, 0.0)  # zero-shot: the softmax itself
    model = CodeSuggester(space).fit(X, Y, groups=groups)
    P = model.predict_proba(X)
    a, b = model.calibration_
    assert (a, b) != (1.0, 0.0)  # a third of the toy's passages coded with a neighbouring code: the map moves
    raw = clone(model).set_params(selection=dict(model.selection_(), calibration=[1.0, 0.0])).fit(X, Y, groups=groups)
    R = raw.predict_proba(X)
    np.testing.assert_allclose(model.calibration_map(R), P, rtol=1e-6, atol=1e-9)
    assert (P.argmax(1) == R.argmax(1)).all()
    np.testing.assert_array_equal(model.suggested(P), raw.suggested(R))
    np.testing.assert_allclose(model.fit_strength(P), raw.fit_strength(R), rtol=1e-5)
    kept = CodeSuggester(space, selection=model.selection_()).fit(X, Y, groups=groups)
    assert kept.calibration_ == pytest.approx((a, b))

""""Learn from my coding": choose, by the project's own grouped cross-validation, how the suggester weighs its
scorers for one framework, and keep that choice with the project.

    learn(project, "lvi84", embedder, progress=cb)   # app button and `python -m toolkit learn`

The choice (weights of the zero-shot prior, the richer channels, the logistic regressions and the nearest coded
passages; neighbour/document smoothing; temperature, "no code" level, per-code thresholds; the cross-validated top-1)
is kept in the project itself (the setting ``learned:<framework>``, with its SHA-256), so it works the same in a
project file and a PostgreSQL database and travels with ``backup``, ``copy`` and every copy of the file. Every later ``suggest`` for that framework starts from it (no
cross-validation: a refit after each decision only refits the scorers) and records the file's hash in the model name
of every suggestion it makes (``all-MiniLM-L6-v2+CodeSuggester+learned:<hash12>``).

Fine-tuning the sentence encoder was measured and is not (yet) part of this: SetFit-style contrastive pairs gained
nothing in the steps 2 CPU cores allow; a classification fine-tune with a cosine head started from the code texts
(4 epochs, 18-46 s on the development benchmark's shapes) beat the logistic regression by +0.02 to +0.04 top-1 at
F=0.2 on its own (issue note). The choice records the embedding model it was chosen with, and a project that
changes its model ignores a choice made with another one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from ..errors import InputError
from ..store import Project
from ..store import decisions as ddb
from .learned import keep_selection

Progress = Callable[[int, int, str], None]


SCORERS = {"prior": "the code definitions", "channels": "the codes' texts, examples and categories",
           "lr": "a classifier of your coded passages", "lr_context": "a classifier of your passages and their questions",
           "lr_window": "a classifier of your passages and the talk around them",
           "lr_all": "a classifier of your passages, their questions and the talk around them",
           "knn": "your most similar coded passages"}
HINDSIGHT = 20  # the last decisions "learn" checks itself on


def hindsight(project: Project, framework_id: str, data: dict, selection: dict, n: int = HINDSIGHT) -> dict:
    """How well the suggester with ``selection`` would have predicted the researcher's last ``n`` accepts and hand
    codings of ``framework_id``: fitted without the labels of those passages, is the code they chose its first (or
    among its first three) suggestion? ``{"decisions", "first", "top3"}``; 0 decisions when there are none."""
    import numpy as np

    from .suggester import CodeSuggester

    with project.read() as s:
        dec = ddb.decisions_frame(s, framework_id, kinds=["accept", "add"], active_only=True)
    row = {int(pid): i for i, pid in enumerate(data["pas"]["id"])}
    col = {c: k for k, c in enumerate(data["space"].code_ids)}
    dec = dec[dec["passage_id"].notna() & dec["code_id"].isin(list(col))]
    dec = dec[[int(p) in row for p in dec["passage_id"]]].tail(n)
    if dec.empty:
        return {"decisions": 0, "first": 0, "top3": 0}
    rows = np.array([row[int(p)] for p in dec["passage_id"]])
    Y = data["Y"].copy()
    Y[np.unique(rows)] = -1
    model = CodeSuggester(code_space=data["space"], selection=selection).fit(
        data["X"], Y, groups=data["groups"], sequence=data["sequence"])
    P = model.predict_proba(data["X"], sequence=data["sequence"])[rows]
    order = np.argsort(-P, axis=1)
    ks = np.array([col[c] for c in dec["code_id"]])
    return {"decisions": len(dec), "first": int((order[:, 0] == ks).sum()),
            "top3": int((order[:, :3] == ks[:, None]).any(1).sum())}


def describe_learning(r: dict) -> str:
    """What ``learn`` found and did, in a researcher's words (the technical line is ``r["technical"]``)."""
    h = r["hindsight"]
    if h["decisions"]:
        said = (f"Checked on your last {h['decisions']} coding decisions (each left out while learning): it would "
                f"have suggested your code first for {h['first']} of them and among its first three for {h['top3']}.")
    else:
        said = (f"Checked participant by participant on your {r['coded_passages']} coded passages: it would have "
                f"suggested your code first for {r['cv_top1']:.0%} of them.")
    used = sorted(((w, k) for k, w in r["weights"].items() if w), reverse=True)
    leans = " and ".join(SCORERS.get(k, k) for _, k in used[:2])
    c = r.get("suggestions_changed")
    changed = "" if c is None else f" {c} suggestion{'s' if c != 1 else ''} above threshold changed."
    return f"{said} From now on it leans most on {leans}.{changed}"


def learn(project: Project, framework_id: str, embedder, *, scheme: str | None = None,
          time_budget: float | None = None, progress: Progress | None = None, coder: str | None = None) -> dict:
    """Run the grouped cross-validation on the project's codings of ``framework_id``, store the choice beside the
    project (recorded in its settings), check it on the last decisions (``hindsight``), and re-run ``suggest`` with
    it (as ``coder``, for the blind rule). Returns what was chosen, its file and hash, the cross-validated top-1,
    the check, what changed, the message in words (``describe_learning``) and the technical line. Needs at least 10
    coded passages from 2 participants/documents. ``time_budget`` is accepted for older callers and not used: the
    cross-validation always runs to the end, so the choice never depends on the machine's speed."""
    from . import service as sv
    from .workspace import unit_of_analysis

    if coder is not None:
        from .. import access

        access.require(access.viewer(project, coder), "learn")
    t0 = time.perf_counter()
    scheme = scheme or unit_of_analysis(project, framework_id)  # the unit the pages and exports use
    del time_budget
    step = (lambda i, msg: progress(i, 4, msg)) if progress else (lambda i, msg: None)
    step(0, "reading the codings")
    data = sv.training_data(project, framework_id, embedder, scheme=scheme,
                            progress=(lambda d, n, m: progress(0, 4, f"{m} {d}/{n}")) if progress else None)
    Y = data["Y"]
    coded = (Y == 1).any(1)
    if coded.sum() < 10 or len(set(data["groups"][coded])) < 2:
        raise InputError(None, f"learning needs at least 10 coded passages from 2 participants in framework "
                               f"{framework_id!r}; it has {int(coded.sum())}")
    step(1, "cross-validating the scorers on your codings")
    from .suggester import CodeSuggester

    model = CodeSuggester(code_space=data["space"]).fit(
        data["X"], Y, groups=data["groups"], sequence=data["sequence"])
    if not model.calibrated_:
        raise InputError(None, "too few coded passages to cross-validate; code some more and try again")
    sel = model.selection_()
    sel.update({"framework": framework_id, "embedding_model": embedder.name, "scheme": scheme,
                "coded_passages": int(coded.sum()), "created": datetime.now(UTC).isoformat(timespec="seconds")})
    step(2, "saving")
    digest = keep_selection(project, framework_id, sel)
    check = hindsight(project, framework_id, data, sel)
    t_fit = time.perf_counter()
    step(3, "suggesting with what was learned")
    r = sv.suggest(project, framework_id, embedder, scheme=scheme, coder=coder)
    step(4, "done")
    out = {"framework": framework_id, "sha256": digest, "cv_top1": sel["cv_top1"],
           "weights": sel["weights"], "smoothing": sel["smoothing"], "coded_passages": sel["coded_passages"],
           "hindsight": check, "suggestions_changed": r.get("suggestions_changed"),
           "model": r["model"], "suggestions": r["suggestions"], "learn_seconds": round(t_fit - t0, 2),
           "seconds": round(time.perf_counter() - t0, 2)}
    used = ", ".join(f"{k} {v:g}" for k, v in sel["weights"].items() if v)
    out["technical"] = (f"cross-validated top-1 {sel['cv_top1']:.3f} on {sel['coded_passages']} coded passages; "
                        f"weights {used}; smoothing {sel['smoothing']}; kept with the project (sha256 {digest[:12]}); "
                        f"{r['suggestions']} suggestions by {r['model']}; {out['learn_seconds']} s")
    out["message"] = describe_learning(out)
    return out

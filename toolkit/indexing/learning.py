""""Learn from my coding": choose, by the project's own grouped cross-validation, how the suggester weighs its
scorers for one framework, and keep that choice with the project.

    learn(project, "lvi84", embedder, time_budget=120, progress=cb)   # app button and `python -m toolkit learn`

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
from .learned import keep_selection

Progress = Callable[[int, int, str], None]


def learn(project: Project, framework_id: str, embedder, *, scheme: str | None = None, time_budget: float = 120.0,
          progress: Progress | None = None, coder: str | None = None) -> dict:
    """Run the grouped cross-validation on the project's codings of ``framework_id``, store the choice beside the
    project (recorded in its settings), and re-run ``suggest`` with it (as ``coder``, for the blind rule). Returns
    what was chosen, its file and hash, the cross-validated top-1 and timings. Needs at least 10 coded passages from
    2 participants/documents."""
    from . import service as sv
    from .workspace import unit_of_analysis

    if coder is not None:
        from .. import access

        access.require(access.viewer(project, coder), "learn")
    t0 = time.perf_counter()
    scheme = scheme or unit_of_analysis(project, framework_id)  # the unit the pages and exports use
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

    model = CodeSuggester(code_space=data["space"], time_budget=time_budget).fit(
        data["X"], Y, groups=data["groups"], sequence=data["sequence"])
    if not model.calibrated_:
        raise InputError(None, "too few coded passages to cross-validate; code some more and try again")
    sel = model.selection_()
    sel.update({"framework": framework_id, "embedding_model": embedder.name, "scheme": scheme,
                "coded_passages": int(coded.sum()), "created": datetime.now(UTC).isoformat(timespec="seconds")})
    step(2, "saving")
    digest = keep_selection(project, framework_id, sel)
    t_fit = time.perf_counter()
    step(3, "suggesting with what was learned")
    r = sv.suggest(project, framework_id, embedder, scheme=scheme, coder=coder)
    step(4, "done")
    return {"framework": framework_id, "sha256": digest, "cv_top1": sel["cv_top1"],
            "weights": sel["weights"], "smoothing": sel["smoothing"], "coded_passages": sel["coded_passages"],
            "model": r["model"], "suggestions": r["suggestions"], "learn_seconds": round(t_fit - t0, 2),
            "seconds": round(time.perf_counter() - t0, 2)}

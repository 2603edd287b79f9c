"""The exercises of steps 1, 3, 4 and 5 with feedback against the reference study, kept per student.

- **familiarize**: the student's preliminary framework (one code per line) against the study's: each of the
  student's codes is matched to the closest study code (sentence embeddings); the score is the share of the study's
  categories the student's framework reaches (a match of at least ``MATCH`` similarity).
- **chart**: a cell (participant x code): the student's summary and the passages it cites against the reference
  summary (the stored summary of the cell, else the reference coder's passages) and the reference passages; the
  score is the similarity of the two summaries, with the overlap of cited passages (Jaccard).
- **map**: grouping the codes of one category into groups of the student's own making, against the groups the study
  made when condensing the framework (the crosswalk's targets); the score is the adjusted Rand index.
- **interpret**: a finding in the student's words on one category, checked against the reference passages
  (``interpret.judging``): the reference passages ranked by closeness, for the student to judge; the score is the
  share of participants with a passage, with n.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError, NotFoundError
from ..store import Project
from ..store import core as db
from ..store import measures as msdb
from ..store import teaching as tdb
from ..store.events import Action
from ..vectors import encode_cached
from . import DEFAULT_FRAMEWORK, REFERENCE_CODER, student_coder

MATCH = 0.45
STEPS = ("familiarize", "chart", "map", "interpret")


def _save(project: Project, student: str, step: str, item: str, payload: dict, score: float | None,
          n: int | None) -> None:
    with project.transaction(Action(f"teaching.{step}"), actor=student, payload={"item": item, "score": score}) as s:
        tdb.put_work(s, student=student, step=step, item=item, payload=payload, score=score, n=n)


def preliminary_framework(project: Project, student: str, codes_text: str, embedder, *,
                          framework: str = DEFAULT_FRAMEWORK) -> dict:
    """Step 1: compare the student's preliminary framework (one code per line) with the study's."""
    who = student_coder(student)
    mine = [line.strip(" -•\t") for line in (codes_text or "").splitlines() if line.strip(" -•\t")]
    if not mine:
        raise InputError(None, "write your preliminary framework: one code per line")
    with project.read() as s:
        fw = db.get_framework(s, framework)
    study = [f"{c.label}. {c.definition}" if c.definition else c.label for c in fw.codes]
    vecs = encode_cached(project, embedder, mine + study)
    sims = vecs[:len(mine)] @ vecs[len(mine):].T
    rows = []
    for i, code in enumerate(mine):
        j = int(np.argmax(sims[i]))
        c = fw.codes[j]
        rows.append({"your code": code, "closest study code": f"{c.id} {c.label}", "category": c.category_id,
                     "similarity": round(float(sims[i, j]), 2), "match": bool(sims[i, j] >= MATCH)})
    reached = sorted({r["category"] for r in rows if r["match"]})
    cats = [c.id for c in fw.categories]
    score = len(reached) / len(cats) if cats else 0.0
    missed = [f"{c.id} {c.label}" for c in fw.categories if c.id not in reached]
    out = {"rows": rows, "reached": reached, "missed": missed, "score": score, "n": len(cats)}
    _save(project, who, "familiarize", framework, {"codes": mine, **out}, score, len(cats))
    return out


def chart_cell(project: Project, student: str, participant: str, code: str, summary: str, cited: list[int],
               embedder, *, framework: str = DEFAULT_FRAMEWORK) -> dict:
    """Step 3: the student's summary of one cell and the passages it cites, against the reference."""
    from ..charting import build_matrix

    who = student_coder(student)
    if not (summary or "").strip():
        raise InputError(None, "write your summary of the cell first")
    m = build_matrix(project, framework, group_by=(), coders=[REFERENCE_CODER])
    if (participant, code) not in m.cells:
        raise NotFoundError(f"no cell {participant} x {code} in {framework}")
    cell = m.cell(participant, code)
    if not cell.quotes:
        raise InputError(None, f"the reference coded nothing for {participant} x {code}: choose a coded cell")
    ref_text = cell.summary or " ".join(q.text.strip() for q in cell.quotes)
    ref_ids = {i for q in (cell.cited_quotes() or cell.quotes) for i in q.coding_ids}
    v = encode_cached(project, embedder, [summary.strip(), ref_text])
    similarity = float(v[0] @ v[1])
    chosen = {int(i) for i in cited}
    overlap = len(chosen & ref_ids) / len(chosen | ref_ids) if chosen | ref_ids else 0.0
    out = {"similarity": round(similarity, 2), "cited_overlap": round(overlap, 2), "reference": ref_text,
           "reference_is_summary": bool(cell.summary), "cited": sorted(chosen), "reference_cited": sorted(ref_ids),
           "n": len(cell.quotes)}
    _save(project, who, "chart", f"{participant}x{code}", {"summary": summary.strip(), **out}, round(similarity, 3),
          len(cell.quotes))
    return out


def grouping_items(project: Project, category: str, *, framework: str = DEFAULT_FRAMEWORK,
                   crosswalk: str | None = None) -> tuple[pd.DataFrame, str]:
    """Step 4's items: the codes of one category (id, label) and the crosswalk whose targets are the reference."""
    with project.read() as s:
        fw = db.get_framework(s, framework)
        ids = [cw for fid in db.framework_ids(s) for cw in msdb.crosswalks_between(s, framework, fid)]
        cw_id = crosswalk or (ids[0] if ids else None)
        if cw_id is None:
            raise InputError(None, f"no crosswalk from {framework}: the reference grouping is missing")
        cw = msdb.get_crosswalk(s, cw_id)
    cat = next((c for c in fw.categories if c.id == category), None)
    if cat is None:
        raise NotFoundError(f"no category {category!r} in {framework}")
    target = {m["from"]: m["to"] for m in cw.mapping}
    items = pd.DataFrame([{"code": c.id, "label": c.label, "reference": target.get(c.id) or "(dropped)"}
                          for c in cat.codes])
    return items, cw.id


def group_codes(project: Project, student: str, category: str, groups: dict[str, str], *,
                framework: str = DEFAULT_FRAMEWORK) -> dict:
    """Step 4: the student's groups of a category's codes (code -> group name) against the reference grouping."""
    from sklearn.metrics import adjusted_rand_score

    who = student_coder(student)
    items, cw = grouping_items(project, category, framework=framework)
    missing = [c for c in items["code"] if not str(groups.get(c, "")).strip()]
    if missing:
        raise InputError(None, f"put every code in a group (missing: {', '.join(missing)})")
    mine = [str(groups[c]).strip().lower() for c in items["code"]]
    ari = float(adjusted_rand_score(list(items["reference"]), mine))
    out = {"ari": round(ari, 2), "n": len(items), "crosswalk": cw,
           "pairs": items.assign(yours=[groups[c] for c in items["code"]]).to_dict("records")}
    _save(project, who, "map", category, {"groups": groups, **out}, round(ari, 3), len(items))
    return out


def check_finding(project: Project, student: str, theme: str, statement: str, embedder, *,
                  framework: str = DEFAULT_FRAMEWORK) -> dict:
    """Step 5: the reference passages of one category ranked by closeness to the student's finding, for the student
    to read and judge (the toolkit gives no verdict: ``interpret.judging``)."""
    from ..interpret.judging import rank_passages

    who = student_coder(student)
    if not (statement or "").strip():
        raise InputError(None, "write your finding first")
    ranked = rank_passages(project, framework, statement.strip(), theme_id=theme, coders=[REFERENCE_CODER],
                           embedder=embedder, per_participant=1)
    n = len(ranked)
    coded = sorted(p for p, rs in ranked.items() if rs)
    out = {"coded": coded, "silent": sorted(p for p, rs in ranked.items() if not rs), "n": n,
           "examples": [{"participant": pid, "closeness": rs[0].closeness, "place": rs[0].place,
                         "text": rs[0].text.strip()} for pid, rs in sorted(ranked.items(), key=lambda kv:
                                                                          -kv[1][0].closeness if kv[1] else 0) if rs]}
    score = len(coded) / n if n else 0.0
    _save(project, who, "interpret", theme, {"statement": statement.strip(), **out}, round(score, 3), n)
    return out

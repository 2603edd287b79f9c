"""The teacher's overview: every student's progress and agreement with the reference, step by step, with the n each
figure rests on (a kappa after 5 of 28 passages says little, and the table says so)."""

from __future__ import annotations

import pandas as pd

from ..store import Project
from ..store import core as db
from ..store import teaching as tdb
from . import DEFAULT_FRAMEWORK, REFERENCE_CODER, STUDENT_PREFIX, passages, students

COLUMNS = ["student", "index: passages coded", "index: of passages", "index: positive agreement", "index: kappa",
           "familiarize: categories reached", "familiarize: n categories", "chart: cells", "chart: summary similarity",
           "map: categories grouped", "map: adjusted Rand", "interpret: findings", "interpret: share with passages",
           "last activity"]


def _indexing(project: Project, who: str, framework: str) -> dict:
    from ..indexing.agreement import compare_coders

    with project.read() as s:
        df = db.codings_frame(s, framework_id=framework, coders=[who], with_text=False)
    if df.empty:
        return {"index: passages coded": 0, "index: of passages": 0}
    names = sorted(df["transcript"].unique())
    coded = {(t, a, b) for t, a, b in zip(df["transcript"], df["start"], df["end"], strict=True)}
    total = sum(len(passages(project, t)) for t in names)
    done = sum(1 for t in names for r in passages(project, t).itertuples() if (t, r.start, r.end) in coded)
    res = compare_coders(project, REFERENCE_CODER, who, framework=framework, transcripts=names, unit="turn")
    o = res["overall"]
    return {"index: passages coded": done, "index: of passages": total,
            # positive agreement (of the codes either gave, the share both gave): passages neither coded yet do not
            # count, so it is not near 1 after a few passages as percent agreement is
            "index: positive agreement": None if pd.isna(o["pooled_positive"])
            else round(float(o["pooled_positive"]), 2),
            "index: kappa": None if pd.isna(o["mean_kappa"]) else round(float(o["mean_kappa"]), 2)}


def class_overview(project: Project, *, framework: str = DEFAULT_FRAMEWORK) -> pd.DataFrame:
    """One row per student: indexing progress (passages coded of the transcripts they worked on) and agreement with
    the reference (positive agreement and mean kappa), then each exercise step's score and its n."""
    with project.read() as s:
        work = tdb.work_frame(s)
    names = sorted(set(students(project)) | set(work["student"]))
    rows = []
    for who in names:
        row = {"student": who.removeprefix(STUDENT_PREFIX)}
        row.update(_indexing(project, who, framework))
        mine = work[work["student"] == who]
        for step, count, score in (("familiarize", None, "familiarize: categories reached"),
                                   ("chart", "chart: cells", "chart: summary similarity"),
                                   ("map", "map: categories grouped", "map: adjusted Rand"),
                                   ("interpret", "interpret: findings", "interpret: share with passages")):
            w = mine[mine["step"] == step]
            if w.empty:
                continue
            if step == "familiarize":
                last = w.iloc[-1]
                row[score] = len(last["payload"].get("reached", []))
                row["familiarize: n categories"] = int(last["n"] or 0)
            else:
                row[count] = len(w)
                row[score] = round(float(w["score"].mean()), 2)
        stamps = list(mine["updated_at"].dropna())
        row["last activity"] = max(stamps).strftime("%Y-%m-%d %H:%M") if stamps else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)

"""Benchmark of the app's page reruns: what every click costs once a page's reads are cached.

Each page runs under ``streamlit.testing.v1.AppTest`` on a copy of the sample project (the Index page on two sample
interviews with stored suggestions from the fake model): one first run (reads not cached yet), then ``--reruns``
reruns timed one by one. Reports per page and state: first run, median, p95 and max of the reruns in milliseconds,
and whether the median is under the target (``--target-ms``, 300); and the page switch: a fresh session's first run
of the page once the server's caches are warm (what clicking the page in the sidebar costs), median of ``--reruns``,
with its ratio to the median switch of all pages of the same run (the machine's load cancels out). Teaching mode runs
on a class seeded on the sample (a student on an indexing exercise, and the teacher following the class); its
switch target is 500 ms. ``--clicks N``: N rounds of the Index page's clicks instead (Next, Accept, Undo, Reject, the
rejection undone, select-to-code as the component's callback does it, its Undo), each timed as the server's run
that follows the click. Prints JSON; ``--out FILE`` also writes it.
The headless-browser figures (click to settled in Chromium) are in ``bench/bench_app_browser.py`` where present.

    python bench/bench_app_pages.py [--reruns 5] [--page chart] [--target-ms 300] [--clicks 4] [--out bench.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the page tests' helpers
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

PAGES = ROOT / "app" / "app_pages"
#: (page, session state) on the sample project; "index" runs on the suggested two-interview project
CASES: list[tuple[str, dict]] = [
    ("project", {}), ("familiarize", {}), ("agreement", {}), ("chart", {}), ("chart", {"chart_tab": "Coverage"}),
    ("map", {"map_tab": "Key elements"}), ("map", {"map_tab": "Linkages"}), ("map", {"map_tab": "Findings"}),
    ("map", {"map_tab": "Driver map and measures"}), ("interpret", {}),
    ("teach", {"teach_role": "student", "teach_me": "kari"}), ("teach", {"teach_role": "teacher"}), ("index", {}),
]
SWITCH_TARGET_MS = {"teach": 500}


def seed_class(path: Path) -> None:
    """A class on the sample: an indexing exercise of P01 with two students' decisions, and a chart exercise."""
    from toolkit.store import open_project
    from toolkit.teaching import classes as cl
    from toolkit.teaching import codes_work as cw

    with open_project(path) as p:
        cl.create_class(p, "MSc 2026", teacher="tove")
        ex = cl.add_exercise(p, "MSc 2026", "index", ["P01_gp_rural.txt"], teacher="tove")
        cl.add_exercise(p, "MSc 2026", "chart", teacher="tove", item="P01", codes=["CUL10"])
        units = cw.exercise_passages(p, ex)
        for k, who in enumerate(("kari", "ola")):
            cl.join_class(p, "MSc 2026", who)
            for r in units.iloc[: 10 + 10 * k].itertuples():
                cw.index_passage(p, ex, who, r.transcript, int(r.start), int(r.end), ["ORG01"] if k else [])


def build_projects(folder: Path) -> dict[str, Path]:
    """The sample study, and two of its interviews with their reference indexing and fake-model suggestions (the
    page tests' project, ``tests/app_helpers.build_small_suggested``)."""
    from app_helpers import build_small_suggested

    from toolkit.sample import build_sample

    sample = folder / "sample.fa"
    build_sample(sample).close()
    seed_class(sample)
    return {"sample": sample, "small": build_small_suggested(folder / "small.fa")}


def _problems(at) -> list[str]:
    return [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]


def time_page(name: str, state: dict, project_path: Path, reruns: int) -> dict:
    """First run and ``reruns`` timed reruns of one page (on a private copy of the project)."""
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / project_path.name
        shutil.copy2(project_path, path)
        at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=300)
        at.session_state["project_path"] = str(path)
        for k, v in state.items():
            at.session_state[k] = v
        t0 = time.perf_counter()
        at.run()
        first = (time.perf_counter() - t0) * 1000
        times = []
        for _ in range(reruns):
            t0 = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        switches = []  # a new session on warm caches: switching to the page
        for _ in range(reruns):
            fresh = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=300)
            fresh.session_state["project_path"] = str(path)
            for k, v in state.items():
                fresh.session_state[k] = v
            t0 = time.perf_counter()
            fresh.run()
            switches.append((time.perf_counter() - t0) * 1000)
        return {"page": name, "state": state, "first_run_ms": round(first), "reruns": reruns,
                "switch_ms": round(statistics.median(switches)),
                "median_ms": round(statistics.median(times)),
                "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]),
                "max_ms": round(times[-1]), "problems": _problems(at)}


def time_clicks(project_path: Path, rounds: int, target_ms: float = 300) -> dict:
    """The Index page's clicks under AppTest on a copy of ``project_path`` (the suggested two-interview project):
    the run after each click, in milliseconds (median and n per kind of click, and over all clicks)."""
    from streamlit.testing.v1 import AppTest

    from toolkit.indexing import review, selection
    from toolkit.store import open_project

    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / project_path.name
        shutil.copy2(project_path, path)
        at = AppTest.from_file(str(PAGES / "index.py"), default_timeout=300)
        at.session_state["project_path"] = str(path)
        at.session_state["index_candidates"] = True
        at.run()
        at.run()

        def timed(kind: str, key: str | None = None, passage: int | None = None) -> None:
            if key is not None:
                at.button(key=key).click()
            else:
                select(passage or 0)
            t0 = time.perf_counter()
            at.run()
            times.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
            assert not _problems(at), _problems(at)

        def select(k: int) -> None:  # what the select-to-code component's callback does, on another connection
            with open_project(path) as p:
                row = review.transcript_view(p, "lvi84", "P01_gp_rural.txt", "researcher")["passages"][k]
                selection.code_selection(p, "lvi84", "P01_gp_rural.txt", row["start"] + 2, row["end"] - 2,
                                         ["ORG01"], coder="researcher")

        for k in range(rounds):
            timed("next", "next")
            keys = [b.key for b in at.button if b.key and b.key.startswith("accept_") and not b.disabled]
            if keys:
                sid = keys[0][len("accept_"):]
                timed("accept", f"accept_{sid}")
                timed("undo", "undo_last")
                timed("reject", f"reject_{sid}")
                timed("undo", f"unreject_{sid}")
            timed("select to code", passage=k)
            timed("undo", "undo_last")
    every = [x for xs in times.values() for x in xs]
    return {"bench": "index_clicks", "rounds": rounds, "load_average": [round(x, 2) for x in os.getloadavg()],
            "clicks": {k: {"n": len(v), "median_ms": round(statistics.median(v))} for k, v in times.items()},
            "all_clicks_median_ms": round(statistics.median(every)),
            "under_target": statistics.median(every) < target_ms}


def run(reruns: int = 5, only: list[str] | None = None, target_ms: float = 300) -> dict:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        projects = build_projects(Path(tmp))
        for name, state in CASES:
            if only and name not in only:
                continue
            if not (PAGES / f"{name}.py").is_file():
                results.append({"page": name, "state": state, "skipped": "no such page"})
                continue
            r = time_page(name, state, projects["small" if name == "index" else "sample"], reruns)
            r["under_target"] = r["median_ms"] < target_ms and not r["problems"]
            results.append(r)
    timed = [r for r in results if "median_ms" in r]
    typical = statistics.median([r["switch_ms"] for r in timed]) if timed else 0
    for r in timed:
        r["switch_ratio_to_median_page"] = round(r["switch_ms"] / typical, 2) if typical else None
        if r["page"] in SWITCH_TARGET_MS:
            r["switch_under_target"] = r["switch_ms"] < SWITCH_TARGET_MS[r["page"]]
    return {"bench": "app_pages", "target_ms": target_ms, "reruns_per_page": reruns,
            "pages_timed": len(timed), "pages_under_target": sum(r["under_target"] for r in timed),
            "slowest": max(timed, key=lambda r: r["median_ms"], default=None), "results": results}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reruns", type=int, default=5)
    ap.add_argument("--page", action="append", help="only this page (repeatable)")
    ap.add_argument("--target-ms", type=float, default=300)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--clicks", type=int, default=0, help="rounds of the Index page's clicks (instead of the pages)")
    a = ap.parse_args(argv)
    if a.clicks:
        from app_helpers import build_small_suggested

        with tempfile.TemporaryDirectory() as tmp:
            report = time_clicks(build_small_suggested(Path(tmp) / "small.fa"), a.clicks, a.target_ms)
    else:
        report = run(a.reruns, a.page, a.target_ms)
    text = json.dumps(report, indent=2)
    print(text)
    if a.out:
        a.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark of migration 0003 (JSON lists of coding ids -> provenance link tables) on the full-size synthetic study.

Builds the charting benchmark's synthetic project (27 participants x lvi84), drafts summaries (fake embedder: the
summaries quote their cell's codings), recodes lvi84 -> lvi21 (crosswalk codings with sources, carried summaries),
proposes key elements (quoting codings), takes the project back to revision 0002 (the lists become JSON again), then
times opening it (``.bak`` copy plus upgrade) and checks that every link came back. Prints JSON; ``--out FILE`` also writes it.

    python bench/bench_migrate.py [--participants 27] [--words 9000] [--out bench.json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from toolkit import charting as ch  # noqa: E402
from toolkit.embed import FakeEmbedder  # noqa: E402
from toolkit.mapping import propose_elements  # noqa: E402
from toolkit.store import open_project  # noqa: E402
from toolkit.store.migrate import downgrade  # noqa: E402

TABLES = ("summary_quote", "key_element_quote", "coding_source")


def _charting_bench():
    spec = importlib.util.spec_from_file_location("bench_charting", ROOT / "bench" / "bench_charting.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _links(engine) -> dict[str, list]:
    with engine.connect() as c:
        return {t: c.execute(text(f"SELECT * FROM {t} ORDER BY 1, position")).all() for t in TABLES}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--participants", type=int, default=27)
    ap.add_argument("--words", type=int, default=9000)
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.fa"
        project, _ = _charting_bench().build_project(path, a.participants, a.words)
        ch.draft_summaries(project, "lvi84", FakeEmbedder())
        ch.refine(project, "lvi84_to_lvi21")
        propose_elements(project, "lvi84", embedder=FakeEmbedder())
        before = _links(project.engine)
        t0 = time.perf_counter()
        downgrade(project.engine, "0002")
        t_down = time.perf_counter() - t0
        project.close()
        size = path.stat().st_size
        t0 = time.perf_counter()
        upgraded = open_project(path)
        t_open = time.perf_counter() - t0
        after = _links(upgraded.engine)
        upgraded.close()
    result = {
        "participants": a.participants,
        "links": {t: len(before[t]) for t in TABLES},
        "every_link_kept_in_order": before == after,
        "project_mib": round(size / 2**20, 1),
        "seconds": {"downgrade_to_0002": round(t_down, 3), "open_with_upgrade_to_head": round(t_open, 3)},
    }
    out = json.dumps(result, indent=2)
    print(out)
    if a.out:
        Path(a.out).write_text(out + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()

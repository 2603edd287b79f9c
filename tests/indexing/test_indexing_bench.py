"""The benchmarks' own code: the synthetic study generator (sizes, carried-over codings at the right offsets) and
the page-rerun benchmark's report."""

import csv
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_synthetic_study_is_importable_with_its_codings(tmp_path):
    ms = _load("make_synthetic")
    report = ms.generate(tmp_path / "syn", n=3, words=800, seed=1)
    assert report["transcripts"] == 3 and report["words"] >= 3 * 800 and report["codings"] > 0
    texts = {f.name: f.read_text(encoding="utf-8") for f in (tmp_path / "syn").glob("P*_synthetic.txt")}
    assert len(texts) == 3
    with open(tmp_path / "syn" / "codings.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert all(texts[r["transcript"]][int(r["start"]):int(r["end"])] == r["text"] for r in rows)
    project = ms.build_project(tmp_path / "s.fa", folder=tmp_path / "syn")
    try:
        from toolkit.store import core as db

        with project.read() as s:
            assert db.count(s, "transcript") == 3 and db.count(s, "coding") == len(rows)
            assert {p["group"] for p in db.participants(s)} <= set(ms.GROUPS)
    finally:
        project.close()


@pytest.mark.slow
def test_app_pages_bench_times_a_page_and_reports_json(tmp_path, capsys):
    """The page-rerun timings live in bench/bench_app_pages.py (never asserted here): it runs and reports."""
    bench = _load("bench_app_pages")
    assert bench.main(["--page", "project", "--page", "index", "--reruns", "2", "--out", str(tmp_path / "b.json")]) == 0
    report = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert json.loads(capsys.readouterr().out) == report
    assert [r["page"] for r in report["results"]] == ["project", "index"] and report["pages_timed"] == 2
    for r in report["results"]:
        assert r["problems"] == [] and r["reruns"] == 2 and r["max_ms"] >= r["median_ms"] > 0

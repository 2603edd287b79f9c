"""The synthetic study generator used by the benchmarks: sizes, carried-over codings at the right offsets."""

import csv
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


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

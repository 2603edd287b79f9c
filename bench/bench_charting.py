"""Benchmark of charting on the full-size synthetic study: 27 participants x the 84 codes of lvi84.

Builds the synthetic project (with ``bench/make_synthetic.py`` when it provides ``build_project(path)``, otherwise
with the small generator below: 27 transcripts of about 9,000 words made from the sample study's participant turns,
about 150 codings each, spread over all 84 codes), drafts summaries for every coded cell (with the fake embedder
unless ``--model`` is given, so that the cells hold text like a charted study), then times building the matrix and
writing Word, Excel and CSV, and measures peak Python memory (tracemalloc, in a second pass; lxml's own buffers are
not traced) and the process's peak RSS after each step (it only grows, so a jump shows the step that needed it). Prints JSON; ``--out FILE`` also writes it.

    python bench/bench_charting.py [--participants 27] [--words 9000] [--model default|PATH] [--out bench.json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit import charting as ch  # noqa: E402
from toolkit import project as proj  # noqa: E402
from toolkit.export import export_csv, export_docx, export_xlsx  # noqa: E402
from toolkit.store import core as db  # noqa: E402
from toolkit.store.events import Action  # noqa: E402

GROUPS = ["GP", "radiologist", "hospital specialist", "radiographer", "imaging manager", "health authority"]
QUESTIONS = ["Could you say more about that?", "How does that affect the referrals you see?",
             "What would make a difference there?", "Can you give an example?", "Why do you think that happens?"]


def sample_turns() -> list[str]:
    from toolkit.ingest import decode_bytes

    turns = []
    for f in sorted((ROOT / "transcripts_sample").glob("*.txt")):
        for line in decode_bytes(f.read_bytes(), f)[0].splitlines():
            m = re.match(r"^P\d+:\s*(.+)$", line)
            if m and len(m.group(1).split()) >= 12:
                turns.append(m.group(1))
    if not turns:
        raise SystemExit("no participant turns found in transcripts_sample/*.txt")
    return turns


def generate(folder: Path, n: int, words: int, rng: random.Random) -> Path:
    """Write n transcripts (P01..Pn) and participants.csv into ``folder``."""
    turns = sample_turns()
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["id,group,setting,workplace,transcript"]
    for i in range(1, n + 1):
        pid = f"P{i:02d}"
        group, setting = GROUPS[(i - 1) % len(GROUPS)], "urban" if (i + (i - 1) // len(GROUPS)) % 2 else "rural"
        name = f"{pid}_synthetic.txt"
        rows.append(f"{pid},{group},{setting},workplace {i},{name}")
        out, total = [], 0
        while total < words:
            t = rng.choice(turns)
            out.append(f"I: {rng.choice(QUESTIONS)}\n\n{pid}: {t}\n")
            total += len(t.split()) + 6
        (folder / name).write_text("\n".join(out), encoding="utf-8")
    (folder / "participants.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def build_project(path: Path, n: int, words: int, seed: int = 7):
    """The synthetic project: transcripts imported, then ~150 codings per transcript over all 84 lvi84 codes."""
    maker = ROOT / "bench" / "make_synthetic.py"
    if maker.is_file():
        spec = importlib.util.spec_from_file_location("make_synthetic", maker)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        if hasattr(mod, "build_project"):
            return mod.build_project(path), "bench/make_synthetic.py"
    rng = random.Random(seed)
    folder = generate(path.parent / "synthetic_transcripts", n, words, rng)
    project = proj.create(path, name="Synthetic study (benchmark)")
    proj.import_transcripts(project, folder, attributes=folder / "participants.csv")
    with project.transaction(Action.CODINGS_IMPORT) as s:
        pks = db.code_pks(s, "lvi84")
        codes = sorted(pks)
        weights = [1.0 / (1 + (k % 9)) for k in range(len(codes))]  # some codes much more used than others
        coder = db.coder_id(s, "synthetic")
        segs = db.segments_frame(s)
        for tid, grp in segs[segs["role"] != "interviewer"].groupby("transcript_id"):
            for seg in grp.itertuples(index=False):
                for code in set(rng.choices(codes, weights, k=rng.choice([1, 1, 2]))):
                    db.add_coding(s, transcript_id=int(tid), start=int(seg.start), end=int(seg.end),
                                  code_pk=pks[code], coder=coder, origin="imported", segment_id=int(seg.id))
    return project, "generator in bench_charting.py"


RSS_AFTER: dict[str, float] = {}


def rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def timed(fn, name: str | None = None):
    t0 = time.perf_counter()
    out = fn()
    dt = round(time.perf_counter() - t0, 3)
    if name:
        RSS_AFTER[name] = rss_mib()
    return out, dt


def peak(fn) -> float:
    tracemalloc.start()
    fn()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return round(top / 2**20, 1)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--participants", type=int, default=27)
    ap.add_argument("--words", type=int, default=9000)
    ap.add_argument("--model", help="draft with the real embedding model ('default' or a model directory)")
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (project, source), t_build = timed(lambda: build_project(tmp / "bench.fa", a.participants, a.words), "build_project")
        st = proj.status(project)
        if a.model:
            from toolkit.embed import load_embedder

            embedder = load_embedder(None if a.model == "default" else a.model)
        else:
            from toolkit.embed import FakeEmbedder

            embedder = FakeEmbedder()
        rep, t_draft = timed(lambda: ch.draft_summaries(project, "lvi84", embedder), "draft_summaries")
        m, t_matrix = timed(lambda: ch.build_matrix(project, "lvi84"), "build_matrix")
        _, t_docx = timed(lambda: export_docx(m, tmp / "chart.docx"), "export_docx")
        _, t_xlsx = timed(lambda: export_xlsx(m, tmp / "chart.xlsx"), "export_xlsx")
        _, t_csv = timed(lambda: export_csv(m, tmp / "chart.csv"), "export_csv")
        _, t_refine = timed(lambda: ch.refine(project, "lvi84_to_lvi21"), "refine_84_to_21")
        m21, t_matrix21 = timed(lambda: ch.build_matrix(project, "lvi21"))
        _, t_docx21 = timed(lambda: export_docx(m21, tmp / "chart21.docx"))
        result = {
            "synthetic_project": source,
            "participants": st["participants"], "transcripts": st["transcripts"], "segments": st["segments"],
            "codings_lvi84": int(sum(len(c.quotes) for c in m.cells.values())),
            "matrix": f"{len(m.participants)} x {len(m.columns)}",
            "cells_coded": sum(1 for c in m.cells.values() if c.quotes),
            "cells_summarised": sum(1 for c in m.cells.values() if c.summary),
            "seconds": {"build_project": t_build, "draft_summaries": t_draft, "build_matrix": t_matrix,
                        "export_docx": t_docx, "export_xlsx": t_xlsx, "export_csv": t_csv,
                        "exports_docx_plus_xlsx": round(t_docx + t_xlsx, 3), "refine_84_to_21": t_refine,
                        "build_matrix_lvi21": t_matrix21, "export_docx_lvi21": t_docx21},
            "draft_model": rep.model, "draft_sentences": rep.sentences,
            "file_bytes": {"docx": (tmp / "chart.docx").stat().st_size, "xlsx": (tmp / "chart.xlsx").stat().st_size,
                           "csv": (tmp / "chart.csv").stat().st_size},
            "peak_python_mib": {"build_matrix": peak(lambda: ch.build_matrix(project, "lvi84")),
                                "export_docx": peak(lambda: export_docx(m, tmp / "chart2.docx")),
                                "export_xlsx": peak(lambda: export_xlsx(m, tmp / "chart2.xlsx"))},
            "peak_rss_mib_after_step": dict(RSS_AFTER),
            "peak_rss_mib": rss_mib(),
            "target_exports_seconds": 3.0,
        }
        result["meets_target"] = result["seconds"]["exports_docx_plus_xlsx"] < 3.0
        project.close()
    text = json.dumps(result, indent=2)
    print(text)
    if a.out:
        Path(a.out).write_text(text + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()

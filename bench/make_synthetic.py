"""The full-size synthetic study: 27 transcripts of about 9,000 words, built from the sample study's turns.

Each synthetic interview strings together (question, answer) pairs taken from the sample transcripts (all formats,
read through the toolkit's own importers): the interviewer's question, then a participant's answer. The sample's
reference indexing (``transcripts_sample/reference_indexing.csv``, lvi84) travels with the answers, so the synthetic
study also has realistic codings at the right character offsets (coder ``reference``, origin ``imported``).

    python bench/make_synthetic.py OUT_DIR [--participants 27] [--words 9000] [--seed 7] [--project OUT.fa]

writes ``OUT_DIR/P01_synthetic.txt`` ..., ``participants.csv`` and ``codings.csv``; with ``--project`` it also builds
the project (shipped frameworks, transcripts, attributes, codings). ``build_project(path)`` does the same from Python
(used by ``bench/bench_charting.py`` and ``bench/bench_indexing.py``).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit import project as proj  # noqa: E402
from toolkit.store import core as db  # noqa: E402

SAMPLE = ROOT / "transcripts_sample"
GROUPS = ["GP", "radiologist", "hospital specialist", "radiographer", "imaging manager", "health authority"]


def sample_pairs(framework: str = "lvi84") -> list[dict]:
    """(question, answer, codes) for every participant turn of the sample study; ``codes`` are (start, end, code)
    relative to the answer, from the reference indexing."""
    with tempfile.TemporaryDirectory() as tmp:
        p = proj.create(Path(tmp) / "sample.fa", name="sample")
        try:
            proj.import_transcripts(p, SAMPLE, attributes=SAMPLE / "participants.csv")
            ref = SAMPLE / "reference_indexing.csv"
            if ref.is_file():
                proj.import_codings(p, ref, framework=framework, coder="reference")
            with p.read() as s:
                segs = db.segments_frame(s)
                cod = db.codings_frame(s, framework_id=framework, with_text=False)
        finally:
            p.close()
    by_t = {tid: g for tid, g in cod.groupby("transcript_id")}
    pairs = []
    for tid, g in segs.groupby("transcript_id"):
        question = ""
        c = by_t.get(tid)
        for seg in g.sort_values("idx").itertuples(index=False):
            if seg.role == "interviewer":
                question = " ".join(seg.text.split())
                continue
            answer = seg.text
            if len(answer.split()) < 5 or "\n" in answer.strip():
                continue
            codes = []
            if c is not None:
                inside = c[(c["start"] >= seg.start) & (c["end"] <= seg.end)]
                codes = [(int(a - seg.start), int(b - seg.start), code)
                         for a, b, code in zip(inside["start"], inside["end"], inside["code_id"], strict=True)]
            pairs.append({"question": question or "Could you say more about that?", "answer": answer.strip(),
                          "codes": [(a, b, k) for a, b, k in codes if b <= len(answer.strip())]})
    if not pairs:
        raise SystemExit("no participant turns found in transcripts_sample/")
    return pairs


def generate(folder: Path, n: int = 27, words: int = 9000, seed: int = 7, framework: str = "lvi84") -> dict:
    """Write the transcripts, ``participants.csv`` and ``codings.csv`` into ``folder``; returns counts."""
    rng = random.Random(seed)
    pairs = sample_pairs(framework)
    folder.mkdir(parents=True, exist_ok=True)
    part_rows, cod_rows = [], []
    total_words = 0
    for i in range(1, n + 1):
        pid = f"P{i:02d}"
        name = f"{pid}_synthetic.txt"
        group = GROUPS[(i - 1) % len(GROUPS)]
        setting = "urban" if (i + (i - 1) // len(GROUPS)) % 2 else "rural"
        part_rows.append({"id": pid, "group": group, "setting": setting, "workplace": f"workplace {i}",
                          "transcript": name})
        text, count = "", 0
        while count < words:
            pr = rng.choice(pairs)
            text += f"I: {pr['question']}\n\n{pid}: "
            base = len(text)
            text += pr["answer"] + "\n\n"
            for a, b, code in pr["codes"]:
                cod_rows.append({"transcript": name, "participant": pid, "start": base + a, "end": base + b,
                                 "text": text[base + a: base + b], "code": code, "coder": "reference"})
            count += len(pr["question"].split()) + len(pr["answer"].split())
        (folder / name).write_text(text, encoding="utf-8")
        total_words += count
    with open(folder / "participants.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "group", "setting", "workplace", "transcript"])
        w.writeheader()
        w.writerows(part_rows)
    with open(folder / "codings.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["transcript", "participant", "start", "end", "text", "code", "coder"])
        w.writeheader()
        w.writerows(cod_rows)
    return {"transcripts": n, "words": total_words, "codings": len(cod_rows), "source_pairs": len(pairs),
            "folder": str(folder)}


def build_project(path: str | Path, n: int = 27, words: int = 9000, seed: int = 7, *, codings: bool = True,
                  folder: str | Path | None = None, framework: str = "lvi84"):
    """A new project at ``path`` holding the synthetic study (transcripts, attributes and, with ``codings``, the
    carried-over reference codings). Returns the open project."""
    path = Path(path)
    folder = Path(folder) if folder else path.parent / f"{path.stem}_transcripts"
    if not (folder / "participants.csv").is_file():
        generate(folder, n, words, seed, framework)
    project = proj.create(path, name="Synthetic study (benchmark)")
    proj.import_transcripts(project, folder, attributes=folder / "participants.csv")
    if codings:
        proj.import_codings(project, folder / "codings.csv", framework=framework, coder="reference")
    return project


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="folder for the transcripts, participants.csv and codings.csv")
    ap.add_argument("--participants", type=int, default=27)
    ap.add_argument("--words", type=int, default=9000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--project", type=Path, help="also build this project file")
    a = ap.parse_args(argv)
    report = generate(a.out, a.participants, a.words, a.seed)
    if a.project:
        build_project(a.project, folder=a.out).close()
        report["project"] = str(a.project)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Peak memory when refusing the largest hostile inputs (each in a fresh process, so ru_maxrss is its own).

Inputs: a 200 MB text transcript, a .docx that inflates to 1 GB (and one of 245 KB inflating to 100 MB), a YAML alias
bomb (9 levels, 9^9 leaves), a 100 MB framework file. For each: whether it was refused with an InputError, the message,
and the process's peak RSS against a baseline process that only imports the toolkit. Prints JSON.

    python bench/bench_hostile.py [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCX = ROOT / "transcripts_sample" / "P02_gp_urban.docx"

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from toolkit.errors import InputError
from toolkit.ingest import read_transcript
from toolkit import frameworks as fwio
kind, path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
try:
    if kind == "transcript":
        read_transcript(path)
    elif kind == "framework":
        fwio.load_framework(path)
    out = {{"refused": False}}
except InputError as e:
    out = {{"refused": True, "message": str(e)[-160:]}}
out["seconds"] = round(time.perf_counter() - t0, 3)
out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
print(json.dumps(out))
"""


def _run(kind: str, path: Path) -> dict:
    r = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), kind, str(path)], capture_output=True,
                       text=True, timeout=600)
    return json.loads(r.stdout.strip().splitlines()[-1]) if r.returncode == 0 else {"error": r.stderr[-400:]}


def _docx_with_zeros(dst: Path, nbytes: int) -> None:
    with zipfile.ZipFile(DOCX) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        with zout.open("word/media/pad.bin", "w", force_zip64=True) as fh:
            chunk = b"\0" * (16 * 1024 * 1024)
            for _ in range(nbytes // len(chunk)):
                fh.write(chunk)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fa-hostile-"))
    cases = {}
    empty = tmp / "none.txt"
    empty.write_text("Interviewer: Hi?\nP01: Hello.\n")
    cases["baseline (a tiny transcript)"] = ("transcript", empty)
    big = tmp / "big.txt"
    with big.open("wb") as fh:
        line = b"P01: " + b"word " * 40 + b"\n"
        for _ in range(200 * 1024 * 1024 // len(line)):
            fh.write(line)
    cases["200 MB text transcript"] = ("transcript", big)
    gig = tmp / "gigabyte.docx"
    _docx_with_zeros(gig, 1024 * 1024 * 1024)
    cases[f"docx inflating to 1 GB ({gig.stat().st_size // 1024} KB)"] = ("transcript", gig)
    hundred = tmp / "hundred.docx"
    _docx_with_zeros(hundred, 100 * 1024 * 1024)
    cases[f"docx inflating to 100 MB ({hundred.stat().st_size // 1024} KB)"] = ("transcript", hundred)
    bomb = tmp / "bomb.yaml"
    levels = ["a: &a [" + ",".join(['"lol"'] * 9) + "]"]
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    bomb.write_text("kind: framework\nid: bomb\n" + "\n".join(levels)
                    + "\ncategories: [{id: A, label: A, codes: [{id: A1, label: *i}]}]\n")
    cases["YAML alias bomb (9^9 leaves)"] = ("framework", bomb)
    huge = tmp / "huge.yaml"
    huge.write_text("kind: framework\nid: huge\ndescription: " + "x" * (100 * 1024 * 1024) + "\n")
    cases["100 MB framework file"] = ("framework", huge)
    results = {name: _run(kind, path) for name, (kind, path) in cases.items()}
    for p in tmp.iterdir():
        p.unlink()
    tmp.rmdir()
    print(json.dumps(results, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

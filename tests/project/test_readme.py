"""The README's command-line examples run as written on the shipped sample.

Every line of the README's ``sh`` blocks that starts with ``python`` is run, in order, in a fresh folder that holds
the shipped ``transcripts_sample/``, ``frameworks/`` and ``bench/`` (links to this checkout): nothing in a line is
changed, only the working folder is a temporary one. ``python`` is this interpreter, with this checkout first on the
path and the model hub switched off.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SHIPPED = ("transcripts_sample", "frameworks", "bench")


def example_lines(text: str) -> list[str]:
    """The ``python ...`` lines of the README's ``sh`` code blocks, comments removed (the Team server section's
    ``bash`` block needs a PostgreSQL server the reader starts first; ``tests/store/test_store_backends.py`` and
    ``tests/team/test_team.py`` run those commands against a throwaway cluster)."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("python "):
                lines.append(line)
    return lines


def test_the_readme_has_the_examples():
    lines = example_lines(README.read_text(encoding="utf-8"))
    assert len(lines) >= 15
    commands = {shlex.split(x)[3] for x in lines if x.startswith("python -m toolkit ")}
    assert {"init", "import", "codings", "suggest", "chart", "qdpx", "evaluate"} <= commands
    # the examples name real shipped files, not placeholders
    for line in lines:
        for word in shlex.split(line):
            if "/" in word and word.split("/")[0] in SHIPPED:
                assert (ROOT / word).exists(), f"{line}: {word} is not in the checkout"


def _stop_background(project_path: Path) -> None:
    """End the background suggestions the ``sample --suggest-later`` example started (it would outlive the test)."""
    import signal
    import time

    from toolkit import background as bg
    from toolkit.store import open_project

    with open_project(project_path) as p:
        status = bg.suggestion_status(p)
    assert status is not None and status["framework"] == "lvi84"
    if status["state"] == "running":
        os.kill(int(status["pid"]), signal.SIGTERM)
        for _ in range(100):
            if not bg._alive(status["pid"]):
                break
            time.sleep(0.1)


def _serve_briefly(argv: list[str], cwd: Path, env: dict) -> None:
    import socket
    import time

    port = int(argv[argv.index("--port") + 1])
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"{' '.join(argv)} stopped: {proc.stderr.read()[-2000:]}"
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.5)
        raise AssertionError(f"{' '.join(argv)} did not listen on 127.0.0.1:{port} within 120 s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.timeout(3600)  # suggest and evaluate embed the whole sample with the real model
def test_readme_examples_run_as_written(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    for name in SHIPPED:
        (work / name).symlink_to(ROOT / name, target_is_directory=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    outputs = {}
    for line in example_lines(README.read_text(encoding="utf-8")):
        argv = shlex.split(line)
        argv[0] = sys.executable
        if argv[1:4] == ["-m", "toolkit", "app"]:  # a server: it must come up and listen, then it is stopped
            _serve_briefly(argv, work, env)
            continue
        r = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True, timeout=1800)
        assert r.returncode == 0, f"README example failed: {line}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
        outputs[line] = r.stdout
    _stop_background(work / "sample.fa")
    said = "\n".join(outputs.values())
    # the codings import found the framework itself and said so
    assert "imported 646 codings into framework lvi84 (the only framework holding every code" in said
    for out in ("matrix.docx", "matrix.xlsx", "chart.csv", "map.svg", "report.docx", "study.qdpx", "copy.fa",
                "lvi84.qdc", "codebook.csv", "out.json", "sample.fa"):
        assert (work / out).is_file() and (work / out).stat().st_size > 0, out

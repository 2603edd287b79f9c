"""What the real-browser tests (``test_app_browser*.py``) and ``bench/bench_app_browser.py`` share: Chromium and its
flags, ``streamlit run`` of the app on a localhost port, the page's "idle" condition, and finding and unfolding the
Index page's buttons by widget key."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("FA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: a JavaScript expression: no "running" status and no stale (greyed, about to be replaced) element
IDLE = ("!document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"streamlit did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


@contextmanager
def serve_app(project: Path, log: Path, port: int | None = None):
    """``streamlit run app/streamlit_app.py`` from the checkout (its ``.streamlit/config.toml`` applies) on
    127.0.0.1 for ``project``; yields the URL, stops the server."""
    port = port or free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",  # the checkout first, the caller's path after
               PYTHONPATH=os.pathsep.join(x for x in (str(REPO), os.environ.get("PYTHONPATH")) if x))
    cmd = [sys.executable, "-m", "streamlit", "run", "app/streamlit_app.py", "--server.address", "127.0.0.1",
           "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--", "--project", str(project)]
    with log.open("w") as fh:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def visible_key(page, prefix: str) -> str | None:
    """The widget key (without ``st-key-``) of the first visible element whose key starts with ``prefix``."""
    loc = page.locator(f"[class*='st-key-{prefix}']")
    for i in range(loc.count()):
        if loc.nth(i).is_visible():
            cls = loc.nth(i).get_attribute("class") or ""
            return next(c[7:] for c in cls.split() if c.startswith(f"st-key-{prefix}"))
    return None


def unfold_candidates(page, settle) -> None:
    """Unfold the Index page's candidates (codes below their threshold), then ``settle(page)``."""
    toggle = page.locator(".st-key-index_candidates input[type=checkbox]")
    if toggle.count() and not toggle.first.is_checked():
        page.locator(".st-key-index_candidates label").first.click()
        settle(page)

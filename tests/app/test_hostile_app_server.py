"""``python -m toolkit app`` listens on 127.0.0.1 only, with usage statistics off, whatever folder it is started
from (here: one whose .streamlit/config.toml asks for all interfaces and statistics)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

psutil = pytest.importorskip("psutil")

ROOT = Path(__file__).resolve().parents[2]
PORTS = range(8620, 8630)  # this test's range


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 8620-8629")


def _outside_address() -> str | None:
    """This machine's address on its default route (nothing is sent), or None without one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            ip = s.getsockname()[0]
        except OSError:
            return None
    return None if ip.startswith("127.") else ip


def _listening(pid: int, port: int) -> list[str]:
    procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    pids = {p.pid for p in procs}
    return sorted({c.laddr.ip for c in psutil.net_connections(kind="inet")
                   if c.pid in pids and c.status == psutil.CONN_LISTEN and c.laddr.port == port})


def test_the_app_command_binds_127_0_0_1_from_any_folder(sample_project_file, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / ".streamlit").mkdir(parents=True)
    (elsewhere / ".streamlit" / "config.toml").write_text(
        '[server]\naddress = "0.0.0.0"\nport = 8629\nenableXsrfProtection = false\n'
        '[browser]\ngatherUsageStats = true\n', encoding="utf-8")
    import shutil

    project = shutil.copy2(sample_project_file, tmp_path / "study.fa")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "app", str(project), "--port", str(port)],
                            cwd=elsewhere, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        addrs: list[str] = []
        while time.monotonic() < deadline and not addrs:
            assert proc.poll() is None, proc.stdout.read().decode()[-2000:]
            time.sleep(0.5)
            addrs = _listening(proc.pid, port)
        assert addrs == ["127.0.0.1"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=30) as r:
            assert r.read() == b"ok"
        outside = _outside_address()
        if outside:
            with pytest.raises(OSError), socket.create_connection((outside, port), timeout=3):
                pass
        child = next(p for p in psutil.Process(proc.pid).children(recursive=True) if "streamlit" in " ".join(
            p.cmdline()))
        cmd = child.cmdline()
        assert cmd[cmd.index("--browser.gatherUsageStats") + 1] == "false"
        assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
        assert cmd[cmd.index("--server.enableXsrfProtection") + 1] == "true"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def test_the_app_command_refuses_a_bad_project_before_starting(tmp_path):
    bad = tmp_path / "bad.fa"
    bad.write_text("not a project")
    r = subprocess.run([sys.executable, "-m", "toolkit", "app", str(bad), "--port", "8629"], cwd=tmp_path,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "not a project file" in r.stderr and "Traceback" not in r.stderr

"""A normal (non-editable) install ships the frameworks and the sample: build the wheel, install it into a fresh
virtual environment, and from another folder list the frameworks and build the sample project.

Offline: the wheel is installed with ``--no-deps``; the fresh environment finds the dependencies through a ``.pth``
line naming this interpreter's site-packages (a plain path: the editable install's finder there is not loaded, so
``toolkit`` can only come from the wheel).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
IGNORE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                                "sample_project", "*.fa", "*.fa-*")


def _run(cmd: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    return r


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the working tree (so the build leaves nothing in the repository)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(REPO, src, ignore=IGNORE)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
          "-w", str(tmp / "dist"), str(src)], cwd=tmp)
    (whl,) = (tmp / "dist").glob("*.whl")
    return whl


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict]:
    """A fresh venv holding only the wheel (dependencies through a .pth line) and a clean environment for it."""
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    purelib = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                        cwd=env_dir).stdout.strip())
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (purelib / "_dependencies.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    # this interpreter's pip installs into the fresh environment (which has no pip of its own)
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", str(wheel)],
         cwd=env_dir, env=env)
    return py, env


def test_wheel_holds_the_frameworks_and_the_sample(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped_fw = {p.name for p in (REPO / "frameworks").iterdir() if p.is_file()}
    shipped_sample = {p.name for p in (REPO / "transcripts_sample").iterdir() if p.is_file()}
    assert {f"toolkit/_data/frameworks/{n}" for n in shipped_fw} <= names
    assert {f"toolkit/_data/sample/{n}" for n in shipped_sample} <= names
    migrations = {f"toolkit/store/migrations/versions/{p.name}"
                  for p in (REPO / "toolkit/store/migrations/versions").glob("*.py")}
    assert migrations and migrations <= names
    assert not any("__pycache__" in n for n in names)


def test_installed_toolkit_lists_frameworks_and_builds_the_sample(installed, tmp_path):
    py, env = installed
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run([str(py), "-c", "import toolkit, toolkit.frameworks as f; print(toolkit.__file__); print(f.SHIPPED_DIR)"],
                 cwd=elsewhere, env=env).stdout.split("\n")
    venv_root = py.parent.parent
    assert Path(where[0]).is_relative_to(venv_root), f"toolkit imported from {where[0]}, not from the wheel"
    assert Path(where[1]).is_relative_to(venv_root) and Path(where[1]).name == "frameworks"

    listed = _run([str(py), "-m", "toolkit", "frameworks", "list"], cwd=elsewhere, env=env).stdout
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in listed.splitlines() if line.strip()}
    assert rows.get("lvi84") == ["84", "7"] and "lvi21" in rows, listed
    _run([str(py), "-m", "toolkit", "frameworks", "validate"], cwd=elsewhere, env=env)

    _run([str(py), "-m", "toolkit", "sample", "S.fa"], cwd=elsewhere, env=env)
    assert (elsewhere / "S.fa").is_file()
    status = _run([str(py), "-m", "toolkit", "status", "S.fa"], cwd=elsewhere, env=env).stdout
    assert "transcripts:  12" in status and "reference" in status and "lvi84" in status, status


def test_the_wheel_installs_one_top_level_package_with_the_app_inside(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"toolkit"}, f"top-level names besides toolkit: {sorted(top - {'toolkit'})}"
    assert {"toolkit/app/streamlit_app.py", "toolkit/app/common.py", "toolkit/app/app_pages/index.py",
            "toolkit/app/components/select_code/main.js"} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") or n.endswith(".dist-info/LICENSE") for n in names)


def test_the_installed_app_serves_from_any_folder(installed, tmp_path):
    """``python -m toolkit app`` from an unrelated folder, with the wheel's toolkit only: the page is served."""
    import socket
    import time
    import urllib.request

    py, env = installed
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([str(py), "-m", "toolkit", "app", "--port", str(port)], cwd=elsewhere, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        end, health = time.monotonic() + 180, ""
        while time.monotonic() < end and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
                    health = r.read().decode()
                break
            except OSError:
                time.sleep(1)
        assert health == "ok", f"the app did not come up: {proc.poll()} {proc.stdout.read() if proc.poll() else ''}"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as r:
            assert r.status == 200 and b"<html" in r.read().lower()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()

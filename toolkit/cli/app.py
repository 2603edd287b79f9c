"""``python -m toolkit app [P.fa] [--port N]``: start the app on this machine only, from any folder.

The server is bound to 127.0.0.1 with usage statistics off and CORS/XSRF protection on, given as command-line flags
to Streamlit, which override every config file (``~/.streamlit`` and the current folder's ``.streamlit``): a config
file in the folder it is started from cannot widen that. Streamlit runs as a child process (the toolkit never
imports it); the project is checked first, so a bad file is one clear error instead of a server that fails later.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from ..errors import ToolkitError
from ..store import open_project

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "app" / "streamlit_app.py"
LOCAL_ONLY = {"server.address": "127.0.0.1", "browser.serverAddress": "127.0.0.1",
              "browser.gatherUsageStats": "false", "server.enableCORS": "true",
              "server.enableXsrfProtection": "true", "server.headless": "true"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", help="start the app on this machine only (127.0.0.1, no usage statistics)")
    p.add_argument("project", nargs="?", help="project file to open (default: the sample project if built)")
    p.add_argument("--port", type=int, default=8501, help="port on 127.0.0.1 (default 8501)")
    p.set_defaults(handler=cmd_app)


def app_command(project: str | None, port: int) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that start the app bound to 127.0.0.1 (see the module doc)."""
    if not SCRIPT.is_file():
        raise ToolkitError(f"{SCRIPT}: the app is not installed with this toolkit")
    if not 1 <= port <= 65535:
        raise ToolkitError(f"--port {port}: not a port number")
    flags = {**LOCAL_ONLY, "server.port": str(port)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(SCRIPT)]
    for k, v in flags.items():
        cmd += [f"--{k}", v]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               **{"STREAMLIT_" + k.upper().replace(".", "_"): v for k, v in flags.items()})
    if project:
        cmd += ["--", "--project", str(Path(project).resolve())]
    return cmd, env


def cmd_app(a) -> int:
    if a.project:
        open_project(a.project).close()  # not a project, damaged, newer...: one clear error, before starting
    cmd, env = app_command(a.project, a.port)
    print(f"starting the app at http://127.0.0.1:{a.port} (this machine only; Ctrl+C stops it)", flush=True)
    try:
        return subprocess.call(cmd, env=env, cwd=ROOT)
    except KeyboardInterrupt:
        return 0

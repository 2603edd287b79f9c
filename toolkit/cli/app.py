"""``python -m toolkit app [PROJECT] [--port N] [--team [--host H]]``: start the app.

Without ``--team`` the server is bound to 127.0.0.1 (this machine only) and has no login, as for one person. With
``--team`` the app asks everyone to log in (accounts made with ``python -m toolkit user add``; the coder identity
comes from the login), shows each role its pages only, and may listen on ``--host`` (e.g. 0.0.0.0 or the machine's
LAN address) for the team. Usage statistics are off either way, and so are Streamlit's garbage collection after
every run and its watching of the source files (both cost every click time). The settings are given as command-line
flags to Streamlit, which override any config file. The project location is handed over in the environment (never on the
command line, where a database password would show in the process list). Streamlit runs as a child process: the
toolkit never imports it.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import signal
import subprocess
import sys
from pathlib import Path

from .. import team
from ..errors import InputError, ToolkitError
from ..store import absolute_location, open_project


def app_script() -> Path:
    """The app's entry file: ``streamlit_app.py`` of the package ``toolkit.app`` (the source folder ``app/`` in a
    checkout, inside the installed package otherwise), found without importing Streamlit."""
    import importlib.util

    spec = importlib.util.find_spec("toolkit.app")
    if spec is None or not spec.submodule_search_locations:
        raise ToolkitError("the app is not installed with this toolkit (no package toolkit.app)")
    return Path(list(spec.submodule_search_locations)[0]) / "streamlit_app.py"



FLAGS = {"browser.gatherUsageStats": "false", "server.enableCORS": "true", "server.enableXsrfProtection": "true",
         "server.headless": "true",
         # speed of every click (bench/bench_app_browser.py): no full garbage collection after each script run (it
         # holds the server for ~0.1 s with the embedding model in memory), no polling of the app's source files
         "runner.postScriptGC": "false", "server.fileWatcherType": "none",
         # no traceback in the browser (server paths, code): the pages say plainly what went wrong
         "client.showErrorDetails": "none"}
LOOPBACK = "127.0.0.1"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", help="start the app (this machine only; --team: with logins, for a team)")
    p.add_argument("project", nargs="?", help="project file or database URL (default: the sample project if built)")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument("--team", action="store_true", help="team server: everyone logs in; roles limit the pages")
    p.add_argument("--host", default=LOOPBACK, help="address to listen on (only with --team; default 127.0.0.1)")
    p.set_defaults(handler=cmd_app)


def app_command(project: str | None, port: int, *, team_mode: bool = False,
                host: str = LOOPBACK) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that start the app (see the module doc)."""
    script = app_script()
    if not script.is_file():
        raise ToolkitError(f"{script}: the app is not installed with this toolkit")
    if not 1 <= port <= 65535:
        raise InputError(None, f"--port {port}: not a port number")
    if host != LOOPBACK and not team_mode:
        raise InputError(None, "--host is only for a team server (--team, with logins); without it the app stays "
                               "on 127.0.0.1")
    try:
        ipaddress.ip_address(host)
    except ValueError as e:
        raise InputError(None, f"--host {host!r}: not an IP address") from e
    flags = {**FLAGS, "server.address": host, "server.port": str(port)}
    if host == LOOPBACK:
        flags["browser.serverAddress"] = LOOPBACK
    cmd = [sys.executable, "-m", "streamlit", "run", str(script)]
    for k, v in flags.items():
        cmd += [f"--{k}", v]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               **{"STREAMLIT_" + k.upper().replace(".", "_"): v for k, v in flags.items()})
    env.pop("FA_TEAM", None)
    if project:
        env["FA_PROJECT"] = absolute_location(project)
    if team_mode:
        env["FA_TEAM"] = "1"
    return cmd, env


def cmd_app(a) -> int:
    if a.team and not a.project:
        raise InputError(None, "a team server needs the project: python -m toolkit app URL --team")
    if a.project:
        with open_project(a.project) as p:  # not a project, damaged, unreachable...: one clear error, first
            label = p.label
            if a.team and not any(u["role"] == "lead" and u["active"] for u in team.users(p)):
                raise InputError(None, f"{label} has no lead account yet: create one with "
                                       "`python -m toolkit user add PROJECT NAME --role lead`")
    cmd, env = app_command(a.project, a.port, team_mode=a.team, host=a.host)
    where = "this machine only" if a.host == LOOPBACK else f"listening on {a.host}"
    mode = "team server, login required" if a.team else "no login"
    print(f"starting the app at http://{a.host}:{a.port} ({where}; {mode}; Ctrl+C stops it)", flush=True)
    proc = subprocess.Popen(cmd, env=env)  # every setting is a flag: the same from any folder
    signal.signal(signal.SIGTERM, lambda *_: proc.terminate())  # stopping this command stops the server
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait()
        return 0

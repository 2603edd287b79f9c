"""Code suggestions built in the background, so the app opens at once on a new project (``make run``).

``start_suggestions`` starts ``python -m toolkit background suggest P --framework F --wait`` as a detached process;
that process runs :func:`run_suggestions`, which writes its progress (step, done/total, time left) to the project's
settings under ``task:suggest:<framework>``. The app's pages and ``python -m toolkit background status P`` read it
with :func:`suggestion_status`. Progress writes are settings only (no event), so they do not invalidate the pages'
cached reads; the finished suggestions are written in one transaction with its event, as ``suggest`` always does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from . import settings
from .store import Project
from .store import core as db

ROOT = Path(__file__).resolve().parent.parent  # where ``python -m toolkit`` finds this very toolkit


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _write(project: Project, framework: str, status: dict) -> None:
    with project.transaction() as s:  # no action: progress is not a user action and logs no event
        settings.write(s, settings.BACKGROUND_TASK, status, framework=framework)


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a finished child that nobody waited for is a zombie: not running
        with open(f"/proc/{int(pid)}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def suggestion_status(project: Project, framework: str | None = None) -> dict | None:
    """The newest background suggestion task (of ``framework``, or of any framework): ``state`` (running | done |
    failed | stopped), ``step``, ``done``, ``total``, ``seconds_left`` (None when unknown), ``message``, ``pid``,
    ``framework``, ``started``, ``updated``. None when no task was ever started. A task whose process has gone
    without finishing is reported as ``stopped``."""
    with project.read() as s:
        fids = [framework] if framework is not None else db.framework_ids(s)
        found = [st for f in fids if (st := settings.read(s, settings.BACKGROUND_TASK, framework=f))]
    if not found:
        return None
    st = max(found, key=lambda x: (x.get("state") == "running", x.get("updated") or ""))
    if st.get("state") == "running" and not _alive(st.get("pid")):
        st = {**st, "state": "stopped", "message": "the background process stopped before it finished"}
    return st


def run_suggestions(project: Project, framework: str, embedder=None, *, progress=None, every: float = 1.0) -> dict:
    """Build the framework's suggestions (``indexing.service.suggest``), recording progress in the project's
    settings at most every ``every`` seconds; ``progress(done, total, step)`` is also called (e.g. a tqdm bar)."""
    from .indexing.service import suggest
    from .indexing.workspace import ensure_passages, unit_of_analysis

    started = time.time()
    status = {"framework": framework, "state": "running", "step": "starting", "done": 0, "total": 0,
              "seconds_left": None, "pid": os.getpid(), "started": _now(), "updated": _now(),
              "message": "loading the embedding model"}
    _write(project, framework, status)
    last = [0.0]
    step_start: dict[str, tuple[float, int]] = {}

    def report(done: int, total: int, step: str = "embedding", *_):
        record(done, total, step)
        if progress:
            progress(done, total, step)

    def record(done: int, total: int, step: str) -> None:
        now = time.time()
        t0, d0 = step_start.setdefault(step, (now, done))
        left = None
        if done > d0 and total:
            left = round((now - t0) / (done - d0) * (total - done))
        if now - last[0] < every and done < total:
            return
        last[0] = now
        if total and done >= total:  # what follows has no count: fitting, ranking, storing
            status.update(step="ranking", done=done, total=total, seconds_left=None, updated=_now(),
                          message="passages embedded; fitting the suggester and ranking the codes")
        else:
            status.update(step=step, done=done, total=total, seconds_left=left, updated=_now(),
                          message=f"{step} passages {done}/{total}")
        _write(project, framework, status)

    try:
        if embedder is None:
            from .settings import project_embedder

            embedder = project_embedder(project)
        status.update(message="cutting the transcripts into passages", step="passages", updated=_now())
        _write(project, framework, status)
        ensure_passages(project, unit_of_analysis(project, framework))
        status.update(message="embedding the passages", step="embedding", updated=_now())
        _write(project, framework, status)
        result = suggest(project, framework, embedder, progress=report)
    except BaseException as e:
        status.update(state="failed", updated=_now(), seconds_left=None, message=f"{type(e).__name__}: {e}")
        _write(project, framework, status)
        raise
    status.update(state="done", step="done", seconds_left=0, updated=_now(),
                  seconds=round(time.time() - started, 1),
                  message=f"{result['suggestions']} suggestions for {result['passages']} passages")
    _write(project, framework, status)
    return result


def start_suggestions(project_path: str | Path, framework: str, *, log: str | Path | None = None) -> int:
    """Start building ``framework``'s suggestions in a detached process (unless one is already running for this
    project); return its process id. Its output goes to ``<project>.suggest.log``."""
    from .store import open_project

    project_path = Path(project_path).resolve()
    project = open_project(project_path)
    try:
        with project.read() as s:
            if not db.has_framework(s, framework):
                from .errors import NotFoundError

                raise NotFoundError(f"no framework {framework!r} in {project_path.name} "
                                    f"(known: {', '.join(db.framework_ids(s))})")
        current = suggestion_status(project, framework)
        if current and current.get("state") == "running":
            return int(current["pid"])
        log = Path(log) if log else project_path.with_name(project_path.name + ".suggest.log")
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        with open(log, "ab") as out:
            proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module, arguments as a list
                [sys.executable, "-m", "toolkit", "background", "suggest", str(project_path), "--framework",
                 framework, "--wait"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)
        status = {"framework": framework, "state": "running", "step": "starting", "done": 0, "total": 0,
                  "seconds_left": None, "pid": proc.pid, "started": _now(), "updated": _now(),
                  "message": "starting (loading the embedding model)"}
        _write(project, framework, status)
        return proc.pid
    finally:
        project.close()


def has_suggestions(project: Project, framework: str) -> bool:
    from .store import indexing as idb

    with project.read() as s:
        return len(idb.suggestions_frame(s, framework)) > 0


def describe(status: dict | None) -> str:
    """One plain sentence on what the background task is doing, for the app and the CLI."""
    if not status:
        return "No code suggestions are being built."
    fw = status.get("framework")
    state = status.get("state")
    if state == "running":
        if status.get("step") == "ranking":
            return (f"Building code suggestions for {fw} in the background: all {status.get('total')} passages "
                    f"embedded, now fitting the suggester and ranking the codes (the last step; running for "
                    f"{_duration(_since(status.get('started')))} in all).")
        if status.get("total"):
            left = status.get("seconds_left")
            when = f", about {_duration(left)} left" if left is not None else ""
            return (f"Building code suggestions for {fw} in the background: {status.get('step')} "
                    f"{status['done']}/{status['total']} passages{when}.")
        return (f"Building code suggestions for {fw} in the background: {status.get('message')} "
                f"(running for {_duration(_since(status.get('started')))}; all of it takes a few minutes).")
    if state == "done":
        return f"Code suggestions for {fw} are ready ({status.get('message')})."
    if state == "failed":
        return f"Building code suggestions for {fw} failed: {status.get('message')}."
    return f"Building code suggestions for {fw} stopped before it finished; start it again to finish."


def _since(iso: str | None) -> float:
    try:
        return max(0.0, (datetime.now(UTC) - datetime.fromisoformat(iso)).total_seconds()) if iso else 0.0
    except ValueError:
        return 0.0


def _duration(seconds) -> str:
    seconds = int(seconds or 0)
    if seconds < 60:
        return f"{max(seconds, 1)} s"
    m, s = divmod(seconds, 60)
    return f"{m} min {s:02d} s" if m < 10 else f"{m} min"

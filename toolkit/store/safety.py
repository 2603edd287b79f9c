"""SQLite file safety: look at a file before touching it, turn SQLite's failures into plain messages, copy safely.

Opening a file that is not a toolkit project must change nothing (no WAL switch, no migration), so ``probe`` reads it
through a read-only connection first. ``problem`` maps the driver's errors (busy, read-only, disk full, damaged file)
to a ``ProjectError`` that says what happened and what to do. ``backup`` uses SQLite's online backup API, which also
copies what is still in the ``-wal`` file (a plain file copy after a crash can miss it).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ProjectError

#: seconds a writer waits for another program's write to finish before giving up (FA_BUSY_TIMEOUT overrides)
BUSY_TIMEOUT_S = 30.0


def busy_timeout() -> float:
    """The busy timeout in seconds: ``FA_BUSY_TIMEOUT`` from the environment, else 30 s."""
    try:
        return float(os.environ.get("FA_BUSY_TIMEOUT", BUSY_TIMEOUT_S))
    except ValueError:
        return BUSY_TIMEOUT_S


BUSY_MESSAGE = "the project is busy: another program is writing to it"


def problem(exc: BaseException, path: str | Path) -> ProjectError | None:
    """A ``ProjectError`` explaining a SQLite failure, or None when ``exc`` is not one of the known kinds."""
    raw = getattr(exc, "orig", None) or exc
    if not isinstance(raw, sqlite3.Error | OSError):
        return None
    msg = str(raw).lower()
    if ("disk i/o error" in msg or "unable to open" in msg) and _disk_full(Path(path)):
        msg = "database or disk is full"
    if "locked" in msg or "busy" in msg:
        return ProjectError(f"{path}: {BUSY_MESSAGE} (waited {busy_timeout():g} s); try again when it has finished")
    if "readonly" in msg or "read-only" in msg or isinstance(raw, PermissionError):
        return ProjectError(f"{path}: the project is read-only (the file or its folder cannot be written); "
                            "nothing was saved. Copy it to a writable folder or change its permissions")
    if "disk is full" in msg or "no space" in msg or getattr(raw, "errno", None) == 28:
        return ProjectError(f"{path}: the disk is full; nothing of this action was saved. "
                            "Free some space and try again")
    if "malformed" in msg or "not a database" in msg or "file is encrypted" in msg:
        return ProjectError(f"{path}: the project file is damaged (truncated or corrupt); "
                            f"restore it from a backup (e.g. {Path(path).name}.bak)")
    if "unable to open" in msg and not _writable(Path(path)):
        return ProjectError(f"{path}: the project is read-only (its folder or file cannot be written, and SQLite "
                            "needs to write beside it); copy it to a writable folder")
    if "unable to open" in msg:
        return ProjectError(f"{path}: cannot open the project file (its folder may be read-only or missing)")
    if "disk i/o error" in msg:
        return ProjectError(f"{path}: a disk error stopped this action; nothing of it was saved")
    return None


def _disk_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent if str(path.parent) else Path(".")).free < 64 * 1024
    except OSError:
        return False


def _writable(path: Path) -> bool:
    folder_ok = os.access(path.parent if str(path.parent) else Path("."), os.W_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


@dataclass
class Probe:
    """What a file looks like from a read-only connection."""

    tables: set[str] = field(default_factory=set)
    revision: str | None = None
    journal_mode: str = ""


def _ro_uri(path: Path) -> str:
    return path.resolve().as_uri().replace("file://", "file:", 1) + "?mode=ro"


def truncated(path: Path) -> bool:
    """True when the SQLite header says the file is longer than it is (a copy or download cut short)."""
    with path.open("rb") as fh:
        head = fh.read(100)
    if len(head) < 100:
        return True
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    valid = head[24:28] == head[92:96] and pages > 0  # the in-header size is only trusted when these agree
    return valid and path.stat().st_size < page_size * pages


def probe(path: Path) -> Probe:
    """Read table names and the schema revision without writing anything (read-only connection)."""
    if truncated(path):
        raise ProjectError(f"{path}: the project file is damaged (truncated: shorter than its header says); "
                           f"restore it from a backup (e.g. {path.name}.bak)")
    try:
        con = sqlite3.connect(_ro_uri(path), uri=True, timeout=busy_timeout())
    except sqlite3.Error as e:
        raise problem(e, path) or ProjectError(f"{path}: cannot read the file ({e})") from None
    try:
        out = Probe()
        out.tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        out.journal_mode = con.execute("PRAGMA journal_mode").fetchone()[0]
        if "alembic_version" in out.tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            out.revision = row[0] if row else None
        return out
    except sqlite3.Error as e:
        raise problem(e, path) or ProjectError(f"{path}: cannot read the file ({e})") from None
    finally:
        con.close()


def backup(src: str | Path, dst: str | Path) -> None:
    """Copy the SQLite database ``src`` to ``dst`` with SQLite's backup API (consistent, includes the -wal)."""
    src, dst = Path(src), Path(dst)
    if dst.exists() and dst.resolve() == src.resolve():
        raise ProjectError(f"{dst}: the backup must go to another file than the project itself")
    tmp = dst.with_name(f".{dst.name}.part")
    tmp.unlink(missing_ok=True)
    try:
        with sqlite3.connect(_ro_uri(src), uri=True, timeout=busy_timeout()) as s, sqlite3.connect(tmp) as d:
            s.backup(d)
        d.close()
        s.close()
        os.replace(tmp, dst)
    except (sqlite3.Error, OSError) as e:
        tmp.unlink(missing_ok=True)
        raise problem(e, dst) or ProjectError(f"{dst}: the backup failed ({e})") from None


def restore(bak: Path, path: Path) -> None:
    """Put ``bak`` back in place of ``path`` (after a failed upgrade), through SQLite so its -wal stays coherent."""
    with sqlite3.connect(bak) as s, sqlite3.connect(path) as d:
        s.backup(d)
    s.close()
    d.close()

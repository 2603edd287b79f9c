"""The data-access layer: the only package that talks SQL.

A project is one SQLite file (``*.fa`` by convention) opened through SQLAlchemy with foreign keys on and WAL
journaling. The schema is versioned with Alembic migrations (``toolkit/store/migrations``); opening an older project
upgrades it after copying the file to ``<name>.bak``. Every user action runs in one transaction
(``Project.transaction``) that also appends to the event log, so an action lands whole or not at all.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ..errors import ProjectError
from . import schema
from .events import Action, check_action
from .migrate import current_revision, head_revision, upgrade

__all__ = ["Action", "Project", "init_project", "open_project"]


def _engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # noqa: ANN001
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()

    return engine


class Project:
    """An open project file. Use ``transaction()`` for every change and ``read()`` for queries."""

    def __init__(self, path: str | Path, engine: Engine):
        self.path = Path(path)
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def transaction(self, action: Action | None = None, *, actor: str | None = None,
                    payload: dict | None = None) -> Iterator[Session]:
        """One user action: commits on success, rolls back everything on any error.

        When ``action`` (a member of :class:`~toolkit.store.events.Action`) is given, an event row (who, when, what)
        is appended in the same transaction; an action that is not a member is refused before anything happens.
        """
        if action is not None:
            action = check_action(action)
        with self._sessions() as session:
            try:
                yield session
                if action:
                    session.add(schema.Event(action=action.value, actor=actor, payload=payload or {}))
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work: nothing is committed (closing the session rolls back), and objects read stay
        usable after the block."""
        with self._sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Project({str(self.path)!r})"


def init_project(path: str | Path, name: str | None = None) -> Project:
    """Create a new, empty project file at the newest schema. Refuses to overwrite an existing file."""
    path = Path(path)
    if path.exists():
        raise ProjectError(f"{path}: already exists; open it instead, or choose another file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine(path)
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        path.unlink(missing_ok=True)
        raise
    project = Project(path, engine)
    from .core import set_setting

    with project.transaction(Action.PROJECT_INIT, payload={"name": name or path.stem}) as s:
        set_setting(s, "name", name or path.stem)
    return project


def open_project(path: str | Path, *, migrate: bool = True) -> Project:
    """Open an existing project, upgrading its schema (after a ``.bak`` copy) if it is older than this toolkit."""
    path = Path(path)
    if not path.is_file():
        raise ProjectError(f"{path}: no such project file (create one with `python -m toolkit init {path}`)")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise ProjectError(f"{path}: not a project file (not an SQLite database)")
    engine = _engine(path)
    if "project_info" not in inspect(engine).get_table_names():
        engine.dispose()
        raise ProjectError(f"{path}: an SQLite file, but not a toolkit project")
    rev = current_revision(engine)
    if rev != head_revision():
        if not migrate:
            engine.dispose()
            raise ProjectError(f"{path}: schema {rev} is older than this toolkit's {head_revision()}")
        engine.dispose()
        shutil.copy2(path, path.with_name(path.name + ".bak"))
        engine = _engine(path)
        upgrade(engine)
    return Project(path, engine)

"""The data-access layer: the only package that talks SQL.

A project is one SQLite file (``*.fa`` by convention, the default for one person) or one PostgreSQL database
(``postgresql://user@host/dbname``, for a team), opened through SQLAlchemy (``backend`` knows the difference; no
module outside this package does). The schema is versioned with Alembic migrations (``toolkit/store/migrations``);
opening an older project upgrades it: an SQLite file after copying it to ``<name>.bak``, a PostgreSQL database in
one transaction (its DDL is transactional: the upgrade lands whole or not at all). Every user action runs in one
transaction (``Project.transaction``) that also appends to the event log, so an action lands whole or not at all.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ..errors import ProjectError
from . import schema
from .backend import (
    DatabaseURL,
    Location,
    create_database,
    database_exists,
    display,
    drop_database,
    location,
    postgres_engine,
    sqlite_engine,
    table_names,
)
from .events import Action, check_action
from .migrate import current_revision, head_revision, upgrade

__all__ = ["Action", "Project", "init_project", "open_project", "is_project_location", "project_exists", "remove_project"]


def is_project_location(value: str | Path) -> bool:
    """Whether ``value`` names a database project (a URL) rather than a file."""
    return isinstance(location(value), DatabaseURL)


class Project:
    """An open project file. Use ``transaction()`` for every change and ``read()`` for queries."""

    def __init__(self, path: str | Path, engine: Engine):
        #: where the project lives: a ``Path`` or a ``DatabaseURL`` (a str with ``name``/``stem``); ``str(path)``
        #: reopens it with ``open_project``
        self.path: Location = location(path)
        self.created = False  # made by this process (create_empty): removing it undoes a failed init or copy
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
        return f"Project({display(self.path)!r})"

    @property
    def label(self) -> str:
        """The location for messages (a database URL without its password)."""
        return display(self.path)


def _engine(loc: Location) -> Engine:
    return postgres_engine(loc) if isinstance(loc, DatabaseURL) else sqlite_engine(loc)


def init_project(path: str | Path, name: str | None = None) -> Project:
    """Create a new, empty project at the newest schema: a new file, or a database (created when it does not exist
    yet; an existing one must be empty). Refuses to overwrite anything; a failed init leaves nothing behind."""
    project = create_empty(path)
    try:
        from .core import set_setting

        with project.transaction(Action.PROJECT_INIT, payload={"name": name or project.path.stem}) as s:
            set_setting(s, "name", name or project.path.stem)
    except BaseException:
        undo_create(project)
        raise
    return project


def create_empty(path: str | Path) -> Project:
    """A new project at the newest schema with no rows at all (``init_project`` and ``copy`` start from this)."""
    loc = location(path)
    created = False
    if isinstance(loc, DatabaseURL):
        if database_exists(loc):
            eng = postgres_engine(loc)
            try:
                if table_names(eng, loc):
                    raise ProjectError(f"{loc.safe}: the database is not empty; open it instead, or name a new one")
            finally:
                eng.dispose()
        else:
            create_database(loc)
            created = True
    else:
        if loc.exists():
            raise ProjectError(f"{loc}: already exists; open it instead, or choose another file name")
        loc.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine(loc)
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        if isinstance(loc, DatabaseURL):
            if created:
                drop_database(loc)
        else:
            remove_project(loc)
        raise
    project = Project(loc, engine)
    project.created = created or not isinstance(loc, DatabaseURL)
    return project


def open_project(path: str | Path, *, migrate: bool = True) -> Project:
    """Open an existing project, upgrading its schema if it is older than this toolkit (a file after a ``.bak``
    copy; a database in one transaction)."""
    loc = location(path)
    if isinstance(loc, DatabaseURL):
        if not database_exists(loc):
            raise ProjectError(f"{loc.safe}: no such database (create the project with "
                               f"`python -m toolkit init URL`)")
    else:
        if not loc.is_file():
            raise ProjectError(f"{loc}: no such project file (create one with `python -m toolkit init {loc}`)")
        with loc.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise ProjectError(f"{loc}: not a project file (not an SQLite database)")
    engine = _engine(loc)
    if "project_info" not in table_names(engine, loc):
        engine.dispose()
        kind = "a database" if isinstance(loc, DatabaseURL) else "an SQLite file"
        raise ProjectError(f"{display(loc)}: {kind}, but not a toolkit project")
    rev = current_revision(engine)
    if rev != head_revision():
        if not migrate:
            engine.dispose()
            raise ProjectError(f"{display(loc)}: schema {rev} is older than this toolkit's {head_revision()}")
        if not isinstance(loc, DatabaseURL):
            engine.dispose()
            shutil.copy2(loc, loc.with_name(loc.name + ".bak"))
            engine = _engine(loc)
        upgrade(engine)
    return Project(loc, engine)


def undo_create(project: Project) -> None:
    """Undo ``create_empty`` after a failure: remove what it made (the file or database; in a database that was
    there, empty, before: the tables)."""
    project.close()
    if project.created:
        remove_project(project.path)
        return
    engine = _engine(project.path)
    try:
        with engine.begin() as conn:
            schema.Base.metadata.drop_all(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        engine.dispose()


def project_exists(path: str | Path) -> bool:
    """Whether something is already at ``path`` (a file, or a database of that name)."""
    loc = location(path)
    return database_exists(loc) if isinstance(loc, DatabaseURL) else loc.exists()


def remove_project(path: str | Path) -> None:
    """Delete the project at ``path`` (a file with its journal, or a database). Used to undo a failed creation."""
    loc = location(path)
    if isinstance(loc, DatabaseURL):
        if database_exists(loc):
            drop_database(loc)
        return
    for suffix in ("", "-wal", "-shm"):
        Path(str(loc) + suffix).unlink(missing_ok=True)


def absolute_location(path: str | Path) -> str:
    """``path`` as a string that opens the same project from any folder (an absolute file path, or the URL)."""
    loc = location(path)
    return str(loc) if isinstance(loc, DatabaseURL) else str(loc.resolve())

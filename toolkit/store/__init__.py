"""The data-access layer: the only package that talks SQL.

A project is one SQLite file (``*.fa`` by convention, the default for one person) or one PostgreSQL database
(``postgresql://user@host/dbname``, for a team), opened through SQLAlchemy (``backend`` knows the difference; no
module outside this package does). The schema is versioned with Alembic migrations (``toolkit/store/migrations``);
opening an older project upgrades it: an SQLite file after copying it to ``<name>.bak`` (restored if the upgrade
fails), a PostgreSQL database in one transaction (its DDL is transactional: the upgrade lands whole or not at all).
Every user action runs in one transaction (``Project.transaction``) that also appends to the event log, so an action
lands whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import ConflictError, ProjectError, ToolkitError
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
from .migrate import current_revision, head_revision, known_revision, upgrade
from .safety import backup, probe, problem, restore

__all__ = ["Action", "Project", "init_project", "open_project", "backup_project", "is_project_location",
           "project_exists", "remove_project"]


def set_event(session: Session, action: Action, *, actor: str | None = None, payload: dict | None = None) -> None:
    """Name the event of the current ``transaction()`` from inside it, when the action depends on what happened
    (e.g. a login's outcome); it replaces the one given to ``transaction()``."""
    session.info["event"] = (check_action(action), actor, payload)


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
                session.connection(execution_options={"fa_write": True})
                yield session
                if "event" in session.info:  # an action decided inside the unit of work (see ``set_event``)
                    action, actor, payload = session.info.pop("event")
                if action:
                    session.add(schema.Event(action=action.value, actor=actor, payload=payload or {}))
                session.commit()
            except BaseException as e:
                try:
                    session.rollback()
                except DBAPIError:
                    pass
                if isinstance(e, DBAPIError | OSError) and (clear := self._problem(e)) is not None:
                    raise clear from e
                raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work: nothing is committed (closing the session rolls back), and objects read stay
        usable after the block."""
        with self._sessions() as session:
            try:
                yield session
            except DBAPIError as e:
                if (clear := self._problem(e)) is not None:
                    raise clear from e
                raise

    def _problem(self, e: BaseException) -> ToolkitError | None:
        """A clear error for a known failure: of an SQLite file (busy, read-only, disk full, damaged); a database
        that cannot be reached; and a clash with a simultaneous writer (a unique row someone else added first), which
        left nothing half-changed: try again."""
        if isinstance(e, IntegrityError) and any(w in str(e.orig).lower() for w in ("unique", "duplicate")):
            return ConflictError("someone else changed the same thing at the same moment; nothing was saved: "
                                 "try again")
        if isinstance(self.path, DatabaseURL):
            if isinstance(e, OperationalError):
                return ProjectError(f"the project database cannot be reached ({display(self.path)}): is the "
                                    "PostgreSQL server running? Nothing was saved.")
            return None
        return problem(e, self.path)

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
                    if not _unfinished(eng, loc):
                        raise ProjectError(f"{loc.safe}: the database is not empty; open it instead, or name a new "
                                           "one")
                    _clear(eng)  # what a killed init or copy left (the schema, no rows): made again from scratch
            finally:
                eng.dispose()
        else:
            create_database(loc)
            created = True
    else:
        if loc.exists():
            old = sqlite_engine(loc) if _sqlite_project(loc) else None
            try:
                if old is None or not _unfinished(old, loc):
                    raise ProjectError(f"{loc}: already exists; open it instead, or choose another file name")
            finally:
                if old is not None:
                    old.dispose()
            remove_project(loc)  # what a killed init or copy left (the schema, no rows): made again from scratch
    try:
        if not isinstance(loc, DatabaseURL):
            loc.parent.mkdir(parents=True, exist_ok=True)
        engine = _engine(loc)
        upgrade(engine)
    except BaseException as e:
        if isinstance(loc, DatabaseURL):
            if created:
                drop_database(loc)
        else:
            remove_project(loc)
            if isinstance(e, DBAPIError | OSError):
                raise problem(e, loc) or ProjectError(f"{loc}: cannot create the project ({e})") from e
        raise
    project = Project(loc, engine)
    project.created = created or not isinstance(loc, DatabaseURL)
    return project


def open_project(path: str | Path, *, migrate: bool = True) -> Project:
    """Open an existing project, upgrading its schema if it is older than this toolkit (a file after a ``.bak``
    copy; a database in one transaction).

    A file that is not a project, is damaged, or comes from a newer toolkit is refused before anything is written to
    it (it is read through a read-only connection first). An upgrade that fails leaves the project as it was.
    """
    loc = location(path)
    if isinstance(loc, DatabaseURL):
        return _open_database(loc, migrate)
    path = loc
    if not path.is_file():
        raise ProjectError(f"{path}: no such project file (create one with `python -m toolkit init {path}`)")
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as e:
        raise ProjectError(f"{path}: cannot read the file ({e.strerror or e})") from None
    if header != b"SQLite format 3\x00":
        raise ProjectError(f"{path}: not a project file (not an SQLite database)")
    info = probe(path)
    if not {"project_info", "alembic_version"} <= info.tables or info.revision is None:
        raise ProjectError(f"{path}: an SQLite file, but not a toolkit project (left unchanged)")
    head = head_revision()
    if not known_revision(info.revision):
        raise ProjectError(f"{path}: made by a newer version of the toolkit (schema {info.revision}; this toolkit "
                           f"knows up to {head}); update the toolkit to open it")
    if info.revision == head:
        missing = sorted(set(schema.Base.metadata.tables) - info.tables)
        if missing:
            raise ProjectError(f"{path}: the project file is damaged: table(s) {', '.join(missing)} are missing; "
                               f"restore it from a backup (e.g. {path.name}.bak)")
        engine = _engine(path)
        if _unfinished(engine, path):
            engine.dispose()
            raise ProjectError(f"{path}: an unfinished copy or init (the schema, no rows: the program making it was "
                               "stopped); run the copy or init again, it replaces this")
        return Project(path, engine)
    if not migrate:
        raise ProjectError(f"{path}: schema {info.revision} is older than this toolkit's {head}")
    bak = path.with_name(path.name + ".bak")
    backup(path, bak)
    engine = _engine(path)
    try:
        upgrade(engine)
    except Exception as e:
        engine.dispose()
        restore(bak, path)
        why = problem(e, path) or getattr(e, "orig", None) or e
        raise ProjectError(f"{path}: could not upgrade the project from schema {info.revision} to {head} "
                           f"({str(why).splitlines()[0]}); the file is unchanged (a copy is at {bak.name})") from e
    return Project(path, engine)


def _unfinished(engine: Engine, loc: Location) -> bool:
    """A project whose creation was killed half-way: the schema is there but not one row (every finished project has
    its name in ``project_info``: ``init`` writes it, ``copy`` copies it, in the transaction that writes the rest)."""
    if "project_info" not in table_names(engine, loc):
        return False
    from sqlalchemy import func, select

    with engine.connect() as c:
        return not c.scalar(select(func.count()).select_from(schema.ProjectInfo))


def _sqlite_project(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return False
        return "project_info" in probe(path).tables
    except (OSError, ProjectError):
        return False


def _clear(engine: Engine) -> None:
    with engine.begin() as conn:
        schema.Base.metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def _open_database(loc: DatabaseURL, migrate: bool) -> Project:
    if not database_exists(loc):
        raise ProjectError(f"{loc.safe}: no such database (create the project with `python -m toolkit init URL`)")
    engine = _engine(loc)
    if "project_info" not in table_names(engine, loc):
        engine.dispose()
        raise ProjectError(f"{loc.safe}: a database, but not a toolkit project")
    if _unfinished(engine, loc):
        engine.dispose()
        raise ProjectError(f"{loc.safe}: an unfinished copy or init (the schema, no rows: the program making it was "
                           "stopped); run the copy or init again, it replaces this")
    rev, head = current_revision(engine), head_revision()
    if rev != head:
        if not known_revision(rev):
            engine.dispose()
            raise ProjectError(f"{loc.safe}: made by a newer version of the toolkit (schema {rev}; this toolkit "
                               f"knows up to {head}); update the toolkit to open it")
        if not migrate:
            engine.dispose()
            raise ProjectError(f"{loc.safe}: schema {rev} is older than this toolkit's {head}")
        upgrade(engine)  # one transaction under an advisory lock (see migrations/env.py)
    return Project(loc, engine)


def backup_project(path: str | Path, out: str | Path) -> Path:
    """A consistent copy of a project file (including what is still in its -wal file) at ``out``, via SQLite's backup
    API. ``out`` may be a folder (the copy keeps the project's file name). The project itself is only read. (A
    database project is copied with ``toolkit.store.copy.copy_project``.)
    """
    if isinstance(location(path), DatabaseURL):
        raise ProjectError(f"{display(location(path))}: a database project; copy it to a file with "
                           "`python -m toolkit copy URL FILE.fa`")
    folder = str(out).endswith(("/", "\\"))  # "copies/" names a folder (Path() would drop the slash)
    path, out = Path(path), Path(out)
    if not path.is_file():
        raise ProjectError(f"{path}: no such project file")
    info = probe(path)  # refuse what is not a project, before writing anything
    if not {"project_info", "alembic_version"} <= info.tables:
        raise ProjectError(f"{path}: an SQLite file, but not a toolkit project")
    if out.is_dir() or folder or (not out.suffix and not out.exists()):
        out.mkdir(parents=True, exist_ok=True)  # a folder (named with a trailing slash, or without a suffix)
        out = out / path.name
    elif not out.parent.is_dir():
        raise ProjectError(f"{out.parent}: no such folder; create it first, or name an existing one")
    if out.exists():
        raise ProjectError(f"{out}: already exists; choose another name for the backup")
    backup(path, out)
    return out


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
        try:
            Path(str(loc) + suffix).unlink(missing_ok=True)
        except OSError:  # e.g. a read-only folder: nothing was made there either
            pass


def absolute_location(path: str | Path) -> str:
    """``path`` as a string that opens the same project from any folder (an absolute file path, or the URL)."""
    loc = location(path)
    return str(loc) if isinstance(loc, DatabaseURL) else str(loc.resolve())

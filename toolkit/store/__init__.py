"""The data-access layer: the only package that talks SQL.

A project is one SQLite file (``*.fa`` by convention) opened through SQLAlchemy with foreign keys on and WAL
journaling. The schema is versioned with Alembic migrations (``toolkit/store/migrations``); opening an older project
upgrades it after copying the file to ``<name>.bak``. Every user action runs in one transaction
(``Project.transaction``) that also appends to the event log, so an action lands whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import ProjectError
from . import schema
from .events import Action, check_action
from .migrate import head_revision, known_revision, upgrade
from .safety import backup, busy_timeout, probe, problem, restore

__all__ = ["Action", "Project", "init_project", "open_project", "backup_project"]


def _engine(path: Path) -> Engine:
    timeout = busy_timeout()
    engine = create_engine(f"sqlite:///{path}", future=True, connect_args={"timeout": timeout})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None  # the driver starts no transactions of its own: "begin" below does
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001
        # A writer takes the write lock at its start (waiting up to the busy timeout for another writer), so what it
        # read cannot change before it writes: get-or-create and check-then-insert are safe between processes.
        # Migrations run in one transaction too, so an upgrade lands whole or not at all.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("fa_write") else "BEGIN")

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
                session.connection(execution_options={"fa_write": True})
                yield session
                if action:
                    session.add(schema.Event(action=action.value, actor=actor, payload=payload or {}))
                session.commit()
            except BaseException as e:
                try:
                    session.rollback()
                except DBAPIError:
                    pass
                if isinstance(e, DBAPIError | OSError) and (clear := problem(e, self.path)) is not None:
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
                if (clear := problem(e, self.path)) is not None:
                    raise clear from e
                raise

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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = _engine(path)
        upgrade(engine)
    except (DBAPIError, OSError) as e:
        _discard(path)
        raise problem(e, path) or ProjectError(f"{path}: cannot create the project ({e})") from e
    except BaseException:
        _discard(path)
        raise
    project = Project(path, engine)
    from .core import set_setting

    with project.transaction(Action.PROJECT_INIT, payload={"name": name or path.stem}) as s:
        set_setting(s, "name", name or path.stem)
    return project


def _discard(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            p.unlink(missing_ok=True)
        except OSError:
            pass


def open_project(path: str | Path, *, migrate: bool = True) -> Project:
    """Open an existing project, upgrading its schema (after a ``.bak`` copy) if it is older than this toolkit.

    A file that is not a project, is damaged, or comes from a newer toolkit is refused before anything is written to
    it (it is read through a read-only connection first). An upgrade that fails leaves the file as it was.
    """
    path = Path(path)
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
        return Project(path, _engine(path))
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


def backup_project(path: str | Path, out: str | Path) -> Path:
    """A consistent copy of a project (including what is still in its -wal file) at ``out``, via SQLite's backup API.

    ``out`` may be a folder (the copy keeps the project's file name). The project itself is only read.
    """
    path, out = Path(path), Path(out)
    if not path.is_file():
        raise ProjectError(f"{path}: no such project file")
    info = probe(path)  # refuse what is not a project, before writing anything
    if not {"project_info", "alembic_version"} <= info.tables:
        raise ProjectError(f"{path}: an SQLite file, but not a toolkit project")
    if out.is_dir():
        out = out / path.name
    if out.exists():
        raise ProjectError(f"{out}: already exists; choose another name for the backup")
    backup(path, out)
    return out

"""Where a project lives: an SQLite file (``study.fa``, the default for one person) or a PostgreSQL database
(``postgresql://user@host:port/dbname``, for a team). Only this module knows the difference; everything else gets an
SQLAlchemy ``Engine`` and a :class:`Location`.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Integer, create_engine, event, inspect, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from ..errors import ProjectError

_URL_RE = re.compile(r"^(postgres|postgresql)(\+[a-z0-9_]+)?://", re.IGNORECASE)


def is_database_url(location: str | Path) -> bool:
    return isinstance(location, str) and bool(_URL_RE.match(location))


class DatabaseURL(str):
    """A project location that is a database URL. Behaves like the string given (so it can be passed back to
    ``open_project``) and offers ``name``/``stem`` like a ``Path`` (the database name); ``str()`` keeps a password,
    ``repr()`` and ``safe`` hide it."""

    @property
    def url(self) -> URL:
        return make_url(_driver_url(str(self)))

    @property
    def name(self) -> str:
        return self.url.database or ""

    @property
    def stem(self) -> str:
        return self.name

    @property
    def safe(self) -> str:
        return _plain(self.url).render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"DatabaseURL({self.safe!r})"


Location = Path | DatabaseURL


def location(value: str | Path) -> Location:
    """A project location from what a user typed: a database URL or a file path."""
    if isinstance(value, DatabaseURL):
        return value
    if is_database_url(value):
        return DatabaseURL(value)
    return Path(value)


def display(loc: Location) -> str:
    """The location for messages (never shows a password)."""
    return loc.safe if isinstance(loc, DatabaseURL) else str(loc)


def _driver_url(url: str) -> str:
    """``postgresql://`` (what users write) through the psycopg 3 driver."""
    u = make_url(url.replace("postgres://", "postgresql://", 1) if url.lower().startswith("postgres://") else url)
    return u.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def _plain(u: URL) -> URL:
    return u.set(drivername="postgresql")


# --- engines ------------------------------------------------------------------------------------------------------


def sqlite_engine(path: Path) -> Engine:
    from .safety import busy_timeout

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
        # Migrations run in one transaction too, so an upgrade lands whole or not at all. (PostgreSQL needs none of
        # this: row locks, and transactional DDL.)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("fa_write") else "BEGIN")

    return engine


def postgres_engine(loc: DatabaseURL, database: str | None = None, **kw) -> Engine:
    """An engine on the database of ``loc`` (or on ``database`` of the same server). Sessions run in UTC so stored
    times read back as in SQLite (naive UTC)."""
    try:
        u = loc.url
    except Exception as e:  # noqa: BLE001 - sqlalchemy raises ArgumentError / ValueError for malformed URLs
        raise ProjectError(f"{loc!r}: not a valid database URL ({e})") from e
    if database is not None:
        u = u.set(database=database)
    from ..extras import require

    require("psycopg")  # the driver of postgresql+psycopg: installed by the 'team' extra
    return create_engine(u, future=True, pool_pre_ping=True, connect_args={"options": "-c timezone=UTC"}, **kw)


def _server_error(loc: DatabaseURL, e: Exception) -> ProjectError:
    msg = str(getattr(e, "orig", e) or e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return ProjectError(f"{loc.safe}: cannot reach the database ({msg})")


def database_exists(loc: DatabaseURL) -> bool:
    """Whether the database named in ``loc`` exists on its server (asked through the ``postgres`` database)."""
    eng = postgres_engine(loc, database="postgres", poolclass=_null_pool())
    try:
        with eng.connect() as c:
            return c.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": loc.name}) is not None
    except OperationalError as e:
        raise _server_error(loc, e) from e
    finally:
        eng.dispose()


def create_database(loc: DatabaseURL) -> None:
    eng = postgres_engine(loc, database="postgres", poolclass=_null_pool(), isolation_level="AUTOCOMMIT")
    try:
        with eng.connect() as c:
            c.execute(text(f'CREATE DATABASE "{_ident(loc.name)}" ENCODING \'UTF8\' TEMPLATE template0'))
    except ProgrammingError as e:  # e.g. the role may not create databases
        why = str(getattr(e, "orig", e)).strip().splitlines()[0]
        raise ProjectError(f"{loc.safe}: cannot create the database ({why}); create it empty first "
                           f"(createdb --owner {loc.url.username or 'USER'} {loc.name}) and run this again") from e
    except OperationalError as e:
        raise _server_error(loc, e) from e
    finally:
        eng.dispose()


def drop_database(loc: DatabaseURL) -> None:
    """Remove the database of ``loc`` (used to undo a failed ``init``; closes other sessions on it first)."""
    eng = postgres_engine(loc, database="postgres", poolclass=_null_pool(), isolation_level="AUTOCOMMIT")
    try:
        with eng.connect() as c:
            c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n "
                           "AND pid <> pg_backend_pid()"), {"n": loc.name})
            c.execute(text(f'DROP DATABASE IF EXISTS "{_ident(loc.name)}"'))
    finally:
        eng.dispose()


def _ident(name: str) -> str:
    if not name or '"' in name or "\x00" in name:
        raise ProjectError(f"{name!r}: not a usable database name")
    return name


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def table_names(engine: Engine, loc: Location) -> list[str]:
    try:
        return inspect(engine).get_table_names()
    except OperationalError as e:
        if isinstance(loc, DatabaseURL):
            raise _server_error(loc, e) from e
        raise


def after_bulk_insert(conn, table) -> None:
    """After rows were inserted with their ids: on PostgreSQL, move the table's id sequence past them (SQLite
    needs nothing)."""
    if conn.dialect.name != "postgresql":
        return
    pk = list(table.primary_key.columns)
    if len(pk) != 1 or not isinstance(pk[0].type, Integer) or pk[0].autoincrement is False:
        return
    col = pk[0].name
    seq = conn.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": col})
    if seq:
        conn.execute(text(f'SELECT setval(:s, COALESCE((SELECT MAX("{col}") FROM "{table.name}"), 0) + 1, false)'),
                     {"s": seq})

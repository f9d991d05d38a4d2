"""Engine, sessions and migrations: the only module that knows how to reach the database."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlmodel import Session

from .settings import PROJECT_ROOT

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
# How long an SQLite write waits for another writer before giving up with "database is locked".
SQLITE_BUSY_SECONDS = 10.0


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pre_ping: a PostgreSQL restart must not hand out dead connections.
    return sa.create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores foreign keys unless told
    # WAL: readers never wait for a writer, and two app processes can share the file; the busy
    # time-out (the connect timeout above) makes a second writer wait instead of failing at once.
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] not in ("wal", "memory"):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One session per user action: commit on success, roll back on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Alembic's migrations up to the newest schema. Callers want `kpi.store.schema.upgrade`, which runs
    this and then brings the data the migrations cannot (the year cells) up to date."""
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
    command.upgrade(alembic_config(url), "head")


def schema_revision(url: str) -> str | None:
    """The Alembic revision the database is at (None before the first migration); not the data's
    `kpi.store.revision.current_revision`, which counts writes."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def create_database(server_url: str, name: str, *, template: str | None = None, exist_ok: bool = False) -> str:
    """CREATE DATABASE `name` on the PostgreSQL server of `server_url` (its user needs CREATEDB); its URL.

    The one place a database is created: the tests, the bench, the cluster and a restore's scratch copy.
    `exist_ok` keeps a database of that name as it is; otherwise an existing one is the server's error.
    """
    server = sa.make_url(server_url)
    quoted = server.get_dialect()().identifier_preparer.quote(name)  # the name as an identifier, not text
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if exist_ok and conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                         {"n": name}).scalar():
                return server.set(database=name).render_as_string(hide_password=False)
            conn.execute(sa.text(f"CREATE DATABASE {quoted}" + (f" TEMPLATE {template}" if template else "")))
    finally:
        admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str, *, via: str) -> None:
    """DROP DATABASE of `url` (sessions still on it are ended), connected to `via`: another database on the
    same server, since nobody can drop the database they are connected to."""
    target = sa.make_url(url)
    quoted = target.get_dialect()().identifier_preparer.quote(target.database)
    admin = sa.create_engine(sa.make_url(via), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
    finally:
        admin.dispose()


# Errors that mean "the database cannot be reached or is busy", not "the request was wrong".
UNAVAILABLE_ERRORS = (sa.exc.OperationalError, sa.exc.InterfaceError)


def is_unavailable(error: BaseException) -> bool:
    """The database is down, unreachable or (SQLite) locked by another writer for too long."""
    return isinstance(error, UNAVAILABLE_ERRORS) or (
        isinstance(error, sa.exc.DBAPIError) and bool(error.connection_invalidated))


def is_busy(error: BaseException) -> bool:
    return isinstance(error, sa.exc.OperationalError) and "locked" in str(error.orig).lower()


def reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        return False

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


# Errors that mean "the database cannot be reached or is busy", not "the request was wrong".
UNAVAILABLE_ERRORS = (sa.exc.OperationalError, sa.exc.InterfaceError)


def is_unavailable(error: BaseException) -> bool:
    """The database is down, unreachable or (SQLite) locked by another writer for too long."""
    return isinstance(error, UNAVAILABLE_ERRORS) or (
        isinstance(error, sa.exc.DBAPIError) and bool(error.connection_invalidated))


def is_busy(error: BaseException) -> bool:
    return isinstance(error, sa.exc.OperationalError) and "locked" in str(error.orig).lower()

"""Engine, sessions and migrations: the only module that knows how to reach the database."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as OrmSession
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


# --- the data revision: every write through a Session raises it, so no page cache can go stale -----------
#
# Pages key their caches on `store.data_version`, which reads one counter row (kpi.store.revision) instead
# of scanning million-row tables. These listeners (on every Session, registered once at import) make
# sure nobody can forget to raise it: a flush that adds, changes or deletes a counted object, or an
# insert/update/delete statement run through the session on a counted table, marks the transaction;
# just before the outermost commit the counter is raised once, in the same transaction. Late on
# purpose: on PostgreSQL the counter row stays locked until commit, so an early bump would make every
# other writer wait for the whole transaction. Writes to people and the access log are not counted: a
# sign-in must not empty every page cache. Writes on a bare connection (session.connection().execute)
# are not seen: call `kpi.store.revision.bump_revision` for those.

def _counted_object(obj) -> bool:
    from .store.revision import UNCOUNTED_TABLES
    table = getattr(type(obj), "__tablename__", None)
    return table not in UNCOUNTED_TABLES


@sa.event.listens_for(OrmSession, "before_flush")
def _note_flushed_write(session, _flush_context, _instances) -> None:
    from .store.revision import BUMPED, PENDING
    if session.info.get(BUMPED) or session.info.get(PENDING):
        return
    if (any(_counted_object(obj) for obj in session.new)
            or any(_counted_object(obj) for obj in session.deleted)
            or any(_counted_object(obj) and session.is_modified(obj, include_collections=False)
                   for obj in session.dirty)):
        session.info[PENDING] = True


@sa.event.listens_for(OrmSession, "do_orm_execute")
def _note_statement_write(state) -> None:
    from .store.revision import BUMPED, PENDING, UNCOUNTED_TABLES
    session, statement = state.session, state.statement
    if session.info.get(BUMPED) or session.info.get(PENDING):
        return
    if getattr(statement, "is_dml", False):
        table = getattr(getattr(statement, "table", None), "name", None)
        if table not in UNCOUNTED_TABLES:
            session.info[PENDING] = True
    elif getattr(statement, "is_text", False):  # text("UPDATE ..."): counted unless on an uncounted table
        words = str(statement).lstrip().lower().replace('"', " ").split()
        if words and words[0] in ("insert", "update", "delete", "replace", "merge", "truncate"):
            named = next((w for w in words[1:4] if w not in ("into", "from", "or", "only", "table", "ignore")), "")
            if named not in UNCOUNTED_TABLES:
                session.info[PENDING] = True


@sa.event.listens_for(OrmSession, "before_commit")
def _bump_before_commit(session) -> None:
    from .store.revision import BUMPED, PENDING, bump_revision
    if session.in_nested_transaction():  # a savepoint released: the outermost commit bumps
        return
    # Flush first (commit would, right after this): objects added but never flushed are noticed only
    # now, and no write may follow the bump and wait while it holds the counter's lock.
    session.flush()
    if session.info.get(PENDING) and not session.info.get(BUMPED):
        bump_revision(session)


@sa.event.listens_for(OrmSession, "after_transaction_end")
def _forget_revision_marks(session, transaction) -> None:
    from .store.revision import BUMPED, PENDING
    if transaction.parent is None:  # the outermost transaction committed or rolled back
        session.info.pop(PENDING, None)
        session.info.pop(BUMPED, None)


@sa.event.listens_for(OrmSession, "after_soft_rollback")
def _savepoint_rolled_back(session, previous_transaction) -> None:
    from .store.revision import BUMPED, PENDING
    if previous_transaction.nested and session.info.pop(BUMPED, None):
        session.info[PENDING] = True  # the bump went with the savepoint: bump again at commit (to be safe)


def alembic_config(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Bring the database to the newest schema. The app and `python -m kpi db upgrade` both use this."""
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
    command.upgrade(alembic_config(url), "head")
    from .store.cells import rebuild_if_stale  # here, not at the top: kpi.store imports this module

    rebuild_if_stale(url)


def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


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

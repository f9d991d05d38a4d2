"""Whole databases, below their tables: a PostgreSQL database created or dropped (the tests, the bench, the
cluster, a restore's scratch copy), whether a database answers (the health check), the Alembic revision it is
at, and the checks a backup passes before a restore (`kpi.admin.backup`): SQLite's integrity check and one
read of every table. Errors are SQLAlchemy's (sqlite3's for the integrity check); the callers word them.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ..db import make_engine


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


def reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        return False


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


def alembic_revisions(url: str) -> list[str] | None:
    """Every row of `alembic_version` (one in a database of ours); None without that table."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("alembic_version"):
                return None
            return [str(row) for row in connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()]
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def read_every_table(url: str, tables: list[sa.Table]) -> None:
    """One row of each table, every column named: a column dropped or a table replaced by something else
    raises."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            for table in tables:
                connection.execute(sa.select(table).limit(1)).all()
    finally:
        engine.dispose()


def sqlite_integrity(file: Path) -> str:
    """SQLite's own verdict on a database file: "ok", or the first problem it found."""
    connection = sqlite3.connect(file)
    try:
        return connection.execute("PRAGMA integrity_check(1)").fetchone()[0]
    finally:
        connection.close()

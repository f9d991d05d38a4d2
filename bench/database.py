"""A database of the bench's own, never one holding someone's data.

No URL: a fresh SQLite file in a temporary folder. A PostgreSQL URL names the server (and a database to
connect to): the bench creates a new database beside it (`<name>_<random>`, needs CREATEDB) and drops it
at the end; without CREATEDB it uses the named database itself if that holds no KPI data. An SQLite URL
is used as it is, if it holds no KPI data.
"""
from __future__ import annotations

import sqlite3
import uuid

import sqlalchemy as sa

from kpi import db, store
from kpi.store import databases, schema


class NotEmpty(RuntimeError):
    pass


def kind(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def prepare(url: str) -> tuple[str, bool]:
    """(the URL to use, whether the bench created it and should drop it), migrated and checked empty."""
    created = False
    if kind(url) == "postgresql":
        server = sa.make_url(url)
        try:
            url, created = databases.create_database(url, f"{server.database or 'kpi'}_{uuid.uuid4().hex[:8]}"), True
        except sa.exc.ProgrammingError:  # no CREATEDB: the named database itself, if empty (checked below)
            pass
    schema.upgrade(url)
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as session:
            if store.has_data(session):
                raise NotEmpty(f"{sa.make_url(url).render_as_string()} holds data: give the bench an empty database")
    finally:
        engine.dispose()
    return url, created


def drop(url: str, via: str) -> None:
    """Drop a PostgreSQL database the bench created, connected to the database `via` names."""
    databases.drop_database(url, via=via)


def version(engine) -> str:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return "PostgreSQL " + conn.execute(sa.text("SHOW server_version")).scalar()
    return f"SQLite {sqlite3.sqlite_version}"

"""`python -m kpi db backup PATH` and `db restore PATH`: a whole database to one file and back.

SQLite: the online backup API, so a backup taken while the app runs is consistent, and a restore
replaces the live file's pages in one step. PostgreSQL: `pg_dump` in its custom format and
`pg_restore --clean --single-transaction`, so a failed restore leaves the database as it was.
A file from the other kind of database, or not a backup at all, is refused before anything is touched.
After a restore the data revision (`kpi.store.revision`) is raised past the one before it, so no app
server keeps showing pages cached from the data the restore replaced.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A refused or failed backup or restore. `key` names a message under [backup] in the catalogue."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


def backup(url: str, path: str | Path) -> Path:
    """Write the whole database to `path` (replacing it only once the copy is complete)."""
    path = Path(path).resolve()
    if not path.parent.is_dir():
        raise BackupError("no_folder", path=str(path.parent))
    partial = path.with_name(path.name + ".partial")
    try:
        if _is_sqlite(url):
            _sqlite_copy(_sqlite_file(url, must_exist=True), partial)
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial)], url)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def restore(url: str, path: str | Path) -> None:
    """Replace the database's contents with the backup in `path`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError("no_file", path=str(path))
    with open(path, "rb") as handle:
        head = handle.read(16)
    if _is_sqlite(url):
        if not head.startswith(SQLITE_MAGIC):
            raise BackupError("not_sqlite_backup", path=str(path))
        _check_sqlite_backup(path)
        destination = _sqlite_file(url, must_exist=False)
        before = _data_revision(url) if destination.is_file() else None
        _sqlite_copy(path, destination)
    else:
        if not head.startswith(PG_MAGIC):
            raise BackupError("not_postgres_backup", path=str(path))
        before = _data_revision(url)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(path)], url,
             database_flag=True)
    _raise_data_revision(url, above=before or 0)


def _data_revision(url: str) -> int | None:
    """The data revision before a restore (None: no database, or one without the counter yet)."""
    from . import db
    from .store.revision import current_revision

    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as session:
            if not sa.inspect(session.connection()).has_table("data_revision"):
                return None
            return current_revision(session)
    except sa.exc.SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def _raise_data_revision(url: str, *, above: int) -> None:
    """Raise the restored database's revision past `above` (the one before the restore): pages cached
    before the restore must not be served for the restored data. A backup from before the counter
    existed gets it from `db upgrade`, stamped with the time of the upgrade, which changes the token too."""
    from . import db
    from .store.revision import bump_revision

    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as session:
            if sa.inspect(session.connection()).has_table("data_revision"):
                bump_revision(session, above=above)
    finally:
        engine.dispose()


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _sqlite_file(url: str, *, must_exist: bool) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("memory_database")
    path = Path(database)
    if must_exist and not path.is_file():
        raise BackupError("no_file", path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _sqlite_copy(source: Path, destination: Path) -> None:
    """Page-by-page copy through SQLite itself: consistent while others read and write."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(destination, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _check_sqlite_backup(path: Path) -> None:
    """Ours: an intact SQLite file holding this app's schema (an alembic_version row)."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = connection.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        raise BackupError("not_sqlite_backup", path=str(path)) from None
    if not ok or version is None:
        raise BackupError("not_sqlite_backup", path=str(path))


def _run(command: list[str], url: str, *, database_flag: bool = False) -> None:
    """Run a PostgreSQL client tool against `url`; the password goes in the environment, never the
    command line (where `ps` would show it)."""
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError("tool_missing", tool=command[0])
    parts = make_url(url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password
    args = [tool, *command[1:]]
    for flag, value in (("--host", parts.host), ("--port", parts.port), ("--username", parts.username)):
        if value:
            args += [flag, str(value)]
    args += ["--dbname", parts.database or ""] if database_flag else [parts.database or ""]
    with tempfile.TemporaryFile() as errors:
        finished = subprocess.run(args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=errors, check=False)
        if finished.returncode != 0:
            errors.seek(0)
            detail = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise BackupError("tool_failed", tool=command[0], detail=detail[-1] if detail else finished.returncode)

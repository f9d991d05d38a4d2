"""`python -m kpi db backup PATH` and `db restore PATH`: a whole database to one file and back.

Backup: SQLite's online backup API (consistent while the app runs) or `pg_dump` in its custom format,
written to `PATH.partial` and renamed over PATH only when complete; only a regular file (or nothing) at
PATH is replaced, never a device, a folder or the live database itself.

Restore checks the backup completely before the live database is touched, because a backup that copies
in and then fails leaves every page broken. The backup is first restored into a scratch database (SQLite:
a new file next to the live one; PostgreSQL: a new database on the same server, dropped afterwards), where
it must pass: an integrity check (SQLite `PRAGMA integrity_check`), a schema revision this release's
migrations know, every table the schema has at that revision, an upgrade to the newest schema, and every
table and column of the newest schema readable. Only then is the checked, upgraded copy put in place in
one transaction (SQLite: the backup API into the live file; PostgreSQL: `pg_restore --clean
--single-transaction` of a dump of the scratch database), so a refused or failed restore leaves the live
data exactly as it was. After a restore the data revision (`kpi.store.revision`) is raised past the one
before it, so no app server keeps showing pages cached from the data the restore replaced.
"""
from __future__ import annotations

import functools
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from .. import db, models  # noqa: F401  (models: registers the tables `_read_every_table` reads)
from ..store import databases, schema
from ..store.revision import bump_revision, current_revision

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
DETAIL_LIMIT = 160  # a tool's or a database's own words, quoted in a one-line refusal
NAMES_SHOWN = 4  # missing tables named in a refusal; the rest are counted


class BackupError(Exception):
    """A refused or failed backup or restore. `key` names a message under [backup] in the catalogue."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = {name: _short(value) if name in ("detail", "revision") else value
                       for name, value in params.items()}


# --- backup ------------------------------------------------------------------------------------------

def backup(url: str, path: str | Path) -> Path:
    """Write the whole database to `path` (replacing it only once the copy is complete)."""
    try:
        path = Path(os.path.realpath(path))  # a link to the real file: that file is replaced
        if path.exists() and not path.is_file():  # os.replace would swap a device or a folder for our file
            raise BackupError("not_a_file", path=str(path))
        if not path.parent.is_dir():
            raise BackupError("no_folder", path=str(path.parent))
        partial = path.with_name(path.name + ".partial")
        if _is_sqlite(url):
            live = _sqlite_file(url, must_exist=True)
            if _same_file(live, path) or _same_file(live, partial):
                raise BackupError("is_live", path=str(path))
    except OSError as error:  # a name too long, a loop of links: said in one line
        raise BackupError("cannot_write", path=str(path), detail=error.strerror or error) from None
    try:
        _claim(partial)
        if _is_sqlite(url):
            try:
                _sqlite_copy(live, partial)
            except sqlite3.Error as error:
                raise BackupError("cannot_write", path=str(path), detail=error) from None
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial)], url)
        os.replace(partial, path)
    except OSError as error:
        raise BackupError("cannot_write", path=str(path), detail=error.strerror or error) from None
    finally:
        _unlink_quietly(partial)
    return path


def _claim(partial: Path) -> None:
    """Create the partial file ourselves: a read-only place fails here with the system's own reason."""
    _unlink_quietly(partial)  # left by a backup that was killed
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


# --- restore -----------------------------------------------------------------------------------------

def restore(url: str, path: str | Path) -> None:
    """Replace the database's contents with the backup in `path`, or refuse and change nothing."""
    path = Path(path)
    try:
        if not path.is_file():
            raise BackupError("no_file", path=str(path))
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError as error:
        raise BackupError("cannot_read", path=str(path), detail=error.strerror or error) from None
    if _is_sqlite(url):
        if not head.startswith(SQLITE_MAGIC):
            raise BackupError("not_sqlite_backup", path=str(path))
        before = _restore_sqlite(url, path)
    else:
        if not head.startswith(PG_MAGIC):
            raise BackupError("not_postgres_backup", path=str(path))
        before = _restore_postgres(url, path)
    _raise_data_revision(url, above=before or 0)


def _restore_sqlite(url: str, path: Path) -> int | None:
    """Check a copy next to the live file, then copy the checked copy in (one write transaction)."""
    live = _sqlite_file(url, must_exist=False)
    folder = Path(tempfile.mkdtemp(prefix=".kpi-restore-", dir=live.parent))  # same disk as the live file
    try:
        scratch = folder / "checked.sqlite3"
        # The bytes, not an SQLite connection: opening the backup itself would leave -wal and -shm files
        # beside it, and fail on read-only media.
        shutil.copyfile(path, scratch)
        try:
            _sqlite_integrity(scratch)
        except sqlite3.Error as error:
            raise BackupError("damaged", path=str(path), detail=error) from None
        _check_and_upgrade(make_url(url).set(database=str(scratch)).render_as_string(hide_password=False), path)
        before = _data_revision(url) if live.is_file() else None
        _sqlite_copy(scratch, live)
        return before
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sqlite_integrity(file: Path) -> None:
    verdict = databases.sqlite_integrity(file)
    if verdict != "ok":
        raise sqlite3.DatabaseError(verdict)


def _restore_postgres(url: str, path: Path) -> int | None:
    """Restore into a scratch database on the same server, check and upgrade it there, then restore a dump
    of that checked database into the live one in one transaction. Renaming databases instead would need
    every app server disconnected; one transaction lets them keep reading until the commit."""
    scratch_url = _create_scratch_database(url)
    try:
        try:
            _run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", str(path)], scratch_url,
                 database_flag=True)
        except BackupError as error:
            if error.key != "tool_failed":
                raise
            raise BackupError("damaged", path=str(path), detail=error.params.get("detail")) from None
        _check_and_upgrade(scratch_url, path)
        with tempfile.TemporaryDirectory(prefix="kpi-restore-") as folder:
            checked = Path(folder) / "checked.dump"
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(checked)], scratch_url)
            before = _data_revision(url)
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(checked)], url,
                 database_flag=True)
        return before
    finally:
        _drop_scratch_database(url, scratch_url)


def _create_scratch_database(url: str) -> str:
    try:  # template0: a bare database, whatever extensions the live one's template carries
        return databases.create_database(url, f"kpi_restore_check_{uuid.uuid4().hex[:12]}", template="template0")
    except sa.exc.SQLAlchemyError as error:
        raise BackupError("no_scratch", detail=_first_line(error)) from None


def _drop_scratch_database(url: str, scratch_url: str) -> None:
    databases.drop_database(scratch_url, via=url)


# --- the checks, on the scratch copy -----------------------------------------------------------------

def _check_and_upgrade(scratch_url: str, path: Path) -> None:
    """Refuse the backup unless its scratch copy is this app's database, whole, and upgrades to the
    newest schema with every table and column readable."""
    revision = _stored_revision(scratch_url, path)
    if revision not in _known_revisions():
        raise BackupError("unknown_revision", path=str(path), revision=revision)
    missing = sorted(_tables_at(revision) - _tables_in(scratch_url))
    if missing:
        raise _missing(path, missing)
    try:
        schema.upgrade(scratch_url)
    except Exception as error:  # noqa: BLE001 - any failure of an untrusted file's upgrade is a refusal
        raise BackupError("upgrade_failed", path=str(path), detail=_first_line(error)) from None
    missing = sorted(_tables_at("head") - _tables_in(scratch_url))
    if missing:
        raise _missing(path, missing)
    _read_every_table(scratch_url, path)


def _stored_revision(url: str, path: Path) -> str:
    try:
        rows = databases.alembic_revisions(url)
    except sa.exc.SQLAlchemyError as error:
        raise BackupError("damaged", path=str(path), detail=_first_line(error)) from None
    if not rows:
        raise BackupError("no_revision", path=str(path))
    return rows[0] if len(rows) == 1 else ", ".join(sorted(rows))  # several: not ours


@functools.lru_cache(maxsize=1)
def _known_revisions() -> frozenset[str]:
    script = ScriptDirectory.from_config(db.alembic_config("sqlite://"))
    return frozenset(step.revision for step in script.walk_revisions())


@functools.lru_cache(maxsize=16)
def _tables_at(revision: str) -> frozenset[str]:
    """The tables a new database has at `revision`: the migrations run on an empty SQLite file (table
    names are the same on both databases)."""
    with tempfile.TemporaryDirectory(prefix="kpi-schema-") as folder:
        url = f"sqlite:///{Path(folder) / 'reference.sqlite3'}"
        command.upgrade(db.alembic_config(url), revision)
        return frozenset(_tables_in(url))


def _tables_in(url: str) -> set[str]:
    return databases.table_names(url)


def _read_every_table(url: str, path: Path) -> None:
    """Every table and column of the newest schema answers a query (a column dropped, a table replaced
    by a view of something else: refused)."""
    try:
        databases.read_every_table(url, SQLModel.metadata.sorted_tables)
    except sa.exc.SQLAlchemyError as error:
        raise BackupError("damaged", path=str(path), detail=_first_line(error)) from None


def _missing(path: Path, tables: list[str]) -> BackupError:
    shown = ", ".join(tables[:NAMES_SHOWN]) + (f" (+{len(tables) - NAMES_SHOWN})" if len(tables) > NAMES_SHOWN else "")
    return BackupError("missing_tables", path=str(path), count=len(tables), tables=shown)


# --- the data revision ---------------------------------------------------------------------------------

def _data_revision(url: str) -> int | None:
    """The data revision before a restore (None: no database, or one without the counter yet)."""
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
    before the restore must not be served for the restored data."""
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as session:
            if sa.inspect(session.connection()).has_table("data_revision"):
                bump_revision(session, above=above)
    finally:
        engine.dispose()


# --- SQLite and the PostgreSQL tools -----------------------------------------------------------------

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
    """Page-by-page copy through SQLite itself, in one step: consistent while others read and write, and
    the destination changes in one transaction or not at all."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(destination, timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


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
            lines = [line for line in errors.read().decode("utf-8", "replace").splitlines() if line.strip()]
            # pg_restore ends with "warning: errors ignored on restore: N"; the cause is the first error
            cause = next((line for line in lines if "error:" in line), lines[-1] if lines else finished.returncode)
            raise BackupError("tool_failed", tool=command[0], detail=cause)


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _short(value) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= DETAIL_LIMIT else text[:DETAIL_LIMIT - 1] + "…"

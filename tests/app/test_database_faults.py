"""The database goes away during a meeting: pages say so calmly, and carry on when it is back.

PostgreSQL: a private server of our own (initdb into a temporary folder), so stopping it disturbs
nobody else's tests. SQLite: a second writer holding the lock past the busy time-out.
"""
import os
import shutil
import socket
import sqlite3
import subprocess
from pathlib import Path

import pytest
import streamlit as st

from kpi import db
from kpi.store import schema

PG_BIN = Path("/usr/lib/postgresql")


def _pg_tool(name: str) -> str | None:
    versions = sorted(PG_BIN.glob("*/bin"), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    for folder in reversed(versions):
        if (folder / name).exists():
            return str(folder / name)
    return None


def _as_postgres(args, **kwargs):
    """initdb and pg_ctl refuse to run as root: run them as the postgres account when we are root."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, timeout=60, **kwargs)


class PrivatePostgres:
    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def init(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        _as_postgres([_pg_tool("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"])

    def start(self):
        _as_postgres([_pg_tool("pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.folder / "log"),
                      "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1", "start"])

    def stop(self):
        _as_postgres([_pg_tool("pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop"])


@pytest.fixture
def private_postgres(tmp_path_factory):
    if _pg_tool("initdb") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL server binaries are missing (apt-get install postgresql)")
        pytest.skip("PostgreSQL server binaries are missing")
    server = PrivatePostgres(Path(f"/tmp/kpi-pg-{os.getpid()}-{tmp_path_factory.mktemp('pg').name}"))
    server.init()
    server.start()
    try:
        yield server
    finally:
        try:
            server.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped by the test
        shutil.rmtree(server.folder, ignore_errors=True)


def _texts(at) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "error", "warning", "caption", "title")
                    for e in at.get(kind))


def test_postgres_stopped_mid_meeting_shows_a_message_then_data_again(private_postgres, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KPI_DATABASE_URL", private_postgres.url)
    monkeypatch.setenv("KPI_DEFAULT_LANGUAGE", "en")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=90)
    at.query_params["period"] = "2020"
    at.run()
    assert not at.exception and "Net Promoter" in at.dataframe[0].value.to_string()

    private_postgres.stop()
    at.run()
    assert not at.exception, "a stack trace instead of a message"
    assert [e.value for e in at.error] and "cannot be reached" in at.error[0].value
    assert "Traceback" not in _texts(at) and "psycopg" not in _texts(at)

    private_postgres.start()
    at.run()  # the next interaction: no restart of the app
    assert not at.exception and not at.error
    assert "Net Promoter" in at.dataframe[0].value.to_string()
    st.cache_resource.clear()


def test_sqlite_write_blocked_by_another_writer_is_refused_clearly_and_can_be_retried(tmp_path, monkeypatch):
    """Another process holds the write lock past the busy time-out: the save is refused with the
    message every form shows (an InputError, so the form keeps what was typed), nothing is written,
    and saving again once the lock is gone works."""
    from kpi import store
    from kpi.errors import DatabaseUnavailable, InputError
    from kpi.ui import context

    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    schema.upgrade(url)
    monkeypatch.setattr(db, "SQLITE_BUSY_SECONDS", 0.5)
    engine = db.make_engine(url)
    monkeypatch.setattr(context, "engine", lambda settings=None: engine)
    blocker = sqlite3.connect(tmp_path / "kpi.sqlite3", timeout=0)
    blocker.execute("BEGIN IMMEDIATE")  # another writer, mid-transaction
    try:
        with pytest.raises(DatabaseUnavailable) as refused:
            with context.session() as session:
                store.create_review(session, period="2026-Q3", held_on="2026-11-23", actor="t")
        assert isinstance(refused.value, InputError) and refused.value.key == "database_busy"
        assert "Nothing was saved" in refused.value.message("en")
        assert "tallennettu" in refused.value.message("fi")
    finally:
        blocker.rollback()
        blocker.close()
    with context.session() as session:
        assert store.list_reviews(session) == []  # the refused save left nothing behind
        store.create_review(session, period="2026-Q3", held_on="2026-11-23", actor="t")
    with context.session() as session:
        assert [r.period for r in store.list_reviews(session)] == ["2026-Q3"]
    engine.dispose()


def test_sqlite_files_use_write_ahead_logging(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'wal.sqlite3'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
    engine.dispose()

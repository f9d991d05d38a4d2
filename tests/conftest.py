"""Shared fixtures: throw-away databases on SQLite and PostgreSQL, migrated, with or without the demo.

PostgreSQL comes from KPI_TEST_POSTGRES_URL (.ci/start-postgres prints one). Without it the PostgreSQL
cases are skipped on a developer's machine and fail under CI=true, where a missing database is a fault.
"""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from kpi import db
from kpi.admin.demo import load_demo
from kpi.store import databases, schema

IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite", "postgresql"]


def _postgres_server_url() -> str:
    url = os.environ.get("KPI_TEST_POSTGRES_URL")
    if not url:
        message = "KPI_TEST_POSTGRES_URL is not set (run .ci/start-postgres)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return url


def _fresh_postgres_database() -> str:
    """A new, empty database on the test server; dropped again by the caller."""
    return databases.create_database(_postgres_server_url(), f"kpi_t_{uuid.uuid4().hex[:10]}")


def _drop_postgres_database(url: str) -> None:
    databases.drop_database(url, via=_postgres_server_url())


def make_database(backend: str, folder) -> str:
    if backend == "sqlite":
        return f"sqlite:///{folder / 'kpi.sqlite3'}"
    return _fresh_postgres_database()


def drop_database(backend: str, url: str) -> None:
    if backend == "postgresql":
        _drop_postgres_database(url)


def make_demo_database(backend: str, folder) -> str:
    """A new database on `backend`, migrated and holding the demo data; the caller drops it."""
    url = make_database(backend, folder)
    schema.upgrade(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        load_demo(session)
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def empty_db_url(request, tmp_path):
    """An empty database (no schema), on each backend."""
    url = make_database(request.param, tmp_path)
    yield url
    drop_database(request.param, url)


@pytest.fixture
def migrated_engine(empty_db_url):
    """An engine on a freshly migrated, empty database, on each backend."""
    schema.upgrade(empty_db_url)
    engine = db.make_engine(empty_db_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def demo_db_url(request, tmp_path_factory):
    """A migrated database holding the demo data, shared by one module's tests (read only)."""
    url = make_demo_database(request.param, tmp_path_factory.mktemp("demo"))
    yield url
    drop_database(request.param, url)


@pytest.fixture
def demo_engine(demo_db_url):
    engine = db.make_engine(demo_db_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory):
    """A function that re-saves or converts a file through headless LibreOffice (what HR opens exports in):
    `libreoffice(path, "csv")` gives the converted file's path (`infilter=` how to read a CSV, `locale="fi-FI"`
    Calc's locale, as HR's Finnish Calc has it). Skipped without `soffice` on a developer's
    machine, a failure under CI=true (`.ci/run` installs libreoffice-calc-nogui)."""
    import shutil
    import subprocess

    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    profiles = {}

    def profile_for(locale: str | None):
        """One profile per locale; a locale other than the system's set as Calc's own (Tools > Options)."""
        if locale not in profiles:
            profiles[locale] = tmp_path_factory.mktemp("lo-profile")
            if locale:
                (profiles[locale] / "user").mkdir()
                (profiles[locale] / "user" / "registrymodifications.xcu").write_text(
                    '<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
                    'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                    '<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">'
                    f"<value>{locale}</value></prop></item></oor:items>\n", encoding="utf-8")
        return profiles[locale]

    def convert(path, target: str, *, infilter: str | None = None, locale: str | None = None):
        """`infilter`: how to read the file (a CSV's separator, charset and language, as Calc's text import
        dialog asks); `locale`: e.g. "fi-FI", Calc's locale (decimal comma, dates as 1.2.2020)."""
        out = tmp_path_factory.mktemp("lo-out")
        reading = [f"--infilter={infilter}"] if infilter else []
        done = subprocess.run([program, "--headless", f"-env:UserInstallation=file://{profile_for(locale)}", *reading,
                               "--convert-to", target, "--outdir", str(out), str(path)], capture_output=True,
                              text=True, timeout=180, stdin=subprocess.DEVNULL)
        produced = sorted(out.iterdir())
        assert done.returncode == 0 and produced, (done.returncode, done.stdout, done.stderr)
        return produced[0]

    return convert

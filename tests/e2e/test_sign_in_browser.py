"""Signing in and out in a real browser (KPI_AUTH_MODE=password), and local mode refusing to serve on
every interface."""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from kpi import db
from kpi.access import people
from kpi.store import schema
from tests.e2e.page_list import WATCH_PAGE_LIST, assert_no_page_files

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SECRET = secrets.token_urlsafe(32)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(folder, *, address="127.0.0.1", **env):
    """`streamlit run app.py` as tests/e2e/conftest.py's _serve starts it, with these KPI_* variables."""
    port = _free_port()
    environment = dict(os.environ, KPI_DATABASE_URL=f"sqlite:///{folder / 'kpi.sqlite3'}", KPI_DEFAULT_LANGUAGE="fi",
                       **env)
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", address, "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]
    if "KPI_COOKIE_SECRET" in env:
        environment["STREAMLIT_SERVER_COOKIE_SECRET"] = env["KPI_COOKIE_SECRET"]  # as make run passes it on
    server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                break
        except OSError:
            pass
        if server.poll() is not None or time.time() > deadline:
            server.kill()
            pytest.fail("the app did not start:\n" + server.stdout.read().decode(errors="replace"))
        time.sleep(0.3)
    return server, url


def stop(server):
    server.terminate()
    try:
        output = server.communicate(timeout=10)[0].decode(errors="replace")
    except subprocess.TimeoutExpired:
        server.kill()
        output = server.communicate()[0].decode(errors="replace")
    return output


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_password_sign_in_wrong_right_and_sign_out(tab, tmp_path):
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    schema.upgrade(url)  # the app would on its first run; the person is added to the same database first
    engine = db.make_engine(url)
    with Session(engine) as session:
        people.add_person(session, login="anna", role="editor", name="Anna Virtanen",
                          password="oikea-salasana-1", by="test-admin")
        session.commit()
    engine.dispose()
    server, served = serve(tmp_path, KPI_AUTH_MODE="password", KPI_COOKIE_SECRET=SECRET)
    try:
        tab.goto(served + "/")
        tab.get_by_role("heading", name="Tavoitteet ja mittarit").wait_for()
        assert tab.get_by_role("heading", name="Tuloskortti").count() == 0

        tab.get_by_label("Käyttäjätunnus").fill("anna")
        tab.get_by_label("Salasana", exact=True).fill("väärä-salasana")
        tab.get_by_role("button", name="Kirjaudu").click()
        tab.get_by_text("Väärä käyttäjätunnus tai salasana.").wait_for()
        assert tab.get_by_role("heading", name="Tuloskortti").count() == 0

        tab.get_by_label("Käyttäjätunnus").fill("anna")
        tab.get_by_label("Salasana", exact=True).fill("oikea-salasana-1")
        tab.get_by_role("button", name="Kirjaudu").click()
        tab.get_by_role("heading", name="Tuloskortti").wait_for()
        tab.get_by_test_id("stExpandSidebarButton").click()
        sidebar = tab.get_by_test_id("stSidebar")
        sidebar.get_by_text("Anna Virtanen").wait_for()
        assert "muokkaaja" in sidebar.inner_text()
        assert sidebar.get_by_text("Henkilöt").count() == 0  # an editor's page list has no People page
        assert tab.get_by_test_id("stException").count() == 0

        sidebar.get_by_role("button", name="Kirjaudu ulos").click()
        tab.get_by_label("Käyttäjätunnus").wait_for()
        # The form comes first; the scorecard's elements go when that run ends (a moment later).
        expect(tab.get_by_role("heading", name="Tuloskortti")).to_have_count(0, timeout=10_000)
    finally:
        output = stop(server)
    assert SECRET not in output and "oikea-salasana-1" not in output  # nothing secret in the server's log


def test_local_mode_on_every_interface_refuses_to_serve(tab, tmp_path):
    server, served = serve(tmp_path, address="0.0.0.0", KPI_AUTH_MODE="local")
    tab.add_init_script(WATCH_PAGE_LIST)
    try:
        for address in ("/?period=2020", "/catalogue"):  # the first visit after the start, then a page's link
            tab.goto(served + address)
            alert = tab.get_by_test_id("stAlertContentError")
            alert.wait_for()
            text = alert.inner_text()
            assert "KPI_AUTH_MODE" in text and "KPI_COOKIE_SECRET" in text and "127.0.0.1" in text
            tab.wait_for_timeout(1000)
            assert tab.get_by_role("heading", name="Tuloskortti").count() == 0
            assert tab.get_by_test_id("stDataFrame").count() == 0
            assert_no_page_files(tab)  # neither the pages/ file names nor the app's own page list
        assert tab.url.endswith("/catalogue")  # the address opened is kept ("page not found" would reset it)
    finally:
        stop(server)
    assert not (tmp_path / "kpi.sqlite3").exists() or (tmp_path / "kpi.sqlite3").stat().st_size == 0

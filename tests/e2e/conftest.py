"""The served app and a real Chromium (Debian's; Playwright downloads no browser here)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("KPI_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(folder):
    """`streamlit run app.py` on a free loopback port and an empty database, as `make run` starts it."""
    port = _free_port()
    env = dict(os.environ, KPI_DATABASE_URL=f"sqlite:///{folder / 'kpi.sqlite3'}", KPI_DEFAULT_LANGUAGE="fi")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
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
    yield url
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:  # a run stuck inside C code (a runaway regex) never sees the signal
        server.kill()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def served_folder(tmp_path_factory):
    """Where the served app keeps its database (kpi.sqlite3): for a test that writes past the app."""
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="module")
def served_app(served_folder):
    """The app, shared by a module's tests."""
    yield from _serve(served_folder)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"no Chromium at {CHROMIUM}; CI must install it (apt-get install chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, served_app):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fi-FI")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


@pytest.fixture
def fresh_served_app(tmp_path):
    """A server no session has visited yet (what a meeting link meets right after a restart)."""
    yield from _serve(tmp_path)

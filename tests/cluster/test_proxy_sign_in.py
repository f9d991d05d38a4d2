"""KPI_AUTH_MODE=proxy behind the project's nginx config on loopback, with the documented defaults
(KPI_TRUSTED_PROXIES=["127.0.0.1","::1"]): nginx itself sets the sign-in header, a person added with
`python -m kpi users add` gets the scorecard, and the access log has the proxy sign-in. The same header
sent to an app server by a sender it does not trust is refused.

Two app servers (one per trust setting, started together) on one empty SQLite database, each behind an
nginx that sets the header; not the session-wide cluster, so no PostgreSQL is needed. The untrusted sender
is an nginx too, not the browser's own header: Chromium (150 and later) sends a page's extra HTTP headers on
its requests but not on the WebSocket handshake, which is where Streamlit reads them.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlmodel import Session

from deploy.cluster import render_nginx_config
from kpi import db
from kpi.access import people
from kpi.store import schema
from tests.cluster.conftest import free_ports
from tests.e2e.page_list import WATCH_PAGE_LIST, assert_no_page_files

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SECRET = secrets.token_urlsafe(32)
EMAIL = "anna@example.fi"
# What oauth2-proxy's auth_request would give nginx, set here by nginx itself (README, "proxy").
SIGN_IN_HEADER = f'proxy_set_header X-Forwarded-Email "{EMAIL}";'


def _healthy(url: str) -> bool:
    try:
        return urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok"
    except OSError:
        return False


def _wait(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while not _healthy(url):
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{url} did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.3)


def _spawn(args: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def signing_in_nginx_config(app_port: int, listen: str, run_dir: Path) -> str:
    """deploy/nginx.conf.template as rendered for production, plus the sign-in header in both locations."""
    text = render_nginx_config([f"127.0.0.1:{app_port}"], listen=listen, run_dir=run_dir, workers="1")
    marker = "proxy_set_header Host $http_host;"
    assert text.count(marker) == 2, "the template's two locations changed: update this test"
    return text.replace(marker, f"{marker}\n            {SIGN_IN_HEADER}")


@pytest.fixture(scope="module")
def proxy_servers(nginx_path, tmp_path_factory):
    """(nginx URL, URL of a sender the app server behind it does not trust (it trusts only 192.0.2.10), the
    database URL)."""
    folder = tmp_path_factory.mktemp("proxy")
    url = f"sqlite:///{folder / 'kpi.sqlite3'}"
    schema.upgrade(url)  # an empty database: the scorecard says so under its heading
    added = subprocess.run([sys.executable, "-m", "kpi", "users", "add", EMAIL, "--role", "viewer",
                            "--name", "Anna Virtanen"], cwd=ROOT, env=dict(os.environ, KPI_DATABASE_URL=url),
                           capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert added.returncode == 0, added.stdout + added.stderr
    nginx_port, trusting_port, distrusting_port, sender_port = free_ports(4)
    base = {name: value for name, value in os.environ.items() if not name.startswith("KPI_")}
    base.update(KPI_DATABASE_URL=url, KPI_DEMO_DATA="false", KPI_DEFAULT_LANGUAGE="fi", KPI_AUTH_MODE="proxy",
                KPI_COOKIE_SECRET=SECRET, STREAMLIT_SERVER_COOKIE_SECRET=SECRET)
    servers = {}
    for port, trusted in ((trusting_port, None), (distrusting_port, '["192.0.2.10"]')):
        env = dict(base, **({"KPI_TRUSTED_PROXIES": trusted} if trusted else {}))  # None: the default
        log = folder / f"app-{port}.log"
        servers[port] = (_spawn([sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
                                 "--server.port", str(port), "--server.headless", "true",
                                 "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                                log, env), log)
    proxies = []
    try:
        for port, (process, log) in servers.items():
            _wait(f"http://127.0.0.1:{port}", process, log)
        for name, app_port, port in (("nginx", trusting_port, nginx_port), ("sender", distrusting_port, sender_port)):
            run_dir = folder / name
            run_dir.mkdir()
            conf = run_dir / "nginx.conf"
            conf.write_text(signing_in_nginx_config(app_port, f"127.0.0.1:{port}", run_dir))
            proxies.append(_spawn([nginx_path, "-c", str(conf), "-p", str(run_dir), "-g", "daemon off;"],
                                  run_dir / "nginx.out", dict(os.environ)))
            _wait(f"http://127.0.0.1:{port}", proxies[-1], run_dir / "error.log")
        yield f"http://127.0.0.1:{nginx_port}", f"http://127.0.0.1:{sender_port}", url
    finally:
        for nginx in proxies:
            _stop(nginx)
        for process, _ in servers.values():
            _stop(process)


def access_log(url: str):
    engine = db.make_engine(url)
    with Session(engine) as session:
        events = [(event.login, event.event, event.detail) for event in people.access_log(session)]
    engine.dispose()
    return events


def open_tab(browser, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fi-FI", **options)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    return context, tab


def test_a_person_named_by_nginx_on_loopback_gets_the_scorecard(browser, proxy_servers):
    through_nginx, _, url = proxy_servers
    # What the browser claims is overwritten by nginx's proxy_set_header.
    context, tab = open_tab(browser, extra_http_headers={"X-Forwarded-Email": "mallory@example.fi"})
    try:
        tab.goto(through_nginx + "/?period=2020")
        tab.get_by_role("heading", name="Tuloskortti").wait_for()
        tab.get_by_test_id("stExpandSidebarButton").click()
        sidebar = tab.get_by_test_id("stSidebar")
        sidebar.get_by_text("Anna Virtanen").wait_for()
        assert "katselija" in sidebar.inner_text()
        assert tab.get_by_text("kirjautumispalvelimen kautta").count() == 0
    finally:
        context.close()
    events = access_log(url)
    assert (EMAIL, "sign_in", "proxy") in events, events
    assert not [event for event in events if event[0] == "mallory@example.fi"]


def test_the_header_from_a_sender_the_app_server_does_not_trust_is_refused(browser,
                                                                                             proxy_servers):
    _, untrusted_sender, url = proxy_servers
    context, tab = open_tab(browser)
    tab.add_init_script(WATCH_PAGE_LIST)
    try:
        # The server's first visitor, by a page's link: Streamlit's first run lists the pages/ files.
        tab.goto(untrusted_sender + "/catalogue?period=2020")
        tab.get_by_text("kirjautumispalvelimen kautta").wait_for()
        tab.wait_for_timeout(1000)
        assert tab.get_by_role("heading", name="Tuloskortti").count() == 0
        assert tab.get_by_text("Anna Virtanen").count() == 0
        assert_no_page_files(tab)
    finally:
        context.close()
    refusals = [event for event in access_log(url) if event[1] == "refused"]
    # The header did arrive (the refusal names who it claimed), and the sender's real address is logged.
    assert (EMAIL, "refused", "untrusted address 127.0.0.1") in refusals, refusals

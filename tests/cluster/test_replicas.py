"""Two app servers behind nginx on one PostgreSQL: nginx serves and sticks each browser to one server,
the WebSocket passes through, and a change written through one server shows on the other."""
from __future__ import annotations

import re
import time
import urllib.request

import pytest

from kpi import db, store

ROUTE = re.compile(r"kpi_route=([0-9a-f]{32})")
NPS = "Asiakkaiden nettosuositteluindeksi (NPS)"


def get(url: str, cookie: str | None = None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers.get_all("Set-Cookie") or [], response.read()


def route_cookie(set_cookies: list[str]) -> str | None:
    for header in set_cookies:
        if ROUTE.match(header):
            return header
    return None


def log_after(cluster, offset: int, until=lambda entries: True, wait_s: float = 10) -> list[dict]:
    """nginx's access-log entries after `offset` (a WebSocket is logged when it closes: wait for it)."""
    deadline = time.monotonic() + wait_s
    while True:
        entries = cluster.access_log_entries()[offset:]
        if until(entries) or time.monotonic() > deadline:
            return entries
        time.sleep(0.2)


def test_nginx_answers_health_and_serves_the_app_page(cluster):
    status, _, body = get(cluster.url + "/_stcore/health")
    assert (status, body) == (200, b"ok")
    status, set_cookies, body = get(cluster.url + "/?period=2020")
    assert status == 200
    assert b'<div id="root">' in body and b"/static/js/" in body  # Streamlit's page, with its scripts
    cookie = route_cookie(set_cookies)
    assert cookie is not None, set_cookies
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie


def test_each_browser_keeps_to_one_server_and_browsers_spread_over_both(cluster):
    offset = len(cluster.access_log_entries())
    routes = []
    for _ in range(40):  # 40 browsers, each with its own cookie jar
        _, set_cookies, _ = get(cluster.url + "/")
        cookie = route_cookie(set_cookies).split(";")[0]
        routes.append(ROUTE.match(cookie).group(1))
        for path in ("/_stcore/health", "/_stcore/host-config", "/?period=2020"):
            _, again, _ = get(cluster.url + path, cookie)
            assert route_cookie(again) is None  # handed out once, then kept
    entries = log_after(cluster, offset)
    upstreams: dict[str, set[str]] = {}
    for entry in entries:
        upstreams.setdefault(entry["route"], set()).add(entry["upstream"])
    assert set(upstreams) == set(routes)
    assert all(len(each) == 1 for each in upstreams.values()), upstreams
    servers = {next(iter(each)) for each in upstreams.values()}
    assert servers == {f"127.0.0.1:{port}" for port in cluster.app_ports}


def test_a_forged_route_cookie_is_replaced(cluster):
    _, set_cookies, _ = get(cluster.url + "/", "kpi_route=../../etc")
    assert route_cookie(set_cookies) is not None


def open_scorecard(browser, base_url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(base_url + "/?period=2020&lang=fi")
    page.get_by_text("saavutettu ·").first.wait_for()
    return context, page


def nps_row(page):
    """The NPS row of the scorecard's grid, from its text twin (the grid itself draws on a canvas)."""
    return page.get_by_test_id("stDataFrame").locator("table tr").filter(has_text=NPS).first


@pytest.mark.browser
def test_a_websocket_session_through_nginx_renders_the_scorecard(cluster, browser):
    from playwright.sync_api import expect

    offset = len(cluster.access_log_entries())
    context, page = open_scorecard(browser, cluster.url)
    try:
        expect(nps_row(page)).to_contain_text("≥", timeout=60_000)
        assert page.get_by_test_id("stException").count() == 0
    finally:
        context.close()
    streams = [e for e in log_after(cluster, offset, lambda es: any(e["uri"] == "/_stcore/stream" for e in es))
               if e["uri"] == "/_stcore/stream"]
    assert streams and all(e["status"] == 101 for e in streams)  # 101 Switching Protocols: upgraded


@pytest.mark.browser
def test_a_target_changed_through_one_server_shows_on_the_other_on_its_next_rerun(cluster, browser):
    """Server A and server B each have the scorecard cached (per process); a target changes in the
    database, as a save on A writes it; B's next rerun reads the new data version and shows it."""
    from playwright.sync_api import expect

    url_a, url_b = cluster.replica_urls.values()
    engine = db.make_engine(cluster.database_url)
    try:
        with db.session_scope(engine) as session:
            nps, tth = store.get_indicator(session, "nps"), store.get_unit(session, "TTH")
            target = next(t for t in store.targets_for(session, nps.id, tth.id) if t.period == "2020")
        before, after = f"≥ {target.threshold:g}", f"≥ {target.threshold + 5:g}"

        context_a, page_a = open_scorecard(browser, url_a)
        context_b, page_b = open_scorecard(browser, url_b)
        try:
            expect(nps_row(page_a)).to_contain_text(before)
            expect(nps_row(page_b)).to_contain_text(before)

            with db.session_scope(engine) as session:  # what a save on the Targets page of A writes
                store.update_target(session, target_id=target.id, expected_version=target.version,
                                    actor="test:server-a", reason="raised by the board",
                                    threshold=target.threshold + 5)

            page_b.locator("body").press("r")  # Streamlit's "rerun" key: the same session reruns
            expect(nps_row(page_b)).to_contain_text(after, timeout=30_000)
            page_a.reload()  # and a reload on A: a new session on the same process and cache
            page_a.get_by_text("saavutettu ·").first.wait_for()
            expect(nps_row(page_a)).to_contain_text(after, timeout=30_000)
        finally:
            context_a.close()
            context_b.close()
    finally:
        engine.dispose()


def test_when_a_server_stops_nginx_sends_its_browsers_to_the_other(cluster):
    """Passive health checking: requests for the stopped replica fail over (proxy_next_upstream), and
    after max_fails it is left out for fail_timeout; the replica comes back on its own."""
    gone, kept = cluster.app_ports
    cookies = []  # (cookie, the server it sticks to) of 20 browsers
    for _ in range(20):
        offset = len(cluster.access_log_entries())
        _, set_cookies, _ = get(cluster.url + "/")
        upstream = log_after(cluster, offset, lambda es: bool(es))[-1]["upstream"]
        cookies.append((route_cookie(set_cookies).split(";")[0], upstream))
    assert f"127.0.0.1:{gone}" in {server for _, server in cookies}  # odds that none is: 2**-20
    cluster.stop_replica(gone)
    try:
        offset = len(cluster.access_log_entries())
        for cookie, _ in cookies:
            status, _, body = get(cluster.url + "/_stcore/health", cookie)
            assert (status, body) == (200, b"ok")
        served_by = {e["upstream"].split(", ")[-1] for e in log_after(cluster, offset)}
        assert served_by == {f"127.0.0.1:{kept}"}
    finally:
        cluster.start_replica(gone)
    assert get(cluster.replica_urls[gone] + "/_stcore/health")[2] == b"ok"

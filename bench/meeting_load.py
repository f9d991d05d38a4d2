"""A meeting's load: N browser sessions open the scorecard at once, through nginx, on two app servers.

    .venv/bin/python bench/meeting_load.py [--sessions 30] [--rounds 2] [--out bench/results/meeting_load.json]

Starts its own cluster (deploy/cluster.py: nginx + two `streamlit run app.py` replicas on free ports)
on a fresh database on the local PostgreSQL ($KPI_TEST_POSTGRES_URL's server, else .ci/start-postgres),
migrated and with the demo, and drops that database afterwards. Needs nginx, PostgreSQL and Chromium
(/usr/bin/chromium or $KPI_TEST_CHROMIUM); tests/cluster/test_meeting_load.py runs the same code.

One round = one Chromium, N contexts (separate cookie jars, so N browsers to nginx), all pointed at
`/?period=2020&lang=fi` at the same moment; a session counts as rendered when the scorecard's data
table has its rows and the summary line ("… saavutettu · …") is shown. The first round meets freshly
started servers (each replica imports the pages on its first session: the worst case, everyone opening
the link at 9:00 after a deploy), later rounds warm ones. Reported per round: median and 95th
percentile (nearest rank) of the seconds until rendered, and per server the sessions it got and its
memory (VmRSS of the streamlit process and any children, from /proc) before, at peak, and with all
sessions open. The browsers run on the same two cores as the servers, and Chromium needs some 2-4 s of
CPU per page (parsing Streamlit's scripts, drawing the grid), so with 30 pages the browsers, not the
servers, set the time until rendered. Each round therefore also opens the same number of sessions
without a browser (Streamlit's own WebSocket protocol, through nginx, cookie and all) and reports the
seconds until the server has sent the whole scorecard: what the servers alone take.
"""
from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import datetime as dt
import json
import math
import os
import socket
import statistics
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.cluster import (Cluster, descendants, create_database, drop_database,  # noqa: E402
                            local_postgres_server_url, prepare_database)

CHROMIUM = os.environ.get("KPI_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
QUERY = "/?period=2020&lang=fi"
# Rendered: the scorecard's data table has a row (its text twin: the grid itself draws on a canvas) and
# the summary line ("3 saavutettu · 1 vaarassa · …") is shown.
RENDERED_JS = """() => document.querySelectorAll('[data-testid="stDataFrame"] table tr').length > 1
    && document.body.textContent.includes('saavutettu ·')"""
RESULTS = ROOT / "bench" / "results" / "meeting_load.json"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nearest_rank(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


class MemorySampler:
    """Samples each replica's RSS every `every` seconds in a thread, keeping the peak."""

    def __init__(self, cluster: Cluster, every: float = 0.25) -> None:
        self.cluster, self.every = cluster, every
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for port, kib in self.cluster.memory_kib().items():
                self.peak[port] = max(self.peak.get(port, 0), kib)
            self._stop.wait(self.every)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


async def _open_sessions(url: str, sessions: int, chromium: str, timeout_s: float):
    """Yields once, while all sessions are still open: per session (seconds until rendered or None,
    the error or None, its kpi_route cookie)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            contexts = [await browser.new_context(viewport={"width": 1280, "height": 720}, locale="fi-FI")
                        for _ in range(sessions)]
            pages = [await context.new_page() for context in contexts]
            start_line = asyncio.Event()

            async def one(page):
                await start_line.wait()
                started = time.perf_counter()

                def left_ms() -> float:  # one deadline for the whole session
                    return max(1.0, started + timeout_s - time.perf_counter()) * 1000

                try:
                    await page.goto(url + QUERY, timeout=left_ms())
                    # Checked every 100 ms rather than on every animation frame (Playwright's locators):
                    # with 30 pages on two cores, frame-by-frame polling would itself eat the CPU.
                    await page.wait_for_function(RENDERED_JS, polling=100, timeout=left_ms())
                    seconds, error = time.perf_counter() - started, None
                except Exception as failure:  # noqa: BLE001 - reported, not raised: the others still count
                    seconds, error = None, f"{type(failure).__name__}: {str(failure).splitlines()[0]}"
                routes = [c["value"] for c in await page.context.cookies() if c["name"] == "kpi_route"]
                return seconds, error, (routes or [None])[0]

            tasks = [asyncio.ensure_future(one(page)) for page in pages]
            await asyncio.sleep(0)
            start_line.set()  # all at once
            outcomes = await asyncio.gather(*tasks)
            yield outcomes  # sessions still open: the caller reads memory now
            for context in contexts:
                await context.close()
        finally:
            await browser.close()


def _route_cookie(base_url: str) -> str:
    """Open the page as a browser does first; nginx answers with the browser's routing cookie."""
    with urllib.request.urlopen(base_url + QUERY, timeout=60) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("kpi_route="):
                return header.split(";")[0]
    raise RuntimeError("nginx sent no kpi_route cookie")


async def _protocol_sessions(base_url: str, sessions: int, timeout_s: float) -> list[tuple]:
    """`sessions` Streamlit sessions at once without a browser: each opens the page (for its cookie),
    opens the WebSocket through nginx, asks for a run of the scorecard, and counts as done when the
    run has finished and the NPS row was among what the server sent. What the servers alone take.
    Per session: (seconds or None, the error or None)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    start_line = asyncio.Event()

    async def one():
        await start_line.wait()
        started = time.perf_counter()
        try:
            async with asyncio.timeout(timeout_s):
                cookie = await asyncio.to_thread(_route_cookie, base_url)
                async with connect(base_url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                                   additional_headers={"Cookie": cookie}, max_size=None) as socket_:
                    request = BackMsg()
                    request.rerun_script.query_string = QUERY.lstrip("/?")
                    await socket_.send(request.SerializeToString())
                    saw_nps = False
                    while True:
                        raw = await socket_.recv()
                        saw_nps = saw_nps or b"(NPS)" in raw
                        message = ForwardMsg()
                        message.ParseFromString(raw)
                        if message.WhichOneof("type") == "script_finished":
                            if not saw_nps:
                                return None, "the run finished without the NPS row"
                            return time.perf_counter() - started, None
        except Exception as error:  # noqa: BLE001 - reported with the figures
            return None, f"{type(error).__name__}: {error}"

    tasks = [asyncio.ensure_future(one()) for _ in range(sessions)]
    await asyncio.sleep(0)
    start_line.set()
    return await asyncio.gather(*tasks)


def _seconds(times: list[float]) -> dict:
    return {"median": round(statistics.median(times), 2) if times else None,
            "p95": round(nearest_rank(times, 0.95), 2) if times else None,
            "min": round(min(times), 2) if times else None,
            "max": round(max(times), 2) if times else None}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its descendants so far."""
    total = 0
    for each in [pid, *descendants(pid)]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def _run_round(cluster: Cluster, sessions: int, chromium: str, timeout_s: float) -> dict:
    offset = cluster.access_log.stat().st_size if cluster.access_log.exists() else 0
    idle = cluster.memory_kib()
    cpu_before = {port: cpu_seconds(pid) for port, pid in cluster.pids().items()}
    result: dict = {}

    async def go():
        with MemorySampler(cluster) as sampler:
            async for outcomes in _open_sessions(cluster.url, sessions, chromium, timeout_s):
                result["outcomes"] = outcomes
                result["open"] = cluster.memory_kib()
                result["cpu"] = {port: cpu_seconds(pid) for port, pid in cluster.pids().items()}
            result["peak"] = dict(sampler.peak)

    # In a thread of its own: asyncio.run must not meet another event loop (a pytest plugin's, or
    # Playwright's sync API) in the caller's thread.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, go()).result()
        protocol = pool.submit(asyncio.run, _protocol_sessions(cluster.url, sessions, timeout_s)).result()
    protocol_times = [seconds for seconds, _ in protocol if seconds is not None]

    times = [seconds for seconds, _, _ in result["outcomes"] if seconds is not None]
    errors = [error for _, error, _ in result["outcomes"] if error is not None]
    browser_routes = {route for _, _, route in result["outcomes"] if route}
    entries = _log_entries_after(cluster, offset, browser_routes)
    documents = [e for e in entries if e.get("uri") == "/"]
    ports = {f"127.0.0.1:{port}": port for port in cluster.app_ports}
    # Stickiness: each browser's session (its WebSocket) is on the server that sent it the page.
    page_server = {e["route"]: e["upstream"] for e in documents}
    unstuck = sorted(e["route"] for e in entries
                     if e.get("uri") == "/_stcore/stream" and e["upstream"] != page_server.get(e["route"]))
    servers = {}
    for upstream, port in ports.items():
        servers[str(port)] = {
            "sessions": sum(1 for e in documents if e["upstream"] == upstream),
            "rss_mb_before": round(idle[port] / 1024, 1),
            "rss_mb_peak": round(max(result["peak"].get(port, 0), result["open"][port]) / 1024, 1),
            "rss_mb_all_open": round(result["open"][port] / 1024, 1),
            "cpu_seconds": round(result["cpu"][port] - cpu_before[port], 1),  # the browsers' phase
        }
    return {
        "sessions": sessions,
        "rendered": len(times),
        "errors": errors,
        "seconds_until_rendered": _seconds(times),
        # the same number of sessions again, without browsers: until the server has sent the scorecard
        "server_side": {"sessions": sessions, "done": len(protocol_times),
                        "errors": [error for _, error in protocol if error is not None],
                        "seconds_until_sent": _seconds(protocol_times)},
        "servers": servers,
        "sessions_not_on_their_page_server": unstuck,
        # requests nginx passed to a second replica after the first failed (static files may be)
        "retried_requests": sum(1 for e in entries if "," in e["upstream"]),
    }


def _log_entries_after(cluster: Cluster, offset: int, routes: set[str], wait_s: float = 10) -> list[dict]:
    """nginx's entries after `offset` of the browsers with these route cookies; waits until each one's
    WebSocket is in (a WebSocket is logged when it closes)."""
    deadline = time.monotonic() + wait_s
    while True:
        with open(cluster.access_log, "rb") as log:
            log.seek(offset)
            entries = [entry for entry in (json.loads(line) for line in log.read().decode().splitlines()
                                           if line.strip()) if entry["route"] in routes]
        streamed = {e["route"] for e in entries if e.get("uri") == "/_stcore/stream"}
        if streamed >= routes or time.monotonic() > deadline:
            return entries
        time.sleep(0.2)


def measure(cluster: Cluster, *, sessions: int = 30, rounds: int = 1, chromium: str = CHROMIUM,
            timeout_s: float = 300) -> dict:
    """`rounds` rounds of `sessions` sessions on a running cluster; the figures as a dict."""
    report = {
        "what": f"{sessions} browser sessions open the scorecard at once through nginx on "
                f"{len(cluster.app_ports)} app servers (PostgreSQL)",
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(),
                    "mem_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)},
        "rounds": [],
    }
    for number in range(rounds):
        figures = _run_round(cluster, sessions, chromium, timeout_s)
        figures["servers_were"] = "fresh" if number == 0 else "warm"
        report["rounds"].append(figures)
    return report


def summary(report: dict) -> str:
    lines = [report["what"]]
    for each in report["rounds"]:
        s = each["seconds_until_rendered"]
        per = "; ".join(f":{port} {v['sessions']} sessions, RSS {v['rss_mb_before']:.0f} → {v['rss_mb_all_open']:.0f}"
                        f" MB (peak {v['rss_mb_peak']:.0f}), CPU {v['cpu_seconds']} s"
                        for port, v in each["servers"].items())
        server = each["server_side"]
        p = server["seconds_until_sent"]
        lines.append(f"  {each['servers_were']:5} servers: {each['rendered']}/{each['sessions']} browsers rendered, "
                     f"median {s['median']} s, p95 {s['p95']} s, max {s['max']} s; {per}")
        lines.append(f"  {'':5}          then {server['done']}/{server['sessions']} sessions without a browser: "
                     f"scorecard sent after median {p['median']} s, p95 {p['p95']} s, max {p['max']} s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2, help="the first on fresh servers, the rest warm")
    parser.add_argument("--postgres-url", default=os.environ.get("KPI_TEST_POSTGRES_URL"),
                        help="a superuser's URL on the PostgreSQL server to use (default: .ci/start-postgres)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds a session may take to render")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()
    server = args.postgres_url or local_postgres_server_url()
    url = create_database(server, f"kpi_bench_{uuid.uuid4().hex[:8]}", exist_ok=False)
    try:
        prepare_database(url)
        state = Path(os.environ.get("TMPDIR", "/tmp")) / f"kpi-meeting-load-{uuid.uuid4().hex[:8]}"
        with Cluster(url, nginx_port=free_port(), app_ports=(free_port(), free_port()), state_dir=state) as cluster:
            report = measure(cluster, sessions=args.sessions, rounds=args.rounds, timeout_s=args.timeout)
    finally:
        drop_database(url, via=server)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(summary(report))
    print(f"written to {out}")


if __name__ == "__main__":
    main()

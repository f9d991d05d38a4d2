"""Several app servers behind nginx on one PostgreSQL: the cluster `make cluster` starts (deploy/cluster.py).

Needs nginx, PostgreSQL (KPI_TEST_POSTGRES_URL, as tests/conftest.py) and, for the browser cases,
Chromium. Without them the cases are skipped on a developer's machine and fail under CI=true.
One cluster (two replicas on free ports, nginx on a free port, a throw-away database with the demo)
serves the whole folder; it is stopped, and the database dropped, even when a test fails.
"""
from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

import pytest

from deploy.cluster import Cluster, create_database, drop_database, nginx_binary, prepare_database

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("KPI_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
FIGURES = pytest.StashKey[list]()  # lines for the terminal summary (shown without -s too)


def missing(message: str):
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def free_ports(count: int) -> list[int]:
    """`count` distinct free loopback ports (held open together, so none is handed out twice)."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


@pytest.fixture(scope="session")
def nginx_path() -> str:
    path = nginx_binary()
    if path is None:
        missing("nginx not found; CI must install it (apt-get install nginx)")
    return path


@pytest.fixture(scope="session")
def cluster_database():
    """A new PostgreSQL database, migrated, with the demo; dropped at the end."""
    server = os.environ.get("KPI_TEST_POSTGRES_URL")
    if not server:
        missing("KPI_TEST_POSTGRES_URL is not set (run .ci/start-postgres)")
    url = create_database(server, f"kpi_c_{uuid.uuid4().hex[:10]}", exist_ok=False)
    try:
        prepare_database(url)
        yield url
    finally:
        drop_database(url, via=server)


@pytest.fixture(scope="session")
def cluster(nginx_path, cluster_database, tmp_path_factory):
    nginx_port, *app_ports = free_ports(3)
    with Cluster(cluster_database, nginx_port=nginx_port, app_ports=app_ports,
                 state_dir=tmp_path_factory.mktemp("cluster")) as running:
        yield running


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        missing(f"no Chromium at {CHROMIUM}; CI must install it (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def figures(request) -> list[str]:
    """Lines a test wants shown in the terminal summary."""
    return request.config.stash.setdefault(FIGURES, [])


def pytest_terminal_summary(terminalreporter):
    lines = terminalreporter.config.stash.get(FIGURES, [])
    if lines:
        terminalreporter.section("several app servers: figures")
        for line in lines:
            terminalreporter.write_line(line)

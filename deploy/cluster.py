#!/usr/bin/env python3
"""Several app servers on one machine: PostgreSQL, N Streamlit replicas, nginx in front (issue 7).

    python deploy/cluster.py run      # what `make cluster` runs: start, serve until Ctrl-C, stop all
    python deploy/cluster.py start    # the same in the background (returns when it serves) ...
    python deploy/cluster.py stop     # ... and ends it
    python deploy/cluster.py nginx-config --replica HOST:PORT [--replica ...] [options]   # production conf

`run` and `start` take `--port` (nginx, 8500), `--app-ports` (8601,8602) and `--database-url`
(default: $KPI_CLUSTER_DATABASE_URL, else a local PostgreSQL started by .ci/start-postgres with a
database `kpi_cluster` of its own). The database is migrated and the demo loaded on an empty one
before any replica starts, so replicas never race to do it. The replicas share
`server.cookieSecret` ($STREAMLIT_SERVER_COOKIE_SECRET, else a secret generated once into
deploy/run/cookie_secret) and the database URL. nginx, its pid, logs and temp files, and each
replica's log live in deploy/run/ (git-ignored).

From Python (the tests, bench/meeting_load.py):

    with Cluster(database_url, nginx_port=..., app_ports=(..., ...), state_dir=tmp) as cluster:
        cluster.url, cluster.replica_urls, cluster.memory_kib(), cluster.access_log_entries()

Every process is started in a session of its own and dies with the process that started it
(PR_SET_PDEATHSIG, so start clusters from the main thread), so nothing is left behind even if the
caller is killed.

Here the `Cluster` and the command line; deploy/config.py renders the configuration, deploy/database.py
prepares the database, deploy/processes.py runs and stops the processes (their names importable from
here as before).
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable

if __package__ in (None, ""):  # run as a script (python deploy/cluster.py): the repository, for `deploy.*`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.config import (CLUSTER_DATABASE, COOKIE_SECRET_ENV, DEFAULT_APP_PORTS, DEFAULT_NGINX_PORT,  # noqa: E402
                           DEFAULT_STATE_DIR, DEPLOY_DIR, PYTHON, ROOT, TEMPLATE, ClusterError, load_cookie_secret,
                           log, nginx_binary, render_nginx_config)
from deploy.database import (create_database, default_database_url, drop_database,  # noqa: E402
                             local_postgres_server_url, prepare_database)
from deploy.processes import (descendants, die_with_parent_of, healthy, rss_kib, stop_process,  # noqa: E402
                              tail)

__all__ = ["CLUSTER_DATABASE", "COOKIE_SECRET_ENV", "DEFAULT_APP_PORTS", "DEFAULT_NGINX_PORT", "DEFAULT_STATE_DIR",
           "DEPLOY_DIR", "PYTHON", "ROOT", "TEMPLATE", "Cluster", "ClusterError", "create_database",
           "default_database_url", "descendants", "drop_database", "load_cookie_secret", "local_postgres_server_url",
           "log", "main", "nginx_binary", "prepare_database", "render_nginx_config", "rss_kib"]


class Cluster:
    """Replicas of `streamlit run app.py` on one database, and nginx in front of them."""

    def __init__(self, database_url: str, *, nginx_port: int = DEFAULT_NGINX_PORT,
                 app_ports: Iterable[int] = DEFAULT_APP_PORTS, state_dir: Path | str = DEFAULT_STATE_DIR,
                 cookie_secret: str | None = None, startup_timeout: float = 120,
                 die_with_parent: bool = True) -> None:
        self.database_url = database_url
        self.nginx_port = nginx_port
        self.app_ports = tuple(app_ports)
        self.state_dir = Path(state_dir).resolve()
        self.cookie_secret = cookie_secret
        self.startup_timeout = startup_timeout
        self.die_with_parent = die_with_parent
        self.replicas: dict[int, subprocess.Popen] = {}
        self.nginx: subprocess.Popen | None = None
        self._replica_env: dict[str, str] = {}

    # where things are
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    @property
    def replica_urls(self) -> dict[int, str]:
        return {port: f"http://127.0.0.1:{port}" for port in self.app_ports}

    @property
    def nginx_conf(self) -> Path:
        return self.state_dir / "nginx.conf"

    @property
    def access_log(self) -> Path:
        return self.state_dir / "access.log"

    def replica_log(self, port: int) -> Path:
        return self.state_dir / f"replica-{port}.log"

    # starting and stopping
    def __enter__(self) -> "Cluster":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _spawn(self, args: list[str], log_path: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
        with open(log_path, "ab") as out:  # a file, never a pipe: nothing can block on it or hold it
            return subprocess.Popen(args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True,
                                    preexec_fn=die_with_parent_of(os.getpid()) if self.die_with_parent else None)

    def start(self) -> None:
        nginx = nginx_binary()
        if nginx is None:
            raise ClusterError("nginx not found (apt-get install nginx)")
        self.state_dir.mkdir(parents=True, exist_ok=True)
        secret = self.cookie_secret or load_cookie_secret(self.state_dir)
        self.nginx_conf.write_text(render_nginx_config(
            [f"127.0.0.1:{port}" for port in self.app_ports], listen=f"127.0.0.1:{self.nginx_port}",
            run_dir=self.state_dir, server_name="localhost", workers="1"))
        self._replica_env = dict(os.environ, KPI_DATABASE_URL=self.database_url, KPI_DEMO_DATA="false",
                                 **{COOKIE_SECRET_ENV: secret})
        try:
            for port in self.app_ports:
                self.start_replica(port, wait=False)
            self._wait_until(lambda: all(healthy(u) for u in self.replica_urls.values()), "the app servers",
                             self.replicas)
            checked = subprocess.run([nginx, "-t", "-q", "-c", str(self.nginx_conf), "-p", str(self.state_dir)],
                                     capture_output=True, text=True, stdin=subprocess.DEVNULL)
            if checked.returncode != 0:
                raise ClusterError(f"nginx -t refused {self.nginx_conf}:\n{checked.stderr}")
            self.nginx = self._spawn([nginx, "-c", str(self.nginx_conf), "-p", str(self.state_dir),
                                      "-g", "daemon off;"], self.state_dir / "nginx.out")
            self._wait_until(lambda: healthy(self.url), "nginx", {"nginx": self.nginx})
        except BaseException:
            self.stop()
            raise

    def start_replica(self, port: int, *, wait: bool = True) -> None:
        """`streamlit run app.py` on `port` (one of app_ports), with the shared settings."""
        self.replicas[port] = self._spawn(
            [PYTHON, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
            self.replica_log(port), self._replica_env)
        if wait:
            self._wait_until(lambda: healthy(self.replica_urls[port]), f"app server :{port}",
                             {port: self.replicas[port]})

    def stop_replica(self, port: int) -> None:
        """Stop one replica (as a crash or a rolling restart would); nginx keeps serving on the others."""
        process = self.replicas.pop(port, None)
        if process is not None:
            stop_process(process, f"app server :{port}")

    def _wait_until(self, ready, what: str, processes: dict) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while not ready():
            for name, process in processes.items():
                if process.poll() is not None:
                    path = self.replica_log(name) if isinstance(name, int) else self.state_dir / "error.log"
                    raise ClusterError(f"{what}: {name} exited ({process.returncode}); {path}:\n{tail(path)}")
            if time.monotonic() > deadline:
                raise ClusterError(f"{what} did not answer /_stcore/health within {self.startup_timeout:.0f} s")
            time.sleep(0.3)

    def stop(self) -> None:
        """nginx first (no new requests), then the replicas. Safe to call more than once."""
        if self.nginx is not None:
            stop_process(self.nginx, "nginx")
            self.nginx = None
        for port, process in list(self.replicas.items()):
            stop_process(process, f"app server :{port}")
        self.replicas.clear()

    # what the tests and the bench read
    def pids(self) -> dict[int, int]:
        return {port: process.pid for port, process in self.replicas.items()}

    def memory_kib(self) -> dict[int, int]:
        """RSS of each replica (its process and any children), KiB."""
        return {port: rss_kib(pid) for port, pid in self.pids().items()}

    def access_log_entries(self) -> list[dict]:
        entries = []
        try:
            lines = self.access_log.read_text().splitlines()
        except FileNotFoundError:
            return entries
        for line in lines:
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                pass
        return entries

    def describe(self) -> str:
        lines = [f"nginx      {self.url}  (config {self.nginx_conf}, log {self.access_log})"]
        lines += [f"app server {url}  (pid {self.replicas[port].pid}, log {self.replica_log(port)})"
                  for port, url in self.replica_urls.items()]
        return "\n".join(lines)


# --- command line -------------------------------------------------------------------------------------

def _pid_file(state_dir: Path) -> Path:
    return state_dir / "cluster.pid"


def _running_pid(state_dir: Path) -> int | None:
    """The supervisor's pid from its pid file, while that process runs."""
    import psutil  # lazy: `nginx-config` runs with a bare Python on the proxy's machine, where psutil may not be

    try:
        pid = int(_pid_file(state_dir).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if psutil.pid_exists(pid) else None


def _ports(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(",") if p.strip())


def cmd_run(args) -> int:
    state_dir = Path(args.state_dir).resolve()
    other = _running_pid(state_dir)
    if other and other != os.getpid():
        log(f"already running (pid {other}); stop it first: python deploy/cluster.py stop")
        return 2
    state_dir.mkdir(parents=True, exist_ok=True)
    _pid_file(state_dir).write_text(f"{os.getpid()}\n")
    (state_dir / "ready").unlink(missing_ok=True)

    def leave(signum, _frame):
        raise KeyboardInterrupt

    # SIGINT too: a shell starting us in the background may have set it to "ignore", which Python keeps.
    for each in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(each, leave)
    cluster = None
    try:
        url = args.database_url or default_database_url()
        log(f"database {url.split('@')[-1]}")
        prepare_database(url)
        cluster = Cluster(url, nginx_port=args.port, app_ports=_ports(args.app_ports), state_dir=state_dir)
        cluster.start()
        (state_dir / "ready").write_text(cluster.url + "\n")
        log("serving\n" + cluster.describe())
        log(f"open {cluster.url}/   (Ctrl-C stops everything)")
        reported: set[int] = set()
        while True:
            time.sleep(1)
            for port, process in cluster.replicas.items():
                if process.poll() is not None and port not in reported:
                    reported.add(port)
                    log(f"app server :{port} exited ({process.returncode}); nginx sends its users to the "
                        f"others. Its log: {cluster.replica_log(port)}")
            if cluster.nginx is not None and cluster.nginx.poll() is not None:
                raise ClusterError(f"nginx exited; {state_dir / 'error.log'}:\n{tail(state_dir / 'error.log')}")
    except KeyboardInterrupt:
        log("stopping")
        return 0
    except ClusterError as error:
        log(f"ERROR: {error}")
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if cluster is not None:
            cluster.stop()
        (state_dir / "ready").unlink(missing_ok=True)
        _pid_file(state_dir).unlink(missing_ok=True)
        log("stopped")


def cmd_start(args) -> int:
    """`run` in the background: a detached supervisor; returns once nginx serves."""
    state_dir = Path(args.state_dir).resolve()
    if _running_pid(state_dir):
        log(f"already running (pid {_running_pid(state_dir)}); python deploy/cluster.py stop")
        return 2
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "ready").unlink(missing_ok=True)
    command = [PYTHON, str(Path(__file__).resolve()), "run", "--state-dir", str(state_dir),
               "--port", str(args.port), "--app-ports", args.app_ports]
    if args.database_url:
        command += ["--database-url", args.database_url]
    with open(state_dir / "cluster.log", "ab") as out:
        supervisor = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                      start_new_session=True, cwd=ROOT)
    deadline = time.monotonic() + 300
    while not (state_dir / "ready").exists():
        if supervisor.poll() is not None or time.monotonic() > deadline:
            if supervisor.poll() is None:
                os.kill(supervisor.pid, signal.SIGTERM)
            log(f"did not start; {state_dir / 'cluster.log'}:\n{tail(state_dir / 'cluster.log')}")
            return 1
        time.sleep(0.5)
    log(f"serving on {(state_dir / 'ready').read_text().strip()} (supervisor pid {supervisor.pid}); "
        f"python deploy/cluster.py stop ends it; log {state_dir / 'cluster.log'}")
    return 0


def cmd_stop(args) -> int:
    import psutil  # lazy: `nginx-config` runs with a bare Python on the proxy's machine, where psutil may not be

    state_dir = Path(args.state_dir).resolve()
    pid = _running_pid(state_dir)
    if pid is None:
        log("not running")
        return 0
    try:
        supervisor = psutil.Process(pid)
        supervisor.terminate()
        supervisor.wait(timeout=60)
    except psutil.NoSuchProcess:
        pass
    except psutil.TimeoutExpired:
        log(f"supervisor {pid} did not stop within 60 s")
        return 1
    log("stopped")
    return 0


def cmd_nginx_config(args) -> int:
    sys.stdout.write(render_nginx_config(args.replica, listen=args.listen, run_dir=args.run_dir,
                                         server_name=args.server_name, secure_cookie=args.secure_cookie,
                                         workers=args.workers))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    for name in ("run", "start", "stop"):
        each = sub.add_parser(name)
        each.add_argument("--state-dir", default=str(DEFAULT_STATE_DIR),
                          help="nginx config, pid, logs, cookie secret (default deploy/run)")
        if name != "stop":
            each.add_argument("--port", type=int, default=DEFAULT_NGINX_PORT, help="nginx's port (8500)")
            each.add_argument("--app-ports", default=",".join(map(str, DEFAULT_APP_PORTS)),
                              help="the replicas' ports, comma-separated (8601,8602)")
            each.add_argument("--database-url", default=None,
                              help="PostgreSQL URL (default $KPI_CLUSTER_DATABASE_URL or local kpi_cluster)")
    conf = sub.add_parser("nginx-config", help="render deploy/nginx.conf.template to stdout")
    conf.add_argument("--replica", action="append", required=True, help="HOST:PORT of an app server (repeat)")
    conf.add_argument("--listen", default="8080")
    conf.add_argument("--run-dir", default="/var/lib/kpi-nginx", help="pid, logs and temp files")
    conf.add_argument("--server-name", default="_")
    conf.add_argument("--secure-cookie", action="store_true", help="behind HTTPS: mark kpi_route Secure")
    conf.add_argument("--workers", default="auto")
    args = parser.parse_args(argv)
    handlers = {"run": cmd_run, "start": cmd_start, "stop": cmd_stop, "nginx-config": cmd_nginx_config}
    if args.command is None:
        args = parser.parse_args(["run", *(argv or sys.argv[1:])])
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())

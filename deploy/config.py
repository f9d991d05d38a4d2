"""What a cluster is made of before anything runs: its paths, ports and names, nginx's configuration
rendered from deploy/nginx.conf.template, and the replicas' shared cookie secret.

Plain Python (no third-party package), like `python deploy/cluster.py nginx-config` on a proxy's machine.
"""
from __future__ import annotations

import os
import secrets
import shutil
import sys
from pathlib import Path
from typing import Iterable

ROOT = Path(__file__).resolve().parent.parent
DEPLOY_DIR = ROOT / "deploy"
TEMPLATE = DEPLOY_DIR / "nginx.conf.template"
DEFAULT_STATE_DIR = DEPLOY_DIR / "run"
DEFAULT_NGINX_PORT = 8500
DEFAULT_APP_PORTS = (8601, 8602)
CLUSTER_DATABASE = "kpi_cluster"
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"  # Streamlit reads server.cookieSecret from it
PYTHON = sys.executable


class ClusterError(RuntimeError):
    """A step failed; the message says which and shows the relevant log."""


def log(message: str) -> None:
    print(f"cluster: {message}", file=sys.stderr, flush=True)


def render_nginx_config(replicas: Iterable[str], *, listen: str, run_dir: Path | str, server_name: str = "_",
                        secure_cookie: bool = False, workers: str = "auto", max_fails: int = 2,
                        fail_timeout: str = "10s") -> str:
    """deploy/nginx.conf.template with its placeholders filled in."""
    replicas = list(replicas)
    if not replicas:
        raise ValueError("at least one replica (HOST:PORT)")
    servers = "\n".join(f"        server {address} max_fails={max_fails} fail_timeout={fail_timeout};"
                        for address in replicas)
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in {"@@WORKERS@@": workers, "@@RUN_DIR@@": str(run_dir), "@@LISTEN@@": listen,
                       "@@SERVER_NAME@@": server_name, "@@UPSTREAM_SERVERS@@": servers,
                       "@@COOKIE_FLAGS@@": "; Secure" if secure_cookie else ""}.items():
        text = text.replace(key, value)
    assert "@@" not in text, "a placeholder of the template was left unfilled"
    return text


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                          if os.access(p, os.X_OK)), None)


def load_cookie_secret(state_dir: Path) -> str:
    """$STREAMLIT_SERVER_COOKIE_SECRET, else the secret in state_dir/cookie_secret (made once)."""
    from_env = os.environ.get(COOKIE_SECRET_ENV)
    if from_env:
        return from_env
    path = state_dir / "cookie_secret"
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
    return path.read_text().strip()

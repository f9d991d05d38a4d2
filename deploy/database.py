"""The cluster's database: a local PostgreSQL started for it, a database of its own created (or dropped),
and migrated with the demo loaded once, before any replica starts.
"""
from __future__ import annotations

import os
import subprocess
import tempfile

from deploy.config import CLUSTER_DATABASE, PYTHON, ROOT, ClusterError, log

def local_postgres_server_url() -> str:
    """Start the local PostgreSQL (.ci/start-postgres: Debian, root) and return its URL."""
    # Through a file, not a pipe: the postmaster must not keep us waiting for EOF.
    with tempfile.TemporaryFile() as out:
        result = subprocess.run([str(ROOT / ".ci" / "start-postgres")], stdout=out, stdin=subprocess.DEVNULL,
                                timeout=300)
        out.seek(0)
        lines = out.read().decode().strip().splitlines()
    if result.returncode != 0 or not lines or not lines[-1].startswith("postgresql"):
        raise ClusterError(".ci/start-postgres failed (it needs root and Debian's postgresql package); "
                           "or set KPI_CLUSTER_DATABASE_URL to a PostgreSQL database")
    return lines[-1]


def create_database(server_url: str, name: str, *, exist_ok: bool = True) -> str:
    """CREATE DATABASE `name` on the server of `server_url` (a superuser's URL); returns its URL."""
    # Lazy: `nginx-config` runs with a bare Python on the proxy's machine, where SQLAlchemy may not be.
    import sqlalchemy as sa
    from kpi.store import databases

    try:
        return databases.create_database(server_url, name, exist_ok=exist_ok)
    except sa.exc.ProgrammingError as error:
        if getattr(error.orig, "sqlstate", None) == "42P04":  # duplicate_database
            raise ClusterError(f"database {name} exists already") from None
        raise


def drop_database(url: str, *, via: str) -> None:
    """DROP DATABASE of `url`, connected to `via` (another database on the same server)."""
    from kpi.store import databases  # lazy: as above

    databases.drop_database(url, via=via)


def prepare_database(url: str) -> None:
    """Migrations, then the demo on an empty database: once, before any replica starts."""
    env = dict(os.environ, KPI_DATABASE_URL=url)
    for args in (["db", "upgrade"], ["demo", "load", "--if-empty"]):
        result = subprocess.run([PYTHON, "-m", "kpi", *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise ClusterError(f"python -m kpi {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        for line in (result.stdout + result.stderr).strip().splitlines()[-2:]:
            log(f"kpi {' '.join(args)}: {line}")


def default_database_url() -> str:
    url = os.environ.get("KPI_CLUSTER_DATABASE_URL")
    if url:
        return url
    return create_database(local_postgres_server_url(), CLUSTER_DATABASE)

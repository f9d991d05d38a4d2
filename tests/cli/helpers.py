"""Running `python -m kpi` as a real process, as the command-line tests do."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def kpi(url: str, *args: str) -> subprocess.CompletedProcess:
    """One command on the database at `url`, in Finnish, its output captured."""
    env = dict(os.environ, KPI_DATABASE_URL=url, KPI_DEFAULT_LANGUAGE="fi")
    return subprocess.run([sys.executable, "-m", "kpi", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def demo_database(folder: Path) -> str:
    """A database file set up the way `make run` does it: upgrade, then the demo."""
    url = f"sqlite:///{folder / 'kpi.sqlite3'}"
    assert kpi(url, "db", "upgrade").returncode == 0
    loaded = kpi(url, "demo", "load")
    assert loaded.returncode == 0, loaded.stderr
    return url

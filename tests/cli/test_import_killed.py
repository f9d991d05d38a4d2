"""An app process killed in the middle of an import leaves the database as it was, and the next
attempt goes through: the import is one transaction, on both databases."""
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from kpi import db

ROOT = Path(__file__).resolve().parents[2]
ROWS = 60_000
UNITS = ROWS // 12 + 1


def _bench():
    spec = importlib.util.spec_from_file_location("import_bench", ROOT / "bench" / "import_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _counts(url: str) -> tuple[int, int, int]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            return tuple(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
                         for table in ("measurement", "measurement_change", "import_log"))
    finally:
        engine.dispose()


def _writing(url: str, pid: int) -> bool:
    """The import has begun writing rows inside its transaction (not yet committed)."""
    if url.startswith("sqlite"):
        wal = Path(sa.engine.make_url(url).database + "-wal")
        return wal.exists() and wal.stat().st_size > 256 * 1024
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_xid IS NOT NULL AND (query ILIKE 'INSERT INTO measurement%' "
                "OR query ILIKE 'COPY measurement%')")).scalar())
    finally:
        engine.dispose()


def _import(url: str, path: Path) -> subprocess.Popen:
    env = {**os.environ, "KPI_DATABASE_URL": url}
    return subprocess.Popen([sys.executable, "-m", "kpi", "--lang", "en", "import", str(path)], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_killing_the_process_mid_import_writes_nothing_and_the_retry_succeeds(empty_db_url, tmp_path):
    bench = _bench()
    bench.prepare(empty_db_url, UNITS)
    path = tmp_path / "payroll.csv"
    path.write_bytes(bench.csv_file(ROWS))
    before = _counts(empty_db_url)

    process = _import(empty_db_url, path)
    deadline = time.monotonic() + 120
    while not _writing(empty_db_url, process.pid):
        assert process.poll() is None, f"the import ended before it could be killed: {process.communicate()}"
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL

    assert _counts(empty_db_url) == before  # not one row, not one history entry, no log line

    retry = _import(empty_db_url, path)
    out, err = retry.communicate(timeout=300)
    assert retry.returncode == 0, err.decode()
    measurements, changes, imports = _counts(empty_db_url)
    assert (measurements - before[0], changes - before[1], imports - before[2]) == (ROWS, ROWS, 1)

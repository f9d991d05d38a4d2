"""`python -m kpi import` as HR runs it: real processes, a real database file with the demo data."""
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def kpi(url: str, *args: str, lang: str = "en", **env) -> subprocess.CompletedProcess:
    environment = dict(os.environ, KPI_DATABASE_URL=url, KPI_DEFAULT_LANGUAGE=lang, **env)
    return subprocess.run([sys.executable, "-m", "kpi", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def demo_url(tmp_path):
    """A fresh demo database per test: these tests write."""
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    assert kpi(url, "db", "upgrade").returncode == 0
    assert kpi(url, "demo", "load").returncode == 0
    return url


def rows(url: str, sql: str) -> list[tuple]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return conn.execute(sql).fetchall()


def write(tmp_path, name: str, text: str, encoding: str = "utf-8-sig") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


CLEAN = "mittari;yksikkö;jakso;arvo;kommentti\nemployer_markings;TE-UUSI;2021;45;koulutuksen jälkeen\n" \
        "Työnantajien hakusanamerkinnät;Itäinen alue;2022;3;\n"
BROKEN = "mittari;yksikkö;jakso;arvo\nemployer_markings;TE-UUSI;2021;45\nnsp;TTH;2021;1\n" \
         "nps;TTH;2021-Q5;1\nnps;TTH;2021;1 000\n"


def test_a_dry_run_shows_the_preview_and_saves_nothing(demo_url, tmp_path):
    before = rows(demo_url, "select count(*) from measurement")
    done = kpi(demo_url, "import", write(tmp_path, "arvot.csv", CLEAN), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "Rows 2: new 2, changing a stored value 0, unchanged 0, with errors 0." in done.stdout
    assert "Dry run" in done.stdout and done.stderr == ""
    assert rows(demo_url, "select count(*) from measurement") == before
    assert rows(demo_url, "select count(*) from import_log") == [(0,)]


def test_errors_exit_2_with_one_line_per_error_on_stderr_and_nothing_saved(demo_url, tmp_path):
    before = rows(demo_url, "select count(*), (select count(*) from measurement_change) from measurement")
    done = kpi(demo_url, "import", write(tmp_path, "virheet.csv", BROKEN, "cp1252"))
    assert done.returncode == 2
    assert "with errors 3" in done.stdout
    lines = done.stderr.strip().splitlines()
    assert lines == [
        "Row 3, column mittari, value “nsp”: unknown indicator (give its code or exact name)",
        "Row 4, column jakso, value “2021-Q5”: is not a period we recognise "
        "(e.g. 2020, 2020-Q1, 3/2021, 2018-06-14)",
        "Row 5, column arvo, value “1 000”: the indicator's valid range is \u2212100 to 100",
        "Import refused, errors: 3; nothing was saved.",
    ]
    assert "Traceback" not in done.stderr
    assert rows(demo_url, "select count(*), (select count(*) from measurement_change) from measurement") == before
    assert rows(demo_url, "select status, file_name, rows_total, rows_new, rows_error from import_log") == [
        ("refused", "virheet.csv", 4, 1, 3)]


def test_a_dry_run_with_errors_also_exits_2_and_logs_nothing(demo_url, tmp_path):
    done = kpi(demo_url, "--lang", "fi", "import", write(tmp_path, "virheet.csv", BROKEN), "--dry-run")
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == \
        "Rivi 3, sarake mittari, arvo ”nsp”: tuntematon mittari (anna tunnus tai tarkka nimi)"
    assert done.stderr.strip().splitlines()[-1] == "Koeajossa löytyi virheitä: 3; mitään ei tallennettu."
    assert rows(demo_url, "select count(*) from import_log") == [(0,)]


def test_an_import_saves_the_values_and_the_scorecard_shows_them(demo_url, tmp_path):
    done = kpi(demo_url, "import", write(tmp_path, "arvot.csv", CLEAN))
    assert done.returncode == 0, done.stderr
    assert "Import saved (log no. 1): new values 2, changed 0, unchanged 0." in done.stdout
    [entry] = rows(demo_url, "select status, imported_by, rows_new from import_log")
    assert entry[0] == "applied" and entry[1].startswith("cli:") and entry[2] == 2
    card = kpi(demo_url, "scorecard", "--period", "2021", "--format", "json", "--as-of", "2026-11-23")
    [row] = [r for r in json.loads(card.stdout) if r["indicator"] == "employer_markings"]
    assert (row["actual"], row["status"]) == (45, "met")  # was 12, not met


def test_replace_is_needed_to_change_a_stored_value(demo_url, tmp_path):
    path = write(tmp_path, "korjaus.csv", "indicator,org_unit,period,value\nemployer_markings,TE-HKI,2021,6\n")
    refused = kpi(demo_url, "import", path)
    assert refused.returncode == 2 and "2021 already holds 4, the file has 6" in refused.stderr
    replaced = kpi(demo_url, "import", path, "--replace")
    assert replaced.returncode == 0 and "changed 1" in replaced.stdout
    assert rows(demo_url, "select value from measurement m join org_unit u on u.id = m.org_unit_id "
                          "where u.code = 'TE-HKI' and m.period = '2021'") == [(6.0,)]


@pytest.mark.parametrize("make,mentions", [
    (lambda tmp: str(tmp / "missing.csv"), "No such file"),
    (lambda tmp: write(tmp, "big.csv", "x" * (2 * 1024 * 1024)), "too big (2 MB); the largest accepted is 1 MB"),
])
def test_a_missing_or_too_big_file_is_one_line_on_stderr(demo_url, tmp_path, make, mentions):
    done = kpi(demo_url, "import", make(tmp_path), KPI_MAX_UPLOAD_MB="1")
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and mentions in done.stderr

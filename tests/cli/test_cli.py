"""`python -m kpi` as a person or a script runs it: real processes, a real database file."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def kpi(url: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, KPI_DATABASE_URL=url, KPI_DEFAULT_LANGUAGE="en")
    return subprocess.run([sys.executable, "-m", "kpi", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    """A database file set up the way `make run` does it: upgrade, then the demo."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'kpi.sqlite3'}"
    assert kpi(url, "db", "upgrade").returncode == 0
    loaded = kpi(url, "demo", "load")
    assert loaded.returncode == 0, loaded.stderr
    return url


def scorecard_json(url: str, period: str, *extra: str) -> list[dict]:
    done = kpi(url, "scorecard", "--period", period, "--format", "json", "--as-of", "2026-11-23", *extra)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_2020_scorecard_shows_nps_67_against_a_binding_70_not_met(demo_url):
    [nps] = [row for row in scorecard_json(demo_url, "2020") if row["indicator"] == "nps"]
    assert nps["actual"] == 67 and nps["comparator"] == "ge" and nps["target"] == 70
    assert nps["binding"] is True and nps["status"] == "not_met" and nps["complete"] is True
    assert nps["org_unit"] == "TTH" and nps["indicator_name"] == "Customer Net Promoter Score (NPS)"
    assert {"org_unit_name", "period", "target_upper", "gap"} <= nps.keys()


def test_the_first_quarter_of_2020_shows_61(demo_url):
    [nps] = [row for row in scorecard_json(demo_url, "Q1/2020") if row["indicator"] == "nps"]
    assert nps["actual"] == 61 and nps["period"] == "2020-Q1"


def test_the_2021_scorecard_shows_340_referrals_against_300_as_met(demo_url):
    [row] = [r for r in scorecard_json(demo_url, "2021") if r["indicator"] == "tyodesign_referrals"]
    assert (row["actual"], row["target"], row["status"]) == (340, 300, "met")


def test_the_unit_option_narrows_the_scorecard(demo_url):
    rows = scorecard_json(demo_url, "2021", "--unit", "TE-UUSI")
    assert rows and {row["org_unit"] for row in rows} == {"TE-UUSI"}


def test_the_table_format_reads_in_finnish_with_decimal_commas(demo_url):
    done = kpi(demo_url, "--lang", "fi", "scorecard", "--period", "2021")
    assert done.returncode == 0
    assert "Ei saavutettu" in done.stdout and "12,3" in done.stdout  # sick-leave days per FTE


def test_csv_output_has_a_header_and_one_line_per_target(demo_url):
    done = kpi(demo_url, "scorecard", "--period", "2020", "--format", "csv")
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("indicator,indicator_name,org_unit")
    assert len(lines) - 1 == len(scorecard_json(demo_url, "2020"))


@pytest.mark.parametrize("args,mentions", [
    (("scorecard", "--period", "2020-Q7"), "2020-Q7"),
    (("scorecard", "--period", "2020", "--unit", "NOPE"), "NOPE"),
    (("scorecard", "--period", "2020", "--as-of", "yesterday"), "yesterday"),
    (("scorecard",), "--period"),
    (("demo", "load"), "--replace"),
    (("frobnicate",), "frobnicate"),
])
def test_every_failure_is_one_line_on_stderr_with_exit_status_2(demo_url, args, mentions):
    done = kpi(demo_url, *args)
    assert done.returncode == 2
    assert done.stdout == "" and len(done.stderr.strip().splitlines()) == 1
    assert mentions in done.stderr and "Traceback" not in done.stderr


def test_a_database_without_a_schema_is_refused_with_a_hint(tmp_path):
    done = kpi(f"sqlite:///{tmp_path / 'empty.sqlite3'}", "scorecard", "--period", "2020")
    assert done.returncode == 2 and "db upgrade" in done.stderr


def test_an_unreachable_database_is_one_line_without_a_stack_trace(tmp_path):
    done = kpi("postgresql+psycopg://nobody:x@127.0.0.1:1/none", "db", "upgrade")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_demo_load_if_empty_succeeds_quietly_on_a_database_with_data(demo_url):
    done = kpi(demo_url, "demo", "load", "--if-empty")
    assert done.returncode == 0 and "not loaded" in done.stdout


def test_backup_and_restore_on_the_command_line(tmp_path, monkeypatch, capsys):
    """db backup, then a change, then db restore: the scorecard is the one from the backup."""
    from kpi.admin.cli import main

    monkeypatch.setenv("KPI_DATABASE_URL", f"sqlite:///{tmp_path / 'kpi.sqlite3'}")
    assert main(["--lang", "en", "db", "upgrade"]) == 0
    assert main(["--lang", "en", "demo", "load"]) == 0
    assert main(["--lang", "en", "scorecard", "--period", "2020", "--format", "json"]) == 0
    capsys.readouterr()
    assert main(["--lang", "en", "db", "backup", str(tmp_path / "kpi.admin.backup")]) == 0
    assert "Backup written" in capsys.readouterr().out
    assert main(["--lang", "en", "demo", "load", "--replace"]) == 0  # the data is rewritten meanwhile
    assert main(["--lang", "en", "db", "restore", str(tmp_path / "kpi.admin.backup")]) == 0
    assert "restored" in capsys.readouterr().out
    assert main(["--lang", "en", "db", "restore", str(tmp_path / "missing.backup")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.backup" in err

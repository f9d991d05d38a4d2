"""`python -m kpi users ...` and `--user`: people on the command line, and imports as a named person."""
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VALUES = "mittari;yksikkö;jakso;arvo\nemployer_markings;TE-UUSI;2021;45\n"


def kpi(url: str, *args: str, stdin: str | None = None, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("KPI_USER", "KPI_AUTH_MODE")}
    environment.update(KPI_DATABASE_URL=url, KPI_DEFAULT_LANGUAGE="en", **env)
    return subprocess.run([sys.executable, "-m", "kpi", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=120, input=stdin)


def rows(url: str, sql: str) -> list[tuple]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def demo_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    assert kpi(url, "db", "upgrade").returncode == 0
    assert kpi(url, "demo", "load").returncode == 0
    return url


@pytest.fixture
def values_file(tmp_path) -> str:
    path = tmp_path / "arvot.csv"
    path.write_bytes(VALUES.encode("utf-8-sig"))
    return str(path)


def test_users_add_set_role_disable_and_list(demo_url):
    added = kpi(demo_url, "users", "add", "Maija@Example.fi", "--role", "editor", "--name", "Maija M",
                "--scope", "TE-UUSI", "--password-stdin", stdin="pitkä salasana\n")
    assert added.returncode == 0, added.stderr
    assert "Added maija@example.fi as editor." in added.stdout
    [(login, role, hashed)] = rows(demo_url, "select login, role, password_hash from person")
    assert (login, role) == ("maija@example.fi", "editor") and hashed.startswith("$argon2")
    assert kpi(demo_url, "users", "add", "viewer", "--role", "viewer").returncode == 0
    again = kpi(demo_url, "users", "add", "VIEWER", "--role", "admin")
    assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1
    short = kpi(demo_url, "users", "add", "x", "--role", "viewer", "--password-stdin", stdin="lyhyt\n")
    assert short.returncode == 2 and "at least 8" in short.stderr

    changed = kpi(demo_url, "users", "set-role", "viewer", "admin")
    assert changed.returncode == 0 and "viewer is now administrator." in changed.stdout
    assert kpi(demo_url, "users", "disable", "maija@example.fi").returncode == 0
    listing = kpi(demo_url, "users", "list")
    assert listing.returncode == 0
    lines = listing.stdout.splitlines()
    assert lines[0].split() == ["Login", "Name", "Role", "Scope", "State", "Password"]
    assert any(line.startswith("maija@example.fi") and "TE-UUSI" in line and "disabled" in line for line in lines)
    assert any(line.startswith("viewer") and "administrator" in line and "all units" in line for line in lines)
    events = [e for (e,) in rows(demo_url, "select event from access_event order by id")]
    assert events == ["person_added", "person_added", "role_changed", "person_disabled"]
    assert {by for (by,) in rows(demo_url, "select by from access_event")} == {f"cli:{os.environ.get('USER') or __import__('getpass').getuser()}"}
    missing = kpi(demo_url, "users", "disable", "nobody")
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1


def test_a_viewer_import_is_refused_and_writes_nothing(demo_url, values_file):
    assert kpi(demo_url, "users", "add", "katsoja", "--role", "viewer").returncode == 0
    before = rows(demo_url, "select count(*), (select count(*) from measurement_change) from measurement")
    done = kpi(demo_url, "--user", "katsoja", "import", values_file)
    assert done.returncode == 2
    assert done.stderr.strip() == "You do not have the right to do this. Nothing was saved. Ask an administrator if you need it."
    assert rows(demo_url, "select count(*), (select count(*) from measurement_change) from measurement") == before
    assert rows(demo_url, "select count(*) from import_log") == [(0,)]
    assert rows(demo_url, "select login, event from access_event where event like 'refused:%'") == [
        ("katsoja", "refused:not_allowed")]
    via_env = kpi(demo_url, "import", values_file, KPI_USER="katsoja")
    assert via_env.returncode == 2


def test_an_editor_import_works_and_names_the_editor(demo_url, values_file):
    assert kpi(demo_url, "users", "add", "hr@example.fi", "--role", "editor", "--scope", "TE-UUSI").returncode == 0
    done = kpi(demo_url, "--user", "HR@example.fi", "import", values_file)
    assert done.returncode == 0, done.stderr
    assert rows(demo_url, "select status, imported_by, rows_new from import_log") == [("applied", "hr@example.fi", 1)]
    outside = Path(values_file).with_name("tth.csv")
    outside.write_text("mittari;yksikkö;jakso;arvo\nnps;TTH;2031;50\n", encoding="utf-8")
    refused = kpi(demo_url, "--user", "hr@example.fi", "import", str(outside))
    assert refused.returncode == 2 and "unit TTH is outside the units you may edit" in refused.stderr


def test_unknown_user_and_password_mode_without_user_are_refused(demo_url, values_file):
    unknown = kpi(demo_url, "--user", "ghost", "import", values_file)
    assert unknown.returncode == 2 and unknown.stderr.strip().startswith("No such person: ghost.")
    unnamed = kpi(demo_url, "import", values_file, KPI_AUTH_MODE="password")
    assert unnamed.returncode == 2 and "--user" in unnamed.stderr
    assert len(unnamed.stderr.strip().splitlines()) == 1
    replace = kpi(demo_url, "demo", "load", "--replace", KPI_AUTH_MODE="password")
    assert replace.returncode == 2
    assert rows(demo_url, "select count(*) from import_log") == [(0,)]
    local = kpi(demo_url, "import", values_file)  # local mode (the default): the OS user, full rights
    assert local.returncode == 0, local.stderr


def test_demo_replace_and_restore_need_an_admin(demo_url, tmp_path):
    assert kpi(demo_url, "users", "add", "hr", "--role", "editor").returncode == 0
    assert kpi(demo_url, "users", "add", "boss", "--role", "admin").returncode == 0
    refused = kpi(demo_url, "--user", "hr", "demo", "load", "--replace")
    assert refused.returncode == 2 and "do not have the right" in refused.stderr
    backup = tmp_path / "varmuus.sqlite3"
    assert kpi(demo_url, "db", "backup", str(backup)).returncode == 0
    assert kpi(demo_url, "--user", "hr", "db", "restore", str(backup)).returncode == 2
    done = kpi(demo_url, "--user", "boss", "demo", "load", "--replace")
    assert done.returncode == 0, done.stderr
    assert rows(demo_url, "select count(*) from person") == [(2,)]

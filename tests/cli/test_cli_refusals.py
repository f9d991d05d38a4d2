"""Whatever is typed, every command ends in one short line, never a stack trace (issue 12, item 10).

Table-driven: each command with inputs a clumsy user or a script produces (a missing file, a folder where
a file belongs, a place nobody may write, even root, control characters, a 100 000-character value).
Each must exit 2 with exactly one line on stderr, at most LINE_LIMIT characters, with no control
character a terminal would act on.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kpi.admin import cli
from kpi.admin.cli import LINE_LIMIT, main

ROOT = Path(__file__).resolve().parents[2]
LONG = "9" * 100_000
CONTROL = "a\x1b[2Jb\x07c\u202ed"  # clears the screen, rings, turns the text around


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('refusals') / 'kpi.sqlite3'}"
    os.environ["KPI_DATABASE_URL"] = url  # main() reads the settings each call; restored below
    try:
        assert main(["db", "upgrade"]) == 0 and main(["demo", "load"]) == 0
    finally:
        del os.environ["KPI_DATABASE_URL"]
    return url


def _cases(folder: Path, live: str) -> dict[str, list[str]]:
    fifo = folder / "pipe"
    if not fifo.exists():
        os.mkfifo(fifo)
    file = folder / "plain.txt"
    file.write_text("x", encoding="utf-8")
    return {
        "backup into /proc (refused even for root)": ["db", "backup", "/proc/kpi.admin.backup"],
        "backup under a regular file": ["db", "backup", str(file / "kpi.admin.backup")],
        "backup onto a folder": ["db", "backup", str(folder)],
        "backup onto a pipe": ["db", "backup", str(fifo)],
        "backup onto the database itself": ["db", "backup", live],
        "backup, a name too long": ["db", "backup", str(folder / ("b" * 300))],
        "backup, a path too long": ["db", "backup", "/tmp/" + "/".join(["d" * 200] * 30)],
        "restore a missing file": ["db", "restore", str(folder / "missing.backup")],
        "restore a folder": ["db", "restore", str(folder)],
        "restore a pipe": ["db", "restore", str(fifo)],
        "restore, control characters": ["db", "restore", str(folder / CONTROL)],
        "restore, a long name": ["db", "restore", LONG],
        "import a missing file": ["import", str(folder / "missing.csv")],
        "import a folder": ["import", str(folder)],
        "import, control characters": ["import", CONTROL],
        "import, a long name": ["import", LONG],
        "scorecard, a long period": ["scorecard", "--period", LONG],
        "scorecard, control characters in the unit": ["scorecard", "--period", "2020", "--unit", CONTROL],
        "scorecard, a long unit": ["scorecard", "--period", "2020", "--unit", LONG],
        "scorecard, a long date": ["scorecard", "--period", "2020", "--as-of", LONG],
        "scorecard, a long format": ["scorecard", "--period", "2020", "--format", LONG],
        "report into /proc": ["report", "--period", "2020", "--kind", "scorecard", "--out", "/proc/kpi.xlsx"],
        "report under a regular file": ["report", "--period", "2020", "--kind", "scorecard", "--out",
                                        str(file / "kpi.xlsx")],
        "report onto a folder": ["report", "--period", "2020", "--kind", "scorecard", "--out", str(folder)],
        "report, a long kind": ["report", "--period", "2020", "--kind", LONG, "--out", str(folder / "r.xlsx")],
        "users add, a long login": ["users", "add", LONG, "--role", "viewer"],
        "users add, control characters": ["users", "add", CONTROL, "--role", "viewer", "--scope", CONTROL],
        "users disable, unknown": ["users", "disable", CONTROL],
        "demo load over data": ["demo", "load"],
        "a long unknown command": [LONG],
        "a long --user": ["--user", LONG, "db", "restore", str(file)],
    }




def _names() -> list[str]:
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        return list(_cases(Path(folder), "x"))


@pytest.mark.parametrize("case", _names())
def test_every_bad_input_ends_in_one_bounded_line_with_exit_status_2(demo_url, case, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KPI_DATABASE_URL", demo_url)
    monkeypatch.delenv("KPI_AUTH_MODE", raising=False)
    args = _cases(tmp_path, demo_url.removeprefix("sqlite:///"))[case]
    assert main(["--lang", "en", *args]) == 2
    _out, err = capsys.readouterr()
    _assert_one_clean_line(err)


def _assert_one_clean_line(err: str) -> None:
    assert err.endswith("\n") and err.count("\n") == 1, err[:500]
    line = err[:-1]
    assert 0 < len(line) <= LINE_LIMIT and "Traceback" not in line
    assert "\x1b" not in line and "\x07" not in line and "\u202e" not in line


def test_backup_onto_read_only_storage_in_a_real_process(demo_url):
    """The issue's case as a person runs it: before, a traceback and exit status 1."""
    done = subprocess.run([sys.executable, "-m", "kpi", "db", "backup", "/proc/kpi.admin.backup"], cwd=ROOT,
                          env=dict(os.environ, KPI_DATABASE_URL=demo_url, KPI_DEFAULT_LANGUAGE="en"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    _assert_one_clean_line(done.stderr)
    assert "/proc/kpi.admin.backup" in done.stderr


def test_a_database_with_an_unknown_schema_revision_is_one_line(tmp_path, monkeypatch, capsys):
    import sqlite3

    file = tmp_path / "future.sqlite3"
    connection = sqlite3.connect(file)
    connection.executescript("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY);"
                             "INSERT INTO alembic_version VALUES ('9999_from_a_newer_release');")
    connection.close()
    monkeypatch.setenv("KPI_DATABASE_URL", f"sqlite:///{file}")
    assert main(["--lang", "en", "db", "upgrade"]) == 2
    err = capsys.readouterr().err
    _assert_one_clean_line(err)
    assert "9999_from_a_newer_release" in err


@pytest.mark.parametrize("raised,status", [(TypeError("a bug\nwith a second line"), 2),
                                           (RuntimeError("x" * 10_000), 2), (KeyboardInterrupt(), 130)])
def test_an_unexpected_failure_is_one_line_too(demo_url, monkeypatch, capsys, raised, status):
    """A bug nobody foresaw (simulated: the scorecard raises) still ends in one line, no stack trace."""
    def broken(*_args, **_kwargs):
        raise raised

    monkeypatch.setenv("KPI_DATABASE_URL", demo_url)
    monkeypatch.setattr(cli, "build_scorecard", broken)
    try:
        ended = main(["--lang", "en", "scorecard", "--period", "2020"])
    except KeyboardInterrupt:  # let through, it would stop the whole test run
        pytest.fail("Ctrl-C escaped main()")
    assert ended == status
    _assert_one_clean_line(capsys.readouterr().err)


def test_a_path_with_control_characters_is_shown_escaped_when_the_backup_succeeds(demo_url, tmp_path,
                                                                                  monkeypatch, capsys):
    monkeypatch.setenv("KPI_DATABASE_URL", demo_url)
    target = tmp_path / CONTROL
    assert main(["--lang", "en", "db", "backup", str(target)]) == 0
    out = capsys.readouterr().out
    assert target.is_file() and "\x1b" not in out and "\\x1b[2Jb\\x07c\\u202ed" in out

"""`python -m kpi export`: the values and targets files written by a real process, and its refusals."""
import csv
import io
from pathlib import Path

import pytest

from kpi.reports.export import MEASUREMENT_COLUMNS, TARGET_COLUMNS
from tests.cli.helpers import demo_database, kpi


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    return demo_database(tmp_path_factory.mktemp("export-cli"))


def rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))


def test_one_indicators_values_inside_a_year_are_written(demo_url, tmp_path):
    out = tmp_path / "arvot.csv"
    done = kpi(demo_url, "export", "values", "--format", "csv", "--out", str(out), "--indicator", "nps",
               "--period", "2020")
    assert done.returncode == 0, done.stderr
    table = rows(out)
    assert tuple(table[0]) == MEASUREMENT_COLUMNS
    assert {(row[0], row[2]) for row in table[1:]} == {("nps", f"2020-Q{q}") for q in range(1, 5)}
    assert done.stdout == f"Kirjoitettiin {out} (4 riviä).\n"


def test_the_targets_are_written_with_their_columns(demo_url, tmp_path):
    out = tmp_path / "tavoitteet.csv"
    done = kpi(demo_url, "export", "targets", "--format", "csv", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert tuple(rows(out)[0]) == TARGET_COLUMNS and len(rows(out)) > 1


@pytest.mark.parametrize("args, message", [
    (["--indicator", "nope"], "Mittari ”nope”: tuntematon mittari"),
    (["--period", "20x"], "Jakso ”20x”: ei ole tunnistettava jakso"),
])
def test_a_refusal_is_one_line_and_leaves_no_file(demo_url, tmp_path, args, message):
    out = tmp_path / "arvot.xlsx"
    done = kpi(demo_url, "export", "values", "--format", "xlsx", "--out", str(out), *args)
    assert done.returncode == 2 and done.stderr.startswith(message) and done.stderr.count("\n") == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_refused(demo_url, tmp_path):
    done = kpi(demo_url, "export", "targets", "--format", "csv", "--out", str(tmp_path / "no" / "t.csv"))
    assert done.returncode == 2 and done.stderr == f"Hakemistoa ei ole: {tmp_path / 'no'}\n"

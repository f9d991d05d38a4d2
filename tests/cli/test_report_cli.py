"""`python -m kpi report`: documents written by a real process from a real database file."""
import io
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.cli.helpers import demo_database, kpi


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    return demo_database(tmp_path_factory.mktemp("report-cli"))


def report(url: str, out: Path, *args: str) -> subprocess.CompletedProcess:
    return kpi(url, "report", "--out", str(out), "--as-of", "2026-11-23", *args)


def test_the_binding_statement_for_2020_is_written_in_finnish(demo_url, tmp_path):
    out = tmp_path / "selvitys.docx"
    done = report(demo_url, out, "--period", "2020", "--kind", "binding-statement")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Kirjoitettu {out} (") and "Mukana (1): Asiakkaiden" in done.stdout
    doc = Document(out)
    assert doc.paragraphs[0].text == "Vuoden 2020 sitovan toiminnallisen tavoitteen toteutumatta jääminen"
    quarters = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert quarters[1] == ["2020-Q1", "61", "≥ 70", "Ei saavutettu"]
    assert len(doc.inline_shapes) == 2
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # an ordinary file, not the temporary one's mode


@pytest.mark.parametrize("where", ["after", "before"])
def test_the_language_may_be_given_before_or_after_the_subcommand(demo_url, tmp_path, where):
    out = tmp_path / "statement.docx"
    args = ["report", "--out", str(out), "--period", "2020", "--kind", "binding-statement"]
    args = args + ["--lang", "en"] if where == "after" else ["--lang", "en"] + args
    done = kpi(demo_url, *args)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Wrote {out}")
    assert Document(out).paragraphs[0].text == "Binding operational target for 2020 not met"


def test_a_year_without_unmet_binding_targets_still_gets_its_statement(demo_url, tmp_path):
    out = tmp_path / "2021.docx"
    done = report(demo_url, out, "--period", "2021", "--kind", "binding-statement")
    assert done.returncode == 0, done.stderr
    assert "Toteutumatta jääneitä sitovia tavoitteita ei ole" in done.stdout
    texts = [p.text for p in Document(out).paragraphs]
    assert "Vuodelta 2021 ei ole toteutumatta jääneitä sitovia tavoitteita." in texts


def test_the_review_pack_and_the_scorecard_spreadsheet_for_a_unit(demo_url, tmp_path):
    pack, sheet = tmp_path / "pack.docx", tmp_path / "card.xlsx"
    assert report(demo_url, pack, "--period", "Q3/2020", "--kind", "review-pack", "--lang", "en").returncode == 0
    assert Document(pack).paragraphs[0].text == "Quarterly review 2020-Q3"
    done = report(demo_url, sheet, "--period", "2020", "--kind", "scorecard", "--unit", "TTH")
    assert done.returncode == 0, done.stderr
    rows = list(load_workbook(io.BytesIO(sheet.read_bytes())).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "Ei saavutettu" and rows[1][7] == 67


@pytest.mark.parametrize("args,message", [
    (["--period", "20x0", "--kind", "review-pack"], "Jakso ”20x0”"),
    (["--period", "2020", "--kind", "memo"], "invalid choice: 'memo'"),
    (["--period", "2020-Q1", "--kind", "binding-statement"], "”2020-Q1” ei ole vuosi"),
    (["--period", "2020", "--kind", "scorecard", "--unit", "NOPE"], "Yksikkö ”NOPE”"),
    (["--period", "2020", "--kind", "scorecard", "--as-of", "eilen"], "eilen"),
])
def test_a_refusal_is_one_line_on_stderr_exit_2_and_no_file(demo_url, tmp_path, args, message):
    out = tmp_path / "never.docx"
    done = report(demo_url, out, *args)
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == "" and list(tmp_path.iterdir()) == []


def test_a_refusal_leaves_an_existing_file_as_it_was(demo_url, tmp_path):
    out = tmp_path / "old.docx"
    out.write_bytes(b"the earlier statement")
    done = report(demo_url, out, "--period", "2020-Q1", "--kind", "binding-statement")
    assert done.returncode == 2 and out.read_bytes() == b"the earlier statement"
    assert [p.name for p in tmp_path.iterdir()] == ["old.docx"]   # no temporary file left behind


@pytest.mark.parametrize("target", ["missing/dir/out.docx", "."])
def test_an_output_path_that_cannot_be_written_is_one_line(demo_url, tmp_path, target):
    done = report(demo_url, tmp_path / target, "--period", "2020", "--kind", "review-pack")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert str(tmp_path) in done.stderr

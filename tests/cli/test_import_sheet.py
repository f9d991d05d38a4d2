"""`python -m kpi import --sheet`: the person names a workbook's sheet; without it the first with a header."""
import openpyxl

from tests.cli.test_import_cli import demo_url, kpi, rows  # noqa: F401 - the fixture and helpers of the import CLI tests

HEADER = ["mittari", "yksikkö", "jakso", "arvo"]


def two_sheets(tmp_path) -> str:
    book = openpyxl.Workbook()
    book.active.title = "Vanhat"
    for row in (HEADER, ["employer_markings", "TE-UUSI", 2021, 45]):
        book.active.append(row)
    newer = book.create_sheet("Uudet")
    for row in (["Uudet arvot"], HEADER, ["employer_markings", "TE-UUSI", 2022, 3],
                ["employer_markings", "TE-ITA", 2022, 4]):
        newer.append(row)
    path = tmp_path / "arvot.xlsx"
    book.save(path)
    return str(path)


def test_without_sheet_the_first_sheet_with_a_header_is_read(demo_url, tmp_path):
    done = kpi(demo_url, "import", two_sheets(tmp_path), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "Rows 1:" in done.stdout


def test_sheet_by_name_or_number_reads_that_sheet_and_saves_it(demo_url, tmp_path):
    path = two_sheets(tmp_path)
    assert "Rows 2:" in kpi(demo_url, "import", path, "--dry-run", "--sheet", "2").stdout
    done = kpi(demo_url, "import", path, "--sheet", "Uudet")
    assert done.returncode == 0, done.stderr
    assert rows(demo_url, "select count(*) from import_log where status = 'applied'") == [(1,)]


def test_a_sheet_not_in_the_workbook_is_one_line_naming_the_sheets(demo_url, tmp_path):
    done = kpi(demo_url, "import", two_sheets(tmp_path), "--sheet", "Arvot", lang="fi")
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == "Tiedosto: työkirjassa ei ole taulukkoa ”Arvot”; sen taulukot: Vanhat, Uudet"

"""Workbooks as people make them, as real files: made with openpyxl, then re-saved through LibreOffice Calc
(headless) as xlsx and converted to .ods. Each is previewed against the demo data: the right rows from
the right sheet, or one refusal naming the sheets and the rows looked at."""
from datetime import date

import openpyxl
import pytest

from kpi import db
from kpi.importing import preview
from kpi.importing.reader import read_table

HEADER = ["Mittari", "Yksikkö", "Jakso", "Arvo", "Kommentti"]
ROWS = [["employer_markings", "TE-UUSI", 2021, 45, "koulutuksen jälkeen"],
        ["tyodesign_referrals", "TE-ITA", date(2022, 1, 1), 7, None]]  # typed 1/2022: a date shown as a month
INSTRUCTIONS = ["Täytä arvot taulukkoon Arvot, yksi rivi kullekin mittarille, yksikölle ja jaksolle.",
                "Jakso: vuosi (2021), neljännes (2021-Q1) tai kuukausi (1/2022)."]


def instructions_first(book):
    notes = book.active
    notes.title = "Ohjeet"
    for line in INSTRUCTIONS:
        notes.append([line])
    values = book.create_sheet("Arvot")
    return values, [HEADER, *ROWS]


def merged_title(book):
    book.active.title = "Arvot"
    return book.active, [["Työterveyden arvot 2021–2022"], [], HEADER, *ROWS], "A1:E1"


def hidden_column(book):
    book.active.title = "Arvot"
    book.active.column_dimensions["B"].hidden = True  # the units, hidden to print the sheet narrower
    return book.active, [HEADER, *ROWS]


def blank_rows(book):
    book.active.title = "Arvot"
    return book.active, [[], [], [], HEADER, *ROWS]


def no_header(book):
    notes = book.active
    notes.title = "Ohjeet"
    for line in INSTRUCTIONS:
        notes.append([line])
    values = book.create_sheet("Arvot")
    return values, [["Mitari", "Yksiko", "Kausi", "Arvo"], *ROWS]  # misspelt: only one heading known


SHAPES = {"instructions_first": (instructions_first, [2, 3]), "merged_title": (merged_title, [4, 5]),
          "hidden_column": (hidden_column, [2, 3]), "blank_rows": (blank_rows, [5, 6])}


def make(tmp_path, shape) -> str:
    book = openpyxl.Workbook()
    sheet, rows, *merged = shape(book)
    for row in rows:
        sheet.append(row)
    for cells in merged:  # the title over the columns
        sheet.merge_cells(cells)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, date):
                cell.number_format = "mm/yyyy"
    path = tmp_path / f"{shape.__name__}.xlsx"
    book.save(path)
    return path


@pytest.fixture(params=["openpyxl", "calc_xlsx", "calc_ods"])
def made_by(request, libreoffice):
    """Turns an openpyxl file into the file as it reaches the import: as is, re-saved by Calc, or an .ods."""
    if request.param == "openpyxl":
        return lambda path: path
    target = "xlsx:Calc MS Excel 2007 XML" if request.param == "calc_xlsx" else "ods"
    return lambda path: libreoffice(path, target)


@pytest.mark.parametrize("name", SHAPES)
def test_a_workbook_as_people_make_it_is_read_from_its_header_with_the_right_rows(name, made_by, tmp_path,
                                                                                    demo_engine):
    shape, numbers = SHAPES[name]
    path = made_by(make(tmp_path, shape))
    table = read_table(path, path.name)
    assert table.problems == [] and table.sheet == "Arvot"
    assert [(number, cells[:4]) for number, cells in table.rows] == [
        (numbers[0], ("employer_markings", "TE-UUSI", 2021.0, 45.0)),
        (numbers[1], ("tyodesign_referrals", "TE-ITA", "2022-01", 7.0))]
    outcome = preview(lambda: db.session_scope(demo_engine), path, path.name, replace=False, max_bytes=None)
    assert outcome.problems == [] and (outcome.counts["total"], outcome.counts["error"]) == (2, 0)


def test_a_workbook_without_a_header_is_refused_naming_the_sheets_and_the_rows(made_by, tmp_path, demo_engine):
    path = made_by(make(tmp_path, no_header))
    outcome = preview(lambda: db.session_scope(demo_engine), path, path.name, replace=False, max_bytes=None)
    [problem] = outcome.problems
    assert problem.key == "import.problems.no_header"
    assert "katsottiin taulukot ”Ohjeet” (rivit 1–2) ja ”Arvot” (rivit 1–3)" in problem.reason("fi")
    assert "looked at the sheets “Ohjeet” (rows 1–2) and “Arvot” (rows 1–3)" in problem.reason("en")

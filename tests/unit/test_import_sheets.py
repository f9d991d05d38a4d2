"""Workbooks as people make them (openpyxl in memory): the sheet and the header row are found below an
instructions sheet, a merged title, blank rows; a hidden column is read; the person may pick the sheet;
when nothing matches, one problem names the sheets and rows looked at and the headings expected."""
import io
from datetime import date

import openpyxl
import pytest

from kpi.importing.reader import read_table, sheet_names
from kpi.importing.sheets import sheet_index

HEADER = ["Mittari", "Yksikkö", "Jakso", "Arvo"]
ROWS = [["nps", "TTH", "2021-Q1", 61.5], ["sick_days", "HALL", date(2021, 3, 1), 4]]


def workbook(*sheets, hidden=None, merged=None) -> bytes:
    """A workbook whose sheets are (name, rows); `merged`: a range merged on the last sheet; `hidden`: a
    column hidden on it."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    if merged:
        sheet.merge_cells(merged)
    if hidden:
        sheet.column_dimensions[hidden].hidden = True
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "mmm-yy"  # typed 3/2021: Excel keeps a month's date
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


INSTRUCTIONS = ("Ohjeet", [["Täytä arvot taulukkoon Arvot."], ["Yksi rivi kullekin mittarille ja jaksolle."]])


def read(data, **options):
    table = read_table(data, "arvot.xlsx", **options)
    return table, [(number, cells[:4]) for number, cells in table.rows]


def test_a_first_instructions_sheet_is_passed_over_for_the_sheet_with_the_header():
    table, rows = read(workbook(INSTRUCTIONS, ("Arvot", [HEADER, *ROWS])))
    assert table.problems == [] and (table.sheet, table.header_row) == ("Arvot", 1)
    assert rows == [(2, ("nps", "TTH", "2021-Q1", 61.5)), (3, ("sick_days", "HALL", "2021-03", 4.0))]


def test_a_merged_title_and_blank_rows_above_the_header_are_left_out_and_rows_keep_their_numbers():
    data = workbook(("Arvot", [["Arvot 2021, Työterveys"], [], ["Päivitetty 1.2.2022"], [], HEADER, *ROWS]),
                    merged="A1:D1")
    table, rows = read(data)
    assert table.problems == [] and table.header_row == 5
    assert [number for number, _ in rows] == [6, 7]


def test_a_hidden_column_is_read_like_any_other():
    data = workbook(("Arvot", [["Mittari", "Tunnus", "Yksikkö", "Jakso", "Arvo"], ["nps", 17, "TTH", 2021, 3]]),
                    hidden="B")
    table, _rows = read(data)
    assert table.problems == [] and table.ignored == ["Tunnus"]
    assert table.rows[0][1][:4] == ("nps", "TTH", 2021.0, 3.0)


def test_the_header_may_be_on_row_20_but_not_below():
    at_20 = workbook(("Arvot", [["otsikko"]] + [[]] * 18 + [HEADER, *ROWS]))
    assert read(at_20)[0].header_row == 20
    at_21 = workbook(("Arvot", [["otsikko"]] + [[]] * 19 + [HEADER, *ROWS]))
    assert [p.key for p in read(at_21)[0].problems] == ["import.problems.no_header"]


def test_the_person_picks_the_sheet_by_name_or_number():
    data = workbook(("Vanhat", [HEADER, ["nps", "TTH", "2020", 1]]), ("Arvot", [HEADER, *ROWS]))
    assert read(data)[0].sheet == "Vanhat"
    assert read(data, sheet="Arvot")[0].sheet == "Arvot" and read(data, sheet=2)[0].sheet == "Arvot"
    assert read(data, sheet="  arvot ")[0].sheet == "Arvot" and read(data, sheet="2")[1][0][0] == 2
    assert sheet_names(data, "arvot.xlsx") == ["Vanhat", "Arvot"] and sheet_names(b"a;b\n", "a.csv") == []


@pytest.mark.parametrize("choice,index", [("B", 1), ("b", 1), (1, 0), ("3", None), (0, None), ("C", None), ("2", 1)])
def test_a_sheet_choice_is_a_name_first_then_a_number(choice, index):
    assert sheet_index(["A", "B"], choice) == index


def test_a_sheet_not_in_the_workbook_is_one_problem_listing_the_sheets():
    table, _ = read(workbook(INSTRUCTIONS, ("Arvot", [HEADER, *ROWS])), sheet="Tulokset")
    [problem] = table.problems
    assert problem.line("fi") == "Tiedosto: työkirjassa ei ole taulukkoa ”Tulokset”; sen taulukot: Ohjeet, Arvot"


def test_no_header_anywhere_is_one_problem_naming_the_sheets_the_rows_and_the_headings_expected():
    data = workbook(INSTRUCTIONS, ("Arvot", [["Arvot"]] + [["x", "y"]] * 30), ("Tyhjä", []))
    [problem] = read(data)[0].problems
    assert problem.line("fi") == (
        "Tiedosto: otsikkoriviä ei löytynyt: katsottiin taulukot ”Ohjeet” (rivit 1–2), ”Arvot” (rivit 1–20) ja "
        "”Tyhjä” (ei rivejä); odotettiin sarakkeita mittari/indicator, yksikkö/org_unit, jakso/period ja arvo/value "
        "(tai arvon sijaan osoittaja/numerator ja nimittäjä/denominator)")
    assert problem.reason("en").startswith("no header row found: looked at the sheets “Ohjeet” (rows 1–2), "
                                           "“Arvot” (rows 1–20) and “Tyhjä” (no rows); expected the columns "
                                           "indicator/mittari, org_unit/yksikkö")


def test_a_header_missing_a_column_below_a_title_names_the_column():
    table, _ = read(workbook(INSTRUCTIONS, ("Arvot", [["Arvot 2021"], ["Mittari", "Yksikkö", "Arvo"], ["nps", "TTH", 1]])))
    assert [(p.key, p.field) for p in table.problems] == [("import.problems.missing_column", "period")]
    assert (table.sheet, table.header_row) == ("Arvot", 2)


def test_a_workbook_with_nothing_in_it_is_still_an_empty_file():
    assert [p.key for p in read(workbook(("Taul1", [])))[0].problems] == ["import.problems.empty_file"]

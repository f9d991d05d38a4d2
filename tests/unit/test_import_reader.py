"""Import files as Finnish spreadsheets write them are read into the same rows; broken ones give
problems, never exceptions. The checks that need no database (catalogue, periods, numbers, duplicates)
run here on an in-memory catalogue."""
import io
from datetime import date

import openpyxl
from openpyxl.utils.exceptions import IllegalCharacterError
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.i18n import LANGUAGES, catalogue
from kpi.importing.bulk import Stored
from kpi.importing.plan import Catalogue, check_rows, classify
from kpi.importing.problems import Problem
from kpi.importing.reader import FIELDS, number_cell, read_table
from kpi.models import Indicator, OrgUnit

EXPECTED = [  # (indicator, org_unit, period, value) as text, the way every variant below should read
    ("nps", "Työterveys Helsinki", "2021-Q1", "61,5"),
    ("sick_days", "Hallinto", "3/2021", "1 234,5"),
]


def cells(table, *names):
    index = [FIELDS.index(name) for name in names]
    return [tuple(row[i] for i in index) for _number, row in table.rows]


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


# --- CSV variants --------------------------------------------------------------------------------

VARIANTS = [  # (case, file text, encoding, separator found)
    ("semicolon, decimal comma, UTF-8 with BOM",
     "\ufeffindicator;org_unit;period;value\n"
     "nps;Työterveys Helsinki;2021-Q1;61,5\nsick_days;Hallinto;3/2021;1 234,5\n", "utf-8", ";"),
    ("Windows-1252 with ä and ö, Finnish headers",
     "mittari;yksikkö;jakso;arvo\n"
     "nps;Työterveys Helsinki;2021-Q1;61,5\nsick_days;Hallinto;3/2021;1 234,5\n", "cp1252", ";"),
    ("tab-separated",
     "indicator\torg_unit\tperiod\tvalue\n"
     "nps\tTyöterveys Helsinki\t2021-Q1\t61,5\nsick_days\tHallinto\t3/2021\t1 234,5\n", "utf-8", "\t"),
    ("comma-separated, decimal comma in quotes, CRLF",
     'indicator,org_unit,period,value\r\n'
     'nps,Työterveys Helsinki,2021-Q1,"61,5"\r\nsick_days,Hallinto,3/2021,"1 234,5"\r\n', "utf-8", ","),
    ("Excel's sep= line, spaces around cells and headers, blank trailing rows",
     "sep=;\n Mittari ; YKSIKKÖ ;Jakso; Arvo \n"
     " nps ; Työterveys Helsinki ;2021-Q1; 61,5 \nsick_days;Hallinto;3/2021;1 234,5\n;;;\n\n\n", "utf-8", ";"),
    ("UTF-16 (Excel's Unicode text)",
     "mittari\tyksikkö\tjakso\tarvo\r\n"
     "nps\tTyöterveys Helsinki\t2021-Q1\t61,5\r\nsick_days\tHallinto\t3/2021\t1 234,5\r\n", "utf-16", "\t"),
]


@pytest.mark.parametrize("case,text,encoding,separator", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_each_way_a_spreadsheet_writes_csv_reads_into_the_same_rows(case, text, encoding, separator):
    table = read_table(csv_bytes(text, encoding), "arvot.csv")
    assert table.problems == []
    assert table.separator == separator
    assert cells(table, "indicator", "org_unit", "period", "value") == EXPECTED
    assert [number for number, _ in table.rows] == [2, 3]


def test_windows_1252_is_recognised_and_keeps_the_umlauts():
    table = read_table("mittari;yksikkö;jakso;arvo\nnps;Itäinen alue;2021;5\n".encode("cp1252"), "a.csv")
    assert table.encoding == "windows-1252" and cells(table, "org_unit") == [("Itäinen alue",)]


def test_comma_separated_with_decimal_points_reads():
    table = read_table(b"indicator,org_unit,period,value,comment\nnps,TTH,2021,61.5,ok\n", "a.csv")
    assert cells(table, "value", "comment") == [("61.5", "ok")] and number_cell("61.5") == 61.5


NUMBERS = [
    ("61,5", 61.5), ("61.5", 61.5), ("1 234,5", 1234.5), ("1\u00a0234,5", 1234.5), ("1\u202f234", 1234.0),
    ("−3", -3.0), ("-3,25", -3.25), ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("1,5e3", 1500.0), ("", None),
    (12.0, 12.0),
]


@pytest.mark.parametrize("text,number", NUMBERS)
def test_numbers_read_with_decimal_comma_and_grouped_thousands(text, number):
    assert number_cell(text) == number


@pytest.mark.parametrize("text", ["lots", "1,2,3", "nan", "inf", "1_000", "12 %", "--1", "1e999"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(ValueError):
        number_cell(text)


def test_blank_rows_in_between_are_skipped_but_row_numbers_stay_the_spreadsheets():
    table = read_table(b"\nindicator;org_unit;period;value\nnps;TTH;2020;1\n;;;\nnps;TTH;2021;2\n", "a.csv")
    assert [number for number, _ in table.rows] == [3, 5]


def test_unknown_columns_are_ignored_and_listed():
    table = read_table(b"indicator;org_unit;period;value;source system\nnps;TTH;2020;1;SAP\n", "a.csv")
    assert table.ignored == ["source system"] and table.problems == []


def test_a_ratio_file_may_give_numerator_and_denominator_without_a_value_column():
    table = read_table(b"mittari;yksikk\xf6;jakso;osoittaja;nimitt\xe4j\xe4\nnps;TTH;2021-Q1;488;800\n", "a.csv")
    assert table.problems == [] and cells(table, "value", "numerator", "denominator") == [(None, "488", "800")]


# --- whole-file problems -------------------------------------------------------------------------

def only_problem(table) -> Problem:
    assert len(table.problems) == 1, table.problems
    return table.problems[0]


@pytest.mark.parametrize("header,missing,names", [
    ("indicator;org_unit;value", "period", "period / jakso"),
    ("mittari;jakso;arvo", "org_unit", "org_unit / orgunit / yksikkö / organisaatioyksikkö"),
    ("indicator;org_unit;period;comment", "value", "value / arvo"),
])
def test_a_missing_required_column_is_named(header, missing, names):
    problem = only_problem(read_table(f"{header}\nx;y;z\n".encode(), "a.csv"))
    assert (problem.key, problem.field) == ("import.problems.missing_column", missing)
    assert names in problem.reason("en") and "pakollinen sarake puuttuu" in problem.reason("fi")


@pytest.mark.parametrize("data,name,key", [
    (b"", "a.csv", "import.problems.empty_file"),
    (b"\n\n \n", "a.csv", "import.problems.empty_file"),
    (b"indicator;org_unit;period;value\n\n", "a.csv", "import.problems.no_rows"),
    (b"indicator;value;arvo;org_unit;period\n", "a.csv", "import.problems.duplicate_column"),
    (b"PK\x03\x04 not really a workbook", "a.xlsx", "import.problems.unreadable_xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.xls", "import.problems.old_excel"),
    (b"x" * 2000, "a.csv", "import.problems.too_big"),
])
def test_a_broken_file_is_one_clear_problem(data, name, key):
    assert only_problem(read_table(data, name, max_bytes=1000)).key == key


def test_too_big_says_the_size_and_the_limit():
    problem = only_problem(read_table(b"x" * (3 * 1024 * 1024), "a.csv", max_bytes=2 * 1024 * 1024))
    assert problem.reason("fi") == "tiedosto on liian suuri (3 Mt); suurin sallittu koko on 2 Mt"


def test_an_unquoted_decimal_comma_in_a_comma_file_is_caught_on_its_row():
    table = read_table(b"indicator,org_unit,period,value\nnps,TTH,2021,61,5\n", "a.csv")
    problem = only_problem(table)
    assert (problem.row, problem.key) == (2, "import.problems.extra_cells") and table.rows == []
    assert problem.line("en").startswith("Row 2, value “5”: the row has more cells (5) than the header has columns")


@pytest.mark.parametrize("problem,line", [
    (Problem(None, None, None, "", "import.problems.empty_file"), "File: the file is empty"),
    (Problem(None, "period", None, "", "import.problems.missing_column", {"names": "period / jakso"}),
     "Column period: a required column is missing: period / jakso"),
    (Problem(7, None, None, "", "import.problems.unreadable_csv"),
     "Row 7: the row cannot be read as CSV (e.g. a quotation mark is never closed)"),
    (Problem(3, "value", "arvo", "x", "errors.not_a_number"), "Row 3, column arvo, value “x”: is not a number"),
])
def test_a_problem_reads_as_one_line_naming_what_applies(problem, line):
    assert problem.line("en") == line


# --- XLSX ----------------------------------------------------------------------------------------

def xlsx_bytes(rows, formats=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref, number_format in (formats or {}).items():
        sheet[ref].number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_file_reads_numbers_text_and_periods():
    data = xlsx_bytes([
        ["Mittari", "Yksikkö", "Jakso", "Arvo", "Kommentti"],
        ["nps", "Työterveys Helsinki", "2021-Q1", 61.5, "  ok  "],
        [None, None, None, None, None],
        ["sick_days", "Hallinto", 2021, 12, None],
        ["sick_days", "Hallinto", date(2021, 3, 1), "1 234,5", None],   # typed 3/2021, Excel made it a date
        ["sick_days", "Hallinto", date(2021, 6, 14), 3, None],          # a real date
        [None, None, None, None, None],
    ], formats={"C5": "mmm-yy", "C6": "d.m.yyyy"})
    table = read_table(data, "arvot.xlsx")
    assert table.format == "xlsx" and table.problems == []
    assert [number for number, _ in table.rows] == [2, 4, 5, 6]
    assert cells(table, "period", "value", "comment") == [
        ("2021-Q1", 61.5, "ok"), (2021.0, 12.0, ""), ("2021-03", "1 234,5", ""), ("2021-06-14", 3.0, "")]


def test_an_xlsx_file_without_a_required_column_names_it():
    problem = only_problem(read_table(xlsx_bytes([["indicator", "org_unit", "value"], ["nps", "TTH", 1]]), "a.xlsx"))
    assert problem.key == "import.problems.missing_column" and problem.field == "period"


# --- checks without a database -------------------------------------------------------------------

def demo_catalogue() -> Catalogue:
    nps = Indicator(id=1, code="nps", name_fi="NPS", name_en="Net Promoter Score", direction="higher",
                    aggregation="ratio", scale=100, min_value=-100, max_value=100)
    days = Indicator(id=2, code="sick_days", name_fi="Sairauspäivät", name_en="Sick days", direction="lower",
                     aggregation="ratio", min_value=0, decimals=1)
    units = [OrgUnit(id=1, code="TTH", name_fi="Työterveys Helsinki", name_en="Occupational Health"),
             OrgUnit(id=2, code="HALL", name_fi="Hallinto", name_en="Administration")]
    return Catalogue.build([nps, days], units)


def check(text: str, existing=None, replace=False):
    plan = check_rows(read_table(text.encode(), "a.csv"), demo_catalogue())
    return classify(plan, existing or {}, replace=replace)


def test_rows_resolve_indicators_and_units_by_code_or_exact_name_in_either_language():
    plan = check("mittari;yksikkö;jakso;arvo\nnps;TTH;2021;1\nNet Promoter Score;Työterveys Helsinki;2022;2\n"
                 "NPS;Occupational Health;Q1/2021;3\nSairauspäivät;Administration;3/2021;4,5\n")
    assert plan.ok
    assert [(r.indicator.code, r.unit.code, r.period.code, r.value) for r in plan.rows] == [
        ("nps", "TTH", "2021", 1), ("nps", "TTH", "2022", 2), ("nps", "TTH", "2021-Q1", 3),
        ("sick_days", "HALL", "2021-03", 4.5)]


ROW_ERRORS = [
    # (row text, column named, value shown, reason key)
    ("nsp;TTH;2021;1", "mittari", "nsp", "errors.unknown_indicator"),
    ("nps;XYZ;2021;1", "yksikkö", "XYZ", "errors.unknown_unit"),
    ("nps;TTH;2021-Q5;1", "jakso", "2021-Q5", "errors.bad_period"),
    ("nps;TTH;2021;paljon", "arvo", "paljon", "errors.not_a_number"),
    ("nps;TTH;2021;120", "arvo", "120", "errors.outside_valid_range"),
    ("nps;TTH;2021;-100,5", "arvo", "-100,5", "errors.outside_valid_range"),
    ("sick_days;HALL;2021;-1", "arvo", "-1", "errors.outside_valid_range"),
    ("nps;TTH;2021;", "arvo", "", "errors.required"),
    (";TTH;2021;5", "mittari", "", "errors.required"),
]


@pytest.mark.parametrize("row,column,value,key", ROW_ERRORS, ids=[r[3] + ":" + r[0] for r in ROW_ERRORS])
def test_a_bad_row_is_an_error_naming_row_column_value_and_reason(row, column, value, key):
    plan = check(f"mittari;yksikkö;jakso;arvo\nnps;TTH;2020;1\n{row}\n")
    [problem] = plan.problems
    assert (problem.row, problem.column("fi"), problem.value, problem.key) == (3, column, value, key)
    assert plan.counts == {"total": 2, "new": 1, "changed": 0, "unchanged": 0, "error": 1}
    for lang in LANGUAGES:
        assert problem.reason(lang) != problem.key and problem.line(lang).startswith(("Rivi 3", "Row 3"))


def test_every_error_of_a_row_is_reported_not_only_the_first():
    plan = check("mittari;yksikkö;jakso;arvo\nnsp;XYZ;2021-Q5;x\n")
    assert [p.field for p in plan.problems] == ["indicator", "org_unit", "period", "value"]
    assert plan.counts["error"] == 1


def test_ratio_parts_follow_the_stores_rules():
    plan = check("mittari;yksikkö;jakso;arvo;osoittaja;nimittäjä\n"
                 "nps;TTH;2021-Q1;;488;800\n"        # value from the parts: 61
                 "nps;TTH;2021-Q2;75;488;800\n"      # disagrees with the parts
                 "nps;TTH;2021-Q3;;5;\n"             # a numerator without its denominator
                 "nps;TTH;2021-Q4;;0;0\n")           # no responses
    assert plan.rows[0].value == 61
    assert [(p.row, p.key) for p in plan.problems] == [
        (3, "errors.parts_disagree"), (4, "errors.both_parts_needed"), (5, "errors.must_be_positive")]
    assert "61" in plan.problems[0].reason("fi")


def test_the_same_indicator_unit_and_period_twice_is_an_error_on_the_second():
    plan = check("mittari;yksikkö;jakso;arvo\nnps;TTH;2021-Q1;60\nnps;Työterveys Helsinki;Q1/2021;61\n")
    [problem] = plan.problems
    assert (problem.row, problem.key, problem.params["first"]) == (3, "import.problems.duplicate_row", 2)


def stored(value, numerator=None, denominator=None, comment=""):
    return Stored(id=9, version=1, indicator_id=1, org_unit_id=1, period="2021", value=value, numerator=numerator,
                  denominator=denominator, weight=None, comment=comment, source="", period_label="", synthetic=False)


def test_a_row_that_would_change_a_stored_value_is_an_error_unless_replacing():
    text = "mittari;yksikkö;jakso;arvo\nnps;TTH;2021;65\n"
    refused = check(text, {(1, 1, "2021"): stored(61, 488, 800)})
    [problem] = refused.problems
    assert problem.key == "import.problems.would_change"
    assert "61 (488 / 800)" in problem.reason("fi") and "65" in problem.reason("fi")
    replaced = check(text, {(1, 1, "2021"): stored(61, 488, 800)}, replace=True)
    assert replaced.ok and replaced.counts == {"total": 1, "new": 0, "changed": 1, "unchanged": 0, "error": 0}


def test_a_row_equal_to_the_stored_value_is_unchanged_and_an_empty_comment_keeps_the_stored_one():
    plan = check("mittari;yksikkö;jakso;arvo;kommentti\nnps;TTH;2021;61;\n", {(1, 1, "2021"): stored(61, comment="x")})
    assert plan.ok and plan.counts["unchanged"] == 1 and plan.to_write() == []


def test_a_different_comment_alone_is_a_change():
    plan = check("mittari;yksikkö;jakso;arvo;kommentti\nnps;TTH;2021;61;uusi\n", {(1, 1, "2021"): stored(61)})
    assert [p.key for p in plan.problems] == ["import.problems.would_change_comment"]


def test_every_reason_key_the_importer_can_give_is_in_both_catalogues():
    import re
    from pathlib import Path

    source = "".join(path.read_text(encoding="utf-8") for path in Path("kpi/importing").glob("*.py"))
    keys = set(re.findall(r'"(import\.[a-z_.]+)"', source))
    keys |= {f"import.{prefix}_{name}" for prefix, names in (
        ("status", ("applied", "refused")), ("action", ("new", "change", "unchanged")),
        ("stage", ("reading", "checking", "writing")),
        ("metric", ("total", "new", "changed", "unchanged", "error"))) for name in names}
    assert len(keys) > 30
    for lang in LANGUAGES:
        assert keys <= catalogue(lang).keys(), sorted(keys - catalogue(lang).keys())


# --- anything at all -----------------------------------------------------------------------------

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([b"", b"indicator;org_unit;period;value\n", "mittari,yksikkö,jakso,arvo\r\n".encode("cp1252"),
                        b"PK\x03\x04"]),
       st.binary(max_size=400), st.sampled_from(["a.csv", "a.xlsx", "a.txt", "A.XLS"]))
def test_any_bytes_give_rows_or_problems_never_an_exception(start, data, name):
    table = read_table(start + data, name)
    plan = classify(check_rows(table, demo_catalogue()), {}, replace=False)
    for problem in plan.problems:
        assert problem.reason("fi") and problem.line("en")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=4, max_size=6))
def test_any_text_in_any_cell_gives_rows_or_problems_never_an_exception(texts):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["mittari", "yksikkö", "jakso", "arvo", "osoittaja", "nimittäjä"][:len(texts)])
    writer.writerow(texts)
    writer.writerow(["nps", "TTH", "2021"] + texts[3:])
    plan = classify(check_rows(read_table(buffer.getvalue().encode(), "a.csv"), demo_catalogue()), {}, replace=False)
    assert plan.counts["total"] >= plan.counts["new"] + plan.counts["error"] - len(
        [p for p in plan.problems if p.row is None])
    for problem in plan.problems:
        assert problem.line("fi")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(allow_nan=True), st.integers(-10**20, 10**20), st.text(max_size=20),
                          st.dates()), min_size=4, max_size=4))
def test_any_cell_values_in_an_xlsx_file_give_rows_or_problems(values):
    try:
        data = xlsx_bytes([["indicator", "org_unit", "period", "value"], values])
    except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses to write control characters
        return
    plan = classify(check_rows(read_table(data, "a.xlsx"), demo_catalogue()), {}, replace=False)
    for problem in plan.problems:
        assert problem.line("fi")

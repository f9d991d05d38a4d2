"""Export files: formula-looking text made safe, numbers kept as numbers, Finnish letters intact, and the
import format's column names so an exported file can be imported back."""
import csv
import io
from datetime import date, datetime

import openpyxl
import pytest

from kpi.reports.export import (
    IMPORT_COLUMNS,
    MEASUREMENT_COLUMNS,
    TARGET_COLUMNS,
    Table,
    safe_text,
    to_csv,
    to_xlsx,
)
from kpi.settings import DATA_DIR

DANGEROUS = ["=1+2", "+358 40 123", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd", "=HYPERLINK(\"http://x\",\"y\")"]


def measurements(*rows) -> Table:
    return Table("measurements", MEASUREMENT_COLUMNS, list(rows))


def row(value=None, comment="", **overrides):
    fields = dict(indicator="nps", org_unit="TTH", period="2020-Q1", value=value, numerator=None, denominator=None,
                  weight=None, comment=comment, period_label="", source="", synthetic="false", updated_by="hr",
                  updated_at=datetime(2026, 1, 5, 10, 22, 33))
    fields.update(overrides)
    return tuple(fields[name] for name in MEASUREMENT_COLUMNS)


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(data: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, (cell for cell in cells))) for cells in sheet.iter_rows(min_row=2)]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["Q1 NPS 61", "ääkköset", "", "1-2", "50 % = hyvä", "'=already"])
def test_ordinary_text_is_left_as_it_is(text):
    assert safe_text(text) == text


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_text_is_neutralised_in_csv(text):
    written = read_csv(to_csv(measurements(row(61, comment=text, source=text))))
    assert written[0]["comment"] == "'" + text
    assert written[0]["source"] == "'" + text


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_text_is_neutralised_in_xlsx(text):
    cells = read_xlsx(to_xlsx(measurements(row(61, comment=text, updated_by=text))))[0]
    for name in ("comment", "updated_by"):
        # A lone carriage return survives as \r with lxml installed, and reads back as \n without it.
        assert cells[name].value in ("'" + text, "'" + text.replace("\r", "\n"))
        assert cells[name].data_type == "s"  # text, not a formula


def test_negative_numbers_stay_numbers_in_csv_and_xlsx():
    table = measurements(row(-3), row(-2.5, numerator=-10, denominator=4))
    written = read_csv(to_csv(table))
    assert [r["value"] for r in written] == ["-3", "-2,5"]  # no quote: a number, which Excel reads as one
    assert written[1]["numerator"] == "-10"
    cells = read_xlsx(to_xlsx(table))
    assert [(c["value"].value, c["value"].data_type) for c in cells] == [(-3, "n"), (-2.5, "n")]
    assert cells[1]["numerator"].value == -10


def test_numbers_are_written_exactly_and_whole_numbers_whole():
    written = read_csv(to_csv(measurements(row(488.0), row(0.1), row(69.0909090909091), row(1e-05), row(1234567.0))))
    assert [r["value"] for r in written] == ["488", "0,1", "69,0909090909091", "0,00001", "1234567"]
    assert read_csv(to_csv(measurements(row(0.1)), decimal_mark="."))[0]["value"] == "0.1"


def test_finnish_letters_survive_with_a_byte_order_mark():
    text = "Työterveys ÄÖÅ äöå – € “lainaus”"
    data = to_csv(measurements(row(1, comment=text)))
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that tells Excel the file is UTF-8
    assert read_csv(data)[0]["comment"] == text
    assert read_xlsx(to_xlsx(measurements(row(1, comment=text))))[0]["comment"].value == text


def test_csv_uses_semicolons_and_keeps_a_semicolon_inside_text_quoted():
    data = to_csv(measurements(row(5, comment="a; b")))
    first_line = data.decode("utf-8-sig").splitlines()[0]
    assert first_line == ";".join(MEASUREMENT_COLUMNS)
    assert read_csv(data)[0]["comment"] == "a; b"


def test_the_measurement_columns_are_the_import_formats_first():
    assert MEASUREMENT_COLUMNS[:len(IMPORT_COLUMNS)] == IMPORT_COLUMNS == (
        "indicator", "org_unit", "period", "value", "numerator", "denominator", "weight", "comment")
    assert list(read_csv(to_csv(measurements(row(1))))[0])[:8] == list(IMPORT_COLUMNS)
    assert [c.value for c in openpyxl.load_workbook(io.BytesIO(to_xlsx(measurements()))).active[1]] == list(
        MEASUREMENT_COLUMNS)


def test_the_target_columns_are_the_demo_target_files():
    header = (DATA_DIR / "demo" / "targets.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert list(TARGET_COLUMNS[:len(header)]) == header
    assert TARGET_COLUMNS[len(header):] == ("retired_from",)


def test_empty_cells_times_and_dates():
    table = Table("targets", ("a", "b", "c", "d"), [(None, datetime(2026, 1, 5, 10, 22, 33), date(2021, 7, 1),
                                                     "true")])
    written = read_csv(to_csv(table))[0]
    assert written == {"a": "", "b": "2026-01-05 10:22:33", "c": "2021-07-01", "d": "true"}
    cells = read_xlsx(to_xlsx(table))[0]
    assert cells["a"].value is None
    assert cells["b"].value == datetime(2026, 1, 5, 10, 22, 33) and cells["b"].is_date
    assert cells["c"].value.date() == date(2021, 7, 1)


def test_control_characters_that_xlsx_cannot_hold_are_dropped():
    cells = read_xlsx(to_xlsx(measurements(row(1, comment="a\x00b\x1fc"))))[0]
    assert cells["comment"].value == "abc"

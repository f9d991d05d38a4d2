"""Export of stored values and targets as CSV and XLSX files, safe to open in a spreadsheet.

The tables are read through `kpi.store`; writing them is plain Python (csv, openpyxl), no Streamlit.

Spreadsheet formula injection: a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return is run as a formula by Excel and LibreOffice (a comment "=HYPERLINK(...)" typed into the app would
become a live link in the board's copy). Such text is written with a leading `'`, which spreadsheets
show as plain text and the import drops again. Only text is touched: numbers, negative ones too, are
written as numbers.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from .. import store
from ..clock import as_utc
from ..domain.periods import Period
from ..plain_text import FORMULA_STARTS, drawable, formula_guarded  # noqa: F401 - FORMULA_STARTS for scorecard_xlsx

# The import format's columns come first, under the import's own names, so an exported file can be
# imported back; the columns after them say where a value came from and who last changed it.
IMPORT_COLUMNS = ("indicator", "org_unit", "period", "value", "numerator", "denominator", "weight", "comment")
MEASUREMENT_COLUMNS = IMPORT_COLUMNS + ("period_label", "source", "synthetic", "updated_by", "updated_at")
# As data/demo/targets.csv names them, plus the day a retired target stopped applying.
TARGET_COLUMNS = ("indicator", "org_unit", "period", "comparator", "threshold", "threshold_upper", "band",
                  "band_kind", "binding", "rationale", "owner", "retired_from")

EVERY_PERIOD = Period.range(date(1900, 1, 1), date(2200, 12, 31))  # the period parser's whole span

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    """Rows for one file: a sheet name, column names and one tuple per row (numbers stay numbers)."""
    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def safe_text(text: str) -> str:
    """Text a spreadsheet will not run as a formula: a leading `'` before =, +, -, @, tab or CR
    (the import takes it off again: `kpi.plain_text.formula_unguarded`)."""
    return formula_guarded(text)


def _utc(moment: datetime | None) -> datetime | None:
    """A naive UTC time: XLSX holds no zones."""
    return None if moment is None else as_utc(moment).replace(tzinfo=None)


def _flag(value: bool) -> str:
    return "true" if value else "false"  # as in data/demo/*.csv


def measurement_table(session: Session, *, indicator: str | None = None, period: Period | None = None) -> Table:
    """Every stored value (or one indicator's, or those inside `period`): indicator by indicator, then by
    period and unit."""
    unit_codes = [unit.code for unit in store.list_units(session)]
    indicators = [store.get_indicator(session, indicator)] if indicator else store.list_indicators(session)
    rows = []
    for item in indicators:
        for measurement, unit_code in store.measurements_in(session, item.id, unit_codes, period or EVERY_PERIOD):
            rows.append((item.code, unit_code, measurement.period, measurement.value, measurement.numerator,
                         measurement.denominator, measurement.weight, measurement.comment,
                         measurement.period_label, measurement.source, _flag(measurement.synthetic),
                         measurement.updated_by, _utc(measurement.updated_at)))
    return Table("measurements", MEASUREMENT_COLUMNS, rows)


def target_table(session: Session, *, indicator: str | None = None, period: Period | None = None) -> Table:
    """Every target, retired ones too (with the day they stopped applying); unit empty = whole organisation.
    `indicator` keeps one indicator's, `period` those whose own period overlaps it."""
    indicator_id = store.get_indicator(session, indicator).id if indicator else None
    rows = [(item.code, unit.code if unit is not None else "", target.period, target.comparator,
             target.threshold, target.threshold_upper, target.band, target.band_kind, _flag(target.binding),
             target.rationale, target.owner, target.retired_from)
            for target, item, unit in store.list_targets(session, indicator_id=indicator_id, period=period)]
    return Table("targets", TARGET_COLUMNS, rows)


def _number_text(number: float | int, decimal_mark: str) -> str:
    """Shortest exact form, never in exponent notation: 488.0 -> "488", 0.1 -> "0,1" with a comma."""
    if float(number).is_integer():
        return str(int(number))
    return format(Decimal(repr(float(number))), "f").replace(".", decimal_mark)


def _csv_cell(value: Any, decimal_mark: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _flag(value)
    if isinstance(value, (int, float)):
        return _number_text(value, decimal_mark)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(str(value))


def to_csv(table: Table, *, decimal_mark: str = ",") -> bytes:
    """CSV for a Finnish Excel: UTF-8 with a byte-order mark (without it Excel reads ä and ö as
    Windows-1252), `;` between columns and a decimal comma (Finnish Excel's list separator and decimal
    mark, so a double-click opens the file in columns with numbers as numbers). The import reads it back."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_csv_cell(value, decimal_mark) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return _flag(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)  # 488, not 488.0
    if isinstance(value, str):
        # control characters and non-characters XLSX cannot hold
        return safe_text(ILLEGAL_CHARACTERS_RE.sub("", drawable(value, multiline=True)))
    return value


def to_xlsx(table: Table) -> bytes:
    """One sheet with a bold, frozen header row; numbers and dates as typed cells."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.name
    sheet.append(list(table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in table.rows:
        sheet.append([_xlsx_cell(value) for value in row])
    for index, name in enumerate(table.columns, start=1):
        column = sheet.column_dimensions[get_column_letter(index)]
        if name in ("updated_at",):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            column.width = 20
        elif name == "retired_from":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd"
            column.width = 12
        else:
            longest = max((len(str(cell.value or "")) for (cell,) in
                           sheet.iter_rows(min_row=1, max_row=min(sheet.max_row, 200), min_col=index,
                                           max_col=index)), default=8)
            column.width = min(max(longest + 2, 8), 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

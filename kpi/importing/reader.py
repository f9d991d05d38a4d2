"""Reading an import file's bytes into rows: CSV and XLSX as Finnish spreadsheets write them.

Nothing here knows the database. `read_table` never raises for bad input: whatever is wrong with
the file as a whole (too big, unreadable, a required column missing) is a `Problem` in the table.

What it copes with:
- XLSX (the first sheet; dates typed as "3/2020" that Excel turned into dates are read back as the
  month, using the cell's number format), and CSV in UTF-8 with or without BOM, UTF-16 with BOM
  (Excel's "Unicode text") or Windows-1252;
- `;`, `,` or tab as separator, chosen by which one splits the header into known column names
  (Excel's `sep=;` first line is honoured);
- English or Finnish column names in any case, with surrounding spaces; unknown columns are ignored
  and listed;
- blank rows anywhere (skipped, but row numbers stay those the spreadsheet shows: header = row 1);
- numbers with a decimal comma or point and thousands grouped by spaces (also no-break and narrow
  no-break spaces), a leading Unicode minus; cells with surrounding spaces.
"""
from __future__ import annotations

import codecs
import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .problems import Problem, display

FIELDS = ("indicator", "org_unit", "period", "value", "numerator", "denominator", "weight", "comment")
REQUIRED = ("indicator", "org_unit", "period")  # and a value, or both numerator and denominator
NUMBER_FIELDS = ("value", "numerator", "denominator", "weight")

# Column names, after trimming, lower-casing and turning spaces and hyphens into underscores.
_ALIASES = {
    "indicator": ("indicator", "mittari"),
    "org_unit": ("org_unit", "orgunit", "yksikkö", "organisaatioyksikkö"),
    "period": ("period", "jakso"),
    "value": ("value", "arvo"),
    "numerator": ("numerator", "osoittaja"),
    "denominator": ("denominator", "nimittäjä"),
    "weight": ("weight", "paino"),
    "comment": ("comment", "kommentti"),
}
_HEADER_TO_FIELD = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
_SEPARATORS = (";", "\t", ",")
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
_XLSX_MAX_COLUMNS = 60  # a sheet formatted out to column XFD is still read quickly


@dataclass
class Table:
    """The rows of a file, cells in FIELDS order (None where the file has no such column)."""
    file_name: str
    format: str = ""                                       # "csv" or "xlsx"
    encoding: str = ""                                     # for CSV: the encoding it was read in
    separator: str = ""                                    # for CSV
    columns: dict[str, str] = field(default_factory=dict)  # field -> heading as written
    ignored: list[str] = field(default_factory=list)       # headings not understood
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)  # (row number, cells)
    problems: list[Problem] = field(default_factory=list)  # about the file as a whole


def header_field(text: Any) -> str | None:
    """The field a column heading names, or None: "  Yksikkö " -> "org_unit"."""
    name = re.sub(r"[\s\-]+", "_", display(text).replace("\ufeff", "").strip().lower())
    return _HEADER_TO_FIELD.get(name)


def read_table(data: bytes, file_name: str, *, max_bytes: int | None = None) -> Table:
    """Parse a file's bytes. Never raises for bad content; problems are in `table.problems`."""
    table = Table(file_name=file_name)
    if max_bytes is not None and len(data) > max_bytes:
        table.problems.append(Problem(None, None, None, "", "import.problems.too_big",
                                      {"size": _megabytes(len(data)), "limit": _megabytes(max_bytes)}))
        return table
    if not data or data.isspace():
        table.problems.append(Problem(None, None, None, "", "import.problems.empty_file"))
        return table
    lower = file_name.lower()
    if data.startswith(_OLE_MAGIC) or lower.endswith(".xls"):
        table.problems.append(Problem(None, None, None, "", "import.problems.old_excel"))
        return table
    if data.startswith(_XLSX_MAGIC) or lower.endswith(".xlsx"):
        table.format = "xlsx"
        records = _xlsx_records(data, table)
    else:
        table.format = "csv"
        records = _csv_records(data, table)
    if records is not None:
        _take_records(records, table)
    return table


def _megabytes(size: int) -> float:
    return round(size / (1024 * 1024), 1)  # a float: the reason shows it with the language's decimal mark


# --- CSV --------------------------------------------------------------------------------------------

def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-16 by its BOM, else UTF-8 (BOM optional), else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"  # never fails; the checks below say what is wrong


def _csv_records(data: bytes, table: Table):
    text, table.encoding = decode(data)
    first_char = re.search(r"\S", text)
    if first_char is None:
        table.problems.append(Problem(None, None, None, "", "import.problems.empty_file"))
        return None
    line_start = max(text.rfind("\n", 0, first_char.start()), text.rfind("\r", 0, first_char.start())) + 1
    line_end = min((i for i in (text.find("\n", line_start), text.find("\r", line_start)) if i >= 0),
                   default=len(text))
    first = text[line_start:line_end].strip()
    if first.lower().startswith("sep=") and len(first) <= 5:  # Excel's hint line; Excel does not show it as a row
        table.separator = first[4:] or ","
        text = text[line_end:].lstrip("\r\n")
    else:
        table.separator = _sniff(text[line_start:line_end])
    return _numbered_csv(text, table)


def _sniff(header_line: str) -> str:
    """The separator that splits the header into the most known column names (then: the most cells)."""
    def score(separator: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([header_line], delimiter=separator))
        except (csv.Error, StopIteration):
            return (0, 0)
        return (sum(header_field(cell) is not None for cell in cells), len(cells))

    return max(_SEPARATORS, key=score)


def _numbered_csv(text: str, table: Table):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=table.separator)
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            table.problems.append(Problem(number + 1, None, None, "", "import.problems.unreadable_csv"))
            return
        number += 1
        yield number, [cell.strip() for cell in record]


# --- XLSX -------------------------------------------------------------------------------------------

def _xlsx_records(data: bytes, table: Table):
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception as error:  # noqa: BLE001 - openpyxl has many ways of saying "this is not a workbook"
        table.problems.append(Problem(None, None, None, "", "import.problems.unreadable_xlsx",
                                      {"detail": type(error).__name__}))
        return None
    return _xlsx_rows(book, sheet, table)


def _xlsx_rows(book, sheet, table: Table):
    try:
        for number, row in enumerate(sheet.iter_rows(max_col=_XLSX_MAX_COLUMNS), start=1):
            yield number, [_xlsx_cell(cell) for cell in row]
    except Exception as error:  # noqa: BLE001 - damage found part-way through the sheet
        table.problems.append(Problem(None, None, None, "", "import.problems.unreadable_xlsx",
                                      {"detail": type(error).__name__}))
    finally:
        book.close()


def _xlsx_cell(cell) -> Any:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (datetime, date)):
        return _date_cell(value, getattr(cell, "number_format", "") or "")
    if isinstance(value, (int, float)):
        return float(value)
    return display(value).strip()


def _date_cell(value: date, number_format: str) -> str:
    """A date cell as a period: by its format, a month ("mmm-yy", typed as 3/2020) or a year, else the day."""
    shown = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", number_format.lower())  # drop literals, colours, locales
    day = value.date() if isinstance(value, datetime) else value
    if "d" not in shown and "m" in shown:
        return f"{day.year}-{day.month:02d}"
    if "d" not in shown and "m" not in shown and "y" in shown:
        return f"{day.year}"
    return day.isoformat()


# --- the rows ---------------------------------------------------------------------------------------

def _take_records(records, table: Table) -> None:
    """Find the header (the first non-blank row), map its columns, keep the non-blank rows after it."""
    positions: dict[str, int] = {}
    width = 0  # cells in the header row, up to its last heading
    for number, cells in records:
        if not any(cell != "" for cell in cells):
            continue
        if not width:
            width = max(i for i, cell in enumerate(cells) if cell != "") + 1
            if not _read_header(number, cells, table, positions):
                _drain(records)
                return
            continue
        extra = next((cell for cell in cells[width:] if cell != ""), None)
        if extra is not None:  # e.g. 1,5 unquoted in a comma-separated file
            table.problems.append(Problem(number, None, None, display(extra), "import.problems.extra_cells",
                                          {"count": len(cells), "columns": width}))
            continue
        row = tuple(None if name not in positions else cells[positions[name]] if positions[name] < len(cells)
                    else "" for name in FIELDS)
        if all(cell in ("", None) for cell in row):
            continue  # only ignored columns are filled
        table.rows.append((number, row))
    if not width:
        table.problems.append(Problem(None, None, None, "", "import.problems.empty_file"))
    elif not table.rows and not table.problems:
        table.problems.append(Problem(None, None, None, "", "import.problems.no_rows"))


def _drain(records) -> None:
    for _ in records:  # let the reader finish (and close the workbook)
        pass


def _read_header(number: int, cells: list, table: Table, positions: dict[str, int]) -> bool:
    ok = True
    for index, cell in enumerate(cells):
        heading = display(cell).replace("\ufeff", "").strip()
        name = header_field(heading)
        if name is None:
            if heading:
                table.ignored.append(heading)
            continue
        if name in positions:
            table.problems.append(Problem(number, name, heading, heading, "import.problems.duplicate_column",
                                          {"first": table.columns[name]}))
            ok = False
            continue
        positions[name] = index
        table.columns[name] = heading
    missing = [name for name in REQUIRED if name not in positions]
    if "value" not in positions and not ("numerator" in positions and "denominator" in positions):
        missing.append("value")
    for name in missing:
        table.problems.append(Problem(None, name, None, "", "import.problems.missing_column",
                                      {"names": " / ".join(_ALIASES[name])}))
    return ok and not missing


# --- cells ------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPING = str.maketrans("", "", " \u00a0\u202f\u2009\u2007")


def number_cell(cell: Any) -> float | None:
    """A number from a cell: 1 234,5 · 1234.5 · −3 · 1,5e3. None for an empty cell; ValueError otherwise."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, float):
        if not math.isfinite(cell):
            raise ValueError(cell)
        return cell
    text = str(cell).strip().translate(_GROUPING).replace("\u2212", "-")
    if "," in text and "." in text:  # the later one is the decimal mark, the other groups thousands
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        raise ValueError(cell)
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(cell)
    return number


def text_cell(cell: Any) -> str:
    """A name, code, period or comment cell as text (2020.0 from a spreadsheet reads "2020")."""
    return display(cell).strip() if cell is not None else ""

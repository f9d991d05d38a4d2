"""Reading an import file's bytes into rows: CSV and XLSX as Finnish spreadsheets write them.

Nothing here knows the database. `read_table` never raises for bad input: whatever is wrong with
the file as a whole (too big, unreadable, a required column missing) is a `Problem` in the table.

What it copes with:
- XLSX and ODS (the sheet that holds the header, below any title rows: sheets.py; dates typed as
  "3/2020" that Excel or Calc turned into dates are read back as the month, using the cell's number
  format), and CSV in UTF-8 with or without BOM, UTF-16 with BOM
  (Excel's "Unicode text") or Windows-1252;
- `;`, `,` or tab as separator, chosen by which one splits the header into known column names
  (Excel's `sep=;` first line is honoured);
- English or Finnish column names in any case, with surrounding spaces; unknown columns are ignored
  and listed;
- blank rows anywhere (skipped, but row numbers stay those the spreadsheet shows: header = row 1);
- numbers with a decimal comma or point and thousands grouped by spaces (also no-break and narrow
  no-break spaces), a leading Unicode minus; cells with surrounding spaces.

Streaming: `open_table` reads the file a chunk of rows at a time (`TableStream.chunks`), from bytes in
memory or from a path on disk, so a file of millions of rows never sits in memory as rows; `read_table`
collects every row (tests, small files). Both read exactly the same rows and problems.

Here: `open_table` and `read_table`, a workbook through xlsx.py or ods.py, and the cells
(`number_cell`, `text_cell`). The file and its rows are in table.py, the header in header.py, the CSV
reading in csv_reading.py; their names are importable from here as before.
"""
from __future__ import annotations

import math
import os
import re
from typing import Any

from .csv_reading import CsvReading, choose_encoding, decode
from .header import header_field, take_records
from .limits import Limits, LimitExceeded
from .ods import OdsWorkbook
from .problems import Problem, display
from .sheets import workbook_records
from .table import FIELDS, NUMBER_FIELDS, REQUIRED, Source, Table, TableStream
from .xlsx import Unreadable, Workbook

__all__ = ["FIELDS", "NUMBER_FIELDS", "REQUIRED", "Source", "Table", "TableStream", "choose_encoding", "decode",
           "header_field", "number_cell", "open_table", "read_table", "sheet_names", "text_cell"]

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
_ODS_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"  # an .ods's first part, unpacked


def read_table(data: bytes | os.PathLike, file_name: str, *, max_bytes: int | None = None,
               limits: Limits | None = None, sheet: str | int | None = None) -> Table:
    """Parse a file (its bytes, or a path). Never raises for bad content; problems are in `table.problems`."""
    stream = open_table(data, file_name, max_bytes=max_bytes, limits=limits, sheet=sheet)
    for chunk in stream.chunks():
        stream.table.rows.extend(chunk)
    return stream.table


def open_table(data: bytes | os.PathLike | Source, file_name: str, *, max_bytes: int | None = None,
               limits: Limits | None = None, sheet: str | int | None = None) -> TableStream:
    """Start reading a file (its bytes, or a path to stream it from). Never raises for bad content. `limits`:
    how much is read at most (limits.py; by default from the settings). `sheet`: a workbook's sheet, by name
    or number from 1; None or "": the first with a header (sheets.py)."""
    source = Source.of(data)
    limits = limits or Limits.from_settings()
    table = Table(file_name=file_name)
    size = source.size
    if max_bytes is not None and size > max_bytes:
        table.problems.append(Problem(None, None, None, "", "import.problems.too_big",
                                      {"size": _megabytes(size), "limit": _megabytes(max_bytes)}))
        return TableStream(table)
    if source.is_blank():
        table.problems.append(Problem(None, None, None, "", "import.problems.empty_file"))
        return TableStream(table)
    lower = file_name.lower()
    head = source.head(4)
    if head.startswith(_OLE_MAGIC) or lower.endswith(".xls"):
        table.problems.append(Problem(None, None, None, "", "import.problems.old_excel"))
        return TableStream(table)
    if _is_ods(source, lower):
        table.format = "ods"
        reading = _WorkbookReading(source, table, limits, OdsWorkbook, sheet)
        return TableStream(table, reading.chunks, reading.fraction)
    if head.startswith(_XLSX_MAGIC) or lower.endswith(".xlsx"):
        table.format = "xlsx"
        reading = _WorkbookReading(source, table, limits, Workbook, sheet)
        return TableStream(table, reading.chunks, reading.fraction)
    table.format = "csv"
    reading = CsvReading(source, table, size, limits)
    return TableStream(table, reading.chunks, reading.fraction)


def _is_ods(source: Source, lower_name: str) -> bool:
    """By its name, or by the first part an .ods must have: its mimetype, stored, right after the zip's header."""
    return lower_name.endswith(".ods") or source.head(30 + len(_ODS_MIMETYPE)).startswith(_ODS_MIMETYPE, 30)


def _megabytes(size: int) -> float:
    return round(size / (1024 * 1024), 1)  # a float: the reason shows it with the language's decimal mark


# --- XLSX -------------------------------------------------------------------------------------------

def sheet_names(data: bytes | os.PathLike | Source, file_name: str, *, limits: Limits | None = None) -> list[str]:
    """A workbook's sheets, in order, for the person to choose from; [] for a CSV or a file that cannot be read
    (the preview says why)."""
    source = Source.of(data)
    head = source.head(4)
    lower = file_name.lower()
    if not (head.startswith(_XLSX_MAGIC) or lower.endswith((".xlsx", ".ods"))) or head.startswith(_OLE_MAGIC):
        return []
    limits = limits or Limits.from_settings()
    handle = source.open()
    try:
        book = (OdsWorkbook(handle, source.size, limits, load=False) if _is_ods(source, lower)
                else Workbook(handle, source.size, limits))
        try:
            return list(book.sheet_names)
        finally:
            book.close()
    except Exception:  # noqa: BLE001 - the preview reads the file again and says what is wrong with it
        return []
    finally:
        handle.close()


class _WorkbookReading:
    """A workbook's sheet, through xlsx.Workbook or ods.OdsWorkbook (bounded: see those and limits.py), from
    its header on (sheets.py)."""

    def __init__(self, source: Source, table: Table, limits: Limits, opener, sheet: str | int | None):
        self.source, self.table, self.limits, self.opener, self.sheet = source, table, limits, opener, sheet
        self.book = None

    @property
    def _unreadable(self) -> str:
        return "import.problems.unreadable_ods" if self.opener is OdsWorkbook else "import.problems.unreadable_xlsx"

    def fraction(self) -> float:
        return self.book.fraction() if self.book is not None else 0.0

    def chunks(self, size: int):
        rows: list[tuple[int, tuple[Any, ...]]] = []
        for row in take_records(self._records(), self.table):
            rows.append(row)
            if len(rows) >= size:
                yield rows
                rows = []
        if rows:
            yield rows

    def _records(self):
        handle = self.source.open()
        try:
            self.book = self.opener(handle, self.source.size, self.limits)
            yield from workbook_records(self.book, self.table, self.sheet)
        except LimitExceeded as refusal:
            self.table.problems.append(refusal.problem)
        except Unreadable as error:
            self.table.problems.append(Problem(None, None, None, "", self._unreadable, {"detail": str(error)}))
        except Exception as error:  # noqa: BLE001 - a damaged part: a bad number, a shared string not there
            self.table.problems.append(Problem(None, None, None, "", self._unreadable,
                                               {"detail": type(error).__name__}))
        finally:
            if self.book is not None:
                self.book.close()
            handle.close()


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

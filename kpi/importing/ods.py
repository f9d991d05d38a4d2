"""An OpenDocument spreadsheet (.ods, what LibreOffice Calc saves): its sheets read with python-calamine, bounded.

calamine builds every sheet in memory, and an .ods says "this cell, 16 384 times" and "this row, a million
times" in a few bytes; so before calamine sees the file the same checks as for an XLSX run (xlsx_zip: the
zip's directory, what each part declares) and content.xml is streamed once through expat (xlsx.Workbook's
own bounded `steps`: unpacked bytes counted, no DTD, no endless tag), counting what the repeats make of the
cells with a value: the last row and column (KPI_IMPORT_MAX_ROWS, _COLUMNS), a cell's text
(KPI_IMPORT_MAX_CELL_CHARS), all texts together (KPI_IMPORT_MAX_SHARED_STRINGS_MB) and all cells (MAX_CELLS).
That pass also notes which date cells show only a month or a year (their data style), as the XLSX reader
reads a date by its number format. Cells come out as the XLSX reader gives them: numbers as floats, text
stripped, TRUE as "True", a date as its period.
"""
from __future__ import annotations

import math
import zipfile
from datetime import date, datetime
from typing import Any, BinaryIO, Iterator

from .limits import MB, Limits, exceeded
from .problems import QUOTE_CHARS, display
from .xlsx import Workbook, date_cell
from .xlsx_sheet import _letters
from .xlsx_zip import Unreadable, check_directory, check_members

MAX_CELLS = 10_000_000  # the area calamine fills, all sheets: a million rows of ten columns


class OdsWorkbook:
    """An opened .ods: checked, its sheets listed (the first selected); `rows` reads the selected one."""

    # The bounded streaming of a zip part, as the XLSX reader does it (it needs archive, limits, unpacked).
    steps, parse, _info = Workbook.steps, Workbook.parse, Workbook._info

    def __init__(self, handle: BinaryIO, size: int, limits: Limits, *, load: bool = True):
        """`load=False`: only the checks and the sheets' names (for the person to choose a sheet)."""
        self.limits = limits
        check_directory(handle, size, limits)
        handle.seek(0)
        try:
            self.archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
            raise Unreadable(type(error).__name__) from None
        check_members(self.archive, limits)
        self.unpacked = self.sheet_read = 0
        scan = _Scan(limits)
        names = {info.filename for info in self.archive.infolist()}
        if "styles.xml" in names:
            self.parse("styles.xml", scan.start_style)
        self.parse("content.xml", scan.start, scan.end, scan.text)
        scan.finish()
        if not scan.sheets:
            raise Unreadable("no sheet")
        self.sheet_names = [name for name, _dates in scan.sheets]
        self._dates = [dates for _name, dates in scan.sheets]
        self.book, self.index = None, 0
        if not load:
            return
        import python_calamine  # lazy: only an .ods needs it

        handle.seek(0)
        try:
            self.book = python_calamine.CalamineWorkbook.from_filelike(handle)
        except python_calamine.CalamineError as error:
            raise Unreadable(type(error).__name__) from None

    def select(self, index: int) -> None:
        self.index = index

    def close(self) -> None:
        if self.book is not None:
            self.book.close()
        self.archive.close()

    def fraction(self) -> float:
        return 0.0

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells from column A up to the last with a value), the rows with a value."""
        sheet = self.book.get_sheet_by_index(self.index)
        start = sheet.start
        if start is None:
            return
        first_column = start[1]  # calamine 0.9 hands out the rows from the first, the columns from the first used
        dates = _DateFormats(self._dates[self.index])
        for offset, values in enumerate(sheet.iter_rows()):
            number = offset + 1
            cells = [""] * first_column + [_cell(value, dates.code(number, first_column + i + 1))
                                           for i, value in enumerate(values)]
            while cells and cells[-1] == "":
                cells.pop()
            if cells:
                yield number, cells


def _cell(value: Any, code: str) -> Any:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else "#VALUE!"
    if isinstance(value, (datetime, date)):
        return date_cell(value, code)
    if isinstance(value, str):
        return value.strip()
    return display(value).strip()  # a time of day, a duration


class _DateFormats:
    """The month- or year-only date cells of a sheet, asked row by row in order: (rows, columns, code)."""

    def __init__(self, spans: list[tuple[int, int, int, int, str]]):
        self.spans, self.next, self.active = spans, 0, []

    def code(self, row: int, column: int) -> str:
        while self.next < len(self.spans) and self.spans[self.next][0] <= row:
            self.active.append(self.spans[self.next])
            self.next += 1
        self.active = [span for span in self.active if span[1] >= row]
        return next((span[4] for span in self.active if span[2] <= column <= span[3]), "")


def _local(attrs: dict[str, str]) -> dict[str, str]:
    return {key.rpartition(":")[2]: value for key, value in attrs.items()}


def _repeat(text: str | None) -> int:
    try:
        count = int(text or 1)
    except ValueError:
        raise Unreadable("repeat count") from None
    if count < 1:
        raise Unreadable("repeat count")
    return count


class _Scan:
    """The expat handlers for styles.xml and content.xml: date styles, then each sheet's rows counted."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.date_styles: dict[str, str] = {}   # data style -> "dmy" letters it shows
        self.cell_styles: dict[str, str] = {}   # cell style -> its data style
        self.style: str | None = None
        self.sheets: list[tuple[str, list]] = []
        self.name = ""
        self.row = self.rows_repeat = self.column = 0
        self.cells = self.chars = 0
        self.row_last = 0                       # the last column with a value in the current row
        self.last_row = self.last_column = 0    # of the sheet
        self.cell: list | None = None           # [first column, repeat, has value, text length, date code]
        self.row_dates: list = []

    def start_style(self, tag: str, attrs: dict[str, str]) -> None:
        attrs = _local(attrs)
        if tag == "date-style":
            self.style = attrs.get("name", "")
            self.date_styles[self.style] = ""
        elif self.style is not None and tag in ("day", "month", "year"):
            self.date_styles[self.style] += tag[0]
        elif tag == "style" and attrs.get("family") == "table-cell" and "data-style-name" in attrs:
            self.cell_styles[attrs.get("name", "")] = attrs["data-style-name"]
        elif tag not in ("text", "day", "month", "year"):
            self.style = None

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag in ("table-cell", "covered-table-cell"):
            attrs = _local(attrs)
            repeat = _repeat(attrs.get("number-columns-repeated"))
            code = ""
            if attrs.get("value-type") == "date":
                code = self.date_styles.get(self.cell_styles.get(attrs.get("style-name", ""), ""), "")
            self.cell = [self.column + 1, repeat, "value-type" in attrs, 0, code]
            self.column += repeat
        elif tag == "table-row":
            self.rows_repeat = _repeat(_local(attrs).get("number-rows-repeated"))
            self.column = self.row_last = 0
            self.row_dates = []
        elif tag == "table":
            self.finish()
            self.name = _local(attrs).get("name", "")
            self.row = self.last_row = self.last_column = 0
            self.sheets.append((self.name, []))
        elif tag in ("date-style", "style", "day", "month", "year", "text"):
            self.start_style(tag, attrs)

    def text(self, data: str) -> None:
        cell = self.cell
        if cell is None:
            return
        cell[2] = True
        cell[3] += len(data)
        if cell[3] > self.limits.cell_chars:
            raise exceeded("cell_too_long_sheet", row=self.row + 1, column=_letters(cell[0]),
                           value=data[:QUOTE_CHARS] + "…", sheet=self.name, limit=self.limits.cell_chars)

    def end(self, tag: str) -> None:
        if tag in ("table-cell", "covered-table-cell"):
            cell, self.cell = self.cell, None
            if cell is None or not cell[2]:
                return
            first, repeat, _value, length, code = cell
            self.row_last = first + repeat - 1
            if self.row_last > self.limits.columns:
                raise exceeded("too_many_columns_sheet", row=self.row + 1, sheet=self.name, limit=self.limits.columns)
            self.chars += length * repeat * self.rows_repeat
            if self.chars > self.limits.shared_strings_chars:
                raise exceeded("shared_strings_too_large", limit=self.limits.shared_strings_chars // MB)
            if code and "d" not in code:
                self.row_dates.append((first, first + repeat - 1, code))
        elif tag == "table-row":
            first = self.row + 1
            self.row += self.rows_repeat
            if self.row_last:
                self.last_row, self.last_column = self.row, max(self.last_column, self.row_last)
                if self.last_row > self.limits.rows:
                    raise exceeded("too_many_rows_sheet", sheet=self.name, limit=self.limits.rows)
                if self.cells + self.last_row * self.last_column > MAX_CELLS:
                    raise exceeded("too_many_cells", sheet=self.name, limit=MAX_CELLS)
                self.sheets[-1][1].extend((first, self.row, a, b, code) for a, b, code in self.row_dates)

    def finish(self) -> None:
        """A sheet ends: its area counts towards all sheets'."""
        self.cells += self.last_row * self.last_column
        self.last_row = self.last_column = 0

"""The worksheet's XML, as expat hands it over: rows of cells, counted against the limits as they come.

`Sheet` holds the handlers xlsx.Workbook gives expat for the sheet part; each finished row with a
value is put in `ready`, as (row number, cells by column), and the cell's value is the workbook's
reading of it (`Workbook.cell`: shared strings, numbers, dates by their format).
"""
from __future__ import annotations

import re
from typing import Any

from .limits import exceeded
from .problems import QUOTE_CHARS
from .xlsx_zip import Unreadable

_COLUMN = re.compile(r"([A-Za-z]{1,3})")


class Sheet:
    """The handlers expat calls for the sheet (the hot loop: a million-row sheet is tens of millions of calls,
    so names are compared as written, with the prefix the root element uses): rows and cells counted
    against the limits as they come, each finished row with a value put in `ready`."""

    def __init__(self, book):  # an xlsx.Workbook
        self.book, self.limits, self.name = book, book.limits, book.sheet_name
        self.ready: list[tuple[int, list[Any]]] = []
        self.number = 0          # the current row's number
        self.last = 0            # the last row handed out (openpyxl skipped rows numbered out of order)
        self.row: dict[int, Any] | None = None
        self.cells = 0           # <c> elements in the current row
        self.column = 0
        self.cell: list[Any] | None = None   # [column, type, style, parts, had <is>]
        self.parts: list[str] | None = None  # the text being collected (of <v>, or <t> in <is>)
        self.length = 0
        self.skip = 0            # inside <rPh> (phonetic text, not part of the value)
        self.prefix: str | None = None
        self.C = self.V = self.ROW = self.IS = self.T = self.RPH = None  # until the root element is seen
        self.columns: dict[str, int] = {}    # "AB" -> 28, as met

    def _names(self, root: str) -> None:
        prefix = root[:root.index(":") + 1] if ":" in root else ""
        self.prefix = prefix
        self.C, self.V, self.ROW, self.IS, self.T, self.RPH = (
            prefix + name for name in ("c", "v", "row", "is", "t", "rPh"))

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == self.C:
            if self.row is None:
                return
            self.cells += 1
            if self.cells > self.limits.columns:
                raise exceeded("too_many_columns_sheet", row=self.number, sheet=self.name, limit=self.limits.columns)
            reference = attrs.get("r")
            self.column = self._column(reference) if reference else self.column + 1
            self.cell = [self.column, attrs.get("t", "n"), attrs.get("s"), None, False]
        elif tag == self.V:
            if self.cell is not None and self.cell[1] != "inlineStr":
                self.parts = self.cell[3] = []
        elif tag == self.ROW:
            reference = attrs.get("r")
            self.number = _row_number(reference) if reference else self.number + 1
            if self.number > self.limits.rows:
                raise exceeded("too_many_rows_sheet", sheet=self.name, limit=self.limits.rows)
            self.row, self.cells, self.column = {}, 0, 0
        elif tag == self.IS:
            if self.cell is not None:
                self.cell[4] = True
        elif tag == self.T:
            if self.cell is not None and self.cell[4] and not self.skip:
                if self.cell[3] is None:
                    self.cell[3] = []
                self.parts = self.cell[3]
        elif tag == self.RPH:
            self.skip += 1
        elif self.prefix is None:  # the root element: <worksheet>, or <x:worksheet> as some writers put it
            self._names(tag)

    def _column(self, reference: str) -> int:
        letters = reference.rstrip("0123456789")
        column = self.columns.get(letters)
        if column is None:
            column = self.columns[letters] = _column(letters)
        return column

    def text(self, data: str) -> None:
        if self.parts is not None:
            self.parts.append(data)
            self.length += len(data)
            if self.length > self.limits.cell_chars:
                raise exceeded("cell_too_long_sheet", row=self.number, column=_letters(self.column),
                               value="".join(self.parts)[:QUOTE_CHARS] + "…", sheet=self.name,
                               limit=self.limits.cell_chars)

    def end(self, tag: str) -> None:
        if tag == self.C:
            cell, self.cell, self.parts, self.length = self.cell, None, None, 0
            if cell is None or self.row is None:
                return
            value = self.book.cell(cell)
            if value == "":
                return
            if cell[0] > self.limits.columns:
                raise exceeded("too_many_columns_sheet", row=self.number, sheet=self.name, limit=self.limits.columns)
            self.row[cell[0]] = value
        elif tag == self.V or tag == self.T:
            self.parts = None
        elif tag == self.ROW:
            row, self.row = self.row, None
            if row and self.number > self.last:
                self.last = self.number
                cells = [""] * max(row)
                for column, value in row.items():
                    cells[column - 1] = value
                self.ready.append((self.number, cells))
        elif tag == self.RPH:
            self.skip -= 1


def _column(reference: str) -> int:
    """ "B7" -> 2."""
    match = _COLUMN.fullmatch(reference)
    if match is None:
        raise Unreadable("cell reference")
    number = 0
    for letter in match.group(1).upper():
        number = number * 26 + ord(letter) - 64
    return number


def _letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _row_number(reference: str) -> int:
    try:
        return int(reference)
    except ValueError:
        number = float(reference)  # openpyxl took "7.0" too; a ValueError is an unreadable workbook
        if not number.is_integer():
            raise Unreadable("row number") from None
        return int(number)

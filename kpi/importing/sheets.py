"""Which sheet of a workbook holds the values, and on which row its header is: as people make workbooks.

A workbook may open with an instructions sheet, and a sheet with a title (merged over the columns), a
date or blank rows above the header. The header is the first row among a sheet's first HEADER_ROWS that
names every required column; the sheets are tried in order (or only the one the person chose, by name or
number). Rows above the header are left out; the row numbers stay those the spreadsheet shows. When no row
matches, one problem says which sheets and rows were looked at and which headings were expected, unless a
row named some of them (that row is taken as the header, and its missing columns are named, as before).
"""
from __future__ import annotations

from typing import Any, Iterator

from .header import Expected, Searched, is_header, known_headings
from .problems import Problem
from .table import Table

HEADER_ROWS = 20
NEAR = 2  # a row naming this many fields is a header with columns missing, not a title or an instruction


def sheet_index(names: list[str], choice: str | int | None) -> int | None:
    """The chosen sheet's index: its name (exactly, else ignoring case and spaces) or its number from 1."""
    if isinstance(choice, int):
        return choice - 1 if 1 <= choice <= len(names) else None
    text = str(choice).strip()
    if text in names:
        return names.index(text)
    folded = [name.strip().casefold() for name in names]
    if text.casefold() in folded:
        return folded.index(text.casefold())
    if text.isdigit():
        return sheet_index(names, int(text))
    return None


def workbook_records(book, table: Table, choice: str | int | None = None) -> Iterator[tuple[int, list[Any]]]:
    """The records of the sheet that holds the header, from the header on. `book`: an xlsx.Workbook or an
    ods.OdsWorkbook (sheet_names, select, rows)."""
    names = book.sheet_names
    if choice is not None and str(choice).strip() != "":
        index = sheet_index(names, choice)
        if index is None:
            table.problems.append(Problem(None, None, None, str(choice), "import.problems.no_such_sheet",
                                          {"sheet": str(choice), "sheets": ", ".join(names)}))
            return
        candidates = [index]
    else:
        candidates = list(range(len(names)))
    searched: list[tuple[str, int, int]] = []
    near: tuple[int, int, int, list] | None = None  # (fields named, sheet, row number, cells)
    for index in candidates:
        book.select(index)
        rows = book.rows()
        last = 0
        for number, cells in rows:
            if number > HEADER_ROWS:
                last = HEADER_ROWS
                break
            last = number
            if is_header(cells):
                table.sheet, table.header_row = names[index], number
                yield number, cells
                yield from rows
                return
            count = len(known_headings(cells))
            if count >= NEAR and (near is None or count > near[0]):
                near = (count, index, number, cells)
        rows.close()
        searched.append((names[index], 1 if last else 0, last))
    if near is not None:
        _count, index, number, cells = near
        table.sheet, table.header_row = names[index], number
        yield number, cells  # take_records names its missing columns
    elif any(last for _name, _first, last in searched):
        table.problems.append(Problem(None, None, None, "", "import.problems.no_header",
                                      {"searched": Searched(tuple(searched)), "expected": Expected()}))

"""Reading a CSV import file a block at a time: its encoding, its separator, and its rows within the limits.

UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text") or Windows-1252 (the first that
decodes the whole file); `;`, `,` or tab as separator, chosen by which one splits the header into known
column names (Excel's `sep=;` first line is honoured). The same rows, row numbers and problems as
parsing the whole text at once.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from itertools import chain
from operator import itemgetter
from typing import Any, BinaryIO, Iterator

from .header import header_field, header_of
from .limits import Limits, LimitExceeded, exceeded
from .problems import Problem
from .table import FIELDS, Source, Table

_SEPARATORS = (";", "\t", ",")


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-16 by its BOM, else UTF-8 (BOM optional), else Windows-1252."""
    codec, name = choose_encoding(Source(data))
    return data.decode(codec), name


def choose_encoding(source: Source) -> tuple[str, str]:
    """(codec, encoding's name): UTF-16 by its BOM, else UTF-8 (BOM optional), else Windows-1252, else
    Latin-1 (which never fails): the first that decodes the whole file, checked a block at a time."""
    candidates = [("utf-8-sig", "utf-8"), ("cp1252", "windows-1252")]
    if source.head(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        candidates.insert(0, ("utf-16", "utf-16"))
    for codec, name in candidates:
        decoder = codecs.getincrementaldecoder(codec)()
        try:
            for block in source.blocks():
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return codec, name
    return "latin-1", "latin-1"  # the checks below say what is wrong


_NON_SPACE = re.compile(r"\S")
_TERMINATORS_ONLY = frozenset({"\n", "\r", "\r\n"})


class CsvReading:
    """A CSV file as lines of text, decoded a block at a time (the encoding is chosen over the whole file
    first), then as rows. The same rows, row numbers and problems as parsing the whole text at once."""

    def __init__(self, source: Source, table: Table, size: int, limits: Limits):
        self.source, self.table, self.size, self.limits = source, table, max(size, 1), limits
        self.binary: BinaryIO | None = None

    def fraction(self) -> float:
        try:
            return self.binary.tell() / self.size if self.binary is not None and not self.binary.closed else 0.0
        except (OSError, ValueError):
            return 0.0

    def chunks(self, size: int):
        codec, self.table.encoding = choose_encoding(self.source)
        self.binary = self.source.open()
        text = io.TextIOWrapper(self.binary, encoding=codec, newline="")
        try:
            lines = self._lines(_bounded_lines(text, self.limits))
            if lines is not None:
                yield from _csv_chunks(lines, self.table, size, self.limits)
        except LimitExceeded as refusal:  # the reading stops at the first limit passed
            self.table.problems.append(refusal.problem)
        finally:
            text.close()  # and the file under it

    def _lines(self, text: Iterator[str]) -> Iterator[str] | None:
        """The lines to parse, the separator chosen: from the first line with anything but white space on
        it, an Excel `sep=` hint (dropped, with the empty lines after it) or the header to sniff."""
        table = self.table
        head: list[str] = []
        for line in text:  # lines end in \n, \r or \r\n (kept), as io.StringIO(text, newline="") gives them
            head.append(line)
            if _NON_SPACE.search(line):
                break
            if len(head) > self.limits.rows:
                raise exceeded("too_many_rows", limit=self.limits.rows)
        else:
            table.problems.append(Problem(None, None, None, "", "import.problems.empty_file"))
            return None
        content = head[-1].rstrip("\r\n")
        first = content.strip()
        if first.lower().startswith("sep=") and len(first) <= 5:  # Excel's hint line; Excel does not show it as a row
            table.separator = first[4:] or ","
            return _after_empty_lines(text)
        table.separator = _sniff(content)
        return chain(head, text)


def _bounded_lines(text: Iterator[str], limits: Limits) -> Iterator[str]:
    """The file's lines, none longer than the limits allow (checked before the csv module splits it)."""
    longest = limits.line_chars
    number = 0
    for line in text:
        number += 1
        if len(line) > longest:
            raise exceeded("line_too_long", line=number, limit=longest)
        yield line


def _after_empty_lines(lines: Iterator[str]) -> Iterator[str]:
    """The lines after any that hold nothing but a line break (what text.lstrip("\r\n") leaves)."""
    for line in lines:
        if line not in _TERMINATORS_ONLY:
            yield line
            break
    yield from lines


def _sniff(header_line: str) -> str:
    """The separator that splits the header into the most known column names (then: the most cells)."""
    def score(separator: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([header_line], delimiter=separator))
        except (csv.Error, StopIteration):
            return (0, 0)
        return (sum(header_field(cell) is not None for cell in cells), len(cells))

    return max(_SEPARATORS, key=score)


def _csv_chunks(lines: Iterator[str], table: Table, size: int, limits: Limits):
    """Rows of a CSV file, `size` at a time: what `take_records` makes of the records, with the
    per-cell work for the rows after the header done as few Python steps as possible (this loop runs
    millions of times). Past the row or column limit the reading stops (LimitExceeded); a cell over
    the length limit is a problem on its row."""
    reader = csv.reader(lines, delimiter=table.separator)
    records = _numbered(reader, table, limits)
    header = header_of(records, table)
    if header is None:
        return
    width, positions = header.width, header.positions
    needed = max(positions.values()) + 1
    # Cells in FIELDS order from a row padded to `needed` cells with None appended: index -1 is None.
    pick = itemgetter(*[positions.get(name, -1) for name in FIELDS])
    strip = str.strip
    rows: list[tuple[int, tuple[Any, ...]]] = []
    number = header.number
    found = False
    max_rows, max_columns, max_chars = limits.rows, limits.columns, limits.cell_chars
    try:
        for record in reader:
            number += 1
            if number > max_rows:
                raise exceeded("too_many_rows", limit=max_rows)
            count = len(record)
            if count > max_columns:
                raise exceeded("too_many_columns", row=number, limit=max_columns)
            if count and max(map(len, record)) > max_chars:
                table.problems.append(_long_cell(number, record, positions, table, max_chars))
                continue
            cells = list(map(strip, record))
            if not any(cells):
                continue
            if count > width and any(cells[width:]):  # e.g. 1,5 unquoted in a comma-separated file
                extra = next(cell for cell in cells[width:] if cell)
                table.problems.append(Problem(number, None, None, extra, "import.problems.extra_cells",
                                              {"count": count, "columns": width}))
                continue
            if count < needed:
                cells += [""] * (needed - count)
            cells.append(None)
            row = pick(cells)
            if not any(row):
                continue  # only ignored columns are filled
            rows.append((number, row))
            found = True
            if len(rows) >= size:
                yield rows
                rows = []
    except csv.Error as error:
        table.problems.append(_csv_error(number + 1, error, limits))
    if rows:
        yield rows
    header.finish(found)


def _long_cell(number: int, record: list[str], positions: dict[str, int], table: Table, limit: int) -> Problem:
    """A row with a cell longer than the limit: the problem names its column, when it is one the import reads."""
    index = next(i for i, cell in enumerate(record) if len(cell) > limit)
    name = next((name for name, position in positions.items() if position == index), None)
    return Problem(number, name, table.columns.get(name) if name else None, record[index],
                   "import.problems.cell_too_long", {"limit": float(limit)})


def _csv_error(number: int, error: csv.Error, limits: Limits) -> Problem:
    if "field limit" in str(error):  # the csv module's own bound on a cell (131 072 characters)
        return Problem(number, None, None, "", "import.problems.cell_too_long",
                       {"limit": float(limits.cell_chars)})
    return Problem(number, None, None, "", "import.problems.unreadable_csv")


def _numbered(reader, table: Table, limits: Limits):
    """The records up to the header, numbered, within the limits (a cell too long here stops the reading)."""
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            table.problems.append(_csv_error(number + 1, error, limits))
            return
        number += 1
        if number > limits.rows:
            raise exceeded("too_many_rows", limit=limits.rows)
        if len(record) > limits.columns:
            raise exceeded("too_many_columns", row=number, limit=limits.columns)
        long = next((cell for cell in record if len(cell) > limits.cell_chars), None)
        if long is not None:
            raise exceeded("cell_too_long", row=number, value=long, limit=limits.cell_chars)
        yield number, [cell.strip() for cell in record]

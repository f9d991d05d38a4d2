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

Streaming: `open_table` reads the file a chunk of rows at a time (`TableStream.chunks`), from bytes in
memory or from a path on disk, so a file of millions of rows never sits in memory as rows; `read_table`
collects every row (tests, small files). Both read exactly the same rows and problems.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import os
import re
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import Any, BinaryIO, Iterator

from .limits import Limits, LimitExceeded, exceeded
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


def read_table(data: bytes | os.PathLike, file_name: str, *, max_bytes: int | None = None,
               limits: Limits | None = None) -> Table:
    """Parse a file (its bytes, or a path). Never raises for bad content; problems are in `table.problems`."""
    stream = open_table(data, file_name, max_bytes=max_bytes, limits=limits)
    for chunk in stream.chunks():
        stream.table.rows.extend(chunk)
    return stream.table


class Source:
    """An import file: its bytes in memory, or a path on disk read a block at a time (never whole)."""

    BLOCK = 1 << 20

    def __init__(self, data: bytes | bytearray | memoryview | os.PathLike | str):
        if isinstance(data, (bytes, bytearray, memoryview)):
            self.data: bytes | None = bytes(data) if not isinstance(data, bytes) else data
            self.path: str | None = None
        else:
            self.data, self.path = None, os.fspath(data)

    @staticmethod
    def of(data) -> Source:
        return data if isinstance(data, Source) else Source(data)

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else os.path.getsize(self.path)

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data) if self.data is not None else open(self.path, "rb")  # noqa: SIM115

    def head(self, size: int) -> bytes:
        if self.data is not None:
            return self.data[:size]
        with self.open() as handle:
            return handle.read(size)

    def blocks(self) -> Iterator[bytes | memoryview]:
        if self.data is not None:
            view = memoryview(self.data)
            for start in range(0, len(view), self.BLOCK):
                yield view[start:start + self.BLOCK]
            return
        with self.open() as handle:
            while block := handle.read(self.BLOCK):
                yield block

    def checksum(self) -> str:
        if self.data is not None:
            return hashlib.sha256(self.data).hexdigest()
        digest = hashlib.sha256()
        for block in self.blocks():
            digest.update(block)
        return digest.hexdigest()

    def is_blank(self) -> bool:
        """Empty, or nothing but ASCII white space (as bytes.isspace() says)."""
        if self.data is not None:
            return not self.data or self.data.isspace()
        return all(bytes(block).isspace() for block in self.blocks())


class TableStream:
    """A file being read: `table` holds what is known about it (format, columns, problems so far), and
    `chunks()` yields its rows, (row number, cells in FIELDS order), a list at a time. Problems found
    while reading (a row with too many cells, an unreadable line) are appended to `table.problems` as the
    rows around them are read."""

    def __init__(self, table: Table, chunks=None, position=None):
        self.table = table
        self._chunks = chunks
        self._position = position

    def chunks(self, size: int = 5000) -> Iterator[list[tuple[int, tuple[Any, ...]]]]:
        if self._chunks is not None:
            yield from self._chunks(size)

    def fraction(self) -> float:
        """How far into the file the reading has got (0..1), for a progress bar."""
        return min(max(self._position(), 0.0), 1.0) if self._position is not None else 0.0


def open_table(data: bytes | os.PathLike | Source, file_name: str, *, max_bytes: int | None = None,
               limits: Limits | None = None) -> TableStream:
    """Start reading a file (its bytes, or a path to stream it from). Never raises for bad content. `limits`:
    how much is read at most (limits.py; by default from the settings)."""
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
    if head.startswith(_XLSX_MAGIC) or lower.endswith(".xlsx"):
        table.format = "xlsx"
        reading = _XlsxReading(source, table, limits)
        return TableStream(table, reading.chunks, reading.fraction)
    table.format = "csv"
    reading = _CsvReading(source, table, size, limits)
    return TableStream(table, reading.chunks, reading.fraction)


def _megabytes(size: int) -> float:
    return round(size / (1024 * 1024), 1)  # a float: the reason shows it with the language's decimal mark


# --- CSV --------------------------------------------------------------------------------------------

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


class _CsvReading:
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
    """Rows of a CSV file, `size` at a time: what `_take_records` makes of the records, with the
    per-cell work for the rows after the header done as few Python steps as possible (this loop runs
    millions of times). Past the row or column limit the reading stops (LimitExceeded); a cell over
    the length limit is a problem on its row."""
    reader = csv.reader(lines, delimiter=table.separator)
    records = _numbered(reader, table, limits)
    header = _header_of(records, table)
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


# --- XLSX -------------------------------------------------------------------------------------------

class _XlsxReading:
    """The first sheet, through xlsx.Workbook (bounded: see kpi/importing/xlsx.py and limits.py)."""

    def __init__(self, source: Source, table: Table, limits: Limits):
        self.source, self.table, self.limits = source, table, limits
        self.book = None

    def fraction(self) -> float:
        return self.book.fraction() if self.book is not None else 0.0

    def chunks(self, size: int):
        rows: list[tuple[int, tuple[Any, ...]]] = []
        for row in _take_records(self._records(), self.table):
            rows.append(row)
            if len(rows) >= size:
                yield rows
                rows = []
        if rows:
            yield rows

    def _records(self):
        from .xlsx import Unreadable, Workbook

        handle = self.source.open()
        try:
            self.book = Workbook(handle, self.source.size, self.limits)
            yield from self.book.rows()
        except LimitExceeded as refusal:
            self.table.problems.append(refusal.problem)
        except Unreadable as error:
            self.table.problems.append(Problem(None, None, None, "", "import.problems.unreadable_xlsx",
                                               {"detail": str(error)}))
        except Exception as error:  # noqa: BLE001 - a damaged part: a bad number, a shared string not there
            self.table.problems.append(Problem(None, None, None, "", "import.problems.unreadable_xlsx",
                                               {"detail": type(error).__name__}))
        finally:
            if self.book is not None:
                self.book.close()
            handle.close()


# --- the rows ---------------------------------------------------------------------------------------

class _Header:
    """The header row: the first non-blank record; its columns mapped to FIELDS."""

    def __init__(self, table: Table):
        self.table = table
        self.positions: dict[str, int] = {}
        self.width = 0      # cells in the header row, up to its last heading
        self.number = 0     # its row number
        self.failed = False

    def take(self, number: int, cells: list, records) -> bool:
        """Look at a record before the header: True once the header has been read (or refused)."""
        if not any(cell != "" for cell in cells):
            return False
        self.width = max(i for i, cell in enumerate(cells) if cell != "") + 1
        self.number = number
        if not _read_header(number, cells, self.table, self.positions):
            self.failed = True
            _drain(records)
        return True

    def finish(self, found_rows: bool) -> None:
        if not self.width:
            if not self.table.problems:  # not when it could not be read, or the reading was stopped
                self.table.problems.append(Problem(None, None, None, "", "import.problems.empty_file"))
        elif not self.failed and not found_rows and not self.table.problems:
            self.table.problems.append(Problem(None, None, None, "", "import.problems.no_rows"))


def _header_of(records, table: Table) -> _Header | None:
    """Read records up to and including the header; None (its problems noted) when there is none to use."""
    header = _Header(table)
    for number, cells in records:
        if header.take(number, cells, records):
            break
    if not header.width or header.failed:
        header.finish(False)
        return None
    return header


def _take_records(records, table: Table):
    """Find the header (the first non-blank row), map its columns, yield the non-blank rows after it."""
    header = _header_of(records, table)
    if header is None:
        return
    positions, width = header.positions, header.width
    found = False
    for number, cells in records:
        if not any(cell != "" for cell in cells):
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
        found = True
        yield number, row
    header.finish(found)


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

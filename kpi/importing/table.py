"""An import file and its rows, as the reader hands them on: the fields, `Table`, `Source` and `TableStream`.

Nothing here reads a format: reader.py picks the way (CSV in csv_reading.py, XLSX through xlsx.py), and
header.py maps the header row to the fields.
"""
from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Iterator

from .problems import Problem

FIELDS = ("indicator", "org_unit", "period", "value", "numerator", "denominator", "weight", "comment")
REQUIRED = ("indicator", "org_unit", "period")  # and a value, or both numerator and denominator
NUMBER_FIELDS = ("value", "numerator", "denominator", "weight")


@dataclass
class Table:
    """The rows of a file, cells in FIELDS order (None where the file has no such column)."""
    file_name: str
    format: str = ""                                       # "csv", "xlsx" or "ods"
    sheet: str = ""                                        # a workbook's: the sheet read
    header_row: int = 0                                    # a workbook's: the header's row number
    encoding: str = ""                                     # for CSV: the encoding it was read in
    separator: str = ""                                    # for CSV
    columns: dict[str, str] = field(default_factory=dict)  # field -> heading as written
    ignored: list[str] = field(default_factory=list)       # headings not understood
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)  # (row number, cells)
    problems: list[Problem] = field(default_factory=list)  # about the file as a whole


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

"""How much of an import file is read at most: rows, columns, cell length, and what a workbook may unpack to.

A file past a limit is refused with one problem naming the limit and its setting (KPI_IMPORT_*); the
reading stops there, so a zip bomb or a flood of empty rows costs milliseconds, not gigabytes. The
values are settings (KPI_IMPORT_MAX_*, kpi/settings.py; rows and cell length default to Excel's own
limits, which every real spreadsheet passes); `Limits.from_settings()` reads them.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..settings import get_settings
from .problems import Problem

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    rows: int                 # row number, as the spreadsheet shows it (header = 1)
    columns: int              # cells in a row
    cell_chars: int           # characters in one cell
    uncompressed_bytes: int   # what an XLSX unpacks to, one part or all of them
    compression_ratio: int    # unpacked / packed, for a part of 1 MB or more
    zip_members: int          # parts in an XLSX
    shared_strings: int       # texts in the workbook's shared-strings table
    shared_strings_chars: int  # their characters together

    @staticmethod
    def from_settings(settings=None) -> Limits:
        if settings is None:
            settings = get_settings()
        return Limits(rows=settings.import_max_rows, columns=settings.import_max_columns,
                      cell_chars=settings.import_max_cell_chars,
                      uncompressed_bytes=settings.import_max_uncompressed_mb * MB,
                      compression_ratio=settings.import_max_compression_ratio,
                      zip_members=settings.import_max_zip_members,
                      shared_strings=settings.import_max_shared_strings,
                      shared_strings_chars=settings.import_max_shared_strings_mb * MB)

    @property
    def line_chars(self) -> int:
        """The longest CSV line read: every field (FIELDS, eight) at its longest, and short cells in every other
        column. A longer line is refused before the csv module splits it (a line of a million separators would
        otherwise be a list of a million cells)."""
        return 8 * (self.cell_chars + 3) + 32 * self.columns


class LimitExceeded(Exception):
    """Raised inside a reader when the file passes a limit; carries the problem that says which."""

    def __init__(self, problem: Problem):
        super().__init__(problem.key)
        self.problem = problem


def exceeded(key: str, *, row: int | None = None, column: str | None = None, value: str = "",
             **params) -> LimitExceeded:
    numbers = {name: float(v) if isinstance(v, int) and not isinstance(v, bool) else v for name, v in params.items()}
    return LimitExceeded(Problem(row, None, column, value, f"import.problems.{key}", numbers))  # 1 048 576

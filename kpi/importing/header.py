"""The header row of an import file: which column holds which field, English or Finnish, in any case.

`header_of` reads records up to the first non-blank one and maps its headings (unknown ones are listed
as ignored; a field twice, or a required one missing, is a problem); `take_records` then yields the
rows after it as cells in FIELDS order. The CSV reading does the same for its rows in a faster loop.
A workbook's header may sit below title rows (sheets.py looks for it with `is_header`, `known_headings`);
when none is found, `Searched` says where it was looked for in the person's language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..i18n import t
from .problems import Problem, display
from .table import FIELDS, REQUIRED, Table

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
_FINNISH = {"org_unit": "yksikkö"}  # else the second name is the Finnish one
_HEADER_TO_FIELD = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}


def header_field(text: Any) -> str | None:
    """The field a column heading names, or None: "  Yksikkö " -> "org_unit"."""
    name = re.sub(r"[\s\-]+", "_", display(text).replace("\ufeff", "").strip().lower())
    return _HEADER_TO_FIELD.get(name)


def known_headings(cells: list) -> set[str]:
    """The fields a row's cells name as headings (a title row or an instruction names none or one)."""
    return {name for name in map(header_field, cells) if name is not None}


def is_header(cells: list) -> bool:
    """A row that names every required column, and a value or both numerator and denominator."""
    names = known_headings(cells)
    return all(name in names for name in REQUIRED) and (
        "value" in names or ("numerator" in names and "denominator" in names))


@dataclass(frozen=True)
class Searched:
    """Where a header was looked for, as a problem's parameter read in the person's language: the sheets, each
    with its first and last row looked at (0 for a sheet with no rows)."""
    sheets: tuple[tuple[str, int, int], ...]

    def text(self, lang: str) -> str:
        parts = [t("import.sheet_rows" if last else "import.sheet_empty", lang, sheet=name, first=first, last=last)
                 for name, first, last in self.sheets]
        return _listed(parts, lang)


@dataclass(frozen=True)
class Expected:
    """The required headings, the person's language's name first: "mittari/indicator, ... ja arvo/value"."""

    def text(self, lang: str) -> str:
        def named(field: str) -> str:
            english, finnish = _ALIASES[field][0], _FINNISH.get(field, _ALIASES[field][1])
            return f"{finnish}/{english}" if lang == "fi" else f"{english}/{finnish}"

        return t("import.expected_headings", lang, required=_listed([named(f) for f in (*REQUIRED, "value")], lang),
                 numerator=named("numerator"), denominator=named("denominator"))


def _listed(parts: list[str], lang: str) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return t("import.list_and", lang, items=", ".join(parts[:-1]), last=parts[-1])


class Header:
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


def header_of(records, table: Table) -> Header | None:
    """Read records up to and including the header; None (its problems noted) when there is none to use."""
    header = Header(table)
    for number, cells in records:
        if header.take(number, cells, records):
            break
    if not header.width or header.failed:
        header.finish(False)
        return None
    return header


def take_records(records, table: Table):
    """Find the header (the first non-blank row), map its columns, yield the non-blank rows after it."""
    header = header_of(records, table)
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

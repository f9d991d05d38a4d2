"""One thing wrong with an import file: where (row as the spreadsheet shows it, column), what, and why.

The reason is a catalogue key: `errors.*` when the store's own rule refused the value (the same words
the forms use), `import.problems.*` for what only a file can get wrong (a missing column, a row twice).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..i18n import format_number, t


@dataclass(frozen=True)
class Problem:
    row: int | None          # 1 is the header row; None for the file as a whole
    field: str | None        # the canonical column ("value"), None when no column is to blame
    header: str | None       # the column's heading as written in the file, when it has one
    value: str               # the cell as written
    key: str                 # catalogue key of the reason
    params: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def from_error(row: int, error: InputError, headers: dict[str, str], cells: dict[str, str]) -> Problem:
        """A store rule's refusal, placed at the cell that caused it (shown as the file wrote it)."""
        shown = cells.get(error.field)
        if shown is None:
            shown = display(error.value)
        return Problem(row, error.field, headers.get(error.field), shown, f"errors.{error.key}",
                       {"value": shown, **error.params})

    def column(self, lang: str) -> str:
        """The column as the file names it (shortened, see `quoted`), else the field's name in the language."""
        if self.header:
            return quoted(self.header, lang)
        return t(f"fields.{self.field}", lang) if self.field else ""

    def shown_value(self, lang: str) -> str:
        return quoted(self.value, lang)

    def reason(self, lang: str) -> str:
        params = {name: _param(value, lang) for name, value in self.params.items()}
        return t(self.key, lang, **params)

    def line(self, lang: str) -> str:
        """One line for the command line: row, column, value, reason (those that apply); bounded in length
        however long the cell (a 100 001-character cell is quoted by its first 60 characters)."""
        reason, column, value = self.reason(lang), self.column(lang), self.shown_value(lang)
        if self.row is None:
            if column:
                return t("import.line_column", lang, column=column, reason=reason)
            return t("import.line_file", lang, reason=reason)
        if column:
            return t("import.line_row", lang, row=self.row, column=column, value=value, reason=reason)
        if self.value:
            return t("import.line_row_value", lang, row=self.row, value=value, reason=reason)
        return t("import.line_row_only", lang, row=self.row, reason=reason)


QUOTE_CHARS = 60  # a longer cell is quoted by its start, "…" and its length
_QUOTE_SLACK = 20  # not cut when only a little longer: the note of the length would be as long


def quoted(text: str, lang: str) -> str:
    """A cell's text as a problem quotes it: whole when short, else "first 60 characters… (100 001 characters)"."""
    if len(text) <= QUOTE_CHARS + _QUOTE_SLACK:
        return text
    return t("import.quote_cut", lang, start=text[:QUOTE_CHARS], length=format_number(len(text), 0, lang))


def display(value: Any) -> str:
    """A cell's content as a person reads it: 2020.0 -> "2020", None -> ""."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


@dataclass(frozen=True)
class Reading:
    """A stored or imported value with its parts, for a reason: "61 (488 / 800)", "3,9 (paino 120)"."""
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    weight: float | None = None
    decimals: int = 0

    def text(self, lang: str) -> str:
        shown = format_number(self.value, self.decimals, lang)
        if self.numerator is not None and self.denominator is not None:
            shown += f" ({_param(self.numerator, lang)} / {_param(self.denominator, lang)})"
        if self.weight is not None:
            shown += f" ({t('fields.weight', lang)} {_param(self.weight, lang)})"
        return shown


def _param(value: Any, lang: str) -> Any:
    """Numbers inside a reason read in the language (61,5 in Finnish); a Reading, or any parameter that says
    itself in a language (header.Searched), by its `text`."""
    if isinstance(value, Reading) or callable(getattr(value, "text", None)):
        return value.text(lang)
    if isinstance(value, str):
        return quoted(value, lang)
    if isinstance(value, bool) or not isinstance(value, float) or not math.isfinite(value):
        return value
    text = f"{value:.6f}".rstrip("0")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return format_number(value, decimals, lang)

"""Periods: years, quarters, months, single dates (a dated survey) and date ranges.

One parser, `parse_period`, reads what people type ("2020", "Q1/2020", "3/2020", "2018-06-12",
"2020-01-01..2022-12-31") and gives a `Period` with a canonical code. Periods on the calendar grid
know their parent (month -> quarter -> year) and their children, which is what rollups walk.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PeriodKind(StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    DAY = "day"      # an irregular measurement point, e.g. a survey taken on one date
    RANGE = "range"  # any span of dates, e.g. a target that holds for a project's life


class PeriodParseError(ValueError):
    """The text is not a period we understand."""

    def __init__(self, text: str):
        super().__init__(f"not a period: {text!r}")
        self.text = text


_MIN_YEAR, _MAX_YEAR = 1900, 2200


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    kind: PeriodKind

    # --- constructors -------------------------------------------------------------------
    @staticmethod
    def year(y: int) -> Period:
        return Period(date(y, 1, 1), date(y, 12, 31), PeriodKind.YEAR)

    @staticmethod
    def quarter(y: int, q: int) -> Period:
        if not 1 <= q <= 4:
            raise ValueError(f"quarter {q}")
        first_month = 3 * (q - 1) + 1
        return Period(date(y, first_month, 1), _month_end(y, first_month + 2), PeriodKind.QUARTER)

    @staticmethod
    def month(y: int, m: int) -> Period:
        return Period(date(y, m, 1), _month_end(y, m), PeriodKind.MONTH)

    @staticmethod
    def day(d: date) -> Period:
        return Period(d, d, PeriodKind.DAY)

    @staticmethod
    def range(start: date, end: date) -> Period:
        if end < start:
            raise ValueError(f"range ends {end} before it starts {start}")
        return Period(start, end, PeriodKind.RANGE)

    # --- what it is ----------------------------------------------------------------------
    @property
    def code(self) -> str:
        """The canonical text form, stored in the database and accepted by the parser."""
        y = self.start.year
        if self.kind is PeriodKind.YEAR:
            return f"{y}"
        if self.kind is PeriodKind.QUARTER:
            return f"{y}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.MONTH:
            return f"{y}-{self.start.month:02d}"
        if self.kind is PeriodKind.DAY:
            return self.start.isoformat()
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def __str__(self) -> str:
        return self.code

    @property
    def quarter_number(self) -> int:
        return (self.start.month - 1) // 3 + 1

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def has_ended(self, as_of: date) -> bool:
        return self.end < as_of

    def is_running(self, as_of: date) -> bool:
        return self.start <= as_of <= self.end

    # --- the calendar grid ---------------------------------------------------------------
    def parent(self) -> Period | None:
        """The grid period one level up: a month's quarter, a quarter's year, a date's month."""
        y, m = self.start.year, self.start.month
        if self.kind is PeriodKind.QUARTER:
            return Period.year(y)
        if self.kind is PeriodKind.MONTH:
            return Period.quarter(y, (m - 1) // 3 + 1)
        if self.kind is PeriodKind.DAY:
            return Period.month(y, m)
        return None

    def children(self) -> list[Period]:
        """The grid periods one level down; empty for a single date or a free range."""
        y = self.start.year
        if self.kind is PeriodKind.YEAR:
            return [Period.quarter(y, q) for q in range(1, 5)]
        if self.kind is PeriodKind.QUARTER:
            first = self.start.month
            return [Period.month(y, m) for m in range(first, first + 3)]
        return []

    def previous(self) -> Period | None:
        """The period of the same kind just before this one (for change against the last period)."""
        y, m = self.start.year, self.start.month
        if self.kind is PeriodKind.YEAR:
            return Period.year(y - 1)
        if self.kind is PeriodKind.QUARTER:
            q = self.quarter_number
            return Period.quarter(y, q - 1) if q > 1 else Period.quarter(y - 1, 4)
        if self.kind is PeriodKind.MONTH:
            return Period.month(y, m - 1) if m > 1 else Period.month(y - 1, 12)
        return None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


_YEAR = r"(?P<y>\d{4})"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^{_YEAR}$"), "year"),
    (re.compile(rf"^{_YEAR}\s*[-/ ]?\s*Q(?P<q>\d)$", re.I), "quarter"),       # 2020-Q1, 2020Q1, 2020 Q1
    (re.compile(rf"^Q(?P<q>\d)\s*[-/ ]?\s*{_YEAR}$", re.I), "quarter"),       # Q1/2020, Q1 2020, Q1-2020
    (re.compile(rf"^{_YEAR}-(?P<m>\d{{1,2}})$"), "month"),                    # 2020-03
    (re.compile(rf"^(?P<m>\d{{1,2}})\s*/\s*{_YEAR}$"), "month"),              # 3/2020
    (re.compile(rf"^{_YEAR}-(?P<m>\d{{2}})-(?P<d>\d{{2}})$"), "day"),         # ISO date
    (re.compile(rf"^(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.{_YEAR}$"), "day"),   # Finnish 15.3.2020
]


def parse_period(text: str) -> Period:
    """Read a period as people write it. Raises PeriodParseError for anything else."""
    if not isinstance(text, str):
        text = str(text)
    cleaned = text.strip()
    if ".." in cleaned:
        left, _, right = cleaned.partition("..")
        try:
            start, end = parse_period(left), parse_period(right)
            return Period.range(start.start, end.end)
        except (PeriodParseError, ValueError):
            raise PeriodParseError(text) from None
    for pattern, kind in _PATTERNS:
        match = pattern.match(cleaned)
        if not match:
            continue
        parts = match.groupdict()
        y = int(parts["y"])
        if not _MIN_YEAR <= y <= _MAX_YEAR:
            raise PeriodParseError(text)
        try:
            if kind == "year":
                return Period.year(y)
            if kind == "quarter":
                return Period.quarter(y, int(parts["q"]))
            if kind == "month":
                return Period.month(y, int(parts["m"]))
            return Period.day(date(y, int(parts["m"]), int(parts["d"])))
        except ValueError:
            raise PeriodParseError(text) from None
    raise PeriodParseError(text)


def period_from_bounds(kind: str, start: date, end: date) -> Period:
    """Rebuild a Period from stored columns."""
    return Period(start, end, PeriodKind(kind))


def reporting_periods(measured: list[Period]) -> list[Period]:
    """The years, quarters and months that contain measured values, newest first: each year, then its
    quarters from the last, each quarter followed by its months."""
    found: set[Period] = set()
    for period in measured:
        y, m = period.start.year, period.start.month
        for candidate in (Period.year(y), Period.quarter(y, (m - 1) // 3 + 1), Period.month(y, m)):
            if candidate.contains(period):
                found.add(candidate)

    def newest_first(p: Period) -> tuple:
        return (-p.start.year, p.kind is not PeriodKind.YEAR, -p.quarter_number, p.kind is PeriodKind.MONTH,
                -p.start.month)

    return sorted(found, key=newest_first)

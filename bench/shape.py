"""How big everything is for N measurements, and the calendar the values fall on.

More measurements mean more indicators (up to 100) and then more units, never more years: ten years
ending with the current year's completed months. One city, up to 40 divisions, each indicator measured
in a quarter of the divisions (a service area's units), so at 1 000 000 measurements some 100 units carry
each indicator, and 5 000 000 has five times the units.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from kpi.domain.periods import Period

YEARS = 10
MAX_INDICATORS = 100
MAX_DIVISIONS = 40
MIN_INDICATORS = 10  # enough for every aggregation rule (see catalogue.RULE_CYCLE)
MIN_DIVISIONS = 4


@dataclass(frozen=True)
class Calendar:
    """The periods that hold values: months and quarters up to the last completed one, complete years."""
    months: tuple[Period, ...]
    quarters: tuple[Period, ...]
    years: tuple[Period, ...]       # complete years only (a yearly grade is given after the year)
    target_years: tuple[int, ...]   # every year of the data, the running one too

    @staticmethod
    def ending(today: date) -> Calendar:
        last = Period.month(today.year, today.month).previous()  # the last completed month
        first_year = today.year - YEARS + 1
        months, cursor = [], last
        while cursor.start.year >= first_year:
            months.insert(0, cursor)
            cursor = cursor.previous()
        quarters = [Period.quarter(y, q) for y in range(first_year, today.year + 1) for q in range(1, 5)
                    if Period.quarter(y, q).end <= last.end]
        years = [Period.year(y) for y in range(first_year, today.year) if Period.year(y).end <= last.end]
        return Calendar(tuple(months), tuple(quarters), tuple(years), tuple(range(first_year, today.year + 1)))

    def periods(self, frequency: str) -> tuple[Period, ...]:
        return {"month": self.months, "quarter": self.quarters, "year": self.years}[frequency]

    @property
    def last_complete_year(self) -> int:
        return self.years[-1].start.year


@dataclass(frozen=True)
class Shape:
    indicators: int
    divisions: int
    divisions_per_indicator: int

    @staticmethod
    def for_measurements(n: int) -> Shape:
        scale = math.sqrt(max(n, 1) / 1_000_000)
        indicators = min(MAX_INDICATORS, max(MIN_INDICATORS, round(MAX_INDICATORS * scale)))
        divisions = min(MAX_DIVISIONS, max(MIN_DIVISIONS, round(MAX_DIVISIONS * scale)))
        return Shape(indicators, divisions, max(1, divisions // 4))

"""What the leadership pages show, as plain data: points of a series, bars of a breakdown.

Built by `kpi.features.drilldown` from the store and the rules; drawn by `kpi.presentation.charts`; listed by the pages.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Point:
    """One period (or one unit, in a breakdown) of one indicator, judged against its target if any."""
    label: str                    # what the axis shows: "2020", "2020-Q1", a unit's name
    period: str                   # canonical period code
    start: date
    end: date
    actual: float | None
    status: str | None            # Status value, or None where no target judges this point
    threshold: float | None       # the target that applied (None: no target)
    threshold_upper: float | None
    comparator: str | None
    band_low: float | None        # the at-risk band's far edge(s): where "at risk" turns into "not met"
    band_high: float | None
    running: bool = False         # the period is under way: the actual is to date
    key: str = ""                 # unit code in a unit breakdown, period code otherwise

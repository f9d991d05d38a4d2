"""What the automatic analysis of a shortfall finds, as plain frozen values: the whole, its parts (quarters
or units) with their effects, the pace a running period needs, and the trend.

kpi.analysis computes them, kpi.analysis_text words them; both import these, neither the other.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Contribution:
    """One part of the whole: a quarter or month (or survey date), or one child unit."""
    key: str                # period code or unit code
    label: str              # what people read ("2020-Q1", a unit's name)
    actual: float | None    # rounded to the indicator's decimals; None = no data
    weight: float | None    # what it weighs in the whole: denominator, weight, or 1 per part for a sum
    gap: float | None       # its own signed gap against `reference` (negative = below)
    effect: float | None    # how much it moved the whole relative to the target, in the indicator's units
    share: float | None     # its share (0..1) of the shortfall among the parts that pulled down, else None
    below: bool             # its own gap is negative
    reference: float | None = None  # what it was compared with: the threshold, or T / n for parts that add up


@dataclass(frozen=True)
class Pace:
    """What the rest of a running period must reach (only for a period under way)."""
    remaining: list[str]            # the sub-periods still to come ("2026-Q4")
    required: float | None          # what they must reach on average for the whole to meet the target
    expected_weight: float | None   # assumed weight of each remaining sub-period: the mean so far
    reachable: bool | None          # False when `required` is outside the indicator's valid range
    projection: float | None        # the whole period's projected result
    method: str                     # ratio_to_date | mean_to_date | run_rate | last_value
    secured: bool = False           # the target holds whatever the rest brings (within the valid range)
    comparator: str | None = None   # what `required` means: ge = at least, le = at most, eq = exactly


@dataclass(frozen=True)
class ShortfallAnalysis:
    indicator_code: str
    period: str
    unit_key: str
    actual: float | None            # as the scorecard shows it (rounded)
    threshold: float | None         # None: no target applies
    gap: float | None               # negative = shortfall (the evaluation's gap)
    status: str | None              # met | at_risk | not_met | no_data; None without a target
    by_part: list[Contribution]
    main_part: Contribution | None  # the part that pulled the result down most
    by_unit: list[Contribution]
    main_unit: Contribution | None
    pace: Pace | None
    trend: list[tuple[str, float | None]]  # the same period in earlier years, oldest first, the chosen one last
    comparator: str | None = None
    threshold_upper: float | None = None
    running: bool = False
    data_through: date | None = None
    problem: str | None = None      # a rollup problem key (catalogue `rollup.<key>`) when no value could be given

    @property
    def shortfall(self) -> bool:
        return self.gap is not None and self.gap < 0

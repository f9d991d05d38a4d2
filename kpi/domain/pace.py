"""The pace of a running period: what the sub-periods still to come must reach on average for the whole
period to meet its target, the projection at the rate so far, and whether the target can still be reached
(or is secured) within the indicator's valid range.

Plain arithmetic on the rollups (`kpi.domain.rollup`), per aggregation rule; the formulas are beside
each branch of `required_pace`. `kpi.features.analysis` gathers the rollups and calls `running_pace`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .evaluate import TargetRule
from .periods import Period
from .rollup import Rollup
from .vocabulary import Aggregation, Comparator

Orientation = tuple[float, int]  # (the goal, +1 for a floor / −1 for a ceiling), as kpi.domain.shortfall


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


def running_pace(aggregation: Aggregation, rule: TargetRule, whole: Rollup, side: Orientation | None,
                 part_periods: Sequence[Period], part_rollups: Sequence[Rollup], *, scale: float,
                 valid_range: tuple[float | None, float | None]) -> Pace | None:
    """What the sub-periods still to come must reach for the whole period to meet the target.

    `side`: the goal and the side it is measured from, as the analysis measures the whole's gap
    (`kpi.domain.shortfall.orientation` of the whole's shown value), None when the whole meets the target.
    `valid_range`: the indicator's (minimum, maximum), either None when open.

    "Still to come" = the sub-periods after the last one with data (all of them when there is none yet):
    a quarter that has ended but is not yet reported is still to come; a gap before the data is not.
    """
    aggregation = Aggregation(aggregation)
    if aggregation is Aggregation.NOT_COMBINABLE or whole.problem:
        return None
    through = whole.data_through
    remaining = [p for p in part_periods if through is None or p.start > through]
    if not remaining:
        return None
    so_far = [r for r in part_rollups if r.has_data]
    if side is None and whole.value is None:
        side = (rule.threshold, 1)  # nothing yet: the floor of a range or the "=" value is the goal
    comparator = need(rule, side)
    goal = side[0] if side else None
    required, expected, projection, method = required_pace(aggregation, scale, whole, goal, so_far,
                                                           len(remaining), len(part_periods))
    reachable, secured = reachability(valid_range, comparator, required)
    return Pace(remaining=[p.code for p in remaining], required=required, expected_weight=expected,
                reachable=reachable, projection=projection, method=method, secured=secured, comparator=comparator)


def need(rule: TargetRule, side: Orientation | None) -> str | None:
    """What the required value means: at least (ge), at most (le), exactly (eq)."""
    if side is None:
        return None
    if Comparator(rule.comparator) is Comparator.EQ:
        return Comparator.EQ.value
    return Comparator.GE.value if side[1] > 0 else Comparator.LE.value


def required_pace(aggregation: Aggregation, scale: float, whole: Rollup, goal: float | None,
                  so_far: Sequence[Rollup], remaining: int,
                  total_parts: int) -> tuple[float | None, float | None, float | None, str]:
    """(required average of the remaining sub-periods, their assumed weight each, projection, method)."""
    aggregation = Aggregation(aggregation)
    if aggregation is Aggregation.RATIO_OF_TOTALS:
        numerator, denominator = whole.numerator or 0.0, whole.denominator or 0.0
        if whole.numerator is None and whole.value is not None:  # a single stored value without components
            return None, None, whole.value, "ratio_to_date"
        each = denominator / len(so_far) if so_far else None
        projection = numerator * scale / denominator if denominator else None  # the rest at the rate so far
        if goal is None:
            return None, each, projection, "ratio_to_date"
        if not each:
            return goal, None, projection, "ratio_to_date"  # nothing yet: every remaining part needs T itself
        expected = each * remaining
        # Whole = (N·scale + v·R) / (D + R) = T  ⇒  v = (T·(D + R) − N·scale) / R
        return (goal * (denominator + expected) - numerator * scale) / expected, each, projection, "ratio_to_date"
    if aggregation is Aggregation.WEIGHTED_MEAN:
        weight, mean = whole.weight, whole.value
        each = weight / len(so_far) if (weight and so_far) else None
        if goal is None:
            return None, each, mean, "mean_to_date"
        if not each or mean is None:
            return goal, None, mean, "mean_to_date"
        expected = each * remaining
        # Whole = (M·W + v·R) / (W + R) = T  ⇒  v = (T·(W + R) − M·W) / R
        return (goal * (weight + expected) - mean * weight) / expected, each, mean, "mean_to_date"
    if aggregation is Aggregation.SUM:
        total = whole.value or 0.0
        elapsed = total_parts - remaining
        # Run rate: the total so far spread over the sub-periods gone by, continued to the whole period.
        projection = total * total_parts / elapsed if elapsed else None
        required = (goal - total) / remaining if goal is not None else None
        return required, None, projection, "run_rate"
    # LAST_VALUE: the reading at the end of the period is the result, so it must itself reach the target.
    return goal, None, whole.value, "last_value"


def reachability(valid_range: tuple[float | None, float | None], comparator: str | None,
                 required: float | None) -> tuple[bool | None, bool]:
    """(reachable, secured) of a required value against the indicator's valid range (minimum, maximum).

    At least more than the maximum (NPS above 100) cannot be reached; at least no more than the minimum is
    already secured (whatever the rest brings). The mirror for "at most"; "exactly" only within the range.
    """
    if required is None or comparator is None:
        return None, False
    low, high = valid_range
    above_high = high is not None and required > high
    below_low = low is not None and required < low
    if comparator == Comparator.GE.value:
        if above_high:
            return False, False
        return True, low is not None and required <= low
    if comparator == Comparator.LE.value:
        if below_low:
            return False, False
        return True, high is not None and required >= high
    return not (above_high or below_low), False

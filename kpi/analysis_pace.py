"""The pace of a running period: what the sub-periods still to come must reach on average for the whole
period to meet its target, the projection at the rate so far, and whether the target can still be reached
(or is secured) within the indicator's valid range.

Plain arithmetic on the rollups (`kpi.domain.rollup`), per aggregation rule; the formulas are beside
each branch of `_required`.
"""
from __future__ import annotations

from .analysis_results import Pace
from .domain.evaluate import TargetRule
from .domain.periods import Period
from .domain.rollup import Rollup
from .domain.vocabulary import Aggregation, Comparator
from .models import Indicator


def running_pace(indicator: Indicator, rule: TargetRule, whole: Rollup, orientation: tuple[float, int] | None,
                 part_periods: list[Period], part_rollups: list[Rollup]) -> Pace | None:
    """What the sub-periods still to come must reach for the whole period to meet the target.

    `orientation`: the goal and the side it is measured from, as the analysis measures the whole's gap
    (kpi.analysis `_orientation` of the whole's shown value), None when the whole meets the target.

    "Still to come" = the sub-periods after the last one with data (all of them when there is none yet):
    a quarter that has ended but is not yet reported is still to come; a gap before the data is not.
    """
    aggregation = Aggregation(indicator.aggregation)
    if aggregation is Aggregation.NOT_COMBINABLE or whole.problem:
        return None
    through = whole.data_through
    remaining = [p for p in part_periods if through is None or p.start > through]
    if not remaining:
        return None
    so_far = [r for r in part_rollups if r.has_data]
    if orientation is None and whole.value is None:
        orientation = (rule.threshold, 1)  # nothing yet: the floor of a range or the "=" value is the goal
    comparator = _need(rule, orientation)
    goal = orientation[0] if orientation else None
    required, expected, projection, method = _required(aggregation, indicator.scale, whole, goal, so_far,
                                                       len(remaining), len(part_periods))
    reachable, secured = _reachability(indicator, comparator, required)
    return Pace(remaining=[p.code for p in remaining], required=required, expected_weight=expected,
                reachable=reachable, projection=projection, method=method, secured=secured, comparator=comparator)


def _need(rule: TargetRule, orientation: tuple[float, int] | None) -> str | None:
    """What the required value means: at least (ge), at most (le), exactly (eq)."""
    if orientation is None:
        return None
    if Comparator(rule.comparator) is Comparator.EQ:
        return Comparator.EQ.value
    return Comparator.GE.value if orientation[1] > 0 else Comparator.LE.value


def _required(aggregation: Aggregation, scale: float, whole: Rollup, goal: float | None, so_far: list[Rollup],
              remaining: int, total_parts: int) -> tuple[float | None, float | None, float | None, str]:
    """(required average of the remaining sub-periods, their assumed weight each, projection, method)."""
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


def _reachability(indicator: Indicator, comparator: str | None, required: float | None) -> tuple[bool | None, bool]:
    """(reachable, secured) of a required value against the indicator's valid range.

    At least more than the maximum (NPS above 100) cannot be reached; at least no more than the minimum is
    already secured (whatever the rest brings). The mirror for "at most"; "exactly" only within the range.
    """
    if required is None or comparator is None:
        return None, False
    low, high = indicator.min_value, indicator.max_value
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

"""Combine stored values over periods and over the org-unit tree by the indicator's aggregation rule.

The rule that matters most: a ratio indicator (NPS, sick-leave days per FTE, a share of respondents)
combines by the ratio of the totals, never by the mean of the parts' ratios. A year's NPS is
sum(promoters - detractors) / sum(responses) * 100 over all responses of the year.

Which stored values take part: for a unit, its own values inside the period if it has any, otherwise
the rollups of its child units. Within one unit, a stored value for a period wins over stored values
for the periods inside it (a stored year beats its quarters), so nothing is counted twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Mapping, Sequence

from .periods import Period
from .vocabulary import Aggregation


@dataclass(frozen=True)
class Observation:
    """One stored value of one indicator for one unit and period."""
    unit: str
    period: Period
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    weight: float | None = None


@dataclass(frozen=True)
class RollupProblem:
    """Why no value could be given. `key` names a message in the translation catalogue."""
    key: str  # missing_components | missing_weight | missing_value | zero_denominator | not_combinable
    unit: str = ""
    period: str = ""


@dataclass(frozen=True)
class Rollup:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    weight: float | None = None
    parts: tuple[Observation, ...] = field(default=())  # the stored values that were combined
    data_through: date | None = None
    problem: RollupProblem | None = None

    @property
    def has_data(self) -> bool:
        return bool(self.parts)


NO_DATA = Rollup(value=None)


def rollup(
    aggregation: Aggregation,
    observations: Iterable[Observation],
    unit: str,
    period: Period,
    children_of: Mapping[str, Sequence[str]] | None = None,
    scale: float = 1.0,
) -> Rollup:
    """The value of `unit` (and the units below it) for `period`."""
    by_unit: dict[str, list[Observation]] = {}
    for obs in observations:
        if period.contains(obs.period):
            by_unit.setdefault(obs.unit, []).append(obs)
    return _unit_value(Aggregation(aggregation), by_unit, unit, children_of or {}, scale, set())


def _unit_value(agg, by_unit, unit, children_of, scale, seen) -> Rollup:
    if unit in seen:  # a cycle in the tree would otherwise recurse forever
        return NO_DATA
    seen = seen | {unit}
    own = by_unit.get(unit)
    if own:
        return _combine(agg, [_from_observation(o, scale) for o in _outermost(own)], scale, over_time=True)
    from_children = [_unit_value(agg, by_unit, child, children_of, scale, seen) for child in children_of.get(unit, ())]
    with_data = [r for r in from_children if r.has_data]
    if not with_data:
        return NO_DATA
    if len(with_data) == 1:
        return with_data[0]
    return _combine(agg, with_data, scale, over_time=False)


def _outermost(observations: list[Observation]) -> list[Observation]:
    """Drop every value whose period lies inside another stored period of the same unit."""
    kept = []
    for obs in observations:
        covered = any(o.period != obs.period and o.period.contains(obs.period) for o in observations)
        if not covered:
            kept.append(obs)
    return sorted(kept, key=lambda o: (o.period.start, o.period.end))


def _from_observation(obs: Observation, scale: float) -> Rollup:
    value = obs.value
    if value is None and obs.numerator is not None and obs.denominator:
        value = obs.numerator * scale / obs.denominator
    return Rollup(value=value, numerator=obs.numerator, denominator=obs.denominator, weight=obs.weight,
                  parts=(obs,), data_through=obs.period.end)


def _combine(agg: Aggregation, parts: list[Rollup], scale: float, *, over_time: bool) -> Rollup:
    for part in parts:
        if part.problem:
            return Rollup(value=None, parts=_all_parts(parts), problem=part.problem)
    if len(parts) == 1:
        return parts[0]
    every = _all_parts(parts)
    through = max(p.data_through for p in parts if p.data_through)

    def fail(key: str, culprit: Rollup | None = None) -> Rollup:
        where = culprit.parts[0] if culprit and culprit.parts else None
        problem = RollupProblem(key, where.unit if where else "", where.period.code if where else "")
        return Rollup(value=None, parts=every, data_through=through, problem=problem)

    if agg is Aggregation.NOT_COMBINABLE:
        return fail("not_combinable")
    if agg is Aggregation.RATIO_OF_TOTALS:
        lacking = next((p for p in parts if p.numerator is None or p.denominator is None), None)
        if lacking:
            return fail("missing_components", lacking)
        numerator = sum(p.numerator for p in parts)
        denominator = sum(p.denominator for p in parts)
        if denominator == 0:
            return fail("zero_denominator")
        # Multiply before dividing: 57 / 200 * 100 is 28.499999…, which would round to 28, not 29.
        return Rollup(numerator * scale / denominator, numerator, denominator, None, every, through)
    lacking_value = next((p for p in parts if p.value is None), None)
    if lacking_value:
        return fail("missing_value", lacking_value)
    if agg is Aggregation.SUM:
        return Rollup(sum(p.value for p in parts), parts=every, data_through=through)
    if agg is Aggregation.WEIGHTED_MEAN:
        lacking = next((p for p in parts if p.weight is None), None)
        if lacking:
            return fail("missing_weight", lacking)
        total_weight = sum(p.weight for p in parts)
        if total_weight == 0:
            return fail("zero_denominator")
        value = sum(p.value * p.weight for p in parts) / total_weight
        return Rollup(value, weight=total_weight, parts=every, data_through=through)
    # LAST_VALUE: a stock such as headcount. Over time the latest reading stands; over units they add up.
    if over_time:
        latest = max(parts, key=lambda p: p.data_through)
        return Rollup(latest.value, parts=every, data_through=through)
    return Rollup(sum(p.value for p in parts), parts=every, data_through=through)


def _all_parts(parts: list[Rollup]) -> tuple[Observation, ...]:
    return tuple(obs for part in parts for obs in part.parts)

"""Judging one indicator for one unit and period: which target applies, the rolled-up actual, the verdict.

Shared by the scorecard, the drill-down and meeting mode so all three say the same thing. Works on
rows already loaded from the store; it runs no queries itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Sequence

from ..domain.evaluate import Evaluation, TargetRule, band_edges, evaluate_target
from ..domain.periods import Period, period_from_bounds
from ..domain.rollup import Observation, Rollup, rollup
from ..domain.target_choice import TargetSpan, narrowest_applying
from ..domain.vocabulary import Aggregation, BandKind, Comparator
from ..models import Indicator, Target
from .views import Point

WHOLE_ORGANISATION = "*"  # the rollup key standing for every top unit together


def target_period(target: Target) -> Period:
    return period_from_bounds(target.period_kind, target.period_start, target.period_end)


def rule_of(target: Target) -> TargetRule:
    return TargetRule(Comparator(target.comparator), target.threshold, target.threshold_upper, target.band,
                      BandKind(target.band_kind), target.binding)


def target_span(target: Target) -> TargetSpan:
    return TargetSpan(target_period(target), target.retired_from)


def applicable_target(targets: Iterable[Target], period: Period, aggregation: str) -> Target | None:
    """The stored target that judges `period`: the rule is `kpi.domain.target_choice.narrowest_applying`."""
    return narrowest_applying(((target_span(target), target) for target in targets), period, aggregation)


@dataclass(frozen=True)
class Verdict:
    result: Rollup
    evaluation: Evaluation | None  # None where no target judges the period


def judge(indicator: Indicator, observations: Sequence[Observation], unit_key: str,
          children_of: Mapping[str, Sequence[str]], period: Period, target: Target | None,
          as_of: date) -> Verdict:
    result = rollup(Aggregation(indicator.aggregation), observations, unit_key, period, children_of, indicator.scale)
    if target is None:
        return Verdict(result, None)
    evaluation = evaluate_target(rule_of(target), result.value, period=period, as_of=as_of,
                                 decimals=indicator.decimals, data_through=result.data_through)
    return Verdict(result, evaluation)


def to_point(verdict: Verdict, period: Period, target: Target | None, *, label: str, key: str,
             as_of: date) -> Point:
    evaluation = verdict.evaluation
    low = high = None
    if target is not None:
        low, high = band_edges(rule_of(target))
    return Point(
        label=label, period=period.code, start=period.start, end=period.end,
        actual=evaluation.actual if evaluation else verdict.result.value,
        status=evaluation.status.value if evaluation else None,
        threshold=target.threshold if target else None,
        threshold_upper=target.threshold_upper if target else None,
        comparator=target.comparator if target else None,
        band_low=low, band_high=high, running=period.is_running(as_of), key=key)


def periods_back(period: Period, count: int) -> list[Period]:
    """`count` periods of the same kind ending with `period`, oldest first (a year: the last `count` years)."""
    found = [period]
    while len(found) < count:
        earlier = found[0].previous()
        if earlier is None:
            break
        found.insert(0, earlier)
    return found

"""The automatic analysis of a shortfall: which quarter (or unit) pulled the result down, by how much,
what the rest of a running year must reach, and how the same period went in earlier years.

Plain arithmetic on the same rollups the scorecard uses (`kpi.features.judging.judge`, `kpi.domain.rollup.rollup`),
written out in sentences from the `[analysis]` catalogue, so the text is the same every time and can be
checked by hand. No language model.

The arithmetic is in the domain, on plain rollups: each part's effect and share in
`kpi/domain/shortfall.py` (how an effect is measured, per aggregation rule, is written out there), the pace
of a running period in `kpi/domain/pace.py`. This module gathers the rollups they work on, and the trend.
Where no part holds data at all (a value stored for the whole year, or for the unit itself), the split is
left empty rather than four blanks.

The results' types are in kpi/features/analysis_results.py, the wording in kpi/features/analysis_text.py (`analysis_text`,
`analysis_markdown`: import them from there).
"""
from __future__ import annotations

from datetime import date
from typing import Iterable, Mapping, Sequence

from .. import store
from .analysis_results import Contribution, Pace, ShortfallAnalysis
from ..domain.pace import running_pace
from ..domain.periods import Period, PeriodKind
from ..domain.rollup import Observation, Rollup, rollup
from ..domain.shortfall import adds_up, contributions, main_part, orientation, shown
from ..domain.vocabulary import Aggregation
from .drilldown import unit_with_targets
from .judging import WHOLE_ORGANISATION, applicable_target, judge, rule_of
from ..models import Indicator, Target

__all__ = ["TREND_YEARS", "Contribution", "Pace", "ShortfallAnalysis", "analyse", "build_analysis"]

TREND_YEARS = 5  # the chosen period and the same period in the four years before it


# --- from loaded rows ----------------------------------------------------------------------------------

def analyse(indicator: Indicator, target: Target | None, observations: Sequence[Observation], unit_key: str,
            children_of: Mapping[str, Sequence[str]], period: Period, as_of: date,
            unit_names: Mapping[str, str]) -> ShortfallAnalysis:
    """Analyse one indicator for one unit (or WHOLE_ORGANISATION) and period from loaded rows.

    Without a target the figures are still split into parts and units (actual and weight), but there
    are no gaps, effects or pace: nothing to fall short of.
    """
    aggregation = Aggregation(indicator.aggregation)
    verdict = judge(indicator, observations, unit_key, children_of, period, target, as_of)
    whole = verdict.result
    rule = rule_of(target) if target is not None else None
    evaluation = verdict.evaluation

    def roll(unit: str, p: Period) -> Rollup:
        return rollup(aggregation, observations, unit, p, children_of, indicator.scale)

    part_periods = _sub_periods(period, observations)
    part_rollups = _split([(p.code, p.code, roll(unit_key, p)) for p in part_periods])
    by_part = contributions(aggregation, rule, whole, part_rollups, additive=adds_up(aggregation, over_time=True),
                            latest_carries=aggregation is Aggregation.LAST_VALUE, decimals=indicator.decimals,
                            scale=indicator.scale)
    child_codes = list(children_of.get(unit_key, ()))
    unit_rollups = _split([(code, unit_names.get(code, code), roll(code, period)) for code in child_codes])
    by_unit = contributions(aggregation, rule, whole, unit_rollups, additive=adds_up(aggregation, over_time=False),
                            latest_carries=False, decimals=indicator.decimals, scale=indicator.scale)

    pace = None
    if rule is not None and period.is_running(as_of) and part_periods:
        pace = running_pace(aggregation, rule, whole, orientation(rule, shown(whole.value, indicator.decimals)),
                            part_periods, [roll(unit_key, p) for p in part_periods], scale=indicator.scale,
                            valid_range=(indicator.min_value, indicator.max_value))

    return ShortfallAnalysis(
        indicator_code=indicator.code, period=period.code, unit_key=unit_key,
        actual=evaluation.actual if evaluation else shown(whole.value, indicator.decimals),
        threshold=target.threshold if target is not None else None,
        gap=evaluation.gap if evaluation else None,
        status=evaluation.status.value if evaluation else None,
        by_part=by_part, main_part=main_part(by_part), by_unit=by_unit, main_unit=main_part(by_unit),
        pace=pace, trend=_trend(indicator, observations, unit_key, children_of, period),
        comparator=target.comparator if target is not None else None,
        threshold_upper=target.threshold_upper if target is not None else None,
        running=period.is_running(as_of), data_through=whole.data_through,
        problem=whole.problem.key if whole.problem else None)


def _split(parts: list[tuple[str, str, Rollup]]) -> list[tuple[str, str, Rollup]]:
    """The parts, or none when no part holds data: a value stored for the whole year (or for the unit
    itself) is not split into quarters (or units), and four empty quarters would only say "no data"."""
    return parts if any(r.has_data for _, _, r in parts) else []


def _sub_periods(period: Period, observations: Iterable[Observation]) -> list[Period]:
    """Quarters of a year, months of a quarter; for a single date or a range, the dated values inside."""
    children = period.children()
    if children:
        return children
    return sorted({o.period for o in observations if period.contains(o.period) and o.period != period})


# --- trend ---------------------------------------------------------------------------------------------

def _trend(indicator: Indicator, observations: Sequence[Observation], unit_key: str,
           children_of: Mapping[str, Sequence[str]], period: Period) -> list[tuple[str, float | None]]:
    """The same period (year, quarter, month) in earlier years, from the first with data, oldest first."""
    periods = [period]
    if period.kind in (PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH):
        periods = [_years_back(period, n) for n in range(TREND_YEARS - 1, 0, -1)] + [period]
    aggregation = Aggregation(indicator.aggregation)
    values = [(p.code, shown(rollup(aggregation, observations, unit_key, p, children_of, indicator.scale).value,
                             indicator.decimals)) for p in periods]
    while len(values) > 1 and values[0][1] is None:
        values.pop(0)  # before the indicator had any value
    return values


def _years_back(period: Period, years: int) -> Period:
    y = period.start.year - years
    if period.kind is PeriodKind.YEAR:
        return Period.year(y)
    if period.kind is PeriodKind.QUARTER:
        return Period.quarter(y, period.quarter_number)
    return Period.month(y, period.start.month)


# --- with the database ---------------------------------------------------------------------------------

def build_analysis(session, indicator_code: str, period: Period, *, unit_code: str | None = None,
                   as_of: date | None = None, lang: str = "fi") -> ShortfallAnalysis | None:
    """Load what the analysis needs, as the drill-down does, and analyse.

    The unit: `unit_code`, or where none is named the unit the indicator's targets are set for (the
    drill-down's choice). Returns None when no target applies to the period: there is no shortfall to
    explain, so there is no starting text to offer. (`analyse` itself works without a target.)
    """
    as_of = as_of or date.today()
    indicator = store.get_indicator(session, indicator_code)
    tree = store.load_unit_tree(session)
    unit = store.get_unit(session, unit_code) if unit_code else unit_with_targets(session, tree, indicator)
    targets = store.targets_for(session, indicator.id, unit.id if unit else None)
    target = applicable_target(targets, period, indicator.aggregation)
    if target is None:
        return None
    children = dict(tree.children_of)
    children[WHOLE_ORGANISATION] = list(tree.roots)
    key = unit.code if unit else WHOLE_ORGANISATION
    codes = tree.subtree(unit.code) if unit else list(tree.units)
    trend_start = _years_back(period, TREND_YEARS - 1).start if period.kind in (
        PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH) else period.start
    observations = store.load_observations(session, indicator.id, codes, Period.range(trend_start, period.end))
    names = {code: tree.name(code, lang) for code in children.get(key, [])}
    return analyse(indicator, target, observations, key, children, period, as_of, names)

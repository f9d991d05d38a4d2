"""One indicator opened up: its history against the targets, the period split into parts and units,
the stored values, and the rule that combined them in words."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from .. import store
from ..domain.periods import Period, PeriodKind
from ..domain.vocabulary import Aggregation
from .explain import explain_rollup
from ..i18n import t
from .judging import WHOLE_ORGANISATION, applicable_target, judge, periods_back, to_point
from ..models import Indicator, Target
from .views import Point

SERIES_LENGTH = 8


@dataclass(frozen=True)
class Drilldown:
    indicator: Indicator
    name: str
    unit_code: str | None           # None: the whole organisation
    unit_name: str
    period: Period
    current: Point                  # the chosen period, judged
    target: Target | None           # the target that judged it
    series: list[Point]             # the same kind of period, oldest first, the chosen one last
    parts: list[Point]              # the chosen period split into quarters or months (or survey dates)
    units: list[Point]              # the chosen period split over the unit's child units
    values: list[dict]              # the stored values inside the period
    rule_text: str                  # how the actual was combined, in words
    gap: float | None               # the chosen period's gap (negative = shortfall)


def build_drilldown(session: Session, indicator_code: str, period: Period, *, unit_code: str | None = None,
                    as_of: date | None = None, lang: str = "fi") -> Drilldown:
    as_of = as_of or date.today()
    indicator = store.get_indicator(session, indicator_code)
    tree = store.load_unit_tree(session)
    unit = store.get_unit(session, unit_code) if unit_code else unit_with_targets(session, tree, indicator)
    children = dict(tree.children_of)
    children[WHOLE_ORGANISATION] = list(tree.roots)
    key = unit.code if unit else WHOLE_ORGANISATION
    codes = tree.subtree(unit.code) if unit else list(tree.units)
    unit_name = tree.name(unit.code, lang) if unit else t("units.whole", lang)
    targets = store.targets_for(session, indicator.id, unit.id if unit else None)

    history = periods_back(_grid_period(period), SERIES_LENGTH)
    span = Period.range(min(history[0].start, period.start), period.end)
    observations = store.load_observations(session, indicator.id, codes, span)

    def point(p: Period, unit_key: str, label: str, target: Target | None, point_key: str) -> Point:
        verdict = judge(indicator, observations, unit_key, children, p, target, as_of)
        return to_point(verdict, p, target, label=label, key=point_key, as_of=as_of)

    target = applicable_target(targets, period, indicator.aggregation)
    current_verdict = judge(indicator, observations, key, children, period, target, as_of)
    current = to_point(current_verdict, period, target, label=period.code, key=period.code, as_of=as_of)
    series = [point(p, key, p.code, applicable_target(targets, p, indicator.aggregation), p.code) for p in history]
    if period not in history:
        series.append(current)
    series = _from_first_data(series)
    parts = [point(p, key, p.code, applicable_target(targets, p, indicator.aggregation), p.code)
             for p in _parts_of(period, observations)]
    # A count's target is for the whole unit: its child units are shown without a verdict of their own.
    unit_target = None if Aggregation(indicator.aggregation) is Aggregation.SUM else target
    units = [point(period, child, tree.name(child, lang), unit_target, child) for child in children.get(key, [])]
    units = [u for u in units if u.actual is not None]
    values = [_value_row(measurement, code, tree, lang)
              for measurement, code in store.measurements_in(session, indicator.id, codes, period)]
    return Drilldown(
        indicator=indicator, name=indicator.name_in(lang),
        unit_code=unit.code if unit else None, unit_name=unit_name, period=period, current=current,
        target=target, series=series, parts=[p for p in parts if p.actual is not None], units=units,
        values=values, rule_text=explain_rollup(indicator, current_verdict.result, period.code, unit_name, lang),
        gap=current_verdict.evaluation.gap if current_verdict.evaluation else None)


def unit_with_targets(session, tree, indicator):
    """Where no unit is named: the unit the indicator's targets are set for (the first in tree order),
    or the whole organisation when it has none or its target is organisation-wide."""
    unit_ids = set(store.target_units_for(session, indicator.id))
    for code, _depth in tree.depth_first():
        if tree.units[code].id in unit_ids:
            return tree.units[code]
    return None


def _grid_period(period: Period) -> Period:
    """A single date or a range is followed year by year in the history chart."""
    if period.kind in (PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH):
        return period
    return Period.year(period.end.year)


def _parts_of(period: Period, observations) -> list[Period]:
    """Quarters of a year, months of a quarter; for a single date or a range, the dated values inside."""
    children = period.children()
    if children:
        return children
    inside = {o.period for o in observations if period.contains(o.period)}
    return sorted(inside)


def _from_first_data(series: list[Point]) -> list[Point]:
    """Drop the leading periods before the indicator had any value."""
    for index, point in enumerate(series):
        if point.actual is not None:
            return series[index:]
    return series[-1:]


def _value_row(measurement, unit_code: str, tree, lang: str) -> dict:
    return {
        "unit": tree.name(unit_code, lang), "period": measurement.period, "label": measurement.period_label,
        "value": measurement.value, "numerator": measurement.numerator, "denominator": measurement.denominator,
        "weight": measurement.weight, "comment": measurement.comment, "synthetic": measurement.synthetic,
        "source": measurement.source,
    }

"""The automatic analysis of a shortfall: which quarter (or unit) pulled the result down, by how much,
what the rest of a running year must reach, and how the same period went in earlier years.

Plain arithmetic on the same rollups the scorecard uses (`kpi.judging.judge`, `kpi.domain.rollup.rollup`),
written out in sentences from the `[analysis]` catalogue, so the text is the same every time and can be
checked by hand. No language model.

How a part's effect is measured (all signed so that negative = pulled the result below the target):

- Ratio of totals and weighted mean. The whole is W = Σ wᵢvᵢ / Σ wᵢ (wᵢ = the part's denominator, or its
  weight), so W − T = Σ wᵢ(vᵢ − T) / Σ wᵢ exactly: part i moved the whole by wᵢ(vᵢ − T) / Σ wᵢ, and the parts'
  effects add up to the whole's (unrounded) gap. A quarter of 800 responses at 61 against 70 weighs less
  than a quarter of 1 500 at 67.
- Sum (a count), and a stock (last value) over units, where the parts add up: the whole's gap is total − T;
  each part is compared with an even share T / n (n = the number of parts listed, the "even pace" over the
  quarters or an even split over units) and its effect is vᵢ − T / n. The effects add up to the gap when
  every part has data.
- Last value over time: the latest reading is the result, so the part holding it carries the whole gap and
  the earlier ones have effect 0.
- Not combinable (a grade): each part is judged on its own; no effects.
- "≤" flips the sign (T − v), as `evaluate.signed_gap` does. "=" is measured from the side the whole fell on
  (above the value counts like a ceiling, below like a floor). "between L and U" is measured from the edge
  the whole crossed (below L like "≥ L", above U like "≤ U"); a whole inside the range has no shortfall to
  share out, so the effects are None.
- A part's `share` is its effect over the sum of the negative effects: among the parts that pulled down,
  the shares add up to 1 (parts that pulled the result up are not netted against them).
- Effects are only given when the parts together hold exactly the stored values the whole was computed
  from; otherwise (a stored year value beside its quarters, a unit with values of its own above its
  children) they are None and the "main" part is the one furthest below its own target.
- A part with no data is listed (actual None) and never blamed. Where no part holds data at all (a value
  stored for the whole year, or for the unit itself), the split is left empty rather than four blanks.

Shown figures (`actual`, `gap`) are rounded to the indicator's decimals as the scorecard shows them; the
effects, shares, required pace and projection are kept unrounded and rounded only in the text.

The results' types are in kpi/analysis_results.py, the pace of a running period in kpi/analysis_pace.py,
the wording in kpi/analysis_text.py (`analysis_text`, `analysis_markdown`: import them from there).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date
from typing import Iterable, Mapping, Sequence

from . import store
from .analysis_pace import running_pace
from .analysis_results import Contribution, Pace, ShortfallAnalysis
from .domain.evaluate import TargetRule, round_half_up, signed_gap
from .domain.periods import Period, PeriodKind
from .domain.rollup import Observation, Rollup, rollup
from .domain.vocabulary import Aggregation, Comparator
from .drilldown import unit_with_targets
from .judging import WHOLE_ORGANISATION, applicable_target, judge, rule_of
from .models import Indicator, Target

__all__ = ["TREND_YEARS", "Contribution", "Pace", "ShortfallAnalysis", "analyse", "build_analysis"]

TREND_YEARS = 5  # the chosen period and the same period in the four years before it


# --- the pure analysis ---------------------------------------------------------------------------------

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
    by_part = _contributions(indicator, rule, whole, part_rollups, additive=_adds_up(aggregation, over_time=True),
                             latest_carries=aggregation is Aggregation.LAST_VALUE)
    child_codes = list(children_of.get(unit_key, ()))
    unit_rollups = _split([(code, unit_names.get(code, code), roll(code, period)) for code in child_codes])
    by_unit = _contributions(indicator, rule, whole, unit_rollups, additive=_adds_up(aggregation, over_time=False),
                             latest_carries=False)

    pace = None
    if rule is not None and period.is_running(as_of) and part_periods:
        pace = running_pace(indicator, rule, whole, _orientation(rule, _shown(whole.value, indicator.decimals)),
                            part_periods, [roll(unit_key, p) for p in part_periods])

    return ShortfallAnalysis(
        indicator_code=indicator.code, period=period.code, unit_key=unit_key,
        actual=evaluation.actual if evaluation else _shown(whole.value, indicator.decimals),
        threshold=target.threshold if target is not None else None,
        gap=evaluation.gap if evaluation else None,
        status=evaluation.status.value if evaluation else None,
        by_part=by_part, main_part=_main(by_part), by_unit=by_unit, main_unit=_main(by_unit),
        pace=pace, trend=_trend(indicator, observations, unit_key, children_of, period),
        comparator=target.comparator if target is not None else None,
        threshold_upper=target.threshold_upper if target is not None else None,
        running=period.is_running(as_of), data_through=whole.data_through,
        problem=whole.problem.key if whole.problem else None)


def _shown(value: float | None, decimals: int) -> float | None:
    return None if value is None else round_half_up(value, decimals)


def _split(parts: list[tuple[str, str, Rollup]]) -> list[tuple[str, str, Rollup]]:
    """The parts, or none when no part holds data: a value stored for the whole year (or for the unit
    itself) is not split into quarters (or units), and four empty quarters would only say "no data"."""
    return parts if any(r.has_data for _, _, r in parts) else []


def _adds_up(aggregation: Aggregation, *, over_time: bool) -> bool:
    """Do the parts add up to the whole (so each is measured against an even share of the target)?"""
    if aggregation is Aggregation.SUM:
        return True
    return aggregation is Aggregation.LAST_VALUE and not over_time  # a stock: units add up, time does not


def _sub_periods(period: Period, observations: Iterable[Observation]) -> list[Period]:
    """Quarters of a year, months of a quarter; for a single date or a range, the dated values inside."""
    children = period.children()
    if children:
        return children
    return sorted({o.period for o in observations if period.contains(o.period) and o.period != period})


def _orientation(rule: TargetRule, value: float | None) -> tuple[float, int] | None:
    """(the edge the whole is measured from, +1 for a floor / −1 for a ceiling), as in signed_gap.

    None where a shortfall has no side: a "between" whole inside its range, or no value for "=" / between.
    """
    comparator = Comparator(rule.comparator)
    if comparator is Comparator.GE:
        return rule.threshold, 1
    if comparator is Comparator.LE:
        return rule.threshold, -1
    if value is None:
        return None
    if comparator is Comparator.EQ:
        return rule.threshold, 1 if value <= rule.threshold else -1
    if value < rule.threshold:
        return rule.threshold, 1
    if value > rule.upper:
        return rule.upper, -1
    return None


def _scaled(rule: TargetRule, parts: int) -> TargetRule:
    """The target split evenly over `parts` parts that add up (T / n; both edges of a range)."""
    return replace(rule, threshold=rule.threshold / parts,
                   upper=None if rule.upper is None else rule.upper / parts)


def _contributions(indicator: Indicator, rule: TargetRule | None, whole: Rollup,
                   parts: list[tuple[str, str, Rollup]], *, additive: bool,
                   latest_carries: bool) -> list[Contribution]:
    """Each part's own result, its gap against the target, and its effect on the whole."""
    if not parts:
        return []
    aggregation = Aggregation(indicator.aggregation)
    own_rule = _scaled(rule, len(parts)) if (rule is not None and additive) else rule
    # The side of the target is judged on the figure as shown, as evaluate_target judges it.
    orientation = _orientation(rule, _shown(whole.value, indicator.decimals)) if rule is not None else None
    effects = _effects(aggregation, orientation, whole, [r for _, _, r in parts], additive=additive,
                       latest_carries=latest_carries, scale=indicator.scale)
    negative = sum(e for e in effects if e is not None and e < 0)
    found = []
    for (key, label, part), effect in zip(parts, effects):
        effect = None if effect is None else effect + 0.0  # −0.0 (a ceiling's zero) reads as 0
        actual = _shown(part.value, indicator.decimals)
        gap = None
        if own_rule is not None and actual is not None:
            gap = round_half_up(signed_gap(own_rule, actual)[0], indicator.decimals) + 0.0  # no "−0"
        share = effect / negative if (effect is not None and effect < 0 and negative < 0) else None
        found.append(Contribution(
            key=key, label=label, actual=actual, weight=_weight(aggregation, part, additive) if part.has_data else None,
            gap=gap, effect=effect, share=share, below=gap is not None and gap < 0,
            reference=own_rule.threshold if own_rule is not None else None))
    return found


def _weight(aggregation: Aggregation, part: Rollup, additive: bool) -> float | None:
    if additive:
        return 1.0
    if aggregation is Aggregation.RATIO_OF_TOTALS:
        return part.denominator
    if aggregation is Aggregation.WEIGHTED_MEAN:
        return part.weight
    return None


def _effects(aggregation: Aggregation, orientation: tuple[float, int] | None, whole: Rollup, parts: list[Rollup],
             *, additive: bool, latest_carries: bool, scale: float) -> list[float | None]:
    """Each part's signed effect on the whole's gap (None where it cannot be told; see the module doc)."""
    nothing = [None] * len(parts)
    if orientation is None or whole.value is None or not _parts_make_whole(whole, parts):
        return nothing
    edge, sign = orientation
    with_data = [p for p in parts if p.has_data]
    if additive:
        even = edge / len(parts)
        return [sign * (p.value - even) if p.has_data else None for p in parts]
    if latest_carries:
        # The latest reading is the result; earlier readings did not move it.
        latest = max(with_data, key=lambda p: p.data_through)
        return [None if not p.has_data else (sign * (whole.value - edge) if p is latest else 0.0) for p in parts]
    if aggregation is Aggregation.RATIO_OF_TOTALS:
        total = sum(p.denominator for p in with_data)
        # Multiply before dividing, as the rollup does: wᵢ(vᵢ − T) = Nᵢ·scale − T·Dᵢ.
        return [sign * (p.numerator * scale - edge * p.denominator) / total if p.has_data else None for p in parts]
    if aggregation is Aggregation.WEIGHTED_MEAN:
        total = sum(p.weight for p in with_data)
        return [sign * p.weight * (p.value - edge) / total if p.has_data else None for p in parts]
    return nothing  # not combinable: each part is judged on its own


def _parts_make_whole(whole: Rollup, parts: list[Rollup]) -> bool:
    """Do the parts hold exactly the stored values the whole combined (none missing, none extra)?"""
    if not whole.parts or any(p.problem for p in parts if p.has_data):
        return False
    return Counter(whole.parts) == Counter(obs for p in parts for obs in p.parts)


def _main(parts: list[Contribution]) -> Contribution | None:
    """The part that pulled the whole down most: the most negative effect, or, where effects cannot be
    told, the part furthest below its own target."""
    pulling = [p for p in parts if p.effect is not None and p.effect < 0]
    if pulling:
        return min(pulling, key=lambda p: p.effect)
    if any(p.effect is not None for p in parts):
        return None  # effects are known and none pulled down
    below = [p for p in parts if p.below]
    return min(below, key=lambda p: p.gap, default=None)


# --- trend ---------------------------------------------------------------------------------------------

def _trend(indicator: Indicator, observations: Sequence[Observation], unit_key: str,
           children_of: Mapping[str, Sequence[str]], period: Period) -> list[tuple[str, float | None]]:
    """The same period (year, quarter, month) in earlier years, from the first with data, oldest first."""
    periods = [period]
    if period.kind in (PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH):
        periods = [_years_back(period, n) for n in range(TREND_YEARS - 1, 0, -1)] + [period]
    aggregation = Aggregation(indicator.aggregation)
    values = [(p.code, _shown(rollup(aggregation, observations, unit_key, p, children_of, indicator.scale).value,
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

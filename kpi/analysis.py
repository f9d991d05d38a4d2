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
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from typing import Iterable, Mapping, Sequence

from .domain.evaluate import TargetRule, round_half_up, signed_gap
from .domain.periods import Period, PeriodKind
from .domain.rollup import Observation, Rollup, rollup
from .domain.vocabulary import Aggregation, Comparator
from .judging import WHOLE_ORGANISATION, applicable_target, judge, rule_of
from .models import Indicator, Target

TREND_YEARS = 5  # the chosen period and the same period in the four years before it


# --- results -----------------------------------------------------------------------------------------

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
        pace = _pace(indicator, rule, whole, part_periods, [roll(unit_key, p) for p in part_periods])

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


# --- pace of a running period ------------------------------------------------------------------------

def _pace(indicator: Indicator, rule: TargetRule, whole: Rollup, part_periods: list[Period],
          part_rollups: list[Rollup]) -> Pace | None:
    """What the sub-periods still to come must reach for the whole period to meet the target.

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
    orientation = _orientation(rule, _shown(whole.value, indicator.decimals))
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
    from . import store
    from .drilldown import _unit_with_targets

    as_of = as_of or date.today()
    indicator = store.get_indicator(session, indicator_code)
    tree = store.load_unit_tree(session)
    unit = store.get_unit(session, unit_code) if unit_code else _unit_with_targets(session, tree, indicator)
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


# The wording lives in kpi/analysis_text.py; importable from here as before.
from .analysis_text import analysis_markdown, analysis_text  # noqa: E402,F401

"""How much each part (a quarter, a month, a child unit) moved a whole below or above its target.

Plain arithmetic on rollups (`kpi.domain.rollup.Rollup`) and a target rule; `kpi.features.analysis` gathers the
rollups and `kpi.features.analysis_text` words the result. All signed so that negative = pulled the result below
the target:

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
- A part with no data is listed (actual None) and never blamed.

Shown figures (`actual`, `gap`) are rounded to the indicator's decimals as the scorecard shows them; the
effects and shares are kept unrounded and rounded only in the text.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Sequence

from .evaluate import TargetRule, round_half_up, signed_gap
from .rollup import Rollup
from .vocabulary import Aggregation, Comparator

Orientation = tuple[float, int]  # (the edge a gap is measured from, +1 for a floor / −1 for a ceiling)


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


def shown(value: float | None, decimals: int) -> float | None:
    """The figure as the scorecard shows it."""
    return None if value is None else round_half_up(value, decimals)


def adds_up(aggregation: Aggregation, *, over_time: bool) -> bool:
    """Do the parts add up to the whole (so each is measured against an even share of the target)?"""
    if Aggregation(aggregation) is Aggregation.SUM:
        return True
    return Aggregation(aggregation) is Aggregation.LAST_VALUE and not over_time  # a stock: units add up, time not


def orientation(rule: TargetRule, value: float | None) -> Orientation | None:
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


def even_share(rule: TargetRule, parts: int) -> TargetRule:
    """The target split evenly over `parts` parts that add up (T / n; both edges of a range)."""
    return replace(rule, threshold=rule.threshold / parts,
                   upper=None if rule.upper is None else rule.upper / parts)


def parts_make_whole(whole: Rollup, parts: Sequence[Rollup]) -> bool:
    """Do the parts hold exactly the stored values the whole combined (none missing, none extra)?"""
    if not whole.parts or any(p.problem for p in parts if p.has_data):
        return False
    return Counter(whole.parts) == Counter(obs for p in parts for obs in p.parts)


def effects(aggregation: Aggregation, side: Orientation | None, whole: Rollup, parts: Sequence[Rollup], *,
            additive: bool, latest_carries: bool, scale: float) -> list[float | None]:
    """Each part's signed effect on the whole's gap (None where it cannot be told; see the module doc)."""
    nothing: list[float | None] = [None] * len(parts)
    if side is None or whole.value is None or not parts_make_whole(whole, parts):
        return nothing
    edge, sign = side
    with_data = [p for p in parts if p.has_data]
    if additive:
        even = edge / len(parts)
        return [sign * (p.value - even) if p.has_data else None for p in parts]
    if latest_carries:
        # The latest reading is the result; earlier readings did not move it.
        latest = max(with_data, key=lambda p: p.data_through)
        return [None if not p.has_data else (sign * (whole.value - edge) if p is latest else 0.0) for p in parts]
    aggregation = Aggregation(aggregation)
    if aggregation is Aggregation.RATIO_OF_TOTALS:
        total = sum(p.denominator for p in with_data)
        # Multiply before dividing, as the rollup does: wᵢ(vᵢ − T) = Nᵢ·scale − T·Dᵢ.
        return [sign * (p.numerator * scale - edge * p.denominator) / total if p.has_data else None for p in parts]
    if aggregation is Aggregation.WEIGHTED_MEAN:
        total = sum(p.weight for p in with_data)
        return [sign * p.weight * (p.value - edge) / total if p.has_data else None for p in parts]
    return nothing  # not combinable: each part is judged on its own


def part_weight(aggregation: Aggregation, part: Rollup, additive: bool) -> float | None:
    """What a part weighs in the whole: 1 each where parts add up, else its denominator or weight."""
    if additive:
        return 1.0
    if Aggregation(aggregation) is Aggregation.RATIO_OF_TOTALS:
        return part.denominator
    if Aggregation(aggregation) is Aggregation.WEIGHTED_MEAN:
        return part.weight
    return None


def contributions(aggregation: Aggregation, rule: TargetRule | None, whole: Rollup,
                  parts: Sequence[tuple[str, str, Rollup]], *, additive: bool, latest_carries: bool,
                  decimals: int, scale: float) -> list[Contribution]:
    """Each part's (key, label, rollup) own result, its gap against the target, and its effect on the whole."""
    if not parts:
        return []
    own_rule = even_share(rule, len(parts)) if (rule is not None and additive) else rule
    # The side of the target is judged on the figure as shown, as evaluate_target judges it.
    side = orientation(rule, shown(whole.value, decimals)) if rule is not None else None
    found_effects = effects(aggregation, side, whole, [r for _, _, r in parts], additive=additive,
                            latest_carries=latest_carries, scale=scale)
    negative = sum(e for e in found_effects if e is not None and e < 0)
    found = []
    for (key, label, part), effect in zip(parts, found_effects):
        effect = None if effect is None else effect + 0.0  # −0.0 (a ceiling's zero) reads as 0
        actual = shown(part.value, decimals)
        gap = None
        if own_rule is not None and actual is not None:
            gap = round_half_up(signed_gap(own_rule, actual)[0], decimals) + 0.0  # no "−0"
        share = effect / negative if (effect is not None and effect < 0 and negative < 0) else None
        found.append(Contribution(
            key=key, label=label, actual=actual,
            weight=part_weight(aggregation, part, additive) if part.has_data else None,
            gap=gap, effect=effect, share=share, below=gap is not None and gap < 0,
            reference=own_rule.threshold if own_rule is not None else None))
    return found


def main_part(parts: Sequence[Contribution]) -> Contribution | None:
    """The part that pulled the whole down most: the most negative effect, or, where effects cannot be
    told, the part furthest below its own target."""
    pulling = [p for p in parts if p.effect is not None and p.effect < 0]
    if pulling:
        return min(pulling, key=lambda p: p.effect)
    if any(p.effect is not None for p in parts):
        return None  # effects are known and none pulled down
    below = [p for p in parts if p.below]
    return min(below, key=lambda p: p.gap, default=None)

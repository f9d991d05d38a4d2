"""Evaluate a target for a period: status, gap, and whether the period is complete.

Decisions worth knowing (also in the README):
- The actual is rounded to the indicator's decimals before it is compared, so what the meeting sees
  (NPS 70) is what is judged; 69.96 shown as 70 counts as 70.
- The gap is signed so that a negative gap is always a shortfall, whatever the comparator.
- At risk = missed by no more than the at-risk band. A binding target over a period that has ended is
  either met or not met: the council needs a statement for every miss, so the band does not soften it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .periods import Period
from .vocabulary import Aggregation, BandKind, Comparator, Direction, Status


class TargetRuleError(ValueError):
    """A target that cannot be evaluated as written. `field` names the offending input."""

    def __init__(self, field: str, key: str):
        super().__init__(f"{field}: {key}")
        self.field = field
        self.key = key


@dataclass(frozen=True)
class TargetRule:
    comparator: Comparator
    threshold: float
    upper: float | None = None       # only for BETWEEN
    band: float | None = None        # at-risk band; None or 0 = no band
    band_kind: BandKind = BandKind.ABSOLUTE
    binding: bool = False

    def check(self) -> None:
        comparator = Comparator(self.comparator)
        if comparator is Comparator.BETWEEN:
            if self.upper is None:
                raise TargetRuleError("threshold_upper", "upper_missing")
            if self.threshold > self.upper:
                raise TargetRuleError("threshold_upper", "lower_above_upper")
        elif self.upper is not None:
            raise TargetRuleError("threshold_upper", "upper_only_for_between")
        if self.band is not None and self.band < 0:
            raise TargetRuleError("band", "band_negative")


@dataclass(frozen=True)
class Evaluation:
    actual: float | None
    status: Status
    met: bool | None            # None when there is no data
    gap: float | None           # negative = shortfall, 0 = exactly on the line or inside the range
    gap_relative: float | None  # gap / |the threshold it was measured against|; None when that is 0
    complete: bool              # the period has ended, so the figure is final
    running: bool               # the period is under way: the actual is year (quarter…) to date
    data_through: date | None


def comparator_fits_direction(comparator: Comparator, direction: Direction) -> bool:
    """A floor (≥) only makes sense where higher is better, a ceiling (≤) where lower is better."""
    allowed = {
        Direction.HIGHER_IS_BETTER: {Comparator.GE, Comparator.EQ, Comparator.BETWEEN},
        Direction.LOWER_IS_BETTER: {Comparator.LE, Comparator.EQ, Comparator.BETWEEN},
        Direction.INSIDE_RANGE: {Comparator.BETWEEN, Comparator.EQ},
    }
    return Comparator(comparator) in allowed[Direction(direction)]


def round_half_up(value: float, decimals: int) -> float:
    """Round as people do on paper (66.5 -> 67), not banker's rounding."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def signed_gap(rule: TargetRule, actual: float) -> tuple[float, float]:
    """(gap, the threshold it is measured from). Negative gap = shortfall."""
    comparator = Comparator(rule.comparator)
    if comparator is Comparator.GE:
        return actual - rule.threshold, rule.threshold
    if comparator is Comparator.LE:
        return rule.threshold - actual, rule.threshold
    if comparator is Comparator.EQ:
        return -abs(actual - rule.threshold), rule.threshold
    if actual < rule.threshold:
        return actual - rule.threshold, rule.threshold
    if actual > rule.upper:
        return rule.upper - actual, rule.upper
    return 0.0, rule.threshold


def evaluate_target(
    rule: TargetRule,
    actual: float | None,
    *,
    period: Period,
    as_of: date,
    decimals: int = 2,
    data_through: date | None = None,
) -> Evaluation:
    rule.check()
    complete = period.has_ended(as_of)
    running = period.is_running(as_of)
    if actual is None:
        return Evaluation(None, Status.NO_DATA, None, None, None, complete, running, data_through)
    shown = round_half_up(actual, decimals)
    gap, reference = signed_gap(rule, shown)
    gap = round_half_up(gap, decimals)
    relative = gap / abs(reference) if reference else None
    met = gap >= 0 if Comparator(rule.comparator) is not Comparator.EQ else gap == 0
    if met:
        status = Status.MET
    elif _within_band(rule, -gap, reference) and not (rule.binding and complete):
        status = Status.AT_RISK
    else:
        status = Status.NOT_MET
    return Evaluation(shown, status, met, gap, relative, complete, running, data_through)


def _within_band(rule: TargetRule, shortfall: float, reference: float) -> bool:
    if not rule.band:
        return False
    allowed = rule.band if BandKind(rule.band_kind) is BandKind.ABSOLUTE else abs(reference) * rule.band / 100
    # Compare with a hair of tolerance: 5 % of 10.5 is 0.525 in decimal but not quite in binary.
    return shortfall <= allowed + 1e-9


def target_applies(target_period: Period, period: Period, aggregation: Aggregation) -> bool:
    """Does a target set for `target_period` judge `period`?

    A target judges its own period and, for indicators whose values compare across period lengths
    (rates, shares, means, stocks), every period inside it: the year's NPS floor also judges Q1.
    A count does not: a quarter's accidents say nothing against the year's ceiling.
    """
    if not target_period.contains(period):
        return False
    return target_period == period or Aggregation(aggregation) is not Aggregation.SUM


def band_edges(rule: TargetRule) -> tuple[float | None, float | None]:
    """The far edges of the at-risk zone(s): below them (or above) a miss is "not met".

    ≥ T: (T − band, None); ≤ T: (None, T + band); = T: (T − band, T + band);
    between L and U: (L − band, U + band). Without a band both edges are the thresholds themselves.
    """
    comparator = Comparator(rule.comparator)

    def amount(reference: float) -> float:
        if not rule.band:
            return 0.0
        return rule.band if BandKind(rule.band_kind) is BandKind.ABSOLUTE else abs(reference) * rule.band / 100

    if comparator is Comparator.GE:
        return rule.threshold - amount(rule.threshold), None
    if comparator is Comparator.LE:
        return None, rule.threshold + amount(rule.threshold)
    if comparator is Comparator.EQ:
        return rule.threshold - amount(rule.threshold), rule.threshold + amount(rule.threshold)
    return rule.threshold - amount(rule.threshold), rule.upper + amount(rule.upper)

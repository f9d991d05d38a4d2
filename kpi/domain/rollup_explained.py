"""Which way a rolled-up figure was combined, as the sentence under the drill-down's verdict tells it.

The rule behind the sentence: a problem (no value could be given) is said first; no stored values is
"no data"; a single stored value is just that value, whatever the aggregation; several are combined by the
indicator's rule: a ratio from the totals of its parts (never the mean of the parts' ratios), a weighted
mean with its total weight, a stock as the latest reading (units added), a count as a sum.

On plain values: `how_combined` reads the rollup and the aggregation rule; `kpi.features.explain` puts the figures
into the catalogue's words.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .rollup import Rollup, RollupProblem
from .vocabulary import Aggregation


class Combined(StrEnum):
    """The way a figure was combined; each but PROBLEM names its sentence under `[explain]`."""
    PROBLEM = "problem"          # worded by the rollup problem's own message (`[rollup]`)
    NO_DATA = "no_data"
    SINGLE = "single"
    RATIO = "ratio"
    WEIGHTED_MEAN = "weighted_mean"
    LAST = "last"
    SUM = "sum"


_BY_RULE = {Aggregation.RATIO_OF_TOTALS: Combined.RATIO, Aggregation.WEIGHTED_MEAN: Combined.WEIGHTED_MEAN,
            Aggregation.LAST_VALUE: Combined.LAST}


@dataclass(frozen=True)
class HowCombined:
    way: Combined
    value: float | None
    count: int                          # the stored values combined
    stored: str | None = None           # SINGLE: the period code of the one stored value
    numerator: float | None = None      # RATIO: the totals of the parts
    denominator: float | None = None
    weight: float | None = None         # WEIGHTED_MEAN: the total weight
    through: date | None = None         # LAST: the day the latest reading is for
    problem: RollupProblem | None = None  # PROBLEM: why there is no value


def how_combined(aggregation: Aggregation | str, result: Rollup) -> HowCombined:
    count = len(result.parts)
    if result.problem:
        return HowCombined(Combined.PROBLEM, None, count, problem=result.problem)
    if not result.parts:
        return HowCombined(Combined.NO_DATA, result.value, 0)
    if count == 1:
        return HowCombined(Combined.SINGLE, result.value, 1, stored=result.parts[0].period.code)
    # A grade (not combinable) with several values always has a problem, so it never gets here.
    way = _BY_RULE.get(Aggregation(aggregation), Combined.SUM)
    return HowCombined(way, result.value, count, numerator=result.numerator, denominator=result.denominator,
                       weight=result.weight, through=result.data_through)

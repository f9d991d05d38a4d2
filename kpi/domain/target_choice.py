"""Which target judges a period, when several are set for one indicator and unit (a year's, its quarters').

A target judges a period when it was set for that period or, for indicators that compare across period
lengths, for a period containing it (`kpi.domain.evaluate.target_applies`); and when it was not retired
before the period ended. Of those, the narrowest wins: a quarter's own target beats the year's.

On plain values: `TargetSpan` holds the two facts the choice reads. `kpi.features.judging.applicable_target` hands
the stored targets in and gets the chosen one back.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, TypeVar

from .evaluate import target_applies
from .periods import Period
from .vocabulary import Aggregation

Chosen = TypeVar("Chosen")


@dataclass(frozen=True)
class TargetSpan:
    """What decides whether a target judges a period."""
    period: Period                  # the period the target was set for
    retired_from: date | None = None  # it no longer judges periods ending on or after this day

    def judges(self, period: Period, aggregation: Aggregation | str) -> bool:
        return (target_applies(self.period, period, Aggregation(aggregation))
                and (self.retired_from is None or period.end < self.retired_from))


def narrowest_applying(targets: Iterable[tuple[TargetSpan, Chosen]], period: Period,
                       aggregation: Aggregation | str) -> Chosen | None:
    """Of (span, target) pairs, the target of the shortest span that judges `period`; None where none does.

    Two spans of the same length (two targets for one period): the first given wins.
    """
    fitting = [(span, target) for span, target in targets if span.judges(period, aggregation)]
    chosen = min(fitting, key=lambda pair: (pair[0].period.end - pair[0].period.start).days, default=None)
    return None if chosen is None else chosen[1]

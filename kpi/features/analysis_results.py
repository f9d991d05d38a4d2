"""What the automatic analysis of a shortfall finds, as plain frozen values: the whole, its parts (quarters
or units) with their effects, the pace a running period needs, and the trend.

kpi.features.analysis computes them, kpi.features.analysis_text words them; both import these, neither the other. A part's
`Contribution` and a running period's `Pace` are defined beside the arithmetic that makes them
(`kpi.domain.shortfall`, `kpi.domain.pace`) and named here with the whole they belong to.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.pace import Pace
from ..domain.shortfall import Contribution

__all__ = ["Contribution", "Pace", "ShortfallAnalysis"]


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

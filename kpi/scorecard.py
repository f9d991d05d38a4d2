"""The scorecard: every target that applies to a period, with its actual rolled up and evaluated.

This is where the store (what is stored) meets the domain rules (what it means). Pages and the
command line both call `build_scorecard`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlmodel import Session

from . import store
from .domain.evaluate import TargetRule, evaluate_target, target_applies
from .domain.periods import Period, period_from_bounds
from .domain.rollup import rollup
from .domain.vocabulary import Aggregation, BandKind, Comparator, Status
from .i18n import t


@dataclass(frozen=True)
class ScorecardRow:
    indicator: str
    indicator_name: str
    org_unit: str | None
    org_unit_name: str
    period: str              # the period evaluated
    target_period: str       # the period the target was set for (a year target also judges its quarters)
    actual: float | None
    comparator: str
    target: float
    target_upper: float | None
    status: str
    gap: float | None
    gap_relative: float | None
    binding: bool
    complete: bool
    running: bool
    data_through: str | None
    unit_label: str
    decimals: int
    values_combined: int     # how many stored values made the actual
    problem: str | None      # why there is no actual although values exist (key under [rollup])
    target_id: int

    def as_dict(self) -> dict:
        return asdict(self)


# Binding misses first: those are what the steering group and the council must act on.
_STATUS_ORDER = {Status.NOT_MET: 0, Status.AT_RISK: 1, Status.NO_DATA: 2, Status.MET: 3}


def sort_key(row: ScorecardRow) -> tuple:
    return (not (row.binding and row.status == Status.NOT_MET), _STATUS_ORDER[Status(row.status)],
            row.indicator, row.org_unit or "")


def build_scorecard(session: Session, period: Period, *, unit_code: str | None = None,
                    as_of: date | None = None, lang: str = "fi") -> list[ScorecardRow]:
    as_of = as_of or date.today()
    tree = store.load_unit_tree(session)
    unit_ids = None
    if unit_code:
        root = store.get_unit(session, unit_code)
        unit_ids = [tree.units[code].id for code in tree.subtree(root.code)]
    candidates = [(target, indicator, unit) for target, indicator, unit
                  in store.targets_applying_to(session, period, unit_ids)
                  if target_applies(_target_period(target), period, Aggregation(indicator.aggregation))]
    rows = [_evaluate(session, target, indicator, unit, period, tree, as_of, lang)
            for target, indicator, unit in _most_specific(candidates)]
    return sorted(rows, key=sort_key)


def _target_period(target) -> Period:
    return period_from_bounds(target.period_kind, target.period_start, target.period_end)


def _most_specific(candidates):
    """Where a year target and a quarter target both cover the period, the narrower one applies."""
    best: dict[tuple, tuple] = {}
    for target, indicator, unit in candidates:
        key = (target.indicator_id, target.org_unit_id)
        span = (target.period_end - target.period_start).days
        current = best.get(key)
        if current is None or span < (current[0].period_end - current[0].period_start).days:
            best[key] = (target, indicator, unit)
    return list(best.values())


def _evaluate(session, target, indicator, unit, period, tree, as_of, lang) -> ScorecardRow:
    # A target without a unit is for the whole organisation: every root of the tree counts.
    top = unit.code if unit else "*"
    children = dict(tree.children_of)
    if unit is None:
        children["*"] = list(tree.roots)
    codes = tree.subtree(unit.code) if unit else list(tree.units)
    observations = store.load_observations(session, indicator.id, codes, period)
    result = rollup(Aggregation(indicator.aggregation), observations, top, period, children, indicator.scale)
    rule = TargetRule(Comparator(target.comparator), target.threshold, target.threshold_upper, target.band,
                      BandKind(target.band_kind), target.binding)
    evaluation = evaluate_target(rule, result.value, period=period, as_of=as_of, decimals=indicator.decimals,
                                 data_through=result.data_through)
    return ScorecardRow(
        indicator=indicator.code,
        indicator_name=indicator.name_en if lang == "en" else indicator.name_fi,
        org_unit=unit.code if unit else None,
        org_unit_name=(unit.name_en if lang == "en" else unit.name_fi) if unit else t("units.whole", lang),
        period=period.code, target_period=target.period, actual=evaluation.actual,
        comparator=target.comparator, target=target.threshold, target_upper=target.threshold_upper,
        status=evaluation.status.value, gap=evaluation.gap, gap_relative=evaluation.gap_relative,
        binding=target.binding, complete=evaluation.complete, running=evaluation.running,
        data_through=evaluation.data_through.isoformat() if evaluation.data_through else None,
        unit_label=indicator.unit_label, decimals=indicator.decimals, values_combined=len(result.parts),
        problem=result.problem.key if result.problem else None, target_id=target.id,
    )


def summarise(rows: list[ScorecardRow]) -> dict[str, int]:
    """Counts per status, plus binding targets not met: the summary line's figures."""
    counts = {status.value: 0 for status in Status}
    for row in rows:
        counts[row.status] += 1
    counts["binding_not_met"] = sum(1 for row in rows if row.binding and row.status == Status.NOT_MET)
    return counts

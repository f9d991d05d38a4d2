"""The scorecard: every target that applies to a period, with its actual rolled up and evaluated.

This is where the store (what is stored) meets the domain rules (what it means). Pages and the
command line both call `build_scorecard`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlmodel import Session

from . import store
from .domain.periods import Period
from .domain.vocabulary import Direction, Status
from .i18n import t
from .judging import WHOLE_ORGANISATION, applicable_target, judge, periods_back

TREND_LENGTH = 8  # periods of the same kind shown in the small trend line, the chosen one last


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
    theme: str
    timing: str
    previous_actual: float | None  # the same kind of period just before (last year, last quarter)
    change: float | None           # actual - previous_actual
    change_is_better: bool | None  # by the indicator's direction; None when unknown or unchanged
    trend: tuple[float | None, ...]  # the last TREND_LENGTH periods' actuals, oldest first

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
    grouped: dict[tuple, list] = {}
    for target, indicator, unit in store.targets_applying_to(session, period, unit_ids):
        grouped.setdefault((target.indicator_id, target.org_unit_id), []).append((target, indicator, unit))
    rows = []
    for group in grouped.values():
        _, indicator, unit = group[0]
        chosen = applicable_target([target for target, _, _ in group], period, indicator.aggregation)
        if chosen is not None:
            rows.append(_row(session, chosen, indicator, unit, period, tree, as_of, lang))
    return sorted(rows, key=sort_key)


def _row(session, target, indicator, unit, period, tree, as_of, lang) -> ScorecardRow:
    children = dict(tree.children_of)
    if unit is None:
        children[WHOLE_ORGANISATION] = list(tree.roots)
    unit_key = unit.code if unit else WHOLE_ORGANISATION
    codes = tree.subtree(unit.code) if unit else list(tree.units)
    history = periods_back(period, TREND_LENGTH)
    span = Period.range(history[0].start, period.end)
    observations = store.load_observations(session, indicator.id, codes, span)
    verdict = judge(indicator, observations, unit_key, children, period, target, as_of)
    evaluation = verdict.evaluation
    trend = tuple(judge(indicator, observations, unit_key, children, p, None, as_of).result.value for p in history)
    previous = trend[-2] if len(trend) > 1 else None
    change = None if previous is None or evaluation.actual is None else evaluation.actual - previous
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
        unit_label=indicator.unit_label, decimals=indicator.decimals, values_combined=len(verdict.result.parts),
        problem=verdict.result.problem.key if verdict.result.problem else None, target_id=target.id,
        theme=indicator.theme, timing=indicator.timing, previous_actual=previous,
        change=None if change is None else round(change, indicator.decimals + 2),
        change_is_better=_is_better(change, indicator.direction), trend=trend,
    )


def _is_better(change: float | None, direction: str) -> bool | None:
    if not change or Direction(direction) is Direction.INSIDE_RANGE:
        return None
    return (change > 0) == (Direction(direction) is Direction.HIGHER_IS_BETTER)


def filter_rows(rows: list[ScorecardRow], *, binding_only: bool = False, theme: str | None = None,
                timing: str | None = None) -> list[ScorecardRow]:
    """The scorecard's filters: binding targets only, one theme, leading or lagging indicators."""
    return [row for row in rows
            if (not binding_only or row.binding) and (not theme or row.theme == theme)
            and (not timing or row.timing == timing)]


def summarise(rows: list[ScorecardRow]) -> dict[str, int]:
    """Counts per status, plus binding targets not met: the summary line's figures."""
    counts = {status.value: 0 for status in Status}
    for row in rows:
        counts[row.status] += 1
    counts["binding_not_met"] = sum(1 for row in rows if row.binding and row.status == Status.NOT_MET)
    return counts


def agenda(rows: list[ScorecardRow]) -> list[ScorecardRow]:
    """Meeting mode's order: binding targets not met, then the other misses, then those at risk."""
    def rank(row: ScorecardRow) -> int:
        if row.status == Status.NOT_MET:
            return 0 if row.binding else 1
        return 2
    return sorted((row for row in rows if row.status in (Status.NOT_MET, Status.AT_RISK)),
                  key=lambda row: (rank(row), row.indicator, row.org_unit or ""))

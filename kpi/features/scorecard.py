"""The scorecard: every target that applies to a period, with its actual rolled up and evaluated.

This is where the store (what is stored) meets the domain rules (what it means). Pages and the
command line both call `build_scorecard`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlmodel import Session

from .. import store
from ..domain.evaluate import evaluate_target
from ..domain.explanations import agenda_rank, needs_explanation, scorecard_rank
from ..domain.periods import Period, PeriodKind
from ..domain.rollup import rollup
from ..domain.summary_rollup import EMPTY, Summary, TreeRollup, cell_summary, from_rollup
from ..domain.vocabulary import Aggregation, Direction, Status
from ..i18n import t
from .judging import WHOLE_ORGANISATION, applicable_target, periods_back, rule_of
from ..models import Indicator

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


def sort_key(row: ScorecardRow) -> tuple:
    """Binding misses first (what the steering group and the council must act on), then worst first."""
    return (*scorecard_rank(row.binding, row.status), row.indicator, row.org_unit or "")


def build_scorecard(session: Session, period: Period, *, unit_code: str | None = None,
                    as_of: date | None = None, lang: str = "fi") -> list[ScorecardRow]:
    """Every target judging `period` (within `unit_code`'s subtree when given), worst first.

    The stored values are summed by the database in one statement (`kpi.store.summaries`) and rolled
    up the unit tree here (`kpi.domain.summary_rollup`), so the cost follows the number of targets and
    cells, not the number of stored values.
    """
    as_of = as_of or date.today()
    scope = _Scope.of(session, period, unit_code)
    rollups = _tree_rollups(session, scope)
    rows = [_row(target, indicator, unit, period, scope, rollups.get(indicator.id), as_of, lang)
            for target, indicator, unit in scope.targets]
    return sorted(rows, key=sort_key)


@dataclass
class _Scope:
    """What one scorecard covers: its targets, the periods of their trend, the units, the indicators."""
    targets: list[tuple]              # (Target, Indicator, OrgUnit | None), the one target judging each pair
    history: list[Period]             # the trend's periods, oldest first; the scorecard's period last
    tree: store.UnitTree
    unit_ids: list[int] | None        # the subtree asked for, or None for every unit
    indicators: dict[int, Indicator]

    @classmethod
    def of(cls, session: Session, period: Period, unit_code: str | None) -> _Scope:
        tree = store.load_unit_tree(session)
        unit_ids = None
        if unit_code:
            root = store.get_unit(session, unit_code)
            unit_ids = [tree.units[code].id for code in tree.subtree(root.code)]
        grouped: dict[tuple, list] = {}
        for target, indicator, unit in store.targets_applying_to(session, period, unit_ids):
            grouped.setdefault((target.indicator_id, target.org_unit_id), []).append((target, indicator, unit))
        chosen = []
        for group in grouped.values():
            _, indicator, unit = group[0]
            target = applicable_target([target for target, _, _ in group], period, indicator.aggregation)
            if target is not None:
                chosen.append((target, indicator, unit))
        indicators = {indicator.id: indicator for _, indicator, _ in chosen}
        return cls(chosen, periods_back(period, TREND_LENGTH), tree, unit_ids, indicators)

    def statement(self, session: Session, *, from_values: bool = False):
        """The one query the scorecard runs: a year's reads the year cells when they are current (one row
        per cell), any other period (or `from_values`) sums the stored values themselves."""
        if self.history[-1].kind is PeriodKind.YEAR and not from_values and store.cells_are_current(session):
            return store.year_cells_statement(self.history[0].start.year, self.history[-1].start.year,
                                              indicator_ids=sorted(self.indicators), unit_ids=self.unit_ids)
        last = [i for i, indicator in self.indicators.items() if indicator.aggregation == Aggregation.LAST_VALUE]
        return store.summary_statement(self.history, indicator_ids=sorted(self.indicators), last_value_ids=last,
                                       unit_ids=self.unit_ids)


def scorecard_statement(session: Session, period: Period, *, unit_code: str | None = None,
                        from_values: bool = False):
    """The SQL statement `build_scorecard` runs for `period`, for timing the database alone. With
    `from_values`, the one that sums the stored values themselves: what the database must do without the
    year cells."""
    return _Scope.of(session, period, unit_code).statement(session, from_values=from_values)


def _tree_rollups(session: Session, scope: _Scope) -> dict[int, TreeRollup]:
    """Per indicator, its values for any unit and trend period, from the database's cell sums."""
    if not scope.indicators:
        return {}
    code_of = {unit.id: code for code, unit in scope.tree.units.items()}
    rules = {i: (Aggregation(indicator.aggregation), indicator.scale) for i, indicator in scope.indicators.items()}
    own: dict[int, dict[int, dict[str, Summary]]] = {i: {} for i in scope.indicators}
    uncertain: dict[int, list[tuple[str, int]]] = {}
    for indicator_id, unit_id, bucket, cell in store.fetch_cells_of(session, scope.statement(session)):
        aggregation, scale = rules[indicator_id]
        summary = cell_summary(aggregation, cell, scale)
        if summary is None:
            uncertain.setdefault(indicator_id, []).append((code_of[unit_id], bucket))
        else:
            own[indicator_id].setdefault(bucket, {})[code_of[unit_id]] = summary
    for indicator_id, places in uncertain.items():
        _summarise_from_values(session, scope, indicator_id, places, own[indicator_id])
    children_of = dict(scope.tree.children_of)
    children_of[WHOLE_ORGANISATION] = list(scope.tree.roots)
    parent_of = {child: parent for parent, children in children_of.items() for child in children}
    return {i: TreeRollup(*rules[i], cells, children_of, parent_of) for i, cells in own.items()}


def _summarise_from_values(session: Session, scope: _Scope, indicator_id: int, places: list[tuple[str, int]],
                           own: dict[int, dict[str, Summary]]) -> None:
    """The cells only their stored values can settle (nested periods, say), rolled up the exact way."""
    aggregation, indicator = Aggregation(scope.indicators[indicator_id].aggregation), scope.indicators[indicator_id]
    span = Period.range(scope.history[0].start, scope.history[-1].end)
    observations = store.load_observations(session, indicator_id, sorted({code for code, _ in places}), span)
    for code, bucket in places:
        mine = [obs for obs in observations if obs.unit == code]
        own.setdefault(bucket, {})[code] = from_rollup(
            rollup(aggregation, mine, code, scope.history[bucket], {}, indicator.scale))


def _row(target, indicator, unit, period, scope: _Scope, values: TreeRollup | None, as_of, lang) -> ScorecardRow:
    unit_key = unit.code if unit else WHOLE_ORGANISATION
    history = [values.value(unit_key, bucket) if values else EMPTY for bucket in range(len(scope.history))]
    result = history[-1]
    evaluation = evaluate_target(rule_of(target), result.value, period=period, as_of=as_of,
                                 decimals=indicator.decimals, data_through=result.through)
    trend = tuple(summary.value for summary in history)
    previous = trend[-2] if len(trend) > 1 else None
    change = None if previous is None or evaluation.actual is None else evaluation.actual - previous
    return ScorecardRow(
        indicator=indicator.code,
        indicator_name=indicator.name_in(lang),
        org_unit=unit.code if unit else None,
        org_unit_name=unit.name_in(lang) if unit else t("units.whole", lang),
        period=period.code, target_period=target.period, actual=evaluation.actual,
        comparator=target.comparator, target=target.threshold, target_upper=target.threshold_upper,
        status=evaluation.status.value, gap=evaluation.gap, gap_relative=evaluation.gap_relative,
        binding=target.binding, complete=evaluation.complete, running=evaluation.running,
        data_through=evaluation.data_through.isoformat() if evaluation.data_through else None,
        unit_label=indicator.unit_label, decimals=indicator.decimals, values_combined=result.count,
        problem=result.problem, target_id=target.id,
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
    counts["binding_not_met"] = sum(1 for row in rows if needs_explanation(row.binding, row.status))
    return counts


def agenda(rows: list[ScorecardRow]) -> list[ScorecardRow]:
    """Meeting mode's order: binding targets not met, then the other misses, then those at risk."""
    ranked = [(rank, row) for row in rows if (rank := agenda_rank(row.binding, row.status)) is not None]
    return [row for _, row in sorted(ranked, key=lambda pair: (pair[0], pair[1].indicator, pair[1].org_unit or ""))]

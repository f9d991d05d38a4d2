"""The scorecard's one aggregate query: stored values summed per indicator x unit x period ("bucket").

The scorecard of a year judges every target against that year and shows each one's trend over the
years before. Rather than read the values themselves, it asks the database for one row per cell
(indicator, unit, bucket) holding the counts and sums `kpi.domain.summary_rollup` needs; the database
does the work in one pass over the rows of the span, and what comes back grows with indicators x units
x buckets, not with the number of stored values.

A value belongs to a bucket when its period lies inside it (as `Period.contains` says), so a stored
year is in no quarter's bucket. For last-value indicators (a stock such as headcount) the latest
reading of each cell comes from a window function, in a second branch of the same statement.
"""
from __future__ import annotations

from datetime import date
from typing import Sequence

import sqlalchemy as sa
from sqlmodel import Session

from ..domain.periods import Period
from ..domain.summary_rollup import Cell
from ..models import Measurement, MeasurementYearCell

_M = Measurement.__table__.c
_C = MeasurementYearCell.__table__.c
CELL_COLUMNS = ("count", "count_value", "count_numerator", "count_denominator", "count_weight", "sum_value",
                "sum_numerator", "sum_denominator", "sum_weight", "sum_value_x_weight", "last_end", "kind_low",
                "kind_high", "last_value")


# Grouped by the output column's name: the CASE written out again would carry its own bound parameters,
# and PostgreSQL would not see it as the same expression.
_BUCKET = sa.literal_column("bucket")


def _bucket(buckets: Sequence[Period]):
    """The index of the bucket holding a value's period, or -1 where none does."""
    return sa.case(*[(sa.and_(_M.period_start >= b.start, _M.period_end <= b.end), i) for i, b in enumerate(buckets)],
                   else_=-1)


def _sums(source) -> list:
    return [sa.func.count(), sa.func.count(source.value), sa.func.count(source.numerator),
            sa.func.count(source.denominator), sa.func.count(source.weight), sa.func.sum(source.value),
            sa.func.sum(source.numerator), sa.func.sum(source.denominator), sa.func.sum(source.weight),
            sa.func.sum(source.value * source.weight), sa.func.max(source.period_end),
            sa.func.min(source.period_kind), sa.func.max(source.period_kind)]


def summary_statement(buckets: Sequence[Period], *, indicator_ids: Sequence[int] | None = None,
                      last_value_ids: Sequence[int] = (), unit_ids: Sequence[int] | None = None):
    """One row per (indicator_id, org_unit_id, bucket) with the counts and sums of `Cell`, in that order."""
    span = [_M.period_start >= buckets[0].start, _M.period_end <= buckets[-1].end]
    if unit_ids is not None:
        span.append(_M.org_unit_id.in_(list(unit_ids)))
    last = set(last_value_ids)
    others = None if indicator_ids is None else [i for i in indicator_ids if i not in last]
    branches = []
    if others is None or others:
        bucket = _bucket(buckets)
        where = span + ([] if others is None else [_M.indicator_id.in_(others)])
        if others is None and last:
            where.append(_M.indicator_id.not_in(list(last)))
        branches.append(sa.select(_M.indicator_id, _M.org_unit_id, bucket.label("bucket"), *_sums(_M),
                                  sa.null().label("last_value"))
                        .where(*where).group_by(_M.indicator_id, _M.org_unit_id, _BUCKET))
    if last:
        bucket = _bucket(buckets)
        latest_first = sa.func.row_number().over(partition_by=(_M.indicator_id, _M.org_unit_id, bucket),
                                                 order_by=(_M.period_end.desc(), _M.period_start.desc()))
        ranked = (sa.select(_M.indicator_id, _M.org_unit_id, bucket.label("bucket"), _M.value, _M.numerator,
                            _M.denominator, _M.weight, _M.period_end, _M.period_kind, latest_first.label("rank"))
                  .where(*span, _M.indicator_id.in_(sorted(last))).subquery())
        branches.append(sa.select(ranked.c.indicator_id, ranked.c.org_unit_id, ranked.c.bucket, *_sums(ranked.c),
                                  sa.func.max(sa.case((ranked.c.rank == 1, ranked.c.value))).label("last_value"))
                        .group_by(ranked.c.indicator_id, ranked.c.org_unit_id, ranked.c.bucket))
    return branches[0] if len(branches) == 1 else sa.union_all(*branches)


def year_cells_statement(first_year: int, last_year: int, *, indicator_ids: Sequence[int] | None = None,
                         unit_ids: Sequence[int] | None = None):
    """The same rows as `summary_statement` over the years `first_year`..`last_year` (bucket 0 the first),
    read from the year cells `kpi.store.cells` keeps: one row per cell, nothing to add up."""
    query = sa.select(_C.indicator_id, _C.org_unit_id, (_C.year - first_year).label("bucket"),
                      *[_C[name] for name in CELL_COLUMNS]).where(_C.year >= first_year, _C.year <= last_year)
    if indicator_ids is not None:
        query = query.where(_C.indicator_id.in_(list(indicator_ids)))
    if unit_ids is not None:
        query = query.where(_C.org_unit_id.in_(list(unit_ids)))
    return query


def year_cell_rows(where: Sequence, last_value_ids: Sequence[int]):
    """(indicator_id, org_unit_id, year, Cell columns...) summed from the stored values matching `where`:
    what `kpi.store.cells` writes into the year cells. A value counts in the year holding its whole period."""
    year = sa.cast(sa.extract("year", _M.period_start), sa.Integer)
    inside = [*where, year == sa.cast(sa.extract("year", _M.period_end), sa.Integer)]
    last = sorted(set(last_value_ids))
    branches = [sa.select(_M.indicator_id, _M.org_unit_id, year.label("year"), *_sums(_M),
                          sa.null().label("last_value"))
                .where(*inside, *([_M.indicator_id.not_in(last)] if last else []))
                .group_by(_M.indicator_id, _M.org_unit_id, sa.literal_column("year"))]
    if last:
        latest_first = sa.func.row_number().over(partition_by=(_M.indicator_id, _M.org_unit_id, year),
                                                 order_by=(_M.period_end.desc(), _M.period_start.desc()))
        ranked = (sa.select(_M.indicator_id, _M.org_unit_id, year.label("year"), _M.value, _M.numerator,
                            _M.denominator, _M.weight, _M.period_end, _M.period_kind, latest_first.label("rank"))
                  .where(*inside, _M.indicator_id.in_(last)).subquery())
        branches.append(sa.select(ranked.c.indicator_id, ranked.c.org_unit_id, ranked.c.year, *_sums(ranked.c),
                                  sa.func.max(sa.case((ranked.c.rank == 1, ranked.c.value))).label("last_value"))
                        .group_by(ranked.c.indicator_id, ranked.c.org_unit_id, ranked.c.year))
    return branches[0] if len(branches) == 1 else sa.union_all(*branches)


def fetch_cells_of(session: Session, statement) -> list[tuple[int, int, int, Cell]]:
    """(indicator_id, org_unit_id, bucket index, Cell) for every cell holding values, from a
    `summary_statement`."""
    cells = []
    for row in session.connection().execute(statement):
        if row[2] < 0:
            continue  # values whose period lies across the buckets count in none of them
        cell = tuple(row[3:])  # in the order of Cell's fields; a plain tuple is cheaper to make
        if not isinstance(cell[10], date):  # SQLite's max() over a date column: its stored text
            cell = (*cell[:10], date.fromisoformat(cell[10]), *cell[11:])
        cells.append((row[0], row[1], row[2], cell))
    return cells

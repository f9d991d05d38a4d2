"""The year cells: stored values summed per indicator x unit x year, kept current in every write.

A year's scorecard shows eight years of trend; summing eight years of monthly values on every cold
read would cost a scan of most of the table. So the sums are kept in `measurement_year_cell`, and every
transaction that writes to `measurement` recomputes the cells it touched before it commits, from the
values themselves (never by adding deltas, so a cell cannot drift):

- writes through the ORM (a form, the demo) are noticed by the session events below;
- bulk writes that bypass the ORM (the file import) call `note_write` with what they touch.

`measurement_cell_stamp` holds the newest `measurement_change.id` the cells account for. Each write
leaves a history row, so a stamp behind the history means something wrote values without the app
(a manual SQL fix, say): readers then sum the values themselves (`cells_are_current` is False), and the
next write through the app rebuilds every cell. On PostgreSQL the stamp row is locked for the writing
transaction, so two writers cannot each refresh from a view without the other's values.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from ..domain.vocabulary import Aggregation
from ..models import CellStamp, Indicator, Measurement, MeasurementChange, MeasurementYearCell
from .summaries import CELL_COLUMNS, year_cell_rows

_CELLS = MeasurementYearCell.__table__
_M = Measurement.__table__.c
_KEY = "kpi_year_cells"  # in Session.info: what this transaction has written to `measurement`
_MANY_UNITS = 200        # beyond this many units, refresh whole indicator-years rather than list units


@dataclass
class _Pending:
    current_before: bool                       # the cells were current when this transaction began writing
    indicators: set[int] = field(default_factory=set)
    units: set[int] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    every_year: bool = False
    everything: bool = False


def note_write(session: Session, *, indicator_ids: Iterable[int] = (), unit_ids: Iterable[int] | None = None,
               years: Iterable[int] | None = None, everything: bool = False) -> None:
    """Say that this transaction writes (or is about to write) values of these indicators, units (None:
    any) and years (None: any); the cells are refreshed before it commits. Call it before the first
    write where you can: the stamp is checked (and on PostgreSQL locked) on the first call."""
    pending = session.info.get(_KEY)
    if pending is None:
        pending = session.info[_KEY] = _Pending(current_before=_stamp_matches_history(session, lock=True))
    pending.indicators.update(indicator_ids)
    if unit_ids is None:
        pending.units = None
    elif pending.units is not None:
        pending.units.update(unit_ids)
    if years is None:
        pending.every_year = True
    else:
        pending.years.update(years)
    pending.everything = pending.everything or everything


def cells_are_current(session: Session) -> bool:
    """True when the year cells account for every value written (two primary-key reads)."""
    return _stamp_matches_history(session, lock=False)


def rebuild(session: Session) -> None:
    """Every cell recomputed from the values (after an upgrade, or when a write bypassed the app)."""
    _refresh(session, _Pending(current_before=False, everything=True))


def _stamp_matches_history(session: Session, *, lock: bool) -> bool:
    stamp = sa.select(CellStamp.change_id).where(CellStamp.id == 1)
    if lock:
        stamp = stamp.with_for_update()
    stamped = _sql(session).execute(stamp).scalar()
    newest = _sql(session).execute(sa.select(sa.func.max(MeasurementChange.id))).scalar() or 0
    return stamped == newest


def _refresh(session: Session, pending: _Pending) -> None:
    everything = pending.everything or not pending.current_before
    where, cell_where = [], []
    if not everything:
        if not pending.indicators:
            return _restamp(session)
        where.append(_M.indicator_id.in_(sorted(pending.indicators)))
        cell_where.append(_CELLS.c.indicator_id.in_(sorted(pending.indicators)))
        if pending.units is not None and len(pending.units) <= _MANY_UNITS:
            where.append(_M.org_unit_id.in_(sorted(pending.units)))
            cell_where.append(_CELLS.c.org_unit_id.in_(sorted(pending.units)))
        if not pending.every_year:
            first, last = min(pending.years), max(pending.years)
            # The period_start range lets the database use its index; the year list is exact.
            where += [_M.period_start >= date(first, 1, 1), _M.period_start <= date(last, 12, 31),
                      sa.cast(sa.extract("year", _M.period_start), sa.Integer).in_(sorted(pending.years))]
            cell_where.append(_CELLS.c.year.in_(sorted(pending.years)))
    last_ids = _sql(session).execute(sa.select(Indicator.id).where(Indicator.aggregation == Aggregation.LAST_VALUE.value)
                               ).scalars().all()
    _sql(session).execute(_CELLS.delete().where(*cell_where))
    columns = ["indicator_id", "org_unit_id", "year", *CELL_COLUMNS]
    _sql(session).execute(_CELLS.insert().from_select(columns, year_cell_rows(where, last_ids)))
    _restamp(session)


def _restamp(session: Session) -> None:
    newest = _sql(session).execute(sa.select(sa.func.max(MeasurementChange.id))).scalar() or 0
    updated = _sql(session).execute(CellStamp.__table__.update().where(CellStamp.id == 1).values(change_id=newest))
    if updated.rowcount == 0:
        _sql(session).execute(CellStamp.__table__.insert().values(id=1, change_id=newest))


def _sql(session: Session):
    """The transaction's connection: these statements run inside flush and commit hooks, where going
    through the Session would flush again."""
    return session.connection()


# --- the session events: ORM writes to `measurement` and to an indicator's aggregation ---

@event.listens_for(OrmSession, "before_flush")
def _notice_orm_writes(session, _flush_context, _instances) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Measurement):
            note_write(session, indicator_ids=[obj.indicator_id], unit_ids=[obj.org_unit_id],
                       years={obj.period_start.year, obj.period_end.year})
        elif isinstance(obj, Indicator) and obj.id is not None and obj in session.dirty \
                and sa.inspect(obj).attrs.aggregation.history.has_changes():
            # Only last-value indicators keep their latest reading in the cells.
            note_write(session, indicator_ids=[obj.id], unit_ids=None, years=None)


@event.listens_for(OrmSession, "before_commit")
def _refresh_before_commit(session) -> None:
    if _KEY not in session.info:
        return
    session.flush()
    pending = session.info.pop(_KEY, None)
    if pending is not None:
        _refresh(session, pending)


@event.listens_for(OrmSession, "after_rollback")
def _forget_after_rollback(session) -> None:
    session.info.pop(_KEY, None)

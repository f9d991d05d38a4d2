"""The database work of an import that the store's one-row functions would make too slow: finding the
stored values a file names, and writing the rows and their history in bulk. The only code in
kpi/importing that runs its own statements; everything else goes through kpi.store.

Why: store.save_measurement makes several round trips per row (1.5 ms a row on SQLite: two and a
half minutes for 100 000 rows), and loading or building 100 000 ORM objects takes longer, and far more
memory, than the whole import does with plain column tuples and executemany statements
(bench/import_bench.py). The rows written are checked beforehand by the store's own rules (plan.py),
and they are the rows save_measurement and store.record_change would write: see `write_rows`.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from .. import store
from ..domain.periods import Period
from ..models import Measurement, MeasurementChange, utc_now

if TYPE_CHECKING:
    from .plan import Plan, PlannedRow, Progress

CHUNK = 2000
_IN_LIST = 500  # units per query: short IN lists suit every database


@dataclass(slots=True)
class Stored:
    """A stored value as the import needs it: the snapshot fields, its id and its row version."""
    id: int
    version: int
    indicator_id: int
    org_unit_id: int
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    weight: float | None
    comment: str
    source: str
    period_label: str
    synthetic: bool


_STORED_COLUMNS = [getattr(Measurement, name) for name in Stored.__slots__]


def stored_values(session: Session, rows: list[PlannedRow]) -> dict[tuple[int, int, str], Stored]:
    """The stored values the rows name: per indicator, the file's units over the span of its periods."""
    wanted: dict[int, list[PlannedRow]] = defaultdict(list)
    for row in rows:
        wanted[row.indicator.id].append(row)
    keys = {row.key for row in rows}
    found: dict[tuple[int, int, str], Stored] = {}
    for indicator_id, indicator_rows in wanted.items():
        unit_ids = sorted({row.unit.id for row in indicator_rows})
        span = Period.range(min(row.period.start for row in indicator_rows),
                            max(row.period.end for row in indicator_rows))
        for start in range(0, len(unit_ids), _IN_LIST):
            query = select(*_STORED_COLUMNS).where(
                Measurement.indicator_id == indicator_id, Measurement.org_unit_id.in_(unit_ids[start:start + _IN_LIST]),
                Measurement.period_start >= span.start, Measurement.period_end <= span.end)
            for values in session.execute(query):
                stored = Stored(*values)
                key = (stored.indicator_id, stored.org_unit_id, stored.period)
                if key in keys:
                    found[key] = stored
    return found


def write_rows(session: Session, plan: Plan, *, import_id: int, actor: str, source: str,
               progress: Progress | None = None, chunk: int = CHUNK) -> None:
    """Write the plan's new and changed rows and their history, a chunk at a time, in the caller's transaction.

    Bulk statements, not ORM objects (building 100 000 SQLModel objects alone takes longer than the
    whole import does this way). The rows are the ones save_measurement would write: new values with
    version 1, changed ones with the version raised (and the update refused, as a StaleDataError, if
    the stored version moved since the check), and one history row each with the same fields and JSON
    snapshots `store.record_change` writes.
    """
    rows = plan.to_write()
    now = utc_now()
    measurements = Measurement.__table__
    insert_values = (insert(measurements).returning(measurements.c.id, sort_by_parameter_order=True)
                     .execution_options(insertmanyvalues_page_size=50))  # measured: faster on PostgreSQL than 1000
    update_values = (update(measurements)
                     .where(measurements.c.id == bindparam("b_id"), measurements.c.version == bindparam("b_version"))
                     .values({name: bindparam(f"n_{name}")
                              for name in (*_WRITTEN, "version", "updated_by", "updated_at")}))
    for start in range(0, len(rows), chunk):
        if progress:
            progress(start / len(rows), "writing")
        part = rows[start:start + chunk]
        history: list[dict] = []
        created = [_new_values(row, actor, source, now) for row in part if row.action == "new"]
        if created:
            ids = session.execute(insert_values, created).scalars().all()
            history += [_history(new_id, values, "create", actor, source, "", import_id, now)
                        for new_id, values in zip(ids, created)]
        changed = []
        for row in part:
            if row.action == "change":
                values = _changed_values(row, source)
                stored = row.existing
                new = {**values, "version": stored.version + 1, "updated_by": actor, "updated_at": now}
                changed.append({"b_id": stored.id, "b_version": stored.version,
                                **{f"n_{name}": value for name, value in new.items()}})
                history.append(_history(stored.id, {**_keys(stored), **values}, "update", actor, source,
                                        store.measurement_snapshot(stored), import_id, now))
        if changed:
            result = session.execute(update_values, changed, execution_options={"synchronize_session": False})
            if session.get_bind().dialect.supports_sane_multi_rowcount and result.rowcount != len(changed):
                raise StaleDataError("a stored value changed while the import was being written")
        session.execute(insert(MeasurementChange.__table__), history)
    if progress:
        progress(1.0, "writing")


_WRITTEN = ("value", "numerator", "denominator", "weight", "comment", "source", "synthetic")


def _keys(measurement) -> dict:
    return {"indicator_id": measurement.indicator_id, "org_unit_id": measurement.org_unit_id,
            "period": measurement.period, "period_label": measurement.period_label}


def _new_values(row: PlannedRow, actor: str, source: str, now) -> dict:
    """Every column of a new value, as save_measurement fills them."""
    return {"indicator_id": row.indicator.id, "org_unit_id": row.unit.id, "period": row.period.code,
            "period_kind": row.period.kind.value, "period_start": row.period.start, "period_end": row.period.end,
            "period_label": "", "value": row.value, "numerator": row.numerator, "denominator": row.denominator,
            "weight": row.weight, "comment": row.comment or "", "source": source, "synthetic": False, "version": 1,
            "created_by": actor, "created_at": now, "updated_by": actor, "updated_at": now}


def _changed_values(row: PlannedRow, source: str) -> dict:
    """As save_measurement(replace=True) changes a value, except: the period's label stays, and so does
    the comment unless the file gives one; a value from a file is not synthetic."""
    stored = row.existing
    return {"value": row.value, "numerator": row.numerator, "denominator": row.denominator, "weight": row.weight,
            "comment": stored.comment if row.comment is None else row.comment, "source": source,
            "synthetic": False}


def _history(measurement_id: int, values: dict, action: str, actor: str, reason: str, before: str,
             import_id: int, now) -> dict:
    """The row store.record_change adds, with the same snapshot of the fields after the change."""
    after = store.measurement_snapshot(SimpleNamespace(**{name: values.get(name) for name in store.MEASUREMENT_FIELDS}))
    return {"measurement_id": measurement_id, "indicator_id": values["indicator_id"],
            "org_unit_id": values["org_unit_id"], "period": values["period"], "action": action, "changed_by": actor,
            "changed_at": now, "reason": reason, "old_values": before, "new_values": after, "import_id": import_id}

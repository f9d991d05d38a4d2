"""The shared part of an import's bulk writers: the rows' columns, the history's JSON snapshots, and the
`Writer` every database's way derives from (with `CoreWriter`, for a database with no faster way).

The rows written are the rows save_measurement and store.record_change would write: every column,
version 1 (a change: the version raised, refused if it moved since the check), and one history row
each with the same fields and JSON snapshot `store.measurement_snapshot` gives (tests compare).
"""
from __future__ import annotations

import json
import math
from types import SimpleNamespace

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from .. import store
from ..models import Measurement, MeasurementChange, utc_now
from .rows import COMMENT, DEN, IND, NUM, PER, UNIT, VALUE, WEIGHT, Checked, Stored


# --- the history's JSON snapshots -----------------------------------------------------------------

# The snapshots are assembled around the json module's own encoders (every value goes through them; only
# the fixed keys are written here): a dict per row through json.dumps, tried, made a 50 000-row import
# about a third slower (bench/import_bench.py: 2.0 s -> 2.7 s, a replace 2.8 s -> 3.6 s).
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)   # what json.dumps(..., these options) uses
_STRING = json.encoder.encode_basestring                          # its string encoder (ensure_ascii=False)
_SNAPSHOT_FIELDS = ("value", "numerator", "denominator", "weight", "comment", "source", "period_label", "synthetic")


_EMPTY = '""'


def _json_number(number) -> str:
    if number is None:
        return "null"
    if type(number) is float and math.isfinite(number):
        return float.__repr__(number)
    return _ENCODER.encode(number)


def snapshot(value, numerator, denominator, weight, comment: str, source: str, period_label: str,
             synthetic: bool) -> str:
    """store.measurement_snapshot of a value with these fields, character for character, made without
    building a dict and sorting its keys for every row (a test compares it with the store's own)."""
    if not (type(comment) is str and type(source) is str and type(period_label) is str and type(synthetic) is bool):
        return _ENCODER.encode(dict(zip(_SNAPSHOT_FIELDS, (value, numerator, denominator, weight, comment, source,
                                                           period_label, synthetic))))
    return (f'{{"comment": {_STRING(comment)}, "denominator": {_json_number(denominator)}, '
            f'"numerator": {_json_number(numerator)}, "period_label": {_STRING(period_label)}, '
            f'"source": {_STRING(source)}, "synthetic": {"true" if synthetic else "false"}, '
            f'"value": {_json_number(value)}, "weight": {_json_number(weight)}}}')


def _stored_snapshot(stored: Stored) -> str:
    return snapshot(stored.value, stored.numerator, stored.denominator, stored.weight, stored.comment, stored.source,
                    stored.period_label, stored.synthetic)


# The fast snapshot is used only while the store's snapshot has these fields (else the store's own).
_FAST_SNAPSHOT = tuple(sorted(store.MEASUREMENT_FIELDS)) == tuple(sorted(_SNAPSHOT_FIELDS))


# --- the rows' columns ----------------------------------------------------------------------------

MEASUREMENT_COLUMNS = ("id", "indicator_id", "org_unit_id", "period", "period_kind", "period_start", "period_end",
                        "period_label", "value", "numerator", "denominator", "weight", "comment", "source",
                        "synthetic", "created_by", "created_at", "updated_by", "updated_at", "version")
HISTORY_COLUMNS = ("measurement_id", "indicator_id", "org_unit_id", "period", "action", "changed_by", "changed_at",
                    "reason", "old_values", "new_values", "import_id")
CHANGED = ("value", "numerator", "denominator", "weight", "comment", "source", "synthetic")


class Writer:
    """Writes checked rows in the caller's transaction: new values (ids given here, in file order) and
    changed ones, each with its history row. `bulk.writer_for` picks the way for the database; the
    SQLite and PostgreSQL ways are in sqlite_writer.py and postgres_writer.py, any other database's here
    (`CoreWriter`)."""

    def __init__(self, session: Session, *, import_id: int, actor: str, source: str):
        self.session, self.import_id, self.actor, self.source = session, import_id, actor, source
        self.now = utc_now()
        self.dialect = session.get_bind().dialect
        self._periods: dict[int, tuple] = {}   # period index -> (code, kind, start, end) as the driver takes them
        self.written = 0

    def write(self, checked: Checked) -> None:
        if checked.new:
            self._create(checked.new)
        if checked.changed:
            self._change(checked.changed)
        self.written += len(checked.new) + len(checked.changed)

    def _bind(self, column: str):
        """How the ORM turns a value of this column into what the driver is given (a date as SQLite's text)."""
        column_type = Measurement.__table__.c[column].type.dialect_impl(self.dialect)
        return column_type.bind_processor(self.dialect) or (lambda value: value)

    def _period(self, period) -> tuple:
        found = self._periods.get(period.index)
        if found is None:
            date = self._bind("period_start")
            p = period.period
            found = self._periods[period.index] = (period.code, p.kind.value, date(p.start), date(p.end))
        return found

    def new_snapshots(self, rows: list[tuple]) -> list[str]:
        """The history's snapshot of each new value (`snapshot` with this import's source), a chunk at a
        time: the part every row shares is formatted once."""
        if not _FAST_SNAPSHOT:
            return [store.measurement_snapshot(SimpleNamespace(
                value=row[VALUE], numerator=row[NUM], denominator=row[DEN], weight=row[WEIGHT],
                comment=row[COMMENT] or "", source=self.source, period_label="", synthetic=False)) for row in rows]
        if type(self.source) is not str:
            return [snapshot(row[VALUE], row[NUM], row[DEN], row[WEIGHT], row[COMMENT] or "", self.source, "",
                             False) for row in rows]
        middle = f'"period_label": "", "source": {_STRING(self.source)}, "synthetic": false'
        # Every number of the chunk through the json module's own encoder in one call (None, floats and
        # anything else exactly as json.dumps writes them), then split: no number's JSON holds ", ".
        numbers = iter(_ENCODER.encode([x for row in rows for x in (row[DEN], row[NUM], row[VALUE],
                                                                     row[WEIGHT])])[1:-1].split(", "))
        text = _STRING
        return [f'{{"comment": {text(row[COMMENT]) if row[COMMENT] else _EMPTY}, "denominator": {denominator}, '
                f'"numerator": {numerator}, {middle}, "value": {value}, "weight": {weight}}}'
                for row, (denominator, numerator, value, weight) in zip(rows, zip(numbers, numbers, numbers, numbers))]

    def _changed_values(self, row: tuple, stored: Stored) -> dict:
        """As save_measurement(replace=True) changes a value, except: the period's label stays, and so does
        the comment unless the file gives one; a value from a file is not synthetic."""
        return {"value": row[VALUE], "numerator": row[NUM], "denominator": row[DEN], "weight": row[WEIGHT],
                "comment": stored.comment if row[COMMENT] is None else row[COMMENT], "source": self.source,
                "synthetic": False}

    def _change_snapshots(self, values: dict, stored: Stored) -> tuple[str, str]:
        if _FAST_SNAPSHOT:
            return _stored_snapshot(stored), snapshot(period_label=stored.period_label, **values)
        after = SimpleNamespace(period_label=stored.period_label, **values)
        return store.measurement_snapshot(stored), store.measurement_snapshot(after)

    def _create(self, rows: list[tuple]) -> None:
        raise NotImplementedError

    def _change(self, rows: list[tuple[tuple, Stored]]) -> None:
        raise NotImplementedError


class CoreWriter(Writer):
    """Any other database: SQLAlchemy Core executemany (slower, the same rows)."""

    def _create(self, rows: list[tuple]) -> None:
        measurements = Measurement.__table__
        created = []
        for row in rows:
            p = row[PER].period
            created.append({"indicator_id": row[IND].id, "org_unit_id": row[UNIT].id, "period": row[PER].code,
                            "period_kind": p.kind.value, "period_start": p.start, "period_end": p.end,
                            "period_label": "", "value": row[VALUE], "numerator": row[NUM],
                            "denominator": row[DEN], "weight": row[WEIGHT], "comment": row[COMMENT] or "",
                            "source": self.source, "synthetic": False, "version": 1, "created_by": self.actor,
                            "created_at": self.now, "updated_by": self.actor, "updated_at": self.now})
        statement = insert(measurements).returning(measurements.c.id, sort_by_parameter_order=True)
        ids = self.session.execute(statement, created).scalars().all()
        self.session.execute(insert(MeasurementChange.__table__), [
            self._history(new_id, values, "create", after, "")
            for new_id, values, after in zip(ids, created, self.new_snapshots(rows))])

    def _history(self, measurement_id: int, values: dict, action: str, after: str, before: str) -> dict:
        return {"measurement_id": measurement_id, "indicator_id": values["indicator_id"],
                "org_unit_id": values["org_unit_id"], "period": values["period"], "action": action,
                "changed_by": self.actor, "changed_at": self.now, "reason": self.source, "old_values": before,
                "new_values": after, "import_id": self.import_id}

    def _change(self, rows: list[tuple[tuple, Stored]]) -> None:
        measurements = Measurement.__table__
        statement = (update(measurements)
                     .where(measurements.c.id == bindparam("b_id"), measurements.c.version == bindparam("b_version"))
                     .values({name: bindparam(f"n_{name}") for name in (*CHANGED, "version", "updated_by",
                                                                       "updated_at")}))
        changed, history = [], []
        for row, stored in rows:
            values = self._changed_values(row, stored)
            before, after = self._change_snapshots(values, stored)
            new = {**values, "version": stored.version + 1, "updated_by": self.actor, "updated_at": self.now}
            changed.append({"b_id": stored.id, "b_version": stored.version,
                            **{f"n_{name}": value for name, value in new.items()}})
            history.append(self._history(stored.id, {"indicator_id": stored.indicator_id,
                                                     "org_unit_id": stored.org_unit_id, "period": stored.period},
                                         "update", after, before))
        result = self.session.execute(statement, changed, execution_options={"synchronize_session": False})
        if self.dialect.supports_sane_multi_rowcount and result.rowcount != len(changed):
            raise StaleDataError("a stored value changed while the import was being written")
        self.session.execute(insert(MeasurementChange.__table__), history)

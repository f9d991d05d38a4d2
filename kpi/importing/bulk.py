"""The database work of an import that the store's one-row functions would make too slow: finding the
stored values a file names, and writing the rows and their history in bulk. The only code in
kpi/importing that runs its own statements; everything else goes through kpi.store.

Why: store.save_measurement makes several round trips per row (1.5 ms a row on SQLite: two and a
half minutes for 100 000 rows), and building ORM objects, or even SQLAlchemy's per-row parameter
handling, costs more than the database's own work. So rows go to the driver as plain values: on SQLite
multi-row INSERT ... VALUES statements (the columns every row shares written into the statement, so only
what differs is bound), on PostgreSQL `COPY`. The rows written are checked beforehand by the store's
own rules (plan.py), and they are the rows save_measurement and store.record_change would write: every
column, version 1 (a change: the version raised, refused if it moved since the check), and one history
row each with the same fields and JSON snapshot `store.measurement_snapshot` gives (tests compare).

These writes bypass the Session, so the import raises the data revision itself (`finish_writes`) and
tells the year cells what it wrote (`note_cells`), both in its own transaction.
"""
from __future__ import annotations

import json
import math
from types import SimpleNamespace
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from .. import store
from ..models import Measurement, MeasurementChange, utc_now
from .rows import COMMENT, DEN, IND, NUM, PER, UNIT, VALUE, WEIGHT, Checked, Stored

_KEYS_PER_QUERY = 2000   # (indicator, unit, period) triples per look-up: well inside every database's limits


_STORED_SQL = ", ".join(f"m.{name}" for name in Stored.__slots__)


def stored_values(session: Session, keys: Iterable) -> dict[tuple[int, int, str], Stored]:
    """The stored values with these (indicator id, unit id, period code) keys (or PlannedRows' keys):
    one look-up in the unique index per key, a few thousand keys per statement."""
    wanted = [key if isinstance(key, tuple) else key.key for key in keys]
    found: dict[tuple[int, int, str], Stored] = {}
    for (stored_id, version, indicator_id, unit_id, period, value, numerator, denominator, weight, comment, source,
         label, synthetic) in _per_key(session, wanted, _STORED_SQL, "LIMIT 1"):
        found[(indicator_id, unit_id, period)] = Stored(stored_id, version, indicator_id, unit_id, period, value,
                                                         numerator, denominator, weight, comment, source, label,
                                                         bool(synthetic))
    return found


def pairs_with_values(session: Session, pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which (indicator id, unit id) pairs have any stored value: one index probe per pair."""
    return {(int(i), int(u)) for i, u in _per_key(session, pairs, "k.column1, k.column2", "LIMIT 1", exists=True)}


def _per_key(session: Session, keys: list[tuple], columns: str, limit: str, exists: bool = False):
    """Rows of `measurement` matching each key (indicator id, unit id[, period]), looked up key by key in
    the unique index (indicator_id, org_unit_id, period). On PostgreSQL the keys go as arrays and a
    LATERAL ... LIMIT 1 keeps the planner from scanning the table instead (it would, for a few thousand
    keys against a table of some hundred thousand rows); SQLite joins a VALUES list through the index."""
    names = ("indicator_id", "org_unit_id", "period")[:len(keys[0])] if keys else ()
    match = " AND ".join(f"m.{name} = k.column{i}" for i, name in enumerate(names, start=1))
    if session.get_bind().dialect.name == "postgresql":
        types = ("integer[]", "integer[]", "text[]")[:len(names)]
        arrays = ", ".join(f"%s::{kind}" for kind in types)
        aliases = ", ".join(f"column{i}" for i in range(1, len(names) + 1))
        selected = columns.replace("m.", "s.") if not exists else columns
        inner = columns if not exists else "1"
        sql = (f"SELECT {selected} FROM unnest({arrays}) AS k({aliases}) CROSS JOIN LATERAL "
               f"(SELECT {inner} FROM measurement AS m WHERE {match} {limit}) AS s")
        for start in range(0, len(keys), 50_000):
            part = keys[start:start + 50_000]
            yield from _fetch(session, sql, tuple(list(column) for column in zip(*part)))
        return
    mark = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        part = keys[start:start + _KEYS_PER_QUERY]
        values = ", ".join(["(" + ", ".join([mark] * len(names)) + ")"] * len(part))
        if exists:
            sql = (f"SELECT {columns} FROM (VALUES {values}) AS k "
                   f"WHERE EXISTS (SELECT 1 FROM measurement AS m WHERE {match})")
        else:
            sql = f"SELECT {columns} FROM (VALUES {values}) AS k JOIN measurement AS m ON {match}"
        yield from _fetch(session, sql, tuple(item for key in part for item in key))


def _fetch(session: Session, sql: str, parameters: tuple) -> list[tuple]:
    """Rows as the driver gives them (SQLAlchemy's result rows cost more than the query, at 100 000 keys);
    the driver's errors raised as SQLAlchemy's, as everywhere else."""
    connection = session.connection()
    cursor = connection.connection.cursor()
    dbapi = connection.dialect.loaded_dbapi
    try:
        cursor.execute(sql, parameters)
        return cursor.fetchall()
    except dbapi.Error as error:
        raise sa.exc.DBAPIError.instance(sql, parameters, error, dbapi.Error,
                                         dialect=connection.dialect) from error
    finally:
        cursor.close()


# --- the history's JSON snapshots -----------------------------------------------------------------

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


# --- writing --------------------------------------------------------------------------------------

_MEASUREMENT_COLUMNS = ("id", "indicator_id", "org_unit_id", "period", "period_kind", "period_start", "period_end",
                        "period_label", "value", "numerator", "denominator", "weight", "comment", "source",
                        "synthetic", "created_by", "created_at", "updated_by", "updated_at", "version")
_HISTORY_COLUMNS = ("measurement_id", "indicator_id", "org_unit_id", "period", "action", "changed_by", "changed_at",
                    "reason", "old_values", "new_values", "import_id")
_CHANGED = ("value", "numerator", "denominator", "weight", "comment", "source", "synthetic")

class Writer:
    """Writes checked rows in the caller's transaction: new values (ids given here, in file order) and
    changed ones, each with its history row. `for_session` picks the way for the database."""

    def __init__(self, session: Session, *, import_id: int, actor: str, source: str):
        self.session, self.import_id, self.actor, self.source = session, import_id, actor, source
        self.now = utc_now()
        self.dialect = session.get_bind().dialect
        self._periods: dict[int, tuple] = {}   # period index -> (code, kind, start, end) as the driver takes them
        self.written = 0

    @staticmethod
    def for_session(session: Session, *, file_size: int = 0, **options) -> Writer:
        name = session.get_bind().dialect.name
        if name == "sqlite":
            return SqliteWriter(session, file_size=file_size, **options)
        if name == "postgresql" and session.get_bind().dialect.driver == "psycopg":
            return PostgresWriter(session, **options)
        return CoreWriter(session, **options)

    def write(self, checked: Checked) -> None:
        if checked.new:
            self._create(checked.new)
        if checked.changed:
            self._change(checked.changed)
        self.written += len(checked.new) + len(checked.changed)

    def _bind(self, column: str):
        return Measurement.__table__.c[column].type._cached_bind_processor(self.dialect) or (lambda value: value)

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


def _sqlite_text(text: str) -> str:
    """A string as an SQLite literal (a NUL, which SQL text cannot hold, as char(0))."""
    return "'" + text.replace("'", "''").replace("\x00", "' || char(0) || '") + "'"


class SqliteWriter(Writer):
    """Multi-row INSERT ... VALUES statements (a few thousand rows each: one statement step instead of one
    per row), with what every row shares written into the statement as literals and one statement per
    pattern of empty numbers and comment, so that only what differs is bound (binding None costs the
    sqlite3 module more than any value).

    For a big file (16 MB and more) the connection's page cache is raised for the import, to twice the
    file's size within 64..128 MB: with SQLite's default 2 MB the indexes' pages of a few million rows are
    written out and read back over and over (5 million rows: 84 s of SQL instead of about 62 s). Only the
    cache: the journal and fsync stay as they are. 128 MB at most because SQLite's sorter (the year
    cells' refresh at commit) may take as much again; 256 MB was no faster. The pool gets the connection
    back with the size it had (`_restore_cache`)."""

    ROWS_PER_STATEMENT = 2000
    BIG_FILE = 16 * 1024 * 1024         # bytes: smaller imports keep the default cache
    MAX_CACHE_KIB = 128 * 1024

    def __init__(self, session: Session, *, file_size: int = 0, **options):
        super().__init__(session, **options)
        self.connection = session.connection()
        if file_size >= self.BIG_FILE:
            _raise_cache(self.connection, min(self.MAX_CACHE_KIB, max(64 * 1024, 2 * file_size // 1024)))
        when = _sqlite_text(self._bind("created_at")(self.now))
        actor = _sqlite_text(self.actor)
        self._constants = {"period_label": "''", "source": _sqlite_text(self.source), "synthetic": "0",
                           "created_by": actor, "created_at": when, "updated_by": actor, "updated_at": when,
                           "version": "1"}
        self._history_row = (f"(?, ?, ?, ?, 'create', {actor}, {when}, {_sqlite_text(self.source)}, '', ?, "
                             f"{int(self.import_id)})")
        self._patterns: dict[tuple[bool, ...], tuple[str, object, int]] = {}
        self._statements: dict[tuple[str, int], str] = {}
        self._next_id: int | None = None
        try:
            import sqlite3

            self._max_variables = self.connection.connection.driver_connection.getlimit(
                sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except (AttributeError, ImportError):
            self._max_variables = 999  # the smallest SQLite has had

    def _pattern(self, empty: tuple[bool, ...]) -> tuple[str, object, int]:
        """For rows whose value, numerator, denominator, weight and comment are empty as `empty` says: the
        VALUES tuple of one row, the function picking its bound values out of a full row, and their count."""
        found = self._patterns.get(empty)
        if found is None:
            values, picked = [], []
            for position, column in enumerate(_MEASUREMENT_COLUMNS):
                if column in self._constants:
                    values.append(self._constants[column])
                    continue
                if column in ("value", "numerator", "denominator", "weight", "comment"):
                    if empty[("value", "numerator", "denominator", "weight", "comment").index(column)]:
                        values.append("''" if column == "comment" else "NULL")
                        continue
                values.append("?")
                picked.append(position)
            pick = (lambda full, at=picked[0]: (full[at],)) if len(picked) == 1 else _itemgetter(picked)
            found = self._patterns[empty] = (f"({', '.join(values)})", pick, len(picked))
        return found

    def _insert(self, table: str, columns: tuple[str, ...], row_sql: str, width: int, flat: list) -> None:
        """INSERT the rows whose bound values are `flat` (`width` each), many rows per statement."""
        per_statement = max(1, min(self.ROWS_PER_STATEMENT, self._max_variables // width))
        step = per_statement * width
        for start in range(0, len(flat), step):
            part = flat[start:start + step]
            count = len(part) // width
            sql = self._statements.get((row_sql, count))
            if sql is None:
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row_sql] * count)}"
                if count == per_statement:  # the last, shorter statement of a chunk is not kept
                    self._statements[(row_sql, count)] = sql
            _execute(self.session, sql, part)

    def _create(self, rows: list[tuple]) -> None:
        connection = self.connection
        if self._next_id is None:  # this transaction holds SQLite's write lock (the import log row): ids are ours
            self._next_id = (connection.exec_driver_sql("SELECT max(id) FROM measurement").scalar() or 0) + 1
        first = self._next_id
        self._next_id += len(rows)
        periods, period_of = self._periods, self._period
        groups: dict[tuple[bool, ...], tuple[list, object]] = {}
        history: list = []
        for measurement_id, (_n, ind, unit, per, value, numerator, denominator, weight, comment, _s, _t, _k), after \
                in zip(range(first, first + len(rows)), rows, self.new_snapshots(rows)):
            code, kind, start, end = periods.get(per.index) or period_of(per)
            empty = (value is None, numerator is None, denominator is None, weight is None, not comment)
            group = groups.get(empty)
            if group is None:
                group = groups[empty] = ([], self._pattern(empty)[1])
            group[0].extend(group[1]((measurement_id, ind.id, unit.id, code, kind, start, end, None, value, numerator,
                                      denominator, weight, comment)))
            history += (measurement_id, ind.id, unit.id, code, after)
        for empty, (flat, _pick) in groups.items():
            row_sql, _pick, width = self._pattern(empty)
            self._insert("measurement", _MEASUREMENT_COLUMNS, row_sql, width, flat)
        self._insert("measurement_change", _HISTORY_COLUMNS, self._history_row, 5, history)

    def _change(self, rows: list[tuple[tuple, Stored]]) -> None:
        when = self._bind("created_at")(self.now)
        changes, history = [], []
        for row, stored in rows:
            values = self._changed_values(row, stored)
            before, after = self._change_snapshots(values, stored)
            changes.append((values["value"], values["numerator"], values["denominator"], values["weight"],
                            values["comment"], self.source, 0, stored.version + 1, self.actor, when, stored.id,
                            stored.version))
            history.append((stored.id, stored.indicator_id, stored.org_unit_id, stored.period, "update", self.actor,
                            when, self.source, before, after, self.import_id))
        result = self.connection.exec_driver_sql(
            "UPDATE measurement SET value = ?, numerator = ?, denominator = ?, weight = ?, comment = ?, source = ?, "
            "synthetic = ?, version = ?, updated_by = ?, updated_at = ? WHERE id = ? AND version = ?", changes)
        if result.rowcount != len(changes):
            raise StaleDataError("a stored value changed while the import was being written")
        self.connection.exec_driver_sql(
            f"INSERT INTO measurement_change ({', '.join(_HISTORY_COLUMNS)}) VALUES ({', '.join(['?'] * 11)})",
            history)


_CACHE_KEY = "kpi_import_cache_size"


def _raise_cache(connection, kib: int) -> None:
    """PRAGMA cache_size = -kib on this connection until the pool gets it back (then the size it had)."""
    pooled = connection.connection
    cursor = pooled.cursor()
    try:
        before = cursor.execute("PRAGMA cache_size").fetchone()[0]
        if before >= 0 or -before >= kib:  # pages, or already as big: leave it
            return
        pooled.info.setdefault(_CACHE_KEY, before)
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
    finally:
        cursor.close()
    engine = connection.engine
    if not sa.event.contains(engine, "checkin", _restore_cache):
        sa.event.listen(engine, "checkin", _restore_cache)


def _restore_cache(dbapi_connection, record) -> None:
    before = record.info.pop(_CACHE_KEY, None)
    if before is not None and dbapi_connection is not None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
        finally:
            cursor.close()


def _execute(session: Session, sql: str, parameters) -> None:
    """One statement on the driver's own cursor (no SQLAlchemy result for a write that returns nothing);
    the driver's errors raised as SQLAlchemy's."""
    connection = session.connection()
    cursor = connection.connection.cursor()
    dbapi = connection.dialect.loaded_dbapi
    try:
        cursor.execute(sql, parameters)
    except dbapi.Error as error:
        raise sa.exc.DBAPIError.instance(sql, None, error, dbapi.Error, dialect=connection.dialect) from error
    finally:
        cursor.close()


def _itemgetter(positions: list[int]):
    from operator import itemgetter

    return itemgetter(*positions)


class PostgresWriter(Writer):
    """COPY into measurement and measurement_change (psycopg 3), ids taken from the table's sequence."""

    def __init__(self, session: Session, **options):
        super().__init__(session, **options)
        self.connection = session.connection()
        self.raw = self.connection.connection.driver_connection
        with self.raw.cursor() as cursor:
            # The timestamp as the ORM stores it: the aware time cast to the session's time zone.
            cursor.execute("SELECT %s::timestamp, pg_get_serial_sequence('measurement', 'id')", (self.now,))
            self.when, self.sequence = cursor.fetchone()

    def _period(self, period) -> tuple:
        found = self._periods.get(period.index)
        if found is None:
            p = period.period
            found = self._periods[period.index] = (period.code, p.kind.value, p.start, p.end)
        return found

    def _ids(self, count: int) -> list[int]:
        with self.raw.cursor() as cursor:
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", (self.sequence, count))
            return [row[0] for row in cursor.fetchall()]

    def _copy(self, table: str, columns: tuple[str, ...], rows) -> None:
        import psycopg

        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        try:
            with self.raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error as error:
            raise sa.exc.DBAPIError.instance(statement, None, error, psycopg.Error) from error

    def _create(self, rows: list[tuple]) -> None:
        ids = self._ids(len(rows))
        actor, when, source = self.actor, self.when, self.source
        period_of = self._period
        measurements, history = [], []
        for measurement_id, row, after in zip(ids, rows, self.new_snapshots(rows)):
            code, kind, start, end = period_of(row[PER])
            ind_id, unit_id = row[IND].id, row[UNIT].id
            measurements.append((measurement_id, ind_id, unit_id, code, kind, start, end, "", row[VALUE], row[NUM],
                                 row[DEN], row[WEIGHT], row[COMMENT] or "", source, False, actor, when, actor,
                                 when, 1))
            history.append((measurement_id, ind_id, unit_id, code, "create", actor, when, source, "", after,
                            self.import_id))
        self._copy("measurement", _MEASUREMENT_COLUMNS, measurements)
        self._copy("measurement_change", _HISTORY_COLUMNS, history)

    def _change(self, rows: list[tuple[tuple, Stored]]) -> None:
        import psycopg

        changes, history = [], []
        for row, stored in rows:
            values = self._changed_values(row, stored)
            before, after = self._change_snapshots(values, stored)
            changes.append((stored.id, stored.version, values["value"], values["numerator"], values["denominator"],
                            values["weight"], values["comment"]))
            history.append((stored.id, stored.indicator_id, stored.org_unit_id, stored.period, "update", self.actor,
                            self.when, self.source, before, after, self.import_id))
        statement = ("UPDATE measurement AS m SET value = c.value, numerator = c.numerator, "
                     "denominator = c.denominator, weight = c.weight, comment = c.comment, source = %s, "
                     "synthetic = false, version = m.version + 1, updated_by = %s, updated_at = %s "
                     "FROM kpi_import_change AS c WHERE m.id = c.id AND m.version = c.version")
        try:
            with self.raw.cursor() as cursor:
                cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS kpi_import_change (id integer, version integer, "
                               "value float8, numerator float8, denominator float8, weight float8, comment text) "
                               "ON COMMIT DROP")
                cursor.execute("TRUNCATE kpi_import_change")
                with cursor.copy("COPY kpi_import_change FROM STDIN") as copy:
                    for change in changes:
                        copy.write_row(change)
                cursor.execute(statement, (self.source, self.actor, self.when))
                updated = cursor.rowcount
        except psycopg.Error as error:
            raise sa.exc.DBAPIError.instance(statement, None, error, psycopg.Error) from error
        if updated != len(changes):
            raise StaleDataError("a stored value changed while the import was being written")
        self._copy("measurement_change", _HISTORY_COLUMNS, history)


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
                     .values({name: bindparam(f"n_{name}") for name in (*_CHANGED, "version", "updated_by",
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


def note_cells(session: Session, checked: Checked) -> None:
    """Tell the year cells (kpi.store.cells) which indicators, units and years this chunk writes, before
    it is written: they are refreshed from the values before the import commits."""
    rows = [row for row in checked.new] + [row for row, _stored in checked.changed]
    if not rows:
        return
    try:
        from ..store.cells import note_write
    except ImportError:  # a release without the year cells
        return
    periods = {id(row[PER]): row[PER].period for row in rows}
    note_write(session, indicator_ids={row[IND].id for row in rows}, unit_ids={row[UNIT].id for row in rows},
               years={year for p in periods.values() for year in (p.start.year, p.end.year)})


def finish_writes(session: Session) -> None:
    """After the bulk writes: raise the data revision once, in the import's transaction (writes on the
    bare connection are not seen by the session's automatic bump)."""
    from ..store.revision import bump_revision

    bump_revision(session)

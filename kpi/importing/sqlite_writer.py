"""Writing an import's rows on SQLite: multi-row INSERT ... VALUES statements on the driver's cursor.

What every row of a chunk shares (the actor, the time, the source) is bound once per statement, so only
what differs is bound row by row; `SqliteWriter` says why, and why a big
file's import raises the connection's page cache for as long as it holds the connection.
"""
from __future__ import annotations

import sqlite3
from operator import itemgetter

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from .rows import Stored
from .writer import HISTORY_COLUMNS, MEASUREMENT_COLUMNS, Writer


# What every row shares, bound once per statement as the one row of `s` (see `_statement`).
_ACTOR, _WHEN, _SOURCE, _IMPORT = "s.actor", "s.at", "s.source", "s.import_id"
_SHARED = 4


class SqliteWriter(Writer):
    """Multi-row INSERT ... VALUES statements (a few thousand rows each: one statement step instead of one
    per row), with what every row shares bound once per statement (not written into it as literals) and
    one statement per pattern of empty numbers and comment, so that only what differs is
    bound row by row (binding None costs the sqlite3 module more than any value).

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
        self._shared = [self.actor, self._bind("created_at")(self.now), self.source, self.import_id]
        self._constants = {"period_label": "''", "source": _SOURCE, "synthetic": "0", "created_by": _ACTOR,
                           "created_at": _WHEN, "updated_by": _ACTOR, "updated_at": _WHEN, "version": "1"}
        self._history_row = ("v.column1", "v.column2", "v.column3", "v.column4", "'create'", _ACTOR, _WHEN,
                             _SOURCE, "''", "v.column5", _IMPORT)
        self._patterns: dict[tuple[bool, ...], tuple[tuple[str, ...], object, int]] = {}
        self._statements: dict[tuple[tuple[str, ...], int], str] = {}
        self._next_id: int | None = None
        try:
            self._max_variables = self.connection.connection.driver_connection.getlimit(
                sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except AttributeError:
            self._max_variables = 999  # the smallest SQLite has had

    def _pattern(self, empty: tuple[bool, ...]) -> tuple[tuple[str, ...], object, int]:
        """For rows whose value, numerator, denominator, weight and comment are empty as `empty` says: the
        columns of one row (v.columnN where the row's own value is bound), the function picking those values out
        of a full row, and their count."""
        found = self._patterns.get(empty)
        if found is None:
            values, picked = [], []
            for position, column in enumerate(MEASUREMENT_COLUMNS):
                if column in self._constants:
                    values.append(self._constants[column])
                    continue
                if column in ("value", "numerator", "denominator", "weight", "comment"):
                    if empty[("value", "numerator", "denominator", "weight", "comment").index(column)]:
                        values.append("''" if column == "comment" else "NULL")
                        continue
                picked.append(position)
                values.append(f"v.column{len(picked)}")
            pick = (lambda full, at=picked[0]: (full[at],)) if len(picked) == 1 else _itemgetter(picked)
            found = self._patterns[empty] = (tuple(values), pick, len(picked))
        return found

    def _insert(self, table: str, columns: tuple[str, ...], row: tuple[str, ...], width: int, flat: list) -> None:
        """INSERT the rows whose own bound values are `flat` (`width` each), many rows per statement."""
        per_statement = max(1, min(self.ROWS_PER_STATEMENT, (self._max_variables - _SHARED) // width))
        step = per_statement * width
        for start in range(0, len(flat), step):
            part = flat[start:start + step]
            count = len(part) // width
            sql = self._statements.get((row, count))
            if sql is None:
                sql = _statement(table, columns, row, width, count)
                if count == per_statement:  # the last, shorter statement of a chunk is not kept
                    self._statements[(row, count)] = sql
            _execute(self.session, sql, self._shared + part)

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
            row, _pick, width = self._pattern(empty)
            self._insert("measurement", MEASUREMENT_COLUMNS, row, width, flat)
        self._insert("measurement_change", HISTORY_COLUMNS, self._history_row, 5, history)

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
            f"INSERT INTO measurement_change ({', '.join(HISTORY_COLUMNS)}) VALUES ({', '.join(['?'] * 11)})",
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


def _statement(table: str, columns: tuple[str, ...], row: tuple[str, ...], width: int, count: int) -> str:
    """INSERT of `count` rows of `width` bound values each (v.column1...), with what they share bound once
    first (s.actor...). CROSS JOIN keeps the rows in file order: SQLite makes its left side the outer loop.
    (SQLite's numbered parameters, ?1 named in every row, parse in time growing with the square of the
    row count: an import took twice as long.)"""
    rows = ", ".join(["(" + ", ".join(["?"] * width) + ")"] * count)
    return (f"WITH s(actor, at, source, import_id) AS (SELECT ?, ?, ?, ?) "
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(row)} FROM s CROSS JOIN (VALUES {rows}) AS v")


def _itemgetter(positions: list[int]):
    return itemgetter(*positions)

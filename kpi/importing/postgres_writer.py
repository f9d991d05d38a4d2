"""Writing an import's rows on PostgreSQL (psycopg 3): COPY into measurement and measurement_change, a
change through a temporary table and one UPDATE ... FROM.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from .rows import COMMENT, DEN, IND, NUM, PER, UNIT, VALUE, WEIGHT, Stored
from .writer import HISTORY_COLUMNS, MEASUREMENT_COLUMNS, Writer


class PostgresWriter(Writer):
    """COPY into measurement and measurement_change (psycopg 3), ids taken from the table's sequence."""

    def __init__(self, session: Session, **options):
        super().__init__(session, **options)
        self.connection = session.connection()
        self.raw = self.connection.connection.driver_connection
        self.driver = self.connection.dialect.loaded_dbapi   # psycopg, without importing it here
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
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        try:
            with self.raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except self.driver.Error as error:
            raise sa.exc.DBAPIError.instance(statement, None, error, self.driver.Error) from error

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
        self._copy("measurement", MEASUREMENT_COLUMNS, measurements)
        self._copy("measurement_change", HISTORY_COLUMNS, history)

    def _change(self, rows: list[tuple[tuple, Stored]]) -> None:
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
        except self.driver.Error as error:
            raise sa.exc.DBAPIError.instance(statement, None, error, self.driver.Error) from error
        if updated != len(changes):
            raise StaleDataError("a stored value changed while the import was being written")
        self._copy("measurement_change", HISTORY_COLUMNS, history)

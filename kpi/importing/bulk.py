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

Here: the reads, and `writer_for`, which picks the writer for the database (writer.py holds the shared
`Writer` and the snapshots; sqlite_writer.py and postgres_writer.py the two fast ways).
"""
from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa
from sqlmodel import Session

from ..store.cells import note_write
from ..store.revision import bump_revision

from .postgres_writer import PostgresWriter
from .rows import IND, PER, UNIT, Checked, Stored
from .sqlite_writer import SqliteWriter
from .writer import CoreWriter, Writer, snapshot

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

__all__ = ["CoreWriter", "PostgresWriter", "SqliteWriter", "Stored", "Writer", "finish_writes", "note_cells",
           "pairs_with_values", "snapshot", "stored_values", "writer_for"]


def writer_for(session: Session, *, file_size: int = 0, **options) -> Writer:
    """The writer for the session's database (import_id, actor and source as `Writer` takes them)."""
    name = session.get_bind().dialect.name
    if name == "sqlite":
        return SqliteWriter(session, file_size=file_size, **options)
    if name == "postgresql" and session.get_bind().dialect.driver == "psycopg":
        return PostgresWriter(session, **options)
    return CoreWriter(session, **options)


def note_cells(session: Session, checked: Checked) -> None:
    """Tell the year cells (kpi.store.cells) which indicators, units and years this chunk writes, before
    it is written: they are refreshed from the values before the import commits."""
    rows = [row for row in checked.new] + [row for row, _stored in checked.changed]
    if not rows:
        return
    periods = {id(row[PER]): row[PER].period for row in rows}
    note_write(session, indicator_ids={row[IND].id for row in rows}, unit_ids={row[UNIT].id for row in rows},
               years={year for p in periods.values() for year in (p.start.year, p.end.year)})


def finish_writes(session: Session) -> None:
    """After the bulk writes: raise the data revision once, in the import's transaction (writes on the
    bare connection are not seen by the session's automatic bump)."""
    bump_revision(session)

"""A damaged backup is refused before it touches the live database (issue 12, item 6).

Each shape of damage seen in practice, on both databases: the restore is refused with one line naming
the reason, on the command line exit status 2 and no stack trace, and the live database keeps exactly
what it had: the same scorecard, the same rows in every table, the same data revision.
"""
from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import SQLModel

from kpi import db, models  # noqa: F401  (registers the tables)
from kpi.store import databases
from kpi.admin.backup import BackupError, backup, restore
from kpi.admin.cli import main
from kpi.admin.demo import load_demo
from kpi.domain.periods import parse_period
from kpi.features.scorecard import build_scorecard
from kpi.store.schema import upgrade
from kpi.store.revision import current_revision
from tests.conftest import BACKENDS, drop_database, make_database

AS_OF = date(2026, 11, 23)
MEASUREMENT_TABLES = ("measurement_year_cell", "measurement_change", "measurement")


def _state(url: str):
    """All a user could notice: two years' scorecards, the row count of every table, the data revision."""
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as session:
            cards = [row.as_dict() for period in ("2020", "2021")
                     for row in build_scorecard(session, parse_period(period), as_of=AS_OF, lang="en")]
            counts = {table.name: session.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                      for table in SQLModel.metadata.sorted_tables}
            return cards, counts, current_revision(session), databases.schema_revision(url)
    finally:
        engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def live(request, tmp_path_factory):
    """The live database with the demo, a good backup of it, and its state; shared, since every test
    asserts the state is unchanged."""
    folder = tmp_path_factory.mktemp("live")
    url = make_database(request.param, folder)
    upgrade(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        load_demo(session)
    engine.dispose()
    good = backup(url, folder / "good.backup")
    yield request.param, url, good, _state(url)
    drop_database(request.param, url)


def _altered_backup(backend: str, good: Path, folder: Path, statements: list[str]) -> Path:
    """A backup of a copy of the live database with `statements` run on it: what a damaged or
    hand-edited database gives `db backup`."""
    url = make_database(backend, folder)
    try:
        restore(url, good)
        if backend == "sqlite":
            connection = sqlite3.connect(sa.make_url(url).database)
            connection.execute("PRAGMA foreign_keys=OFF")
            for statement in statements:
                connection.execute(statement)
            connection.commit()
            connection.close()
        else:
            engine = sa.create_engine(url)
            with engine.begin() as connection:
                for statement in statements:
                    connection.execute(sa.text(statement))
            engine.dispose()
        return backup(url, folder / "altered.backup")
    finally:
        drop_database(backend, url)


def _drop(backend: str, tables) -> list[str]:
    cascade = " CASCADE" if backend == "postgresql" else ""
    return [f"DROP TABLE {table}{cascade}" for table in tables]


def _all_but_alembic(backend):
    return _drop(backend, [t.name for t in reversed(SQLModel.metadata.sorted_tables)])


# name: (statements on a copy of the live database, or a function of the good backup's bytes; the refusal)
ALTERED = {
    "only alembic_version": (_all_but_alembic, "missing_tables"),
    "measurement tables dropped": (lambda b: _drop(b, MEASUREMENT_TABLES), "missing_tables"),
    "unknown revision": (lambda b: ["UPDATE alembic_version SET version_num = '9999_from_a_newer_release'"],
                         "unknown_revision"),
    "no revision row": (lambda b: ["DELETE FROM alembic_version"], "no_revision"),
    "older revision, one of its tables dropped": (
        lambda b: ["UPDATE alembic_version SET version_num = '0004'", *_drop(b, ["review_topic"])],
        "missing_tables"),
    "a column dropped": (lambda b: ["ALTER TABLE indicator DROP COLUMN unit_label"], "damaged"),
}
CUT = {  # name: (what is done to the good backup's bytes, the refusal (None: not this database's kind), backends)
    "truncated to half": (lambda data: data[: len(data) // 2], "damaged", BACKENDS),
    "pages overwritten": (lambda data: data[:100] + b"\xff" * (len(data) - 100), "damaged", ["sqlite"]),
    "not a backup at all": (lambda data: b"indicator;org_unit;period;value\nnps;TTH;2020;67\n", None, BACKENDS),
}


def _refused_and_unchanged(live, damaged: Path, expected: str | None, capsys, monkeypatch):
    backend, url, _good, before = live
    with pytest.raises(BackupError) as refused:
        restore(url, damaged)
    wrong_kind = "not_sqlite_backup" if backend == "sqlite" else "not_postgres_backup"
    assert refused.value.key == (expected or wrong_kind)
    assert _state(url) == before

    monkeypatch.setenv("KPI_DATABASE_URL", url)
    monkeypatch.delenv("KPI_AUTH_MODE", raising=False)
    capsys.readouterr()
    assert main(["--lang", "en", "db", "restore", str(damaged)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and len(err) < 400 and "Traceback" not in err
    assert str(damaged) in err
    assert _state(url) == before


@pytest.mark.parametrize("shape", ALTERED)
def test_an_altered_database_backup_is_refused_and_the_live_one_is_unchanged(live, shape, tmp_path, capsys,
                                                                             monkeypatch):
    statements, expected = ALTERED[shape]
    backend, _url, good, _before = live
    damaged = _altered_backup(backend, good, tmp_path, statements(backend))
    _refused_and_unchanged(live, damaged, expected, capsys, monkeypatch)


@pytest.mark.parametrize("shape", CUT)
def test_a_cut_or_overwritten_backup_file_is_refused_and_the_live_one_is_unchanged(live, shape, tmp_path, capsys,
                                                                                   monkeypatch):
    cut, expected, backends = CUT[shape]
    backend, _url, good, _before = live
    if backend not in backends:
        return  # SQLite's pages; on PostgreSQL the cut dump is the case
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(cut(good.read_bytes()))
    _refused_and_unchanged(live, damaged, expected, capsys, monkeypatch)


def test_a_good_backup_from_an_older_schema_restores_and_is_upgraded(live, tmp_path):
    """The checks refuse damage, not age: a backup at revision 0006 restores and gets the newest schema.
    Restored into a database of its own, so the shared live one stays as the other tests expect."""
    backend, _url, _good, _before = live
    (tmp_path / "old").mkdir()
    old = make_database(backend, tmp_path / "old")
    target = make_database(backend, tmp_path)
    try:
        command.upgrade(db.alembic_config(old), "0006")
        saved = backup(old, tmp_path / "old.backup")
        upgrade(target)
        restore(target, saved)
        cards, counts, _revision, schema = _state(target)
        assert schema == databases.schema_revision(_url) != "0006"  # the newest, as the live database has
        assert counts["measurement"] == 0 and cards == []
    finally:
        drop_database(backend, old)
        drop_database(backend, target)


def test_a_good_backup_still_restores_over_the_damage_it_was_refused_for(live, tmp_path):
    """The refusals above changed nothing, and the good backup of the same database restores (into a copy)."""
    backend, _url, good, before = live
    copy = make_database(backend, tmp_path)
    try:
        restore(copy, good)
        cards, counts, _revision, schema = _state(copy)
        assert (cards, counts, schema) == (before[0], before[1], before[3])
    finally:
        drop_database(backend, copy)

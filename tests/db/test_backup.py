"""Backup then restore gives back the same database: the same scorecard, the same history."""
from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from kpi import db, store
from kpi.admin.backup import BackupError, backup, restore
from kpi.admin.demo import load_demo
from kpi.domain.periods import parse_period
from kpi.models import Measurement, TargetChange
from kpi.features.scorecard import build_scorecard
from kpi.store import schema

AS_OF = date(2026, 11, 23)


def _state(engine):
    """What a restore must bring back: every scorecard row of two years and the history counts."""
    with db.session_scope(engine) as session:
        cards = [row.as_dict() for period in ("2020", "2021") for row in
                 build_scorecard(session, parse_period(period), as_of=AS_OF, lang="en")]
        counts = (session.exec(select(func.count()).select_from(Measurement)).one(),
                  session.exec(select(func.count()).select_from(TargetChange)).one())
    return cards, counts


def test_restore_brings_back_the_scorecard_as_it_was_at_backup(empty_db_url, tmp_path):
    schema.upgrade(empty_db_url)
    engine = db.make_engine(empty_db_url)
    with db.session_scope(engine) as session:
        load_demo(session)
    before = _state(engine)
    saved = backup(empty_db_url, tmp_path / "kpi.admin.backup")
    assert saved.stat().st_size > 0

    # After the backup: NPS 2020's target lowered to 65 (now met) and a value deleted.
    with db.session_scope(engine) as session:
        target = store.find_target(session, "nps", "TTH", "2020")
        store.update_target(session, target_id=target.id, expected_version=target.version, actor="t",
                            reason="test", threshold=65)
        measurement = session.exec(select(Measurement)).first()
        store.delete_measurement(session, measurement_id=measurement.id, expected_version=measurement.version,
                                 actor="t", reason="test")
    assert _state(engine) != before

    engine.dispose()  # the app's pool would hold old connections across the restore
    restore(empty_db_url, saved)
    engine = db.make_engine(empty_db_url)
    try:
        assert _state(engine) == before
        nps = next(r for r in _state(engine)[0] if r["indicator"] == "nps" and r["period"] == "2020")
        assert (nps["actual"], nps["target"], nps["status"]) == (67, 70, "not_met")
    finally:
        engine.dispose()


def test_a_file_that_is_not_a_backup_is_refused_and_the_database_is_untouched(empty_db_url, tmp_path):
    schema.upgrade(empty_db_url)
    engine = db.make_engine(empty_db_url)
    with db.session_scope(engine) as session:
        load_demo(session)
    before = _state(engine)
    engine.dispose()
    junk = tmp_path / "notes.txt"
    junk.write_text("indicator;org_unit\n", encoding="utf-8")
    with pytest.raises(BackupError) as refused:
        restore(empty_db_url, junk)
    assert refused.value.key in ("not_sqlite_backup", "not_postgres_backup")
    with pytest.raises(BackupError) as missing:
        restore(empty_db_url, tmp_path / "nothing-here.backup")
    assert missing.value.key == "no_file"
    engine = db.make_engine(empty_db_url)
    try:
        assert _state(engine) == before
    finally:
        engine.dispose()


def test_backup_into_a_missing_folder_is_refused(empty_db_url, tmp_path):
    schema.upgrade(empty_db_url)
    with pytest.raises(BackupError) as refused:
        backup(empty_db_url, tmp_path / "no" / "such" / "kpi.admin.backup")
    assert refused.value.key == "no_folder"
    assert not (tmp_path / "no").exists()

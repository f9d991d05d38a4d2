"""The data version (the pages' cache key) changes with every kind of write, so no page shows a stale
cached result; it stays put on reads and sign-ins, so pages stay cached; and it costs the same at
millions of measurements as at none: it never scans `measurement` or `measurement_change`."""
import re
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import select

from kpi import db, store
from kpi.access import people
from kpi.admin.demo import load_demo
from kpi.domain.periods import parse_period
from kpi.models import AccessEvent, Measurement
from kpi.features.scorecard import build_scorecard


def _version(engine) -> str:
    with db.session_scope(engine) as session:
        return store.data_version(session)


def _revision(engine) -> int:
    with db.session_scope(engine) as session:
        return store.current_revision(session)


@pytest.fixture
def demo(migrated_engine):
    """A fresh database with the demo, each test its own: these tests write."""
    with db.session_scope(migrated_engine) as session:
        load_demo(session)
    return migrated_engine


def _nps_target(s):
    return store.find_target(s, "nps", "TTH", "2020")


def _import(engine):
    from kpi.importing import run_import

    data = "mittari;yksikkö;jakso;arvo;osoittaja;nimittäjä;kommentti\nnps;TTH;2028-Q1;;600;1000;tuonti\n"
    outcome = run_import(lambda: db.session_scope(engine), data.encode(), "arvot.csv", actor="hr",
                         replace=False, max_bytes=10_000_000)
    assert outcome.status == "applied", outcome


def _in_session(write):
    return lambda engine: _run(engine, write)


def _run(engine, write):
    with db.session_scope(engine) as session:
        write(session)


def _first_value(s) -> Measurement:
    return s.exec(select(Measurement).order_by(Measurement.id)).first()


WRITES = [
    ("a new value", _in_session(lambda s: store.add_measurement(
        s, indicator="nps", org_unit="TTH", period="2027-Q1", numerator=700, denominator=1000, actor="hr"))),
    ("a changed value", _in_session(lambda s: store.save_measurement(
        s, indicator="nps", org_unit="TTH", period="2020-Q1", numerator=500, denominator=800, actor="hr",
        replace=True))),
    ("a deleted value", _in_session(lambda s: store.delete_measurement(
        s, measurement_id=_first_value(s).id, expected_version=_first_value(s).version, actor="hr", reason="test"))),
    ("an import", _import),
    ("a changed target", _in_session(lambda s: store.update_target(
        s, target_id=_nps_target(s).id, expected_version=_nps_target(s).version, actor="hr", reason="board",
        threshold=71))),
    ("an explanation", _in_session(lambda s: store.save_explanation(
        s, target_id=_nps_target(s).id, period="2020-Q1", body="Q1: uudelleenjärjestely.", actor="hr",
        expected_version=None))),
    ("an action", _in_session(lambda s: store.create_action(
        s, target_id=_nps_target(s).id, period="2020", title="Soittokierros", actor="hr"))),
    ("a review", _in_session(lambda s: store.create_review(s, period="2020", held_on=date(2026, 11, 20),
                                                           actor="hr"))),
    ("a renamed indicator", _in_session(lambda s: store.update_indicator(
        s, code="nps", name_en="Net Promoter Score", actor="test"))),
    ("a renamed unit", _in_session(lambda s: store.update_org_unit(s, code="TTH", name_en="OH Helsinki",
                                                                   actor="test"))),
    ("clear all", _in_session(lambda s: store.clear_all(s, actor="admin"))),
    ("a Core update through the session", _in_session(lambda s: s.exec(
        sa.update(Measurement).where(Measurement.id == _first_value(s).id).values(comment="core")))),
]


@pytest.mark.parametrize("what,write", WRITES, ids=[w[0] for w in WRITES])
def test_every_write_changes_the_data_version_once(demo, what, write):
    before, revision = _version(demo), _revision(demo)
    write(demo)
    assert _version(demo) != before
    assert _revision(demo) == revision + 1  # one bump per transaction, however many rows it wrote


def test_the_demo_load_changes_the_data_version(migrated_engine):
    before = _version(migrated_engine)
    with db.session_scope(migrated_engine) as session:
        load_demo(session)
    assert _version(migrated_engine) != before


def test_reads_sign_ins_and_rolled_back_writes_leave_the_data_version_alone(demo):
    with db.session_scope(demo) as session:
        people.add_person(session, login="maija@example.org", role="editor", password="pitkä salasana 123",
                          by="admin")
    before, revision = _version(demo), _revision(demo)

    with db.session_scope(demo) as session:  # what a page run does
        build_scorecard(session, parse_period("2020"), as_of=date(2026, 11, 23), lang="en")
        store.list_targets(session)
    with db.session_scope(demo) as session:  # a sign-in: an access event and the person's counters
        people.authenticate(session, "maija@example.org", "pitkä salasana 123")
    with db.session_scope(demo) as session:
        people.log_event(session, login="maija@example.org", event="sign_in", detail="proxy")
        session.exec(sa.update(AccessEvent).values(detail="edited"))  # a statement on the log: not data
    with pytest.raises(RuntimeError), db.session_scope(demo) as session:  # a write rolled back
        store.save_measurement(session, indicator="nps", org_unit="TTH", period="2020-Q1", numerator=1,
                               denominator=2, actor="hr", replace=True)
        raise RuntimeError("the user's action failed after the write")

    assert (_version(demo), _revision(demo)) == (before, revision)


def test_an_explicit_bump_and_the_automatic_one_make_one_bump_and_a_missing_row_is_put_back(demo):
    revision = _revision(demo)
    with db.session_scope(demo) as session:  # what the bulk importer does: its own call, and session writes
        store.bump_revision(session)
        store.save_measurement(session, indicator="nps", org_unit="TTH", period="2020-Q1", numerator=500,
                               denominator=800, actor="hr", replace=True)
    assert _revision(demo) == revision + 1

    with db.session_scope(demo) as session:
        session.exec(sa.text("DELETE FROM data_revision"))
    assert _revision(demo) == 0
    before = _version(demo)
    with db.session_scope(demo) as session:
        store.update_indicator(session, code="nps", name_en="NPS again", actor="test")
    assert _revision(demo) == 1 and _version(demo) != before


def test_a_write_made_outside_the_app_sessions_shows_through_the_history_ids(demo):
    """A history row or a small-table edit written on a bare connection (a script, psql) still shows."""
    before = _version(demo)
    with demo.begin() as connection:
        connection.execute(sa.text("UPDATE target SET threshold = threshold + 1, updated_at = :now"),
                           {"now": "2031-01-01 00:00:00"})
    assert _version(demo) != before


def test_a_second_server_sees_the_change_on_its_next_read(demo, empty_db_url):
    """Two app processes: each its own engine and pool on the same database."""
    other = db.make_engine(empty_db_url)
    try:
        before = _version(other)
        assert before == _version(demo)
        with db.session_scope(demo) as session:
            store.save_measurement(session, indicator="nps", org_unit="TTH", period="2020-Q1", numerator=510,
                                   denominator=800, actor="hr", replace=True)
        assert _version(other) != before
        assert _version(other) == _version(demo)
    finally:
        other.dispose()


def test_a_restore_changes_the_data_version_and_raises_the_revision_past_the_one_before(demo, empty_db_url,
                                                                                     tmp_path):
    from kpi.admin.backup import backup, restore

    saved = backup(empty_db_url, tmp_path / "kpi.admin.backup")
    backed_up = _version(demo)
    with db.session_scope(demo) as session:
        store.update_indicator(session, code="nps", name_en="Changed after the backup", actor="test")
    before, revision = _version(demo), _revision(demo)
    demo.dispose()
    restore(empty_db_url, saved)
    after = _version(demo)
    assert after not in (before, backed_up)
    assert _revision(demo) > revision


# --- what it costs --------------------------------------------------------------------------------------------

def _statements(engine, call) -> list[str]:
    seen: list[str] = []

    def note(_conn, _cursor, statement, _params, _context, _many):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return seen


def test_the_data_version_never_scans_the_big_tables(demo):
    """Every page run reads it: at millions of values a count(*) or max(updated_at) over `measurement` or
    `measurement_change` reads every row, on every rerun. Only the history's highest id (the end of its
    primary key) may be read, and nothing at all from `measurement`."""
    statements = _statements(demo, lambda: _version(demo))
    assert statements
    highest_id = re.compile(r"\(select max\(measurement_change\.id\) as \w+ from measurement_change\)")
    for statement in statements:
        text = " ".join(statement.lower().split())
        assert not re.search(r"\bmeasurement\b", text), text
        assert "measurement_change" not in highest_id.sub("", text), text

    if demo.dialect.name == "sqlite":  # and SQLite's own plan: the history is searched by key, never scanned
        with demo.connect() as connection:
            for statement in statements:
                if statement.lstrip().upper().startswith("SELECT"):
                    params = (1,) * statement.count("?")
                    plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)]
                    assert not any(step.startswith("SCAN measurement") for step in plan), plan
                    assert any(step.startswith("SEARCH measurement_change") for step in plan), plan

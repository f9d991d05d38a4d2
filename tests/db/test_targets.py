"""A target's changes are kept: who, when, why, old and new. A stale edit is refused."""
import json

import pytest
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kpi import db, store
from kpi.errors import InputError
from kpi.models import Target


@pytest.fixture
def nps_target(migrated_engine):
    with db.session_scope(migrated_engine) as session:
        store.create_org_unit(session, code="TTH", name_fi="Työterveys Helsinki", name_en="Occupational Health", actor="test")
        store.create_indicator(session, code="nps", name_fi="NPS", name_en="NPS", direction="higher",
                               aggregation="ratio", scale=100, min_value=-100, max_value=100, actor="test")
        target = store.create_target(session, indicator="nps", org_unit="TTH", period="2020", comparator="≥",
                                     threshold=70, binding=True, actor="hr.anna", reason="board decision")
    return migrated_engine, target.id


def test_creating_a_target_records_who_and_why(nps_target):
    engine, target_id = nps_target
    with db.session_scope(engine) as session:
        [change] = store.list_target_changes(session, target_id)
    assert (change.action, change.changed_by, change.reason) == ("create", "hr.anna", "board decision")
    assert json.loads(change.new_values)["threshold"] == 70


def test_changing_a_threshold_keeps_the_old_and_new_values_and_the_reason(nps_target):
    engine, target_id = nps_target
    with db.session_scope(engine) as session:
        store.update_target(session, target_id=target_id, expected_version=1, actor="hr.ben",
                            reason="council revised the goal", threshold=72)
    with db.session_scope(engine) as session:
        changes = store.list_target_changes(session, target_id)
        current = session.get(Target, target_id)
    assert current.threshold == 72 and current.version == 2
    last = changes[-1]
    assert (last.action, last.changed_by, last.reason) == ("update", "hr.ben", "council revised the goal")
    assert json.loads(last.old_values)["threshold"] == 70 and json.loads(last.new_values)["threshold"] == 72


def test_a_change_without_a_reason_is_refused(nps_target):
    engine, target_id = nps_target
    with pytest.raises(InputError) as caught:
        with db.session_scope(engine) as session:
            store.update_target(session, target_id=target_id, expected_version=1, actor="hr", reason=" ",
                                threshold=75)
    assert caught.value.field == "reason"
    with db.session_scope(engine) as session:
        assert session.get(Target, target_id).threshold == 70


def test_a_second_editor_working_from_an_old_version_is_refused(nps_target):
    engine, target_id = nps_target
    with db.session_scope(engine) as session:
        store.update_target(session, target_id=target_id, expected_version=1, actor="first", reason="r", threshold=71)
    with pytest.raises(InputError) as caught:
        with db.session_scope(engine) as session:
            store.update_target(session, target_id=target_id, expected_version=1, actor="second", reason="r",
                                threshold=75)
    assert caught.value.key == "stale_target" and "first" in caught.value.message("en")
    with db.session_scope(engine) as session:
        assert session.get(Target, target_id).threshold == 71


def test_two_sessions_saving_the_same_row_at_once_cannot_both_win(nps_target):
    engine, target_id = nps_target
    first, second = Session(engine), Session(engine)
    mine, theirs = first.get(Target, target_id), second.get(Target, target_id)
    mine.threshold = 71
    first.commit()
    theirs.threshold = 75
    with pytest.raises(StaleDataError):
        second.commit()
    first.close()
    second.close()


def test_a_second_target_for_the_same_indicator_unit_and_period_is_refused(nps_target):
    engine, _ = nps_target
    with pytest.raises(InputError) as caught:
        with db.session_scope(engine) as session:
            store.create_target(session, indicator="nps", org_unit="TTH", period="2020", comparator="ge",
                                threshold=65, actor="hr")
    assert (caught.value.field, caught.value.key) == ("period", "duplicate_target")

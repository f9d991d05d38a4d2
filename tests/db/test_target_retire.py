"""A retired target stays, with its history, but stops judging periods from its retirement on."""
import json
from datetime import date

import pytest
from sqlmodel import Session

from kpi import db, store
from kpi.domain.periods import parse_period
from kpi.errors import InputError
from kpi.features.scorecard import build_scorecard

AS_OF = date(2026, 11, 23)


def nps_rows(session, period: str) -> list:
    return [row for row in build_scorecard(session, parse_period(period), as_of=AS_OF) if row.indicator == "nps"]


def demo_target(session, indicator: str, period: str):
    return next(target for target, found, _ in store.list_targets(session)
                if found.code == indicator and target.period == period)


def test_the_2026_nps_target_retired_from_q3_judges_q2_but_not_q3(demo_engine):
    # The demo database is shared by this module's tests: the retirement is rolled back at the end.
    with Session(demo_engine) as session:
        assert len(nps_rows(session, "2026-Q3")) == 1
        target = demo_target(session, "nps", "2026")
        store.retire_target(session, target_id=target.id, expected_version=target.version, from_period="2026-Q3",
                            actor="hr.anna", reason="replaced by a customer-experience index")
        assert len(nps_rows(session, "2026-Q2")) == 1
        assert nps_rows(session, "2026-Q3") == []
        assert nps_rows(session, "2026-09") == []
        assert nps_rows(session, "2026") == []   # the year ends after the retirement
        assert len(nps_rows(session, "2025")) == 1
        session.rollback()


@pytest.fixture
def range_target(migrated_engine):
    """NPS ≥ 70 for TTH as one target over 2019–2026 (a range), on a fresh database."""
    with db.session_scope(migrated_engine) as session:
        store.create_org_unit(session, code="TTH", name_fi="Työterveys Helsinki", name_en="Occupational Health", actor="test")
        store.create_indicator(session, code="nps", name_fi="NPS", name_en="NPS", direction="higher",
                               aggregation="ratio", scale=100, min_value=-100, max_value=100, actor="test")
        target = store.create_target(session, indicator="nps", org_unit="TTH", period="2019-01-01..2026-12-31",
                                     comparator="≥", threshold=70, binding=True, actor="hr.anna",
                                     reason="strategy 2019–2026")
    return migrated_engine, target.id


def test_a_range_target_retired_from_2024_judges_2023_and_nothing_after(range_target):
    engine, target_id = range_target
    with db.session_scope(engine) as session:
        store.retire_target(session, target_id=target_id, expected_version=1, from_period="2024", actor="hr.ben",
                            reason="new strategy")
    with db.session_scope(engine) as session:
        assert len(nps_rows(session, "2023")) == 1 and len(nps_rows(session, "2023-Q4")) == 1
        assert nps_rows(session, "2024") == [] and nps_rows(session, "2024-Q1") == []
        assert nps_rows(session, "2026") == []


def test_a_retired_target_keeps_its_place_and_its_history(range_target):
    engine, target_id = range_target
    with db.session_scope(engine) as session:
        store.retire_target(session, target_id=target_id, expected_version=1, from_period="2024-Q3",
                            actor="hr.ben", reason="new strategy")
    with db.session_scope(engine) as session:
        [(target, _, _)] = store.list_targets(session)
        changes = store.list_target_changes(session, target_id)
    assert (target.id, target.retired_from, target.version) == (target_id, date(2024, 7, 1), 2)
    assert [c.action for c in changes] == ["create", "retire"]
    retire = changes[-1]
    assert (retire.changed_by, retire.reason) == ("hr.ben", "new strategy")
    assert json.loads(retire.old_values)["retired_from"] is None
    assert json.loads(retire.new_values)["retired_from"] == "2024-07-01"
    assert json.loads(retire.new_values)["threshold"] == 70


def test_a_retirement_from_a_stale_version_is_refused(range_target):
    engine, target_id = range_target
    with db.session_scope(engine) as session:
        store.update_target(session, target_id=target_id, expected_version=1, actor="hr.ben", reason="r",
                            threshold=72)
    with pytest.raises(InputError) as caught:
        with db.session_scope(engine) as session:
            store.retire_target(session, target_id=target_id, expected_version=1, from_period="2024",
                                actor="hr.anna", reason="new strategy")
    assert caught.value.key == "stale_target" and "hr.ben" in caught.value.message("en")
    with db.session_scope(engine) as session:
        [(target, _, _)] = store.list_targets(session)
        assert (target.retired_from, target.version) == (None, 2)
        assert len(store.list_target_changes(session, target_id)) == 2


@pytest.mark.parametrize("from_period, field, key", [
    ("2027", "retired_from", "retire_inside_period"),        # after the target's period
    ("2018-Q4", "retired_from", "retire_inside_period"),     # before it
    ("2019", "retired_from", "retire_inside_period"),        # its first day: that would be deleting it
    ("2024-Q5", "retired_from", "bad_period"),
    ("", "retired_from", "bad_period"),
])
def test_a_retirement_outside_the_targets_period_is_refused_and_writes_nothing(range_target, from_period, field,
                                                                               key):
    engine, target_id = range_target
    with pytest.raises(InputError) as caught:
        with db.session_scope(engine) as session:
            store.retire_target(session, target_id=target_id, expected_version=1, from_period=from_period,
                                actor="hr.anna", reason="new strategy")
    assert (caught.value.field, caught.value.key) == (field, key)
    with db.session_scope(engine) as session:
        [(target, _, _)] = store.list_targets(session)
        assert (target.retired_from, target.version) == (None, 1)
        assert len(store.list_target_changes(session, target_id)) == 1


def test_a_retirement_without_a_reason_is_refused(range_target):
    engine, target_id = range_target
    with pytest.raises(InputError) as caught:
        with db.session_scope(engine) as session:
            store.retire_target(session, target_id=target_id, expected_version=1, from_period="2024",
                                actor="hr.anna", reason="  ")
    assert caught.value.field == "reason"
    with db.session_scope(engine) as session:
        assert store.list_targets(session)[0][0].retired_from is None

"""The period pickers offer exactly the periods holding values, found by a skip scan over an index."""
from kpi import db, store
from kpi.domain.periods import parse_period


def test_every_distinct_period_is_found_once_including_ones_sharing_a_start(migrated_engine):
    codes = ["2020", "2020-Q1", "2020-01", "2020-01-01..2020-01-31", "2020-01-15", "2021-Q3", "2019-12"]
    with db.session_scope(migrated_engine) as session:
        store.create_org_unit(session, code="U", name_fi="U", name_en="U", actor="test")
        store.create_org_unit(session, code="V", name_fi="V", name_en="V", actor="test")
        store.create_indicator(session, code="c", name_fi="c", name_en="c", direction="higher", aggregation="sum",
                               actor="test")
        for code in codes:
            for unit in ("U", "V"):  # the same period twice: offered once
                store.add_measurement(session, indicator="c", org_unit=unit, period=code, value=1, actor="test")
    with db.session_scope(migrated_engine) as session:
        found = store.distinct_measured_periods(session)
    assert sorted(found) == sorted(parse_period(code) for code in codes)


def test_no_values_no_periods(migrated_engine):
    with db.session_scope(migrated_engine) as session:
        assert store.distinct_measured_periods(session) == []

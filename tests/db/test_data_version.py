"""The data version changes with every kind of write, so no page shows a stale cached result."""
import pytest

from kpi import db, store


def _version(engine) -> str:
    with db.session_scope(engine) as session:
        return store.data_version(session)


WRITES = [
    ("a new value", lambda s: store.add_measurement(s, indicator="nps", org_unit="TTH", period="2027-Q1",
                                                      numerator=700, denominator=1000, actor="hr")),
    ("a changed value", lambda s: store.save_measurement(s, indicator="nps", org_unit="TTH", period="2020-Q1",
                                                           numerator=500, denominator=800, actor="hr", replace=True)),
    ("a changed target", lambda s: store.update_target(s, target_id=store.targets_for(
        s, store.get_indicator(s, "nps").id, store.get_unit(s, "TTH").id)[0].id, expected_version=1,
        actor="hr", reason="board", threshold=71)),
    ("a renamed indicator", lambda s: store.update_indicator(s, code="nps", name_en="Net Promoter Score", actor="test")),
    ("a renamed unit", lambda s: store.update_org_unit(s, code="TTH", name_en="OH Helsinki", actor="test")),
]


@pytest.mark.parametrize("what,write", WRITES, ids=[w[0] for w in WRITES])
def test_every_write_changes_the_data_version(migrated_engine, what, write):
    from kpi.demo import load_demo

    with db.session_scope(migrated_engine) as session:
        load_demo(session)
    before = _version(migrated_engine)
    with db.session_scope(migrated_engine) as session:
        write(session)
    assert _version(migrated_engine) != before

"""`kpi.writes`: each user action in a transaction of its own, all or nothing, with the ORM's errors its own."""
from contextlib import contextmanager
from functools import partial

import pytest
from sqlalchemy.orm.exc import StaleDataError

from kpi import db, store, writes
from kpi.domain.roles import Actor, Role
from kpi.errors import InputError

ADMIN = Actor(login="admin.anna", role=Role.ADMIN)
VIEWER = Actor(login="viewer.ville", role=Role.VIEWER)


@pytest.fixture
def sessions(migrated_engine):
    """What the app hands kpi.writes: a factory of one transaction each."""
    return partial(db.session_scope, migrated_engine)


def test_a_new_unit_without_a_sort_order_goes_after_its_siblings(sessions):
    writes.create_unit(sessions, actor=ADMIN, code="A", name_fi="A", name_en="A", parent_code=None, sort_order=5)
    writes.create_unit(sessions, actor=ADMIN, code="A1", name_fi="A1", name_en="A1", parent_code="A", sort_order=None)
    after = writes.create_unit(sessions, actor=ADMIN, code="B", name_fi="B", name_en="B", parent_code=None,
                               sort_order=None)
    first_child = writes.create_unit(sessions, actor=ADMIN, code="A2", name_fi="A2", name_en="A2", parent_code="A",
                                     sort_order=None)
    assert (after.sort_order, first_child.sort_order) == (6, 2)


def test_each_action_commits_on_its_own_and_is_read_back(sessions):
    writes.create_unit(sessions, actor=ADMIN, code="TTH", name_fi="Työterveys", name_en="Health", parent_code=None,
                       sort_order=1)
    writes.create_indicator(sessions, actor=ADMIN, code="nps", name_fi="NPS", name_en="NPS", direction="higher",
                            aggregation="sum")
    review = writes.create_review(sessions, actor=ADMIN, period="2020", held_on="2021-02-23", title="Board")
    with sessions() as session:
        assert [u.code for u in store.list_units(session)] == ["TTH"]
        assert store.get_review(session, review.id).title == "Board"


def test_a_refused_action_writes_nothing(sessions):
    with pytest.raises(InputError):
        writes.create_unit(sessions, actor=VIEWER, code="TTH", name_fi="T", name_en="T", parent_code=None,
                           sort_order=1)
    with sessions() as session:
        assert store.list_units(session) == []


def test_a_row_changed_under_the_save_raises_the_apps_own_error(migrated_engine):
    @contextmanager
    def changed_under_us():
        with db.session_scope(migrated_engine) as session:
            yield session
            raise StaleDataError("UPDATE statement on table 'review_session' expected to update 1 row(s); 0 were matched")

    with pytest.raises(writes.StaleWrite):
        writes.create_review(changed_under_us, actor=ADMIN, period="2020", held_on="2021-02-23")
    with db.session_scope(migrated_engine) as session:
        assert store.list_reviews(session) == []  # rolled back with it

"""Roles and scopes are enforced by the store itself: every write path refuses a viewer, an editor limited
to one division cannot touch another division's (or the organisation's) targets, an admin can do all.
Sign-in: argon2 hashes, wrong passwords, throttling, disabled people, and the access log."""
from datetime import timedelta

import pytest
from sqlmodel import select

from kpi import db, store
from kpi.access import (LOCK_SECONDS, MAX_FAILURES, AccessDenied, Actor, Role, access_log, actor_for, add_person,
                        authenticate, disable_person, list_people, set_password, set_role)
from kpi.admin.demo import load_demo
from kpi.importing import run_import
from kpi.models import CorrectiveAction, Explanation, Measurement, Person, ReviewSession, utc_now

ADMIN = "test"  # a trusted in-process caller (a string)


@pytest.fixture
def engine(migrated_engine):
    """The demo, two targets on the synthetic agency's divisions, one organisation-wide, and three people."""
    with db.session_scope(migrated_engine) as session:
        load_demo(session)
        for unit in ("VIRASTO-PALV", "VIRASTO-HALL", None):
            store.create_target(session, indicator="job_satisfaction", org_unit=unit, period="2027", comparator="ge",
                                threshold=3.5, actor=ADMIN, reason="test")
        add_person(session, login="Viewer@Example.fi", role="viewer", name="Vera Viewer", by=ADMIN)
        add_person(session, login="palv@example.fi", role="editor", scope_unit="VIRASTO-PALV",
                   password="oikea salasana", by=ADMIN)
        add_person(session, login="boss@example.fi", role="admin", password="pomon salasana", by=ADMIN)
    return migrated_engine


def actor(engine, login: str) -> Actor:
    with db.session_scope(engine) as session:
        return actor_for(session, login)


def target_id(engine, unit: str | None) -> tuple[int, int]:
    with db.session_scope(engine) as session:
        target = store.find_target(session, "job_satisfaction", unit, "2027")
        return target.id, target.version


def any_id(engine, model) -> tuple[int, int]:
    with db.session_scope(engine) as session:
        row = session.exec(select(model).order_by(model.id)).first()
        return row.id, getattr(row, "version", 0)


def refusals(engine, login: str) -> list[str]:
    with db.session_scope(engine) as session:
        return [e.event for e in access_log(session, login=login) if e.event.startswith("refused:")]


def snapshot(engine) -> str:
    with db.session_scope(engine) as session:
        return store.data_version(session)


def write_paths(engine):
    """Every store write, as (name, function of (session, actor))."""
    palv, palv_version = target_id(engine, "VIRASTO-PALV")
    value_id, value_version = any_id(engine, Measurement)
    explanation_id, explanation_version = any_id(engine, Explanation)
    action_id, action_version = any_id(engine, CorrectiveAction)
    review_id, _ = any_id(engine, ReviewSession)
    return [
        ("create target", lambda s, a: store.create_target(
            s, indicator="job_satisfaction", org_unit="VIRASTO-PALV", period="2028", comparator="ge", threshold=3.5,
            actor=a)),
        ("update target", lambda s, a: store.update_target(s, target_id=palv, expected_version=palv_version,
                                                           actor=a, reason="r", threshold=3.7)),
        ("retire target", lambda s, a: store.retire_target(s, target_id=palv, expected_version=palv_version,
                                                           from_period="2027-Q3", actor=a, reason="r")),
        ("save value", lambda s, a: store.save_measurement(s, indicator="job_satisfaction", org_unit="VIRASTO-PALV",
                                                           period="2027", value=3.9, actor=a)),
        ("delete value", lambda s, a: store.delete_measurement(s, measurement_id=value_id,
                                                               expected_version=value_version, actor=a, reason="r")),
        ("save explanation", lambda s, a: store.save_explanation(s, target_id=palv, period="2027", body="Miksi",
                                                                 actor=a, expected_version=None)),
        ("approve explanation", lambda s, a: store.approve_explanation(
            s, explanation_id=explanation_id, expected_version=explanation_version, actor=a)),
        ("create action", lambda s, a: store.create_action(s, target_id=palv, period="2027", title="Tee", actor=a)),
        ("update action", lambda s, a: store.update_action(s, action_id=action_id, expected_version=action_version,
                                                           actor=a, note="n", state="done")),
        ("create review", lambda s, a: store.create_review(s, period="2027", held_on="2027-02-01", actor=a)),
        ("record decision", lambda s, a: store.record_decision(s, review_id=review_id, target_id=palv,
                                                               period="2027", decision="Jatketaan", actor=a)),
        ("create unit", lambda s, a: store.create_org_unit(s, code="UUSI", name_fi="Uusi", name_en="New", actor=a)),
        ("update unit", lambda s, a: store.update_org_unit(s, code="VIRASTO-PALV", name_en="Renamed", actor=a)),
        ("create indicator", lambda s, a: store.create_indicator(s, code="new_one", name_fi="Uusi", name_en="New",
                                                                 direction="higher", aggregation="sum", actor=a)),
        ("update indicator", lambda s, a: store.update_indicator(s, code="headcount", name_en="Staff", actor=a)),
        ("clear all", lambda s, a: store.clear_all(s, actor=a)),
    ]


def test_a_viewer_cannot_write_anything_and_each_refusal_is_logged(engine):
    viewer = actor(engine, "viewer@example.fi")
    assert viewer.role is Role.VIEWER and viewer.name == "Vera Viewer"
    before = snapshot(engine)
    paths = write_paths(engine)
    for name, write in paths:
        with pytest.raises(AccessDenied) as refused:
            with db.session_scope(engine) as session:
                write(session, viewer)
        assert refused.value.key == "not_allowed", name
        assert refused.value.field == "access"
    assert snapshot(engine) == before
    assert refusals(engine, viewer.login) == ["refused:not_allowed"] * len(paths)


def test_a_viewer_cannot_import(engine):
    viewer = actor(engine, "viewer@example.fi")
    data = "indicator;org_unit;period;value\njob_satisfaction;VIRASTO-PALV;2027;3,9\n".encode()
    before = snapshot(engine)
    with pytest.raises(AccessDenied):
        run_import(lambda: db.session_scope(engine), data, "arvot.csv", actor=viewer, replace=False, max_bytes=None)
    assert snapshot(engine) == before
    with db.session_scope(engine) as session:
        assert store.list_imports(session) == []
    assert refusals(engine, viewer.login) == ["refused:not_allowed"]


def test_an_editor_of_one_division_edits_its_targets_only(engine):
    palv = actor(engine, "palv@example.fi")
    with db.session_scope(engine) as session:
        units = store.load_unit_tree(session).units
    assert palv.scope_unit_ids == {units["VIRASTO-PALV"].id}
    own, version = target_id(engine, "VIRASTO-PALV")
    with db.session_scope(engine) as session:
        changed = store.update_target(session, target_id=own, expected_version=version, actor=palv, reason="HR",
                                      threshold=3.8)
        assert changed.updated_by == "palv@example.fi"
        store.save_measurement(session, indicator="job_satisfaction", org_unit="VIRASTO-PALV", period="2027",
                               value=3.9, actor=palv)
    before = snapshot(engine)
    for unit in ("VIRASTO-HALL", None):
        other, version = target_id(engine, unit)
        with pytest.raises(AccessDenied) as refused:
            with db.session_scope(engine) as session:
                store.update_target(session, target_id=other, expected_version=version, actor=palv, reason="x",
                                    threshold=3.0)
        assert refused.value.key == "outside_scope"
    for unit in ("VIRASTO-HALL", "VIRASTO", None):  # creating one: not for the parent nor the organisation
        with pytest.raises(AccessDenied):
            with db.session_scope(engine) as session:
                store.create_target(session, indicator="job_satisfaction", org_unit=unit, period="2028",
                                    comparator="ge", threshold=3.5, actor=palv)
    with pytest.raises(AccessDenied):
        with db.session_scope(engine) as session:
            store.create_indicator(session, code="x", name_fi="X", name_en="X", direction="higher",
                                   aggregation="sum", actor=palv)
    assert snapshot(engine) == before
    assert refusals(engine, palv.login) == ["refused:not_allowed"] + ["refused:outside_scope"] * 5


def test_a_scoped_editors_import_is_refused_whole_with_one_problem_per_outside_unit(engine):
    palv = actor(engine, "palv@example.fi")
    data = ("indicator;org_unit;period;value\njob_satisfaction;VIRASTO-PALV;2027;3,9\n"
            "job_satisfaction;VIRASTO-HALL;2027;3,1\njob_satisfaction;VIRASTO;2027;3,2\n"
            "job_satisfaction;VIRASTO-HALL;2026;3,3\n").encode()
    before = snapshot(engine)
    outcome = run_import(lambda: db.session_scope(engine), data, "arvot.csv", actor=palv, replace=False,
                         max_bytes=None)
    assert outcome.status == "refused"
    assert sorted(p.value for p in outcome.problems) == ["VIRASTO", "VIRASTO-HALL"]
    assert all(p.key == "import.problems.outside_scope" for p in outcome.problems)
    with db.session_scope(engine) as session:
        assert session.exec(select(Measurement).where(Measurement.period == "2027")).all() == []
    assert refusals(engine, palv.login) == ["refused:outside_scope"]
    own = "indicator;org_unit;period;value\njob_satisfaction;VIRASTO-PALV;2027;3,9\n".encode()
    applied = run_import(lambda: db.session_scope(engine), own, "omat.csv", actor=palv, replace=False, max_bytes=None)
    assert applied.status == "applied", [p.line("en") for p in applied.problems]
    assert snapshot(engine) != before


def test_an_admin_can_do_everything(engine):
    boss = actor(engine, "boss@example.fi")
    assert boss.is_admin and boss.scope_unit_ids is None
    for name, write in write_paths(engine):
        if name in ("update target", "clear all"):  # retire uses the same version; clear_all last
            continue
        with db.session_scope(engine) as session:
            write(session, boss)
    with db.session_scope(engine) as session:
        store.clear_all(session, actor=boss)
        assert not store.has_data(session)
        assert len(list_people(session)) == 3  # people stay when the data goes
    assert refusals(engine, boss.login) == []


def test_passwords_are_argon2_and_a_wrong_one_is_refused(engine):
    with db.session_scope(engine) as session:
        person = session.exec(select(Person).where(Person.login == "palv@example.fi")).one()
        assert person.password_hash.startswith("$argon2")
        assert "oikea" not in person.password_hash
    with db.session_scope(engine) as session:
        signed_in = authenticate(session, "PALV@example.fi", "oikea salasana")
    assert signed_in.login == "palv@example.fi" and signed_in.role is Role.EDITOR and signed_in.scope_unit_ids
    for login, password in (("palv@example.fi", "väärä"), ("nobody", "x"), ("viewer@example.fi", "")):  # no password set
        with pytest.raises(AccessDenied) as refused:
            with db.session_scope(engine) as session:
                authenticate(session, login, password)
        assert refused.value.key == "bad_password"  # the same for all three: which part was wrong is not told
        assert refused.value.message("en") == "Wrong login or password."
    with db.session_scope(engine) as session:
        events = [(e.login, e.event, e.detail.split(" ")[0]) for e in reversed(access_log(session))]
    assert ("palv@example.fi", "sign_in", "password") in events
    assert ("palv@example.fi", "sign_in_failed", "bad_password") in events
    assert ("nobody", "sign_in_failed", "unknown_person") in events  # the log tells the admins
    assert ("viewer@example.fi", "sign_in_failed", "no_password") in events


def test_five_failures_in_a_row_lock_the_account_for_a_minute(engine):
    start = utc_now()

    def attempt(password, at):
        with db.session_scope(engine) as session:
            return authenticate(session, "palv@example.fi", password, now=at)

    for n in range(MAX_FAILURES - 1):
        with pytest.raises(AccessDenied):
            attempt("väärä", start)
    attempt("oikea salasana", start)  # a success resets the count
    for n in range(MAX_FAILURES):
        with pytest.raises(AccessDenied) as refused:
            attempt("väärä", start)
        assert refused.value.key == "bad_password"
    with pytest.raises(AccessDenied) as refused:  # even the right password waits
        attempt("oikea salasana", start + timedelta(seconds=LOCK_SECONDS - 1))
    assert refused.value.key == "throttled"
    assert "60" in refused.value.message("en")
    later = start + timedelta(seconds=LOCK_SECONDS + 1)
    assert attempt("oikea salasana", later).login == "palv@example.fi"
    for n in range(MAX_FAILURES - 1):  # the success forgot the count: four more wrong ones do not lock
        with pytest.raises(AccessDenied):
            attempt("väärä", later)
    assert attempt("oikea salasana", later).login == "palv@example.fi"


def test_a_disabled_person_is_refused_and_role_changes_are_logged(engine):
    with db.session_scope(engine) as session:
        set_role(session, login="viewer@example.fi", role="editor", scope_unit="VIRASTO-HALL", by="boss-script")
        set_password(session, login="viewer@example.fi", password="uusi salasana", by=ADMIN)
    hall = actor(engine, "VIEWER@example.fi")
    assert hall.role is Role.EDITOR and hall.may_edit_unit(store_unit_id(engine, "VIRASTO-HALL"))
    with db.session_scope(engine) as session:
        disable_person(session, login="viewer@example.fi", by=ADMIN)
    with pytest.raises(AccessDenied) as refused:
        actor(engine, "viewer@example.fi")
    assert refused.value.key == "disabled"
    with pytest.raises(AccessDenied) as refused:
        with db.session_scope(engine) as session:
            authenticate(session, "viewer@example.fi", "uusi salasana")
    assert refused.value.key == "disabled"
    with db.session_scope(engine) as session:
        events = {(e.event, e.by) for e in access_log(session, login="viewer@example.fi")}
        assert actor_for(session, "nobody@example.fi") is None
    assert ("role_changed", "boss-script") in events and ("person_disabled", ADMIN) in events
    assert ("refused:disabled", "") in events and ("sign_in_failed", "") in events


def test_only_an_admin_changes_people(engine):
    palv = actor(engine, "palv@example.fi")
    with pytest.raises(AccessDenied):
        with db.session_scope(engine) as session:
            set_role(session, login="palv@example.fi", role="admin", by=palv)
    with pytest.raises(AccessDenied):
        with db.session_scope(engine) as session:
            add_person(session, login="friend", role="admin", by=palv)
    with db.session_scope(engine) as session:  # but one's own password, yes
        set_password(session, login="palv@example.fi", password="toinen salasana", by=palv)
    assert actor(engine, "palv@example.fi").role is Role.EDITOR


def test_replacing_the_demo_keeps_people_and_their_scopes(engine):
    with db.session_scope(engine) as session:
        load_demo(session, replace=True, actor=actor(engine, "boss@example.fi"))
    palv = actor(engine, "palv@example.fi")
    assert palv.role is Role.EDITOR and palv.scope_unit_ids == {store_unit_id(engine, "VIRASTO-PALV")}
    with pytest.raises(AccessDenied):
        with db.session_scope(engine) as session:
            load_demo(session, replace=True, actor=palv)


def store_unit_id(engine, code: str) -> int:
    with db.session_scope(engine) as session:
        return store.get_unit(session, code).id

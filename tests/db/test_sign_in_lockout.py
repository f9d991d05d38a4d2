"""The password lockout holds when attempts arrive at once, and it does not tell which logins exist:
an unknown name, a person without a password and a disabled person are answered, counted and locked
exactly like a person with a wrong password."""
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlmodel import Session

from kpi import db
from kpi.access import LOCK_SECONDS, MAX_FAILURES, AccessDenied, access_log, add_person, authenticate, disable_person
from kpi.access import people
from kpi.models import SignInCounter, utc_now
from kpi.store import schema

PARALLEL = 24
RIGHT = "oikea salasana 1"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """argon2 at its lowest cost: the same checks, right and wrong alike, in a millisecond instead of a
    tenth of a second each (these tests make dozens). What is counted is whether a check ran at all."""
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(people, "_HASHER", hasher)
    monkeypatch.setattr(people, "_DUMMY_HASH", hasher.hash("not a password"))


@pytest.fixture
def engine(migrated_engine):
    with db.session_scope(migrated_engine) as session:
        add_person(session, login="anna@example.fi", role="editor", password=RIGHT, by="test")
        add_person(session, login="olli@example.fi", role="viewer", by="test")  # signs in by OIDC only
        add_person(session, login="dora@example.fi", role="viewer", password="doran salasana", by="test")
        disable_person(session, login="dora@example.fi", by="test")
    return migrated_engine


@pytest.fixture
def checks(monkeypatch):
    """How many passwords were checked: the real check, counted (its answer is not touched)."""
    counted, lock, real = [], threading.Lock(), people._verify

    def verify(hashed, password):
        with lock:
            counted.append(hashed)
        return real(hashed, password)

    monkeypatch.setattr(people, "_verify", verify)
    return counted


def attempt(engine, login, password, now=None):
    """The answer to one sign-in: "ok", or the refusal's type, key, parameters and texts."""
    try:
        with db.session_scope(engine) as session:
            authenticate(session, login, password, now=now)
        return "ok"
    except AccessDenied as refused:
        return (type(refused), refused.key, tuple(sorted(refused.params.items())), refused.message("fi"),
                refused.message("en"))


def failures_logged(engine, login):
    with Session(engine) as session:
        return [e.detail for e in access_log(session, 500, login=login) if e.event == "sign_in_failed"]


@pytest.mark.parametrize("login", ["anna@example.fi", "nobody@example.fi"])
def test_parallel_wrong_attempts_check_five_passwords_then_the_login_is_locked(engine, checks, login):
    gate = threading.Barrier(PARALLEL)
    answers = []

    def one():
        gate.wait()  # all at once
        answers.append(attempt(engine, login, "väärä salasana")[1])

    threads = [threading.Thread(target=one) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(answers) == PARALLEL
    assert len(checks) == MAX_FAILURES  # not one check more, however many came at once
    assert sorted(answers) == ["bad_password"] * MAX_FAILURES + ["throttled"] * (PARALLEL - MAX_FAILURES)
    logged = failures_logged(engine, login)
    assert sum(d.endswith("in a row)") or "locked" in d for d in logged) == MAX_FAILURES
    assert logged.count("throttled") == PARALLEL - MAX_FAILURES

    assert attempt(engine, login, RIGHT)[1] == "throttled"  # the right password waits too, unchecked
    assert len(checks) == MAX_FAILURES


def test_unknown_and_known_logins_get_the_same_answers_through_the_lock(engine, checks):
    start = utc_now()
    logins = ("anna@example.fi", "nobody@example.fi", "olli@example.fi", "dora@example.fi")
    for n in range(1, MAX_FAILURES + 3):
        answers = {login: attempt(engine, login, "väärä salasana", start) for login in logins}
        assert len(set(answers.values())) == 1, (n, answers)
        key = "bad_password" if n <= MAX_FAILURES else "throttled"
        assert answers["anna@example.fi"][1] == key, n
    assert len(checks) == len(logins) * MAX_FAILURES  # the same work for each: no shortcut for a stranger
    assert attempt(engine, "Nobody@Example.fi ", "x", start)[1] == "throttled"  # the login as a person types it
    assert attempt(engine, "anna@example.fi", RIGHT, start)[1] == "throttled"
    later = start + timedelta(seconds=LOCK_SECONDS + 1)
    assert attempt(engine, "anna@example.fi", RIGHT, later) == "ok"
    assert attempt(engine, "nobody@example.fi", "x", later)[1] == "bad_password"  # its lock is over as well
    with Session(engine) as session:
        logged = {e.detail.split(" ")[0] for e in access_log(session, 500) if e.event == "sign_in_failed"}
    assert {"bad_password", "unknown_person", "no_password", "throttled"} <= logged  # the admins see why


def test_old_counts_are_deleted_so_sprayed_names_do_not_pile_up(engine):
    start = utc_now()
    for n in range(10):
        attempt(engine, f"stranger{n}@example.fi", "x", start)
    with Session(engine) as session:
        assert session.exec(sa.select(sa.func.count()).select_from(SignInCounter)).one()[0] == 10
    attempt(engine, "anna@example.fi", "x", start + timedelta(seconds=LOCK_SECONDS + 1))
    with Session(engine) as session:
        assert session.exec(sa.select(SignInCounter.login)).scalars().all() == ["anna@example.fi"]


def test_a_sign_in_that_cannot_be_counted_checks_no_password(tmp_path, checks):
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"  # SQLite's one writer; PostgreSQL waits on the one row
    schema.upgrade(url)
    with db.session_scope(db.make_engine(url)) as session:
        add_person(session, login="anna@example.fi", role="editor", password=RIGHT, by="test")
    engine = sa.create_engine(url, connect_args={"timeout": 0.2})  # the usual wait, shortened for the test
    with engine.connect() as blocker:
        blocker.exec_driver_sql("BEGIN IMMEDIATE")  # another writer holds the file
        answer = attempt(engine, "anna@example.fi", RIGHT)
        blocker.rollback()
    assert answer[1] == "sign_in_busy" and "hetken" in answer[3]
    assert checks == []
    assert attempt(engine, "anna@example.fi", RIGHT) == "ok"
    engine.dispose()

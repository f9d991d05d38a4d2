"""The people who may sign in, their roles and scopes, password sign-in, and the access log.

Every change to a person, every sign-in, failed sign-in and refusal is an AccessEvent. Logins are kept
lower-case and found case-insensitively (an e-mail address from OIDC may arrive capitalised).

The rules are here (who may change a person, what a login and a password must be, the hashing, what a
sign-in answers); the rows are read and written by `kpi.store.people`, `kpi.store.access_log` and
`kpi.store.sign_in_counters` (through `throttle`).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ..domain.roles import Actor, Role
from ..errors import InputError
from ..models import AccessEvent, Person, utc_now
from ..store import people as rows
from ..store.access_log import list_access_events, log_event, log_event_separately
from ..store.guard import AccessDenied, as_actor, log, require
from ..store.inputs import name_text
from ..store.transactions import own_transaction
from ..store.units import get_unit, subtree_ids
from .throttle import LOCK_SECONDS, MAX_FAILURES, forget, reserve, sweep

_HASHER = PasswordHasher()            # argon2id with the library's current defaults
# Verified against when the login is unknown, so an unknown name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password")


def _now(now: datetime | None = None) -> datetime:
    return now or utc_now()


def _login(login: str) -> str:
    text = (login or "").strip().lower()
    if not text:
        raise InputError("login", login, "required")
    if len(text) > 120:
        raise InputError("login", login[:40] + "…", "too_long", limit=120)
    return text


def _role(role: Role | str) -> Role:
    try:
        return Role(str(role).strip().lower())
    except ValueError:
        raise InputError("role", role, "not_one_of", choices=", ".join(r.value for r in Role)) from None


def _person(session: Session, login: str) -> Person:
    found = rows.find_person(session, login=login)
    if found is None:
        raise AccessDenied("unknown_person", login)
    return found


def _scope_id(session: Session, scope_unit: str | None) -> int | None:
    if not scope_unit:
        return None
    return get_unit(session, scope_unit).id


def _check_password(password: str) -> str:
    if password is None or len(password) < 8:
        raise InputError("password", "", "password_too_short", limit=8)
    if len(password) > 1024:
        raise InputError("password", "", "too_long", limit=1024)
    return password


def _admin_by(session: Session, by: Actor | str, action: str) -> str:
    return str(require(session, by, role=Role.ADMIN, action=action))


def add_person(session: Session, *, login: str, role: Role | str, name: str = "", password: str | None = None,
               scope_unit: str | None = None, by: Actor | str) -> Person:
    """A new person. `scope_unit` (a unit code or name) limits an editor to that unit's subtree."""
    who = _admin_by(session, by, "add person")
    login = _login(login)
    if rows.find_person(session, login=login) is not None:
        raise InputError("login", login, "duplicate_login")
    person = rows.insert_person(
        session, login=login, name=name_text("person_name", name, limit=200), role=_role(role).value,
        scope_unit_id=_scope_id(session, scope_unit),
        password_hash=_HASHER.hash(_check_password(password)) if password is not None else None)
    log_event(session, login=login, event="person_added",
              detail=f"role {person.role}" + (f", scope {scope_unit}" if scope_unit else ""), by=who)
    return person


def set_role(session: Session, *, login: str, role: Role | str, scope_unit: str | None = None,
             by: Actor | str) -> Person:
    """Change a person's role and scope (`scope_unit` None: every unit)."""
    who = _admin_by(session, by, "set role")
    person = _person(session, login)
    old = f"{person.role}" + (f"@{person.scope_unit_id}" if person.scope_unit_id else "")
    rows.update_person(session, person=person, role=_role(role).value, scope_unit_id=_scope_id(session, scope_unit))
    log_event(session, login=person.login, event="role_changed",
              detail=f"{old} -> {person.role}" + (f", scope {scope_unit}" if scope_unit else ""), by=who)
    return person


def disable_person(session: Session, *, login: str, by: Actor | str) -> Person:
    """The person can no longer sign in (kept: the history names them)."""
    who = _admin_by(session, by, "disable person")
    person = _person(session, login)
    rows.update_person(session, person=person, disabled=True)
    log_event(session, login=person.login, event="person_disabled", by=who)
    return person


def enable_person(session: Session, *, login: str, by: Actor | str) -> Person:
    who = _admin_by(session, by, "enable person")
    person = _person(session, login)
    rows.update_person(session, person=person, disabled=False)
    forget(session, person.login)  # and the sign-in lock, if any
    log_event(session, login=person.login, event="person_enabled", by=who)
    return person


def set_password(session: Session, *, login: str, password: str | None, by: Actor | str) -> Person:
    """Set (or with None remove) a person's password. A person may change their own; an admin anyone's."""
    actor = as_actor(by)
    person = _person(session, login)
    if actor.login.lower() != person.login:
        _admin_by(session, actor, "set password")
    rows.update_person(session, person=person,
                       password_hash=_HASHER.hash(_check_password(password)) if password is not None else None)
    forget(session, person.login)  # a new password starts a new count
    log_event(session, login=person.login, event="password_set" if password is not None else "password_removed",
              by=actor.login)
    return person


def scope_ids(session: Session, scope_unit_id: int | None) -> frozenset[int] | None:
    """The unit and every unit below it, as ids (None: every unit)."""
    if scope_unit_id is None:
        return None
    return subtree_ids(session, unit_id=scope_unit_id)


def _actor(session: Session, person: Person) -> Actor:
    role = Role(person.role)
    scope = None if role is Role.ADMIN else scope_ids(session, person.scope_unit_id)
    return Actor(login=person.login, role=role, scope_unit_ids=scope, name=person.name)


def authenticate(session: Session, login: str, password: str, *, now: datetime | None = None) -> Actor:
    """The person, when the password is right; AccessDenied otherwise, and the same for everyone:

    - `bad_password` for a wrong password, an unknown login, a person without a password, or a disabled
      person with a wrong password (each takes one argon2 check; the log's detail says which);
    - `throttled` once MAX_FAILURES attempts in a row on the login (known or not) were not right: for
      LOCK_SECONDS no password is checked, the right one neither (see `throttle`);
    - `disabled` only for a disabled person who gave the right password.

    The attempt is counted before its password is checked, so parallel attempts get no extra checks.
    Everything is logged, and the count and the log are kept even if the caller rolls back (`session`
    only names the database: it must not hold a write of its own, which the sign-in would wait for)."""
    moment = _now(now)
    try:
        with own_transaction(session, patient=True) as own:  # committed before the slow check
            number = reserve(own, login, moment)
    except SQLAlchemyError as error:  # the count could not be kept: no password is checked uncounted
        log.warning("sign-in not counted (%s): %s", type(error).__name__, _short(login))
        raise AccessDenied("sign_in_busy", _short(login)) from None
    if number == 1:  # a new count: the rows nobody remembers go, so sprayed names do not pile up
        _sweep_quietly(session, moment)
    if number is None:
        log_event_separately(session, login=_short(login), event="sign_in_failed", detail="throttled", patient=True)
        raise AccessDenied("throttled", _short(login), seconds=LOCK_SECONDS)
    with own_transaction(session, patient=True) as own:
        person = rows.find_person(own, login=login)
        found, stored, disabled = (person.login, person.password_hash or None, person.disabled) if person \
            else (None, None, False)
    hashed = stored or _DUMMY_HASH  # the same check, and time, when there is no password to check
    right = _verify(hashed, password or "") and stored is not None
    if right and not disabled:
        rehashed = _HASHER.hash(password) if _HASHER.check_needs_rehash(hashed) else None
        actor = _signed_in(session, found, hashed, rehashed)
        if actor is not None:
            return actor
    reason = ("unknown_person" if found is None else "no_password" if stored is None
              else "disabled" if right else "bad_password")
    detail = f"{reason} ({number} in a row)" + (f", locked for {LOCK_SECONDS} s" if number >= MAX_FAILURES else "")
    log_event_separately(session, login=found or _short(login), event="sign_in_failed", detail=detail,
                         patient=True)
    raise AccessDenied("disabled" if reason == "disabled" else "bad_password", _short(login))


def _signed_in(session: Session, login: str, hashed: str, rehashed: str | None) -> Actor | None:
    """The count forgotten, the sign-in logged, the Actor; None if the person was disabled or given another
    password while theirs was being checked (then it counts as a failure)."""
    with own_transaction(session, patient=True) as own:
        forget(own, login)  # a write first: on SQLite the write lock before any read
        person = rows.find_person(own, login=login)
        if person is None or person.disabled or person.password_hash != hashed:
            own.rollback()
            return None
        if rehashed is not None:
            rows.store_rehash(own, person=person, password_hash=rehashed)
        log_event(own, login=person.login, event="sign_in", detail="password")
        return _actor(own, person)


def _sweep_quietly(session: Session, moment: datetime) -> None:
    """Old counts deleted in a transaction of their own; if that fails nothing is lost but tidiness."""
    try:
        with own_transaction(session, patient=True) as own:
            sweep(own, moment)
    except SQLAlchemyError as error:
        log.debug("old sign-in counts not deleted yet (%s)", type(error).__name__)


def _short(login: str) -> str:
    return (login or "").strip()[:120]


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def actor_for(session: Session, login: str, *, groups: Iterable[str] = ()) -> Actor | None:
    """The Actor for a login named by OIDC, the proxy or the command line (case-insensitive); None when
    no such person. A disabled person: AccessDenied(disabled), logged. `groups` is accepted for the
    sign-in side (group-to-role mapping lives there); the stored role decides here."""
    person = rows.find_person(session, login=login)
    if person is None:
        return None
    if person.disabled:
        log_event_separately(session, login=person.login, event="refused:disabled", detail="actor_for")
        raise AccessDenied("disabled", person.login)
    return _actor(session, person)


def list_people(session: Session) -> list[Person]:
    return rows.list_people(session)


def access_log(session: Session, limit: int = 200, *, login: str | None = None) -> list[AccessEvent]:
    """The newest events first."""
    return list_access_events(session, limit=limit, login=login)

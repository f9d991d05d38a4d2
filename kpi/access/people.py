"""The people who may sign in, their roles and scopes, password sign-in, and the access log.

Every change to a person, every sign-in, failed sign-in and refusal is an AccessEvent. Logins are kept
lower-case and found case-insensitively (an e-mail address from OIDC may arrive capitalised).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from ..errors import InputError
from ..store.inputs import name_text
from ..models import AccessEvent, OrgUnit, Person, utc_now
from .guard import AccessDenied, as_actor, log, require
from .roles import Actor, Role
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


def _find(session: Session, login: str) -> Person | None:
    return session.exec(select(Person).where(func.lower(Person.login) == (login or "").strip().lower())).first()


def _person(session: Session, login: str) -> Person:
    found = _find(session, login)
    if found is None:
        raise AccessDenied("unknown_person", login)
    return found


def _scope_id(session: Session, scope_unit: str | None) -> int | None:
    if not scope_unit:
        return None
    from ..store.units import get_unit
    return get_unit(session, scope_unit).id


def _check_password(password: str) -> str:
    if password is None or len(password) < 8:
        raise InputError("password", "", "password_too_short", limit=8)
    if len(password) > 1024:
        raise InputError("password", "", "too_long", limit=1024)
    return password


def log_event(session: Session, *, login: str, event: str, detail: str = "", by: str = "") -> AccessEvent:
    """One line in the access log, in the caller's transaction."""
    entry = AccessEvent(login=(login or "")[:120], event=event[:40], detail=detail or "", by=(by or "")[:120])
    session.add(entry)
    session.flush()
    log.info("access: %s %s %s%s", entry.login, entry.event, entry.detail, f" (by {by})" if by else "")
    return entry


@contextmanager
def _own_transaction(session: Session, *, patient: bool = False) -> Iterator[Session]:
    """A session on the same database whose commit does not wait for the caller's: what must be kept
    even when the caller rolls back (a refusal, a failed sign-in and its counter).

    On SQLite it waits one second for another writer, since the caller's own transaction may be the one
    holding the file (a refusal in the middle of a write). `patient`: the engine's usual wait instead,
    for a sign-in, whose caller holds nothing and whose count must not be dropped because twenty other
    attempts are writing theirs."""
    bind = session.get_bind()
    quick = bind.dialect.name == "sqlite" and not patient
    with Session(bind) as own:
        if quick:  # do not hang on a writer that holds the file: log and move on
            own.connection().exec_driver_sql("PRAGMA busy_timeout = 1000")
        try:
            yield own
            own.commit()
        finally:
            if quick:
                try:
                    own.rollback()
                    own.connection().exec_driver_sql("PRAGMA busy_timeout = 30000")
                    own.commit()
                except Exception:  # pragma: no cover - best effort
                    pass


def log_event_separately(session: Session, *, login: str, event: str, detail: str = "", by: str = "",
                         patient: bool = False) -> None:
    """`log_event` committed on its own (see `_own_transaction`); if the database refuses, the
    application log still has the line."""
    try:
        with _own_transaction(session, patient=patient) as own:
            log_event(own, login=login, event=event, detail=detail, by=by)
    except Exception as error:  # noqa: BLE001 - a log line must never turn a refusal into a crash
        log.warning("access log not written (%s): %s %s %s", type(error).__name__, login, event, detail)


def _admin_by(session: Session, by: Actor | str, action: str) -> str:
    return str(require(session, by, role=Role.ADMIN, action=action))


def add_person(session: Session, *, login: str, role: Role | str, name: str = "", password: str | None = None,
               scope_unit: str | None = None, by: Actor | str) -> Person:
    """A new person. `scope_unit` (a unit code or name) limits an editor to that unit's subtree."""
    who = _admin_by(session, by, "add person")
    login = _login(login)
    if _find(session, login) is not None:
        raise InputError("login", login, "duplicate_login")
    person = Person(login=login, name=name_text("person_name", name, limit=200), role=_role(role).value,
                    scope_unit_id=_scope_id(session, scope_unit),
                    password_hash=_HASHER.hash(_check_password(password)) if password is not None else None)
    session.add(person)
    session.flush()
    log_event(session, login=login, event="person_added",
              detail=f"role {person.role}" + (f", scope {scope_unit}" if scope_unit else ""), by=who)
    return person


def set_role(session: Session, *, login: str, role: Role | str, scope_unit: str | None = None,
             by: Actor | str) -> Person:
    """Change a person's role and scope (`scope_unit` None: every unit)."""
    who = _admin_by(session, by, "set role")
    person = _person(session, login)
    old = f"{person.role}" + (f"@{person.scope_unit_id}" if person.scope_unit_id else "")
    person.role = _role(role).value
    person.scope_unit_id = _scope_id(session, scope_unit)
    person.updated_at = utc_now()
    session.add(person)
    session.flush()
    log_event(session, login=person.login, event="role_changed",
              detail=f"{old} -> {person.role}" + (f", scope {scope_unit}" if scope_unit else ""), by=who)
    return person


def disable_person(session: Session, *, login: str, by: Actor | str) -> Person:
    """The person can no longer sign in (kept: the history names them)."""
    who = _admin_by(session, by, "disable person")
    person = _person(session, login)
    person.disabled = True
    person.updated_at = utc_now()
    session.add(person)
    session.flush()
    log_event(session, login=person.login, event="person_disabled", by=who)
    return person


def enable_person(session: Session, *, login: str, by: Actor | str) -> Person:
    who = _admin_by(session, by, "enable person")
    person = _person(session, login)
    person.disabled = False
    forget(session, person.login)  # and the sign-in lock, if any
    person.updated_at = utc_now()
    session.add(person)
    session.flush()
    log_event(session, login=person.login, event="person_enabled", by=who)
    return person


def set_password(session: Session, *, login: str, password: str | None, by: Actor | str) -> Person:
    """Set (or with None remove) a person's password. A person may change their own; an admin anyone's."""
    actor = as_actor(by)
    person = _person(session, login)
    if actor.login.lower() != person.login:
        _admin_by(session, actor, "set password")
    person.password_hash = _HASHER.hash(_check_password(password)) if password is not None else None
    forget(session, person.login)  # a new password starts a new count
    person.updated_at = utc_now()
    session.add(person)
    session.flush()
    log_event(session, login=person.login, event="password_set" if password is not None else "password_removed",
              by=actor.login)
    return person


def scope_ids(session: Session, scope_unit_id: int | None) -> frozenset[int] | None:
    """The unit and every unit below it, as ids (None: every unit)."""
    if scope_unit_id is None:
        return None
    from ..store.units import load_unit_tree
    tree = load_unit_tree(session)
    unit = session.get(OrgUnit, scope_unit_id)
    if unit is None:
        return frozenset()
    return frozenset(tree.units[code].id for code in tree.subtree(unit.code))


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
        with _own_transaction(session, patient=True) as own:  # committed before the slow check
            number = reserve(own, login, moment)
    except SQLAlchemyError as error:  # the count could not be kept: no password is checked uncounted
        log.warning("sign-in not counted (%s): %s", type(error).__name__, _short(login))
        raise AccessDenied("sign_in_busy", _short(login)) from None
    if number == 1:  # a new count: the rows nobody remembers go, so sprayed names do not pile up
        _sweep_quietly(session, moment)
    if number is None:
        log_event_separately(session, login=_short(login), event="sign_in_failed", detail="throttled", patient=True)
        raise AccessDenied("throttled", _short(login), seconds=LOCK_SECONDS)
    with _own_transaction(session, patient=True) as own:
        person = _find(own, login)
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
    with _own_transaction(session, patient=True) as own:
        forget(own, login)  # a write first: on SQLite the write lock before any read
        person = _find(own, login)
        if person is None or person.disabled or person.password_hash != hashed:
            own.rollback()
            return None
        if rehashed is not None:
            person.password_hash = rehashed
            own.add(person)
        log_event(own, login=person.login, event="sign_in", detail="password")
        return _actor(own, person)


def _sweep_quietly(session: Session, moment: datetime) -> None:
    """Old counts deleted in a transaction of their own; if that fails nothing is lost but tidiness."""
    try:
        with _own_transaction(session, patient=True) as own:
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
    person = _find(session, login)
    if person is None:
        return None
    if person.disabled:
        log_event_separately(session, login=person.login, event="refused:disabled", detail="actor_for")
        raise AccessDenied("disabled", person.login)
    return _actor(session, person)


def list_people(session: Session) -> list[Person]:
    return list(session.exec(select(Person).order_by(Person.login)))


def access_log(session: Session, limit: int = 200, *, login: str | None = None) -> list[AccessEvent]:
    """The newest events first."""
    query = select(AccessEvent)
    if login:
        query = query.where(func.lower(AccessEvent.login) == login.strip().lower())
    return list(session.exec(query.order_by(AccessEvent.at.desc(), AccessEvent.id.desc()).limit(limit)))

"""The people who may sign in, their roles and scopes, password sign-in, and the access log.

Every change to a person, every sign-in, failed sign-in and refusal is an AccessEvent. Logins are kept
lower-case and found case-insensitively (an e-mail address from OIDC may arrive capitalised).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func
from sqlmodel import Session, select

from ..errors import InputError
from ..models import AccessEvent, OrgUnit, Person, utc_now
from .guard import AccessDenied, as_actor, log, require
from .roles import Actor, Role

MAX_FAILURES = 5                      # failed password sign-ins in a row before the account waits
LOCK_SECONDS = 60                     # how long it waits
_HASHER = PasswordHasher()            # argon2id with the library's current defaults
# Verified against when the login is unknown, so an unknown name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password")


def _now(now: datetime | None = None) -> datetime:
    return now or utc_now()


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without a zone; they were stored as UTC."""
    from datetime import UTC
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


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
def _own_transaction(session: Session) -> Iterator[Session]:
    """A session on the same database whose commit does not wait for the caller's: what must be kept
    even when the caller rolls back (a refusal, a failed sign-in and its counter)."""
    bind = session.get_bind()
    with Session(bind) as own:
        if bind.dialect.name == "sqlite":  # do not hang on a writer that holds the file: log and move on
            own.connection().exec_driver_sql("PRAGMA busy_timeout = 1000")
        try:
            yield own
            own.commit()
        finally:
            if bind.dialect.name == "sqlite":
                try:
                    own.rollback()
                    own.connection().exec_driver_sql("PRAGMA busy_timeout = 30000")
                    own.commit()
                except Exception:  # pragma: no cover - best effort
                    pass


def log_event_separately(session: Session, *, login: str, event: str, detail: str = "", by: str = "") -> None:
    """`log_event` committed on its own (see `_own_transaction`); if the database refuses, the
    application log still has the line."""
    try:
        with _own_transaction(session) as own:
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
    person = Person(login=login, name=(name or "").strip()[:200], role=_role(role).value,
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
    person.disabled, person.failed_logins, person.locked_until = False, 0, None
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
    person.failed_logins, person.locked_until = 0, None
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
    """The person, when the password is right. AccessDenied otherwise: unknown_person and bad_password
    read the same to the user (the key differs for the log); after MAX_FAILURES failures in a row the
    account is refused for LOCK_SECONDS (`throttled`), even with the right password. Everything is
    logged and the failure counter is kept even if the caller rolls back."""
    moment = _now(now)
    with _own_transaction(session) as own:
        person = _find(own, login)
        if person is None or person.password_hash is None:
            _verify(_DUMMY_HASH, password or "")  # same time as a wrong password
            log_event(own, login=_short(login), event="sign_in_failed", detail="unknown_person")
            key = "unknown_person"
        elif person.disabled:
            log_event(own, login=person.login, event="sign_in_failed", detail="disabled")
            key = "disabled"
        elif (locked := _aware(person.locked_until)) is not None and locked > moment:
            log_event(own, login=person.login, event="sign_in_failed", detail="throttled")
            key = "throttled"
        elif not _verify(person.password_hash, password or ""):
            person.failed_logins += 1
            detail = f"bad_password ({person.failed_logins} in a row)"
            if person.failed_logins >= MAX_FAILURES:
                person.locked_until = moment + timedelta(seconds=LOCK_SECONDS)
                person.failed_logins = 0
                detail += f", locked for {LOCK_SECONDS} s"
            own.add(person)
            log_event(own, login=person.login, event="sign_in_failed", detail=detail)
            key = "bad_password"
        else:
            if _HASHER.check_needs_rehash(person.password_hash):
                person.password_hash = _HASHER.hash(password)
            person.failed_logins, person.locked_until = 0, None
            own.add(person)
            log_event(own, login=person.login, event="sign_in", detail="password")
            actor = _actor(own, person)
            key = None
    if key is not None:
        raise AccessDenied(key, _short(login), seconds=LOCK_SECONDS)
    return actor


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

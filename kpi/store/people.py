"""The people who may sign in: their rows, found and written.

Plain values in, no access check here: `kpi.access.people` decides who may add or change a person
(and hashes the passwords), then calls these. Logins are stored lower-case and found case-insensitively
(an e-mail address from OIDC may arrive capitalised).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import Person, utc_now

_KEEP: Any = object()  # `update_person`: this field stays as it is


def find_person(session: Session, *, login: str | None) -> Person | None:
    """The person with this login, in any case; None when nobody has it."""
    return session.exec(select(Person).where(func.lower(Person.login) == (login or "").strip().lower())).first()


def list_people(session: Session) -> list[Person]:
    return list(session.exec(select(Person).order_by(Person.login)))


def insert_person(session: Session, *, login: str, name: str, role: str, scope_unit_id: int | None,
                  password_hash: str | None) -> Person:
    person = Person(login=login, name=name, role=role, scope_unit_id=scope_unit_id, password_hash=password_hash)
    session.add(person)
    session.flush()
    return person


def update_person(session: Session, *, person: Person, role: str = _KEEP, scope_unit_id: int | None = _KEEP,
                  disabled: bool = _KEEP, password_hash: str | None = _KEEP) -> Person:
    """The fields given changed (the others kept), and the time of the change."""
    for field, value in (("role", role), ("scope_unit_id", scope_unit_id), ("disabled", disabled),
                         ("password_hash", password_hash)):
        if value is not _KEEP:
            setattr(person, field, value)
    person.updated_at = utc_now()
    session.add(person)
    session.flush()
    return person


def store_rehash(session: Session, *, person: Person, password_hash: str) -> None:
    """A new hash of the same password (the hasher's parameters changed since): nobody changed the
    person, so the time of the last change stays. Written at the caller's commit."""
    person.password_hash = password_hash
    session.add(person)

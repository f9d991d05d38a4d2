"""Whole-database questions: is it empty, and wiping it for `demo load --replace`."""
from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import Session, select

from ..access.guard import require
from ..access.roles import Actor, Role
from ..models import (ActionChange, CorrectiveAction, Explanation, ExplanationRevision, ImportLog, Indicator,
                      Measurement, MeasurementChange, OrgUnit, Person, ReviewSession, ReviewTopic, Target,
                      TargetChange, utc_now)


def has_data(session: Session) -> bool:
    return any(session.exec(select(func.count()).select_from(model)).one() for model in (Indicator, OrgUnit))


def clear_all(session: Session, *, actor: Actor | str) -> dict[str, tuple[str, str]]:
    """Delete every row of the KPI data, children before parents so foreign keys hold (admin only).

    People (Person) and the access log (AccessEvent) are left alone on purpose: `demo load --replace`
    replaces the data, not who may sign in, and the log of who did what must outlive the data. A person
    limited to a unit loses that unit with the tree: they become a viewer until `restore_scopes` links
    them to the unit of the same code again (never silently an editor of every unit). Returns
    {login: (role, unit code)} of those people, for `restore_scopes`.
    """
    who = str(require(session, actor, role=Role.ADMIN, action="clear all data"))
    from ..access.people import log_event

    scoped: dict[str, tuple[str, str]] = {}
    for person, unit_code in session.exec(select(Person, OrgUnit.code).join(OrgUnit, OrgUnit.id == Person.scope_unit_id)):
        scoped[person.login] = (person.role, unit_code)
        person.role, person.scope_unit_id, person.updated_at = "viewer", None, utc_now()
        session.add(person)
    session.flush()
    for model in (ExplanationRevision, Explanation, ActionChange, CorrectiveAction, ReviewTopic, ReviewSession,
                  TargetChange, Target, MeasurementChange, ImportLog, Measurement, Indicator):
        session.exec(delete(model))
    # Units reference their parents: clear the links first, then the rows.
    session.exec(OrgUnit.__table__.update().values(parent_id=None))
    session.exec(delete(OrgUnit))
    log_event(session, login=who, event="data_cleared", by=who,
              detail=f"{len(scoped)} scoped people made viewers" if scoped else "")
    return scoped


def restore_scopes(session: Session, scoped: dict[str, tuple[str, str]], *, by: str) -> None:
    """After `clear_all` and a reload: each scoped person back to their role, on the unit of the same code
    if it exists again (else they stay a viewer; both logged)."""
    from ..access.people import log_event

    units = {u.code: u.id for u in session.exec(select(OrgUnit))}
    for login, (role, code) in scoped.items():
        person = session.exec(select(Person).where(Person.login == login)).first()
        if person is None:
            continue
        if code in units:
            person.role, person.scope_unit_id = role, units[code]
            log_event(session, login=login, event="scope_restored", detail=f"{role}, scope {code}", by=by)
        else:
            log_event(session, login=login, event="scope_lost", detail=f"unit {code} is gone: viewer", by=by)
        person.updated_at = utc_now()
        session.add(person)
    session.flush()


def data_version(session: Session) -> str:
    """A token that changes whenever data or targets change: the key that keeps page caches honest.

    Counts catch inserts and deletes, the newest `updated_at` catches edits (values, targets,
    indicators, units), and the newest history row catches everything else that was recorded. Read from the database, so every app server sees the same token.
    """
    parts = []
    for model in (Measurement, Target, Indicator, OrgUnit, Explanation, CorrectiveAction, ReviewSession):
        count, newest = session.exec(select(func.count(), func.max(model.updated_at)).select_from(model)).one()
        parts.append(f"{count}@{newest.isoformat() if newest else '-'}")
    for model in (TargetChange, MeasurementChange, ExplanationRevision, ActionChange, ReviewTopic):
        count, highest = session.exec(select(func.count(), func.max(model.id)).select_from(model)).one()
        parts.append(f"{count}#{highest}")
    return "|".join(parts)

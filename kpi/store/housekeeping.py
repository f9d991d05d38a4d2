"""Whole-database questions: is it empty, what version of the data is it (the pages' cache key), and
wiping it for `demo load --replace`."""
from __future__ import annotations

from sqlalchemy import delete, func, literal
from sqlmodel import Session, select

from ..domain.roles import Actor, Role
from .access_log import log_event
from .cells import note_write
from ..models import (ActionChange, CorrectiveAction, DataRevision, Explanation, ExplanationRevision, ImportLog,
                      Indicator, Measurement, MeasurementChange, OrgUnit, Person, ReviewSession, ReviewTopic, Target,
                      TargetChange, utc_now)
from .guard import require


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
    scoped: dict[str, tuple[str, str]] = {}
    for person, unit_code in session.exec(select(Person, OrgUnit.code).join(OrgUnit, OrgUnit.id == Person.scope_unit_id)):
        scoped[person.login] = (person.role, unit_code)
        person.role, person.scope_unit_id, person.updated_at = "viewer", None, utc_now()
        session.add(person)
    session.flush()
    note_write(session, everything=True)  # the year cells go with the values (kpi.store.cells)
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

    Every page run reads it, so it must cost the same at five million measurements as at five: one
    statement of primary-key and small-table reads, never a scan of `measurement` or `measurement_change`
    (a `count(*)` or `max(updated_at)` there reads every row: seconds per rerun at millions of rows).

    - The data revision (`kpi.store.revision`): a one-row counter that every write through a Session
      raises in its own transaction (the session listeners there), read by primary key. This is what catches the
      writes to the big tables: values saved, imported, deleted, `clear_all`, the demo, a restore.
    - The highest id of each history table (`measurement_change`, `target_change`, ...): the end of a
      primary-key index, O(log n), catching recorded writes made outside the app's sessions.
    - Count and newest `updated_at` of the small tables (indicators, units, targets, explanations,
      actions, reviews: hundreds of rows, not millions), so an edit made outside the app (psql, an
      older release) shows too.

    Sign-ins and changes to people touch none of these, so they leave every page cache alone. Read from
    the database, so every app server sees the same token.
    """
    revision = DataRevision.__table__
    parts = [revision.c.revision, revision.c.changed_at]
    for model in _HISTORY:
        parts.append(select(func.max(model.id)).scalar_subquery())
    for model in _SMALL:
        parts.append(select(func.count()).select_from(model).scalar_subquery())
        parts.append(select(func.max(model.updated_at)).scalar_subquery())
    # One round trip. An outer join on a one-row constant so a missing counter row still gives a row.
    anchor = select(literal(1).label("one")).subquery()
    row = session.exec(select(*parts).select_from(anchor.outerjoin(revision, revision.c.id == 1))).one()
    return "|".join("-" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
                    for value in row)


# History tables: only their highest id is read (their primary key's end, never a scan).
_HISTORY = (MeasurementChange, TargetChange, ExplanationRevision, ActionChange, ReviewTopic)
# Tables that stay small (hundreds of rows): counted outright.
_SMALL = (Indicator, OrgUnit, Target, Explanation, CorrectiveAction, ReviewSession)

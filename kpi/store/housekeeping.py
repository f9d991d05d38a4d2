"""Whole-database questions: is it empty, and wiping it for `demo load --replace`."""
from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import Session, select

from ..models import (ActionChange, CorrectiveAction, Explanation, ExplanationRevision, ImportLog, Indicator,
                      Measurement, MeasurementChange, OrgUnit, ReviewSession, ReviewTopic, Target, TargetChange)


def has_data(session: Session) -> bool:
    return any(session.exec(select(func.count()).select_from(model)).one() for model in (Indicator, OrgUnit))


def clear_all(session: Session) -> None:
    """Delete every row, children before parents so foreign keys hold."""
    for model in (ExplanationRevision, Explanation, ActionChange, CorrectiveAction, ReviewTopic, ReviewSession,
                  TargetChange, Target, MeasurementChange, ImportLog, Measurement, Indicator):
        session.exec(delete(model))
    # Units reference their parents: clear the links first, then the rows.
    session.exec(OrgUnit.__table__.update().values(parent_id=None))
    session.exec(delete(OrgUnit))


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

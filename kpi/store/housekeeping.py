"""Whole-database questions: is it empty, and wiping it for `demo load --replace`."""
from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import Session, select

from ..models import Indicator, Measurement, OrgUnit, Target, TargetChange


def has_data(session: Session) -> bool:
    return any(session.exec(select(func.count()).select_from(model)).one() for model in (Indicator, OrgUnit))


def clear_all(session: Session) -> None:
    """Delete every row, children before parents so foreign keys hold."""
    for model in (TargetChange, Target, Measurement, Indicator):
        session.exec(delete(model))
    # Units reference their parents: clear the links first, then the rows.
    session.exec(OrgUnit.__table__.update().values(parent_id=None))
    session.exec(delete(OrgUnit))

"""The access log: every change to a person, every sign-in, failed sign-in and refusal, one AccessEvent each.

Plain values in, no access check here: the log is written by the check itself (`kpi.store.guard`), and
reading it is for admins, which the page decides (`kpi.access.people` holds who may do what).
"""
from __future__ import annotations

import logging

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import AccessEvent
from .transactions import own_transaction

log = logging.getLogger("kpi.access")


def log_event(session: Session, *, login: str, event: str, detail: str = "", by: str = "") -> AccessEvent:
    """One line in the access log, in the caller's transaction."""
    entry = AccessEvent(login=(login or "")[:120], event=event[:40], detail=detail or "", by=(by or "")[:120])
    session.add(entry)
    session.flush()
    log.info("access: %s %s %s%s", entry.login, entry.event, entry.detail, f" (by {by})" if by else "")
    return entry


def log_event_separately(session: Session, *, login: str, event: str, detail: str = "", by: str = "",
                         patient: bool = False) -> None:
    """`log_event` committed on its own (see `own_transaction`); if the database refuses, the
    application log still has the line."""
    try:
        with own_transaction(session, patient=patient) as own:
            log_event(own, login=login, event=event, detail=detail, by=by)
    except Exception as error:  # noqa: BLE001 - a log line must never turn a refusal into a crash
        log.warning("access log not written (%s): %s %s %s", type(error).__name__, login, event, detail)


def list_access_events(session: Session, *, limit: int = 200, login: str | None = None) -> list[AccessEvent]:
    """The newest events first; `login` (any case): that person's only."""
    query = select(AccessEvent)
    if login:
        query = query.where(func.lower(AccessEvent.login) == login.strip().lower())
    return list(session.exec(query.order_by(AccessEvent.at.desc(), AccessEvent.id.desc()).limit(limit)))

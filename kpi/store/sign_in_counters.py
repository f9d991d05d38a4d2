"""The sign-in counts: one row per login tried lately, its attempts in a row and the lock they set.

The statements only; the rule (how many attempts, how long a lock, what a login's key is) is
`kpi.access.throttle`, which explains why the count is taken in one statement before the password is checked.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from ..models import SignInCounter

_TABLE = SignInCounter.__table__


def count_attempt(session: Session, *, key: str, moment: datetime, max_failures: int,
                  lock_seconds: int) -> int | None:
    """Count one attempt on `key` in the session's transaction (the caller commits at once): its number in
    the row (1 = the first), or None when the login is locked (until `lock_seconds` after the attempt that
    made it `max_failures` in a row).

    One `INSERT … ON CONFLICT DO UPDATE … WHERE not locked … RETURNING`, atomic on PostgreSQL and SQLite
    alike. It writes first, so on SQLite it takes the write lock before it reads anything (no stale
    snapshot to upgrade), and on PostgreSQL the row lock orders concurrent attempts."""
    lock_end = moment + timedelta(seconds=lock_seconds)
    when = _TABLE.c.locked_until.type  # UTC-aware on both databases, as the columns are
    # A count is fresh when its latest attempt is older than the lock time, or the lock it set is over
    # (the WHERE below lets an update through only when the login is not locked now).
    fresh = sa.or_(_TABLE.c.attempt_at <= moment - timedelta(seconds=lock_seconds),
                   _TABLE.c.locked_until.is_not(None))
    number = sa.case((fresh, 1), else_=_TABLE.c.attempts + 1)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(_TABLE).values(
        login=key, attempts=1, attempt_at=moment,
        locked_until=lock_end if max_failures <= 1 else None,
    ).on_conflict_do_update(
        index_elements=[_TABLE.c.login],
        set_={"attempts": number, "attempt_at": moment,
              "locked_until": sa.case((number >= max_failures, sa.literal(lock_end, when)), else_=None)},
        where=sa.or_(_TABLE.c.locked_until.is_(None), _TABLE.c.locked_until <= moment),
    ).returning(_TABLE.c.attempts)
    return session.execute(statement).scalar()


def delete_count(session: Session, *, key: str) -> None:
    """The count and any lock on `key` gone, in the caller's transaction."""
    session.execute(sa.delete(_TABLE).where(_TABLE.c.login == key))


def delete_forgotten_counts(session: Session, *, moment: datetime, lock_seconds: int) -> None:
    """Delete the counts whose latest attempt is `lock_seconds` old and that hold no lock now, in the
    caller's transaction."""
    session.execute(sa.delete(_TABLE).where(
        _TABLE.c.attempt_at <= moment - timedelta(seconds=lock_seconds),
        sa.or_(_TABLE.c.locked_until.is_(None), _TABLE.c.locked_until <= moment)))

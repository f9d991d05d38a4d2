"""The password lockout: at most MAX_FAILURES password checks in a row per login, then LOCK_SECONDS of none.

An attempt is counted *before* its password is checked, in one statement that cannot lose an update
(`INSERT … ON CONFLICT DO UPDATE … WHERE not locked … RETURNING`, atomic on PostgreSQL and SQLite alike),
committed on its own before the slow argon2 check. So twenty attempts arriving at once get attempt numbers
1…20; numbers 1…MAX_FAILURES may check their password, the MAX_FAILURES-th also locks the login, and the
rest are refused unchecked. A right password forgets the count (and the lock it may have set).

The count is kept per login as typed (stripped, lower-case), whether or not a person has it: an unknown
name is counted, locked and answered exactly like a known one, so the answers do not tell which exist.

A count is forgotten LOCK_SECONDS after its latest attempt (the row is deleted at the next attempt by
anyone, or reused as a fresh count). That keeps the table to the logins tried in the last minute or so,
however many names are sprayed, and costs nothing in guesses: waiting out a lock already gives
MAX_FAILURES tries per LOCK_SECONDS, and spacing attempts a minute apart gives fewer.

The rule is here; its statements are `kpi.store.sign_in_counters`.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from ..store import sign_in_counters

MAX_FAILURES = 5                      # password checks in a row (without a right one) before the login waits
LOCK_SECONDS = 60                     # how long it waits; also how long a count is remembered
_LOGIN_LENGTH = 120


def counter_key(login: str | None) -> str:
    """The login the count belongs to: how it was typed, stripped and lower-case (as logins are stored)."""
    return (login or "").strip().lower()[:_LOGIN_LENGTH]


def reserve(session: Session, login: str | None, moment: datetime) -> int | None:
    """Count one attempt on `login` in the session's transaction (the caller commits at once): its number
    in the row (1 = the first), or None when the login is locked and the attempt may not check a password
    (`sign_in_counters.count_attempt`, one atomic statement)."""
    return sign_in_counters.count_attempt(session, key=counter_key(login), moment=moment,
                                          max_failures=MAX_FAILURES, lock_seconds=LOCK_SECONDS)


def forget(session: Session, login: str | None) -> None:
    """A right password (or an admin's reset): the count and any lock on the login go, in the caller's
    transaction."""
    sign_in_counters.delete_count(session, key=counter_key(login))


def sweep(session: Session, moment: datetime) -> None:
    """Delete the counts nobody remembers any more (see the module text), in the caller's transaction."""
    sign_in_counters.delete_forgotten_counts(session, moment=moment, lock_seconds=LOCK_SECONDS)

"""A transaction of its own beside the caller's: for what must be kept even when the caller rolls back
(a refusal in the access log, a failed sign-in and its count)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session


@contextmanager
def own_transaction(session: Session, *, patient: bool = False) -> Iterator[Session]:
    """A session on the same database whose commit does not wait for the caller's.

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

"""The data revision: one counter row (`data_revision`, id 1) raised by every write to the KPI data.

The pages' cache key (`housekeeping.data_version`) reads it by primary key, so the key costs the same
at five million measurements as at five. `bump_revision` runs in the caller's transaction: the new
number becomes visible exactly when the write it stands for commits, and vanishes with it on a
rollback.

The listeners at the end bump automatically, once per transaction and just before it commits, for every
write made through a Session (ORM objects flushed, or insert/update/delete statements run by `session.exec`
/ `session.execute`). Call `bump_revision` yourself only for writes that
bypass the Session (`session.connection().execute`, raw DBAPI, COPY). Calling it when the automatic
bump would happen anyway is harmless: it bumps at most once per transaction.

On PostgreSQL the bump holds the row's lock until commit, so every writing transaction queues behind
another's bump: bump late (the automatic bump does it at commit), never at the start of a long import.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import DataRevision, utc_now

_TABLE = DataRevision.__table__
REVISION_ID = 1

# Tables whose writes change no figure on any page: sign-ins and people, the counter itself, and the
# year cells (`kpi.store.cells`): sums derived from `measurement`, rebuilt with the writes that change
# it (which count), so rebuilding them alone, e.g. after a write that bypassed the app, changes nothing.
UNCOUNTED_TABLES = frozenset({"data_revision", "access_event", "person", "sign_in_counter",
                              "measurement_year_cell", "measurement_cell_stamp"})

# session.info keys: "a counted write happened in this transaction" and "already bumped in it".
PENDING = "kpi_revision_pending"
BUMPED = "kpi_revision_bumped"


def bump_revision(session: Session, *, above: int = 0) -> int:
    """Raise the revision by one in the session's transaction (inserting the row if it is missing),
    to at least `above + 1`. Returns the new revision.

    `above`: after a restore, the revision before it, so the restored database never shows a number
    the pages have already cached under.
    """
    now = utc_now()
    raised = sa.case((_TABLE.c.revision > above, _TABLE.c.revision), else_=above) + 1
    result = session.execute(
        _TABLE.update().where(_TABLE.c.id == REVISION_ID).values(revision=raised, changed_at=now)
        .returning(_TABLE.c.revision))
    revision = result.scalar()
    if revision is None:
        revision = above + 1
        session.execute(_TABLE.insert().values(id=REVISION_ID, revision=revision, changed_at=now))
    session.info[BUMPED] = True
    session.info.pop(PENDING, None)
    return int(revision)


def current_revision(session: Session) -> int:
    """The revision number now (0 when the row is missing)."""
    value = session.execute(sa.select(_TABLE.c.revision).where(_TABLE.c.id == REVISION_ID)).scalar()
    return int(value or 0)


# --- every write through a Session raises the revision, so no page cache can go stale --------------------
#
# Pages key their caches on `store.data_version`, which reads the counter row instead of scanning
# million-row tables. These listeners (on every Session, registered once when `kpi.store` is imported,
# which every code that writes does; here, not in `kpi.db`, so the engine's module imports no store) make
# sure nobody can forget to raise it: a flush that adds, changes or deletes a counted object, or an
# insert/update/delete statement run through the session on a counted table, marks the transaction;
# just before the outermost commit the counter is raised once, in the same transaction. Late on
# purpose: on PostgreSQL the counter row stays locked until commit, so an early bump would make every
# other writer wait for the whole transaction. Writes to people and the access log are not counted: a
# sign-in must not empty every page cache. Writes on a bare connection (session.connection().execute)
# are not seen: call `bump_revision` for those.

def _counted_object(obj) -> bool:
    table = getattr(type(obj), "__tablename__", None)
    return table not in UNCOUNTED_TABLES


@sa.event.listens_for(Session, "before_flush")
def _note_flushed_write(session, _flush_context, _instances) -> None:
    if session.info.get(BUMPED) or session.info.get(PENDING):
        return
    if (any(_counted_object(obj) for obj in session.new)
            or any(_counted_object(obj) for obj in session.deleted)
            or any(_counted_object(obj) and session.is_modified(obj, include_collections=False)
                   for obj in session.dirty)):
        session.info[PENDING] = True


@sa.event.listens_for(Session, "do_orm_execute")
def _note_statement_write(state) -> None:
    session, statement = state.session, state.statement
    if session.info.get(BUMPED) or session.info.get(PENDING):
        return
    if getattr(statement, "is_dml", False):
        table = getattr(getattr(statement, "table", None), "name", None)
        if table not in UNCOUNTED_TABLES:
            session.info[PENDING] = True
    elif getattr(statement, "is_text", False):  # text("UPDATE ..."): counted unless on an uncounted table
        words = str(statement).lstrip().lower().replace('"', " ").split()
        if words and words[0] in ("insert", "update", "delete", "replace", "merge", "truncate"):
            named = next((w for w in words[1:4] if w not in ("into", "from", "or", "only", "table", "ignore")), "")
            if named not in UNCOUNTED_TABLES:
                session.info[PENDING] = True


@sa.event.listens_for(Session, "before_commit")
def _bump_before_commit(session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outermost commit bumps
        return
    # Flush first (commit would, right after this): objects added but never flushed are noticed only
    # now, and no write may follow the bump and wait while it holds the counter's lock.
    session.flush()
    if session.info.get(PENDING) and not session.info.get(BUMPED):
        bump_revision(session)


@sa.event.listens_for(Session, "after_transaction_end")
def _forget_revision_marks(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction committed or rolled back
        session.info.pop(PENDING, None)
        session.info.pop(BUMPED, None)


@sa.event.listens_for(Session, "after_soft_rollback")
def _savepoint_rolled_back(session, previous_transaction) -> None:
    if previous_transaction.nested and session.info.pop(BUMPED, None):
        session.info[PENDING] = True  # the bump went with the savepoint: bump again at commit (to be safe)

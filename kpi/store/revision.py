"""The data revision: one counter row (`data_revision`, id 1) raised by every write to the KPI data.

The pages' cache key (`housekeeping.data_version`) reads it by primary key, so the key costs the same
at five million measurements as at five. `bump_revision` runs in the caller's transaction: the new
number becomes visible exactly when the write it stands for commits, and vanishes with it on a
rollback.

`kpi.db` bumps automatically, once per transaction and just before it commits, for every write made
through a Session (ORM objects flushed, or insert/update/delete statements run by `session.exec` /
`session.execute`); see `kpi.db._note_orm_write`. Call `bump_revision` yourself only for writes that
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


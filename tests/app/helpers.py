"""What several page tests share: a session of their own on the app's database."""
import os
from contextlib import contextmanager

from kpi import db


@contextmanager
def other_session():
    """A session of its own on the app's database: a second user, or a look at what was written."""
    engine = db.make_engine(os.environ["KPI_DATABASE_URL"])
    try:
        with db.session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()

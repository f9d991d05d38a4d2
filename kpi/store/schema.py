"""The database brought to the newest schema: the app on start-up, `python -m kpi db upgrade` and a restore.

Alembic's migrations first (`kpi.db.migrate`), then what they cannot do: the year cells (`kpi.store.cells`)
filled when they do not account for the values stored, as after a migration that adds or changes them.
"""
from __future__ import annotations

from .. import db
from .cells import cells_are_current, rebuild


def upgrade(url: str) -> None:
    """Migrate `url` to the newest schema, then rebuild the year cells if they lag behind the values."""
    db.migrate(url)
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as session:
            if not cells_are_current(session):
                rebuild(session)
    finally:
        engine.dispose()

"""The app's own figures: the scorecard as `build_scorecard` makes it, the database's floor (the one
aggregate query over the values that answers what the scorecard needs), the read of the year cells the
scorecard actually runs, and the pages in Streamlit's AppTest.

Each build runs in a new session, as each page run does; "cold" means Streamlit's caches emptied
(`st.cache_data`, `st.cache_resource`: the engine is started again, the data read again), "warm" the same
page run again with nothing changed (what a click costs).
"""
from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path

from kpi import db
from kpi.features import scorecard
from kpi.domain.periods import Period

from .timing import Timed, timed

ROOT = Path(__file__).resolve().parent.parent
PAGE_TIMEOUT = 1800  # seconds an AppTest run may take before it counts as hung


def time_scorecard(engine, year: int, as_of: date, repeat: int) -> Timed:
    def build():
        with db.session_scope(engine) as session:
            return scorecard.build_scorecard(session, Period.year(year), as_of=as_of)
    return timed(build, repeat)


def fetch_floor(session, statement) -> int:
    """Run the scorecard's aggregate statement and fetch every row, nothing more: the database's floor."""
    return len(session.execute(statement).all())


def time_floor(engine, year: int, repeat: int, *, from_values: bool = True) -> Timed:
    """The database alone, on the statement `kpi.features.scorecard.scorecard_statement` gives (built untimed:
    reading the targets and the tree is not the database's aggregate work); returns the rows fetched.

    from_values=True: the one query that sums the stored values into what the scorecard needs, the
    database's floor for answering from the values (`floor_s`). False: the query the scorecard really
    runs for a year, a read of the year cells kept at write time (`cells_read_s`)."""
    period = Period.year(year)
    made = {}

    def build() -> None:
        with db.session_scope(engine) as session:
            made["statement"] = scorecard.scorecard_statement(session, period, from_values=from_values)

    def fetch():
        with db.session_scope(engine) as session:
            return fetch_floor(session, made["statement"])
    return timed(fetch, repeat, before=build)


def _app_environment(url: str) -> None:
    os.environ.update(KPI_DATABASE_URL=url, KPI_DEMO_DATA="false", KPI_AUTH_MODE="local", KPI_DEFAULT_LANGUAGE="fi")


def _run(at) -> None:
    at.run()
    if at.exception:
        raise RuntimeError(f"the page failed: {at.exception[0].message}")


def time_pages(url: str, year: int, repeat: int, drilldown: dict[str, str]) -> dict[str, Timed]:
    """page_cold, page_warm (the scorecard, the default page, ?period=year) and drilldown_warm."""
    _app_environment(url)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    # AppTest runs without a server: Streamlit warns about that at every cache clear. Errors still show.
    logging.disable(logging.WARNING)

    def fresh():
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=PAGE_TIMEOUT)
        at.query_params["period"] = str(year)
        return at

    current = {}
    try:
        cold = timed(lambda: _run(current["at"]), repeat, before=lambda: current.update(at=fresh()))
        at = current["at"]
        cold.result = len(at.dataframe[0].value) if at.dataframe else 0  # the rows the page shows
        warm = timed(lambda: _run(at), repeat, warmup=0)  # the cold run was its warm-up
        at.switch_page("pages/drilldown.py")
        for key, value in drilldown.items():
            at.query_params[key] = value
        drill = timed(lambda: _run(at), repeat)  # the warm-up run fills the drill-down's caches
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
        logging.disable(logging.NOTSET)
    return {"page_cold": cold, "page_warm": warm, "drilldown_warm": drill}

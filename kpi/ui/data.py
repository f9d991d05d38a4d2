"""What pages read, cached per process and keyed by the database's data version.

Each run asks the database for `data_version` (one statement of primary-key and small-table reads,
`kpi.store.housekeeping`); when data or targets change the token changes and the next run recomputes. Because the token comes from the database, a write on
one app server also refreshes the others' caches.
"""
from __future__ import annotations

from datetime import date

import streamlit as st

from ..features import followups
from .. import store
from ..features.analysis import build_analysis
from ..domain.periods import Period, parse_period, reporting_periods
from ..features.drilldown import Drilldown, build_drilldown
from ..features.scorecard import ScorecardRow, build_scorecard
from ..settings import get_settings
from .context import data_version, session


@st.cache_data(show_spinner=False, max_entries=500)
def _scorecard(url: str, version: str, period_code: str, unit_code: str | None, lang: str,
               today: date) -> list[ScorecardRow]:
    with session() as db:
        return build_scorecard(db, parse_period(period_code), unit_code=unit_code, as_of=today, lang=lang)


def scorecard(period: Period, unit_code: str | None, lang: str) -> list[ScorecardRow]:
    return _scorecard(get_settings().database_url, data_version(), period.code, unit_code, lang, date.today())


@st.cache_data(show_spinner=False, max_entries=500)
def _drilldown(url: str, version: str, indicator: str, period_code: str, unit_code: str | None, lang: str,
               today: date) -> Drilldown:
    with session() as db:
        return build_drilldown(db, indicator, parse_period(period_code), unit_code=unit_code, as_of=today,
                               lang=lang)


def drilldown(indicator: str, period: Period, unit_code: str | None, lang: str) -> Drilldown:
    return _drilldown(get_settings().database_url, data_version(), indicator, period.code, unit_code, lang,
                      date.today())


@st.cache_data(show_spinner=False, max_entries=50)
def _periods(url: str, version: str) -> list[str]:
    with session() as db:
        return [p.code for p in reporting_periods(store.distinct_measured_periods(db))]


def periods_with_data() -> list[str]:
    """Years and quarters holding values, newest first: what the period pickers offer."""
    return _periods(get_settings().database_url, data_version())


@st.cache_data(show_spinner=False, max_entries=50)
def _tree(url: str, version: str):
    with session() as db:
        return store.load_unit_tree(db)


def unit_tree():
    return _tree(get_settings().database_url, data_version())


@st.cache_data(show_spinner=False, max_entries=50)
def _indicator_names(url: str, version: str, lang: str) -> dict[str, str]:
    with session() as db:
        return {i.code: i.name_in(lang) for i in store.list_indicators(db)}


def indicator_names(lang: str) -> dict[str, str]:
    """Indicator code -> name in the language, for pickers."""
    return _indicator_names(get_settings().database_url, data_version(), lang)


# --- Shortfall follow-ups: explanations, corrective actions, earlier decisions (kpi.features.followups) ---

@st.cache_data(show_spinner=False, max_entries=200)
def _followups(url: str, version: str, period_code: str, unit_code: str | None, lang: str, today: date):
    rows = _scorecard(url, version, period_code, unit_code, lang, today)
    with session() as db:
        return (followups.missing_explanations(db, rows),
                followups.open_actions_for_rows(db, rows, as_of=today, lang=lang))


def followups_for(period: Period, unit_code: str | None, lang: str):
    """(binding misses lacking an approved explanation, open actions on the indicators shown) for the
    scorecard of `period` and `unit_code`."""
    return _followups(get_settings().database_url, data_version(), period.code, unit_code, lang, date.today())


@st.cache_data(show_spinner=False, max_entries=500)
def _explanation(url: str, version: str, target_id: int, period_code: str):
    with session() as db:
        return followups.explanation_for(db, target_id, period_code)


def explanation(target_id: int, period_code: str) -> followups.ExplanationView | None:
    return _explanation(get_settings().database_url, data_version(), target_id, period_code)


@st.cache_data(show_spinner=False, max_entries=500)
def _indicator_actions(url: str, version: str, indicator: str, lang: str, today: date):
    with session() as db:
        return followups.actions_of(db, as_of=today, lang=lang, indicator_codes=[indicator])


def indicator_actions(indicator: str, lang: str) -> list[followups.ActionView]:
    """Every corrective action on any target of the indicator, open ones first."""
    return _indicator_actions(get_settings().database_url, data_version(), indicator, lang, date.today())


@st.cache_data(show_spinner=False, max_entries=500)
def _decisions(url: str, version: str, indicator: str):
    with session() as db:
        return followups.earlier_decisions(db, indicator)


def earlier_decisions(indicator: str) -> list[followups.DecisionView]:
    return _decisions(get_settings().database_url, data_version(), indicator)


@st.cache_data(show_spinner=False, max_entries=100)
def _reviews(url: str, version: str):
    with session() as db:
        return [(r.id, r.period, r.held_on, r.title) for r in store.list_reviews(db)]


def reviews() -> list[tuple[int, str, date, str]]:
    """(id, period, held on, title) of every review, newest first."""
    return _reviews(get_settings().database_url, data_version())


@st.cache_data(show_spinner=False, max_entries=500)
def _analysis(url: str, version: str, indicator: str, period_code: str, unit_code: str | None, lang: str,
              today: date):
    with session() as db:
        return build_analysis(db, indicator, parse_period(period_code), unit_code=unit_code, as_of=today, lang=lang)


def analysis(indicator: str, period: Period, unit_code: str | None, lang: str):
    """The automatic analysis (kpi.features.analysis.ShortfallAnalysis, or None) of one indicator and period."""
    return _analysis(get_settings().database_url, data_version(), indicator, period.code, unit_code, lang,
                     date.today())

"""What pages read, cached per process and keyed by the database's data version.

Each run asks the database for `data_version` (a few aggregate queries); when data or targets change
the token changes and the next run recomputes. Because the token comes from the database, a write on
one app server also refreshes the others' caches.
"""
from __future__ import annotations

from datetime import date

import streamlit as st

from .. import store
from ..domain.periods import Period, parse_period, reporting_periods
from ..drilldown import Drilldown, build_drilldown
from ..scorecard import ScorecardRow, build_scorecard
from ..settings import get_settings
from .context import session


def data_version() -> str:
    with session() as db:
        return store.data_version(db)


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
        return {i.code: (i.name_en if lang == "en" else i.name_fi) for i in store.list_indicators(db)}


def indicator_names(lang: str) -> dict[str, str]:
    """Indicator code -> name in the language, for pickers."""
    return _indicator_names(get_settings().database_url, data_version(), lang)

"""What the upkeep pages read (targets, data entry, catalogue, people, import, documents), and the widgets'
reads beside them: the one read path besides `kpi.ui.data`, whose data version keys these caches too.

Cached (keyed by `data.data_version()`, so a write anywhere refreshes them on the next run) where the
version covers the rows read: targets and their history, indicators, values' history, explanations'
revisions. Read fresh, each in its own session as before, where it does not or must not:

- people and the access log, and the import log: the version leaves them out on purpose (a sign-in
  must not empty every page cache), so a cache would not see their changes;
- what a form starts a write from or compares it with: the data-entry grid (its rows' versions), a
  target or explanation someone else just saved (a refused save shows it), the unit picker's grain;
- what is built once on a click: a document, an export file, an import's preview (kpi.importing).
"""
from __future__ import annotations

import streamlit as st

from .. import store
from ..access import people
from ..domain.periods import Period, parse_period
from ..domain.roles import Actor
from ..features import data_grid
from ..features import target_form as tf
from ..importing import preview
from ..reports import build_report, export
from ..settings import get_settings
from ..store.guard import AccessDenied
from . import data
from .context import session

def _key() -> tuple[str, str]:
    return get_settings().database_url, data.data_version()


# --- catalogue --------------------------------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=50)
def _indicators(url: str, version: str) -> list:
    with session() as db:
        return store.list_indicators(db)


def indicators() -> dict:
    """Every indicator with all its fields (kpi.models.Indicator), by code, in the store's order."""
    return {indicator.code: indicator for indicator in _indicators(*_key())}


# --- targets ------------------------------------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=200)
def _targets(url: str, version: str, indicator: str | None, unit: str | None, period_code: str | None,
             binding: bool | None) -> list:
    with session() as db:
        indicator_ids = {i.code: i.id for i in store.list_indicators(db)}
        unit_id = store.get_unit(db, unit).id if unit else None
        return store.list_targets(db, indicator_id=None if indicator is None else indicator_ids.get(indicator),
                                  org_unit_id=unit_id, period=parse_period(period_code) if period_code else None,
                                  binding=binding)


def targets(*, indicator: str | None, unit: str | None, period: Period | None, binding: bool | None) -> list:
    """(target, indicator, unit) rows as `store.list_targets` gives them; None: any."""
    return _targets(*_key(), indicator, unit, period.code if period else None, binding)


@st.cache_data(show_spinner=False, max_entries=200)
def _target(url: str, version: str, target_id: int):
    with session() as db:
        return tf.target_with_names(db, target_id)


def target(target_id: int):
    """(target, indicator, unit) of one target, or None."""
    return _target(*_key(), target_id)


def target_now(target_id: int):
    """The same, read fresh: what someone else has just saved."""
    with session() as db:
        return tf.target_with_names(db, target_id)


@st.cache_data(show_spinner=False, max_entries=200)
def _target_changes(url: str, version: str, target_id: int) -> list:
    with session() as db:
        return store.list_target_changes(db, target_id)


def target_changes(target_id: int) -> list:
    return _target_changes(*_key(), target_id)


# --- data entry --------------------------------------------------------------------------------------------

def usual_grain(indicator_code: str) -> str:
    with session() as db:
        return data_grid.usual_grain(db, store.get_indicator(db, indicator_code))


def grid_across_units(indicator_code: str, period: Period, unit_codes: list[str], lang: str, *, all_units: bool):
    """(indicator, rows, the periods inside `period` holding values) for the grid, read fresh."""
    with session() as db:
        indicator = store.get_indicator(db, indicator_code)
        rows = data_grid.rows_across_units(db, indicator, period, lang, all_units=all_units)
        inside = sorted({m.period for m, _c in store.measurements_in(db, indicator.id, unit_codes, period)}
                        - {period.code})
    return indicator, rows, inside


def grid_across_periods(indicator_code: str, unit_code: str, year: int, grain: str):
    """(indicator, rows) of one unit across a year's periods, read fresh."""
    with session() as db:
        indicator = store.get_indicator(db, indicator_code)
        return indicator, data_grid.rows_across_periods(db, indicator, unit_code, year, grain)


@st.cache_data(show_spinner=False, max_entries=200)
def _value_history(url: str, version: str, indicator_id: int, unit_code: str, period_code: str) -> list:
    with session() as db:
        unit_id = store.get_unit(db, unit_code).id
        return store.list_measurement_changes(db, indicator_id=indicator_id, org_unit_id=unit_id, period=period_code)


def value_history(indicator_id: int, unit_code: str, period_code: str) -> list:
    """The recorded changes of one value (kpi.models.MeasurementChange), as the store lists them."""
    return _value_history(*_key(), indicator_id, unit_code, period_code)


def export_file(kind: str, file_format: str) -> bytes:
    """Every value ("measurements") or target ("targets") as a CSV or XLSX file, built now."""
    with session() as db:
        table = export.measurement_table(db) if kind == "measurements" else export.target_table(db)
    return export.to_csv(table) if file_format == "csv" else export.to_xlsx(table)


# --- import, documents -------------------------------------------------------------------------------------

def import_preview(content, file_name: str, *, replace: bool, max_bytes: int, progress=None,
                   actor: Actor | None = None, sheet: str | None = None):
    """What an import would do (kpi.importing.preview): nothing written. `sheet` None: the first that fits."""
    return preview(session, content, file_name, replace=replace, max_bytes=max_bytes, progress=progress,
                   actor=actor, sheet=sheet)


def import_log() -> list:
    """The import log (kpi.models.ImportLog), newest first, read fresh."""
    with session() as db:
        return store.list_imports(db)


def report(kind: str, period: Period, *, unit_code: str | None, lang: str, on_step):
    """One document (kpi.reports.build_report), built now."""
    with session() as db:
        return build_report(db, kind, period, unit_code=unit_code, lang=lang, on_step=on_step)


# --- shortfalls ---------------------------------------------------------------------------------------------

def explanation_now(target_id: int, period: str):
    """The stored explanation (kpi.models.Explanation) of (target, period), read fresh, or None."""
    with session() as db:
        return store.get_explanation(db, target_id, period)


@st.cache_data(show_spinner=False, max_entries=200)
def _explanation_revisions(url: str, version: str, explanation_id: int) -> list[tuple]:
    with session() as db:
        return [(r.revision, r.changed_by, r.changed_at, r.state, r.note)
                for r in store.list_explanation_revisions(db, explanation_id)]


def explanation_revisions(explanation_id: int) -> list[tuple]:
    """(revision, who, when, state, note) of every saved revision, oldest first."""
    return _explanation_revisions(*_key(), explanation_id)


# --- people and signing in ----------------------------------------------------------------------------------

def everyone() -> list:
    """Every person who may sign in (kpi.models.Person), read fresh."""
    with session() as db:
        return people.list_people(db)


def access_log(limit: int = 500) -> list[tuple]:
    """(at, login, event, detail, by) of the newest access events, read fresh."""
    with session() as db:
        return [(e.at, e.login, e.event, e.detail, e.by) for e in people.access_log(db, limit=limit)]


def stored_actor(login: str, groups: tuple[str, ...]) -> Actor | None:
    """The person's stored role and scope, read fresh (kpi.access.people.actor_for): None when not added,
    AccessDenied (re-exported here for the sign-in) when disabled."""
    with session() as db:
        return people.actor_for(db, login, groups=groups)

"""Every change a person makes in the app: one function per user action, each in its own transaction.

Pages and their widgets write only through these (reads go through `kpi.ui.data` and
`kpi.ui.data_upkeep`), so a page never opens a session or calls `kpi.store` itself. Each function takes

- `sessions`: what opens one transaction (`kpi.ui.context.session` in the app: it maps a database that
  is away to `DatabaseUnavailable` and makes the next cached read fetch the data version afresh; in tests
  a `db.session_scope` on their engine), the same as `kpi.importing.run_import` takes;
- `actor=`: the acting person, which the store checks before writing (people's functions call it `by`).

Everything in one call commits together or not at all; the data revision the page caches key on is
raised at commit by the session listeners of `kpi.store.revision`, as for any write. Bad input raises
`kpi.errors.InputError`; a save over a row someone else changed between the version check and the write
raises `StaleWrite` (SQLAlchemy's StaleDataError, caught here so pages need not know the ORM).
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from typing import Any, Iterator

from sqlalchemy.orm.exc import StaleDataError

from . import store
from .access import people
from .domain.roles import Actor
from .features import data_grid
from .features import target_form as tf
from .importing import run_import
from .importing.apply import OpenSession
from .models import (CorrectiveAction, Explanation, Indicator, OrgUnit, Person, ReviewSession, ReviewTopic,
                     Target)


class StaleWrite(Exception):
    """The row changed under the save (someone else's write landed between its version check and commit)."""


@contextmanager
def _transaction(sessions: OpenSession) -> Iterator[Any]:
    try:
        with sessions() as db:
            yield db
    except StaleDataError as error:
        raise StaleWrite(str(error)) from error


# --- indicators and units (admins) ------------------------------------------------------------------------

def create_indicator(sessions: OpenSession, *, actor: Actor, code: str, **fields) -> Indicator:
    with _transaction(sessions) as db:
        return store.create_indicator(db, code=code, actor=actor, **fields)


def update_indicator(sessions: OpenSession, *, actor: Actor, code: str, **fields) -> Indicator:
    with _transaction(sessions) as db:
        return store.update_indicator(db, code=code, actor=actor, **fields)


def create_unit(sessions: OpenSession, *, actor: Actor, code: str, name_fi: str, name_en: str,
                parent_code: str | None, sort_order: int | None) -> OrgUnit:
    """A new unit; with no sort order, after the units already under the same parent (read in the same
    transaction, so two units added at once still get an order each)."""
    with _transaction(sessions) as db:
        if sort_order is None:
            tree = store.load_unit_tree(db)
            siblings = tree.roots if parent_code is None else tree.children_of.get(parent_code, [])
            sort_order = max((tree.units[sibling].sort_order for sibling in siblings), default=0) + 1
        return store.create_org_unit(db, code=code, name_fi=name_fi, name_en=name_en, parent_code=parent_code,
                                     sort_order=int(sort_order), actor=actor)


def update_unit(sessions: OpenSession, *, actor: Actor, code: str, name_fi: str, name_en: str,
                parent_code: str | None, sort_order: int | None) -> OrgUnit:
    with _transaction(sessions) as db:
        return store.update_org_unit(db, code=code, name_fi=name_fi, name_en=name_en, parent_code=parent_code,
                                     sort_order=sort_order, actor=actor)


# --- targets (HR) ------------------------------------------------------------------------------------------

def create_target(sessions: OpenSession, *, actor: Actor, typed: dict[str, Any]):
    """A target from the new-target form's values: (the target, (target, indicator, unit)) as listed."""
    with _transaction(sessions) as db:
        created = tf.create_from_form(db, typed, actor)
        return created, tf.target_with_names(db, created.id)


def change_target(sessions: OpenSession, *, actor: Actor, target_id: int, expected_version: int,
                  loaded: dict[str, Any], typed: dict[str, Any], reason: str) -> Target | None:
    """Save what changed since the form was loaded; None when nothing did."""
    with _transaction(sessions) as db:
        return tf.save_changes(db, target_id=target_id, expected_version=expected_version, loaded=loaded,
                               typed=typed, reason=reason, actor=actor)


def retire_target(sessions: OpenSession, *, actor: Actor, target_id: int, expected_version: int, from_period: str,
                  reason: str) -> Target:
    with _transaction(sessions) as db:
        return tf.retire_from_form(db, target_id=target_id, expected_version=expected_version,
                                   from_period=from_period, reason=reason, actor=actor)


# --- values (HR) -------------------------------------------------------------------------------------------

def save_grid(sessions: OpenSession, *, actor: Actor, indicator_code: str, edits: list, reason: str):
    """Every edited row of the data-entry grid, or (data_grid.GridSaveRefused) none: the counts written."""
    with _transaction(sessions) as db:
        return data_grid.save_edits(db, store.get_indicator(db, indicator_code), edits, actor=actor, reason=reason)


def import_file(sessions: OpenSession, content, file_name: str, *, actor: Actor, replace: bool, max_bytes: int,
                expected: dict[str, int] | None, progress=None, sheet: str | None = None):
    """The import's confirm: the file written all or nothing (kpi.importing runs its own sessions)."""
    return run_import(sessions, content, file_name, actor=actor, replace=replace, max_bytes=max_bytes,
                      expected=expected, progress=progress, sheet=sheet)


# --- shortfalls: explanations and corrective actions ---------------------------------------------------------

def save_explanation(sessions: OpenSession, *, actor: Actor, target_id: int, period: str, body: str,
                     expected_version: int | None, note: str = "") -> Explanation:
    with _transaction(sessions) as db:
        return store.save_explanation(db, target_id=target_id, period=period, body=body, actor=actor,
                                      expected_version=expected_version, note=note)


def approve_explanation(sessions: OpenSession, *, actor: Actor, explanation_id: int, expected_version: int,
                        note: str = "") -> Explanation:
    with _transaction(sessions) as db:
        return store.approve_explanation(db, explanation_id=explanation_id, expected_version=expected_version,
                                         actor=actor, note=note)


def add_action(sessions: OpenSession, *, actor: Actor, target_id: int, period: str, title: str, owner: str,
               due_on: date | None, review_id: int | None = None, note: str = "") -> CorrectiveAction:
    with _transaction(sessions) as db:
        return store.create_action(db, target_id=target_id, period=period, title=title, owner=owner, due_on=due_on,
                                   actor=actor, review_id=review_id, note=note)


def update_action(sessions: OpenSession, *, actor: Actor, action_id: int, expected_version: int, note: str,
                  **changes) -> CorrectiveAction:
    with _transaction(sessions) as db:
        return store.update_action(db, action_id=action_id, expected_version=expected_version, actor=actor,
                                   note=note, **changes)


# --- reviews -------------------------------------------------------------------------------------------------

def create_review(sessions: OpenSession, *, actor: Actor, period: str, held_on, title: str = "",
                  attendees: str = "", notes: str = "") -> ReviewSession:
    with _transaction(sessions) as db:
        return store.create_review(db, period=period, held_on=held_on, title=title, attendees=attendees,
                                   notes=notes, actor=actor)


def record_decision(sessions: OpenSession, *, actor: Actor, review_id: int, target_id: int, period: str,
                    decision: str) -> ReviewTopic:
    with _transaction(sessions) as db:
        return store.record_decision(db, review_id=review_id, target_id=target_id, period=period,
                                     decision=decision, actor=actor)


# --- people (admins) and signing in -------------------------------------------------------------------------

def add_person(sessions: OpenSession, *, actor: Actor, login: str, name: str, role: str, scope_unit: str | None,
               password: str | None) -> Person:
    with _transaction(sessions) as db:
        return people.add_person(db, login=login, name=name, role=role, scope_unit=scope_unit, password=password,
                                 by=actor)


def set_role(sessions: OpenSession, *, actor: Actor, login: str, role: str, scope_unit: str | None) -> Person:
    with _transaction(sessions) as db:
        return people.set_role(db, login=login, role=role, scope_unit=scope_unit, by=actor)


def set_enabled(sessions: OpenSession, *, actor: Actor, login: str, enabled: bool) -> Person:
    with _transaction(sessions) as db:
        return (people.enable_person if enabled else people.disable_person)(db, login=login, by=actor)


def sign_in(sessions: OpenSession, *, login: str, password: str) -> Actor:
    """A password sign-in (counts failures, logs it): the only action with nobody acting yet."""
    with _transaction(sessions) as db:
        return people.authenticate(db, login, password)


def log_access(sessions: OpenSession, *, login: str, event: str, detail: str = "") -> None:
    """One line in the access log about `login` (a sign-in seen, a refusal)."""
    with _transaction(sessions) as db:
        people.log_event(db, login=login, event=event, detail=detail)

"""The check every write path makes before it writes: is this person allowed, for this unit?

The store calls `require` itself, so a hidden button, a page opened by URL or a crafted request cannot
write: whatever calls the store must hand over who is acting.

`actor` is an `Actor` or a plain `str`. A string is a trusted in-process caller (`kpi.domain.roles.trusted`):
only Python code passes strings (the demo loader, data migrations, tests). The UI and the command line always
pass an `Actor` resolved from the sign-in (`kpi.access.people.authenticate` / `actor_for`), never a string
taken from a request.
"""
from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session

from ..domain.roles import Actor, Role, trusted
from ..errors import InputError
from ..i18n import t
from .access_log import log_event_separately

log = logging.getLogger("kpi.access")


class _Any:
    def __repr__(self) -> str:
        return "ANY"


ANY: Any = _Any()  # `require(..., unit_id=ANY)`: the role alone decides, no unit is involved

ACCESS_KEYS = ("not_allowed", "outside_scope", "unknown_person", "disabled", "bad_password", "throttled",
               "sign_in_busy")


class AccessDenied(InputError):
    """Refused: the person may not do this (`not_allowed`), not for this unit (`outside_scope`), or the
    sign-in failed (`bad_password`, `throttled`, `disabled`, `sign_in_busy`: see `people.authenticate`), or
    an admin named nobody (`unknown_person`). Nothing was written.
    An InputError, so every form that shows input errors shows this too."""

    def __init__(self, key: str, value: Any = "", **params: Any):
        super().__init__("access", value, key, **params)

    def inline(self, lang: str) -> str:  # the reason alone: "access “x”: …" would read oddly
        return t(f"errors.{self.key}", lang, **self.params)


def as_actor(actor: Actor | str) -> Actor:
    """The acting person. A string is a trusted in-process caller (see the module text)."""
    if isinstance(actor, Actor):
        return actor
    if isinstance(actor, str):
        return trusted(actor)
    raise TypeError(f"actor must be an Actor or a str, not {type(actor).__name__}")


def require(session: Session, actor: Actor | str, *, role: Role = Role.EDITOR, unit_id: int | None | Any = ANY,
            action: str = "") -> Actor:
    """The Actor, when it has at least `role` and (unless `unit_id` is ANY) may edit that unit (None: the
    whole organisation). Otherwise AccessDenied, after logging the refusal in the access log (in a
    transaction of its own, so the caller's rollback keeps it)."""
    person = as_actor(actor)
    key = None
    if not person.at_least(role):
        key = "not_allowed"
    elif unit_id is not ANY and not person.may_edit_unit(unit_id):
        key = "outside_scope"
    if key is None:
        return person
    detail = f"{action or 'write'}: needs {Role(role).value}" + ("" if unit_id is ANY else f", unit {unit_id}")
    record_refusal(session, person.login, key, detail)
    raise AccessDenied(key, person.login)


def record_refusal(session: Session, login: str, key: str, detail: str) -> None:
    """A refusal in the access log, committed on its own; if the database will not take it (an SQLite
    writer holds the lock), the application log still has it."""
    log.info("access refused: %s %s (%s)", login, key, detail)  # warning only if the database refuses the line
    log_event_separately(session, login=login, event=f"refused:{key}", detail=detail)

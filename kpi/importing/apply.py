"""Previewing and applying an import: all or nothing, and every attempt logged.

`preview` reads and checks a file and writes nothing. `run_import` checks the file again inside the
session that writes it (the data may have changed since the preview) and writes every row or none:
any error, or a failure part-way, rolls the whole session back, and the refusal is then logged in a
session of its own. Callers pass `open_session`, a function returning a session scope: the command
line passes `db.session_scope(engine)`, a page `kpi.ui.context.session`.

The rows are written by `bulk.write_rows` (see there why not by store.save_measurement).
"""
from __future__ import annotations

import hashlib
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from .. import store
from ..access.guard import as_actor, record_refusal, require
from ..access.roles import Actor
from ..errors import InputError
from .bulk import write_rows
from .plan import CHANGE, Plan, PlannedRow, Progress, plan_import
from .problems import Problem, display
from .reader import read_table

OpenSession = Callable[[], AbstractContextManager[Session]]
CHUNK = 2000
SAMPLE_SIZE = 10


@dataclass
class SampleRow:
    """A row understood, in plain values (safe to keep after the session has closed)."""
    row: int
    indicator: str
    org_unit: str
    period: str
    value: float | None
    decimals: int
    action: str
    old_value: float | None


@dataclass
class Outcome:
    status: str                  # "preview", "applied" or "refused"
    file_name: str
    checksum: str
    replace: bool
    counts: dict[str, int]
    problems: list[Problem]
    ignored_columns: list[str] = field(default_factory=list)
    sample: list[SampleRow] = field(default_factory=list)
    import_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def to_write(self) -> int:
        return self.counts["new"] + self.counts["changed"]


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _outcome(status: str, plan: Plan, digest: str, import_id: int | None = None) -> Outcome:
    return Outcome(status, plan.file_name, digest, plan.replace, plan.counts, list(plan.problems),
                   list(plan.ignored_columns), _sample(plan.rows), import_id)


def _sample(rows: list[PlannedRow]) -> list[SampleRow]:
    """The first rows of the file, with the first rows that change a stored value among them."""
    changing = [row for row in rows if row.action == CHANGE][:SAMPLE_SIZE // 2]
    chosen = {row.number for row in changing}
    picked = changing + [row for row in rows[:SAMPLE_SIZE] if row.number not in chosen][:SAMPLE_SIZE - len(changing)]
    picked.sort(key=lambda row: row.number)
    return [SampleRow(row.number, row.indicator.code, row.unit.code, row.period.code, row.value,
                      row.indicator.decimals, row.action, row.existing.value if row.existing is not None else None)
            for row in picked]


def preview(open_session: OpenSession, data: bytes, file_name: str, *, replace: bool, max_bytes: int | None,
            progress: Progress | None = None, actor: Actor | str | None = None) -> Outcome:
    """What an import would do: counts, every error, a few rows. Writes nothing. With `actor`, the units
    outside the person's scope are shown as problems already (run_import refuses them)."""
    table = read_table(data, file_name, max_bytes=max_bytes)
    with open_session() as session:
        plan = plan_import(session, table, replace=replace, progress=progress)
        if actor is not None:
            person = as_actor(actor)
            plan.problems.extend(_scope_problems(person, plan))
        return _outcome("preview", plan, checksum(data))


class _Refused(Exception):
    pass


def run_import(open_session: OpenSession, data: bytes, file_name: str, *, actor: Actor | str, replace: bool,
               max_bytes: int | None, expected: dict[str, int] | None = None,
               progress: Progress | None = None) -> Outcome:
    """Check and write the file in one session; on any error write nothing and log the refusal.

    `expected` is the preview's counts: if the stored data changed since, the import is refused so
    that nobody applies something other than what they saw.

    Access: a person who may not write (a viewer) gets AccessDenied and nothing is read or logged as an
    import; an editor limited to part of the unit tree gets the whole file refused, one problem per
    unit of the file outside their scope."""
    digest = checksum(data)
    table = read_table(data, file_name, max_bytes=max_bytes)
    plan: Plan | None = None
    try:
        with open_session() as session:
            person = require(session, actor, action=f"import {file_name}")
            actor = str(person)
            plan = plan_import(session, table, replace=replace, progress=progress)
            _check_scope(session, person, plan)
            if plan.ok and expected is not None and plan.counts != expected:
                plan.problems.append(Problem(None, None, None, "", "import.problems.changed_since_preview"))
            if not plan.ok:
                raise _Refused()
            entry = store.log_import(session, file_name=file_name, checksum=digest, actor=actor, status="applied",
                                     replace=replace, counts=plan.counts)
            write_rows(session, plan, import_id=entry.id, actor=actor, source=file_name, progress=progress)
            outcome = _outcome("applied", plan, digest, entry.id)
        return outcome
    except _Refused:
        pass
    except (InputError, IntegrityError, StaleDataError) as error:
        if plan is None:
            raise
        _note_failure(plan, error)
    with open_session() as session:
        entry = store.log_import(session, file_name=file_name, checksum=digest, actor=actor, status="refused",
                                 replace=replace, counts=plan.counts)
        return Outcome("refused", plan.file_name, digest, replace, plan.counts, list(plan.problems),
                       list(plan.ignored_columns), [], entry.id)


def _check_scope(session: Session, person: Actor, plan: Plan) -> None:
    """One problem per unit of the file the person may not edit (the whole file is then refused)."""
    problems = _scope_problems(person, plan)
    plan.problems.extend(problems)
    if problems:
        record_refusal(session, person.login, "outside_scope",
                       f"import {plan.file_name}: units {', '.join(p.value for p in problems)}")


def _scope_problems(person: Actor, plan: Plan) -> list[Problem]:
    outside = sorted({row.unit.code for row in plan.rows if not person.may_edit_unit(row.unit.id)})
    return [Problem(None, "org_unit", None, code, "import.problems.outside_scope", {"value": code}) for code in outside]


def _note_failure(plan: Plan, error: Exception) -> None:
    if isinstance(error, InputError):  # a store rule refused a row after all: say which
        plan.problems.append(Problem(None, error.field, None, display(error.value), f"errors.{error.key}",
                                     {"value": display(error.value), **error.params}))
    else:  # a unique key or a row version: someone saved the same values meanwhile
        plan.problems.append(Problem(None, None, None, "", "import.problems.conflict"))

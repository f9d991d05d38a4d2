"""Previewing and applying an import: all or nothing, and every attempt logged.

`preview` reads and checks a file and writes nothing. `run_import` checks the file again inside the
session that writes it (the data may have changed since the preview) and writes every row or none:
any error, or a failure part-way, rolls the whole session back, and the refusal is then logged in a
session of its own. Callers pass `open_session`, a function returning a session scope: the command
line passes `db.session_scope(engine)`, a page `kpi.ui.context.session`.

The file is given as its bytes or as a path (`pathlib.Path`, or `run_import_file`): either way it is
read a chunk of rows at a time (stream.StreamCheck), and `run_import` writes each chunk as soon as it is
checked (bulk.writer_for), in the one transaction, while nothing wrong has been found; at the first
problem it rolls back what it wrote (on SQLite that also frees the database for others at once) and
goes on checking only, so that the refusal lists every problem and the counts cover the whole file.
"""
from __future__ import annotations

import gc
import os
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from .. import store
from ..domain.roles import Actor
from ..errors import InputError
from ..store.guard import as_actor, record_refusal, require
from ..store.imports import record_import_counts
from .bulk import finish_writes, note_cells, writer_for
from .plan import Plan, Progress, SampleRow
from .problems import Problem, display
from .reader import Source, open_table
from .stream import StreamCheck

OpenSession = Callable[[], AbstractContextManager[Session]]
FileData = bytes | os.PathLike
_NO_COUNTS = {"total": 0, "new": 0, "changed": 0, "unchanged": 0, "error": 0}


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


def checksum(data: FileData) -> str:
    """SHA-256 of the file (its bytes, or read a block at a time from a path)."""
    return Source.of(data).checksum()


def _outcome(status: str, plan: Plan, digest: str, import_id: int | None = None) -> Outcome:
    return Outcome(status, plan.file_name, digest, plan.replace, plan.counts, list(plan.problems),
                   list(plan.ignored_columns), plan.sample_rows(), import_id)


@contextmanager
def _collect_young_only():
    """While a file is read and written: leave the objects that existed before out of the garbage
    collector's full passes (gc.freeze), which otherwise walk the whole process over and over as the
    import's own objects come and go (a sixth of a million-row import's time); put back afterwards."""
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


def preview(open_session: OpenSession, data: FileData, file_name: str, *, replace: bool, max_bytes: int | None,
            progress: Progress | None = None, actor: Actor | str | None = None,
            sheet: str | int | None = None) -> Outcome:
    """What an import would do: counts, every error, a few rows. Writes nothing. With `actor`, the units
    outside the person's scope are shown as problems already (run_import refuses them). `sheet`: a
    workbook's sheet by name or number (None: the first that has the header)."""
    source = Source.of(data)
    stream = open_table(source, file_name, max_bytes=max_bytes, sheet=sheet)
    with _collect_young_only(), open_session() as session:
        person = as_actor(actor) if actor is not None else None
        check = StreamCheck(session, stream, replace=replace,
                            may_edit_unit=person.may_edit_unit if person is not None else None)
        for _part in check.parts(progress=progress):
            pass
        plan = check.plan
        if person is not None:
            plan.problems.extend(check.scope_problems())
        return _outcome("preview", plan, source.checksum())


class _Refused(Exception):
    pass


def run_import(open_session: OpenSession, data: FileData, file_name: str, *, actor: Actor | str, replace: bool = False,
               max_bytes: int | None = None, expected: dict[str, int] | None = None,
               progress: Progress | None = None, sheet: str | int | None = None) -> Outcome:
    """Check and write the file in one session; on any error write nothing and log the refusal.

    `data`: the file's bytes, or a path (`pathlib.Path`) to read it from without holding it in memory.

    `expected` is the preview's counts: if the stored data changed since, the import is refused so
    that nobody applies something other than what they saw.

    Access: a person who may not write (a viewer) gets AccessDenied and nothing is read or logged as an
    import; an editor limited to part of the unit tree gets the whole file refused, one problem per
    unit of the file outside their scope."""
    source = Source.of(data)
    digest = source.checksum()
    stream = open_table(source, file_name, max_bytes=max_bytes, sheet=sheet)
    plan: Plan | None = None
    try:
        with _collect_young_only(), open_session() as session:
            person = require(session, actor, action=f"import {file_name}")
            actor = str(person)
            check = StreamCheck(session, stream, replace=replace, may_edit_unit=person.may_edit_unit)
            plan = check.plan
            entry, failure = _check_and_write(session, check, file_name, digest, actor, replace, progress,
                                              source.size)
            scope = check.scope_problems()
            if scope:
                if entry is not None:
                    session.rollback()  # nothing stays; and on SQLite the refusal below can be logged at once
                    entry = None
                plan.problems.extend(scope)
                record_refusal(session, person.login, "outside_scope",
                               f"import {plan.file_name}: units {', '.join(p.value for p in scope)}")
            if plan.ok and expected is not None and plan.counts != expected:
                plan.problems.append(Problem(None, None, None, "", "import.problems.changed_since_preview"))
            if plan.ok and failure is not None:
                raise failure
            if not plan.ok:
                raise _Refused()
            if entry is None:
                entry = store.log_import(session, file_name=file_name, checksum=digest, actor=actor,
                                         status="applied", replace=replace, counts=_NO_COUNTS)
            record_import_counts(session, entry, plan.counts)
            finish_writes(session)
            if progress:
                progress(1.0, "writing")
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


def _check_and_write(session: Session, check: StreamCheck, file_name: str, digest: str, actor: str, replace: bool,
                     progress: Progress | None, file_size: int):
    """Check the whole file, writing each chunk while nothing wrong has been found. Returns the import log
    entry (None when nothing is left written) and the database's refusal of a write, if there was one."""
    entry = writer = failure = None
    if progress:
        progress(0.0, "checking")
    parts = check.parts()
    try:
        for part in parts:
            if failure is None and check.clean:
                if (part.new or part.changed) and writer is None:  # the log first: the history names it
                    entry = store.log_import(session, file_name=file_name, checksum=digest, actor=actor,
                                             status="applied", replace=replace, counts=_NO_COUNTS)
                    writer = writer_for(session, import_id=entry.id, actor=actor, source=file_name,
                                                file_size=file_size)
                try:
                    if part.new or part.changed:
                        note_cells(session, part)
                        writer.write(part)
                except (IntegrityError, StaleDataError) as error:  # someone wrote the same values meanwhile
                    failure = error
                    session.rollback()
                    entry = writer = None
            elif writer is not None:  # a problem: nothing may stay written, and the rest is only checked
                session.rollback()
                entry = writer = None
            if progress:
                progress(check.stream.fraction(), "writing" if writer is not None else "checking")
    finally:
        parts.close()
    return entry, failure


def run_import_file(open_session: OpenSession, path: str | os.PathLike, *, actor: Actor | str, replace: bool = False,
                    max_bytes: int | None = None, file_name: str | None = None, expected: dict[str, int] | None = None,
                    progress: Progress | None = None, sheet: str | int | None = None) -> Outcome:
    """`run_import` of a file on disk, read a block at a time (the log names it by `file_name` or its name)."""
    path = Path(path)
    return run_import(open_session, path, file_name or path.name, actor=actor, replace=replace, max_bytes=max_bytes,
                      expected=expected, progress=progress, sheet=sheet)


def _note_failure(plan: Plan, error: Exception) -> None:
    if isinstance(error, InputError):  # a store rule refused a row after all: say which
        plan.problems.append(Problem(None, error.field, None, display(error.value), f"errors.{error.key}",
                                     {"value": display(error.value), **error.params}))
    else:  # a unique key or a row version: someone saved the same values meanwhile
        plan.problems.append(Problem(None, None, None, "", "import.problems.conflict"))

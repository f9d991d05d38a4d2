"""Checking an import file a chunk of rows at a time, in bounded memory: `StreamCheck`, for `preview`
and `run_import`.

Every check the plan of a whole file makes (plan.py: `check_rows` and `classify`), with the stored values
read per chunk (only for indicator x unit pairs that had values before), keeping counts, the problems
and a few sample rows but not the rows themselves, so a file of millions of rows is checked (and
written, a chunk at a time) in bounded memory.
"""
from __future__ import annotations

from itertools import islice
from typing import Callable, Iterator

import numpy as np
from sqlmodel import Session

from .bulk import pairs_with_values, stored_values
from .checker import Catalogue, Checker, FirstRows
from .plan import SAMPLE_SIZE, Plan, Progress, SampleRow, load_catalogue, same_values, would_change
from .problems import Problem
from .reader import TableStream
from .rows import (CHANGE, COMMENT, DEN, IND, KEY, NEW, NUM, NUMBER, PAIR_SHIFT, PER, UNCHANGED, UNIT, VALUE,
                   WEIGHT, Checked, Stored)

CHUNK = 20_000          # rows checked (and written) at a time
MAX_PROBLEMS = 10_000   # problems kept for the report; rows with errors beyond them are still counted


class StreamCheck:
    """A file checked a chunk of rows at a time, in the caller's session: every check `check_rows` and
    `classify` make, with the stored values read per chunk (only for indicator x unit pairs that had
    values before). `plan` keeps the counts, the problems (file order) and the sample, not the rows.

    `may_edit_unit`: the acting person's scope; units outside it are collected in `outside`.
    `clean` stays True while nothing found so far stops the file from being written."""

    def __init__(self, session: Session, stream: TableStream, *, replace: bool,
                 may_edit_unit: Callable[[int], bool] | None = None, catalogue: Catalogue | None = None):
        self.session, self.stream, self.table = session, stream, stream.table
        self.plan = Plan(file_name=self.table.file_name, replace=replace)
        self.checker = Checker(self.table, catalogue or load_catalogue(session))
        self.seen = FirstRows()
        self.may_edit_unit = may_edit_unit
        self.outside: dict[int, str] = {}        # unit id -> code, for units outside the person's scope
        self._scope: dict[int, bool] = {}
        self._pairs: dict[int, bool] = {}        # indicator x unit -> had stored values before this import
        self._having = 0                         # how many of them did
        self._file_problems: list[Problem] = []  # about the file as a whole (no row)
        self._row_problems: list[Problem] = []
        self._last_row_kept = self._last_row_dropped = None
        self._reader_problems = 0                # how many of table.problems have been taken
        self._first: list[tuple[tuple, str, Stored | None]] = []
        self._first_changes: list[tuple[tuple, str, Stored | None]] = []
        self._sampling = True

    @property
    def clean(self) -> bool:
        return not self._file_problems and not self._row_problems and not self.plan.dropped_error_rows \
            and not self.outside

    def parts(self, size: int | None = None, progress: Progress | None = None,
              stage: str = "checking") -> Iterator[Checked]:
        """Check the file, yielding each chunk's rows to write; `plan` is complete when this ends."""
        chunks = self.stream.chunks(size or CHUNK)
        try:
            for chunk in chunks:
                if progress:
                    progress(self.stream.fraction(), stage)
                yield self._check(chunk)
            self._take_reader_problems()
        finally:
            chunks.close()
        self._finish()

    def _check(self, chunk: list[tuple[int, tuple]]) -> Checked:
        plan, columns = self.plan, self.table.columns
        plan.total += len(chunk)
        good, problems = self.checker.rows(chunk)
        good, repeated = self.seen.keep_first(good, columns)
        problems += repeated
        pairs = np.unique(self.seen.kept_keys >> PAIR_SHIFT)
        existing = self._stored(good, pairs)
        new: list[tuple] = []
        changed: list[tuple[tuple, Stored]] = []
        if not existing:
            new = good
            self._check_scope(pairs)
            self._note_sample(good, None)
        else:
            get, unchanged = existing.get, 0
            kept_pairs = set()
            for row in good:
                stored = get((row[IND].id, row[UNIT].id, row[PER].code))
                if stored is None:
                    new.append(row)
                    action = NEW
                elif same_values(row[VALUE], row[NUM], row[DEN], row[WEIGHT], row[COMMENT], stored, row[IND].decimals):
                    unchanged += 1
                    action = UNCHANGED
                elif self.plan.replace:
                    changed.append((row, stored))
                    action = CHANGE
                else:
                    problems.append(would_change(self.checker.planned(row, existing=stored), stored, columns))
                    continue
                kept_pairs.add(row[KEY] >> PAIR_SHIFT)
                if self._sampling:
                    self._note_sample((row,), stored, action)
            plan.streamed[UNCHANGED] += unchanged
            self._check_scope(np.array(sorted(kept_pairs), dtype=np.int64))
        plan.streamed[NEW] += len(new)
        plan.streamed[CHANGE] += len(changed)
        problems += self._take_reader_problems(keep=False)
        problems.sort(key=lambda p: (p.row is not None, p.row or 0))
        self._add_problems(problems)
        return Checked(new, changed)

    def _stored(self, good: list[tuple], pairs: np.ndarray) -> dict[tuple[int, int, str], Stored]:
        """The stored values the rows name, asked only for indicator x unit pairs that had values."""
        known = self._pairs
        unknown = [pair for pair in pairs.tolist() if pair not in known]
        if unknown:
            ids = [self._pair_ids(pair) for pair in unknown]
            having = pairs_with_values(self.session, ids)
            for pair, key in zip(unknown, ids):
                known[pair] = key in having
                self._having += known[pair]
        if not self._having or not any(known[pair] for pair in pairs.tolist()):
            return {}
        wanted = [(row[IND].id, row[UNIT].id, row[PER].code) for row in good if known[row[KEY] >> PAIR_SHIFT]]
        return stored_values(self.session, wanted) if wanted else {}

    def _pair_ids(self, pair: int) -> tuple[int, int]:
        indicator, unit = divmod(pair, self.checker.unit_count)
        return (self.checker.indicator_at[indicator].id, self.checker.unit_at[unit].id)

    def _check_scope(self, pairs: np.ndarray) -> None:
        """Note the units (of the rows kept, given as their indicator x unit pairs) the person may not edit."""
        if self.may_edit_unit is None or not len(pairs):
            return
        for index in np.unique(pairs % self.checker.unit_count).tolist():
            unit = self.checker.unit_at[index]
            allowed = self._scope.get(unit.id)
            if allowed is None:
                allowed = self._scope[unit.id] = self.may_edit_unit(unit.id)
            if not allowed:
                self.outside[unit.id] = unit.code

    def _take_reader_problems(self, keep: bool = True) -> list[Problem]:
        """Problems the reader found since last asked (a row with too many cells, the end of the file)."""
        found = self.table.problems[self._reader_problems:]
        self._reader_problems = len(self.table.problems)
        if keep and found:
            found.sort(key=lambda p: (p.row is not None, p.row or 0))
            self._add_problems(found)
        return found

    def _add_problems(self, problems: list[Problem]) -> None:
        """Keep the problems (rows come in file order), up to MAX_PROBLEMS rows' worth; count the rest."""
        plan = self.plan
        for problem in problems:
            if problem.row is None:
                self._file_problems.append(problem)
            elif problem.row == self._last_row_kept or len(self._row_problems) < MAX_PROBLEMS:
                self._row_problems.append(problem)
                self._last_row_kept = problem.row
            elif problem.row != self._last_row_dropped:
                plan.dropped_error_rows += 1
                self._last_row_dropped = problem.row

    def _note_sample(self, rows, stored: Stored | None, action: str = NEW) -> None:
        if len(self._first) < SAMPLE_SIZE:
            for row in islice(rows, SAMPLE_SIZE - len(self._first)):
                self._first.append((row, action, stored))
        if action == CHANGE and len(self._first_changes) < SAMPLE_SIZE // 2:
            self._first_changes.extend((row, action, stored) for row in rows)
        # Still looking while the first rows, or the first changes when there may be some, are wanted.
        self._sampling = len(self._first) < SAMPLE_SIZE or (self.plan.replace
                                                              and len(self._first_changes) < SAMPLE_SIZE // 2)

    def _finish(self) -> None:
        plan, table = self.plan, self.table
        plan.columns, plan.ignored_columns = dict(table.columns), list(table.ignored)
        plan.problems = self._file_problems + self._row_problems
        picked = {entry[0][NUMBER]: entry for entry in self._first_changes[:SAMPLE_SIZE // 2]}
        for entry in self._first:
            if len(picked) >= SAMPLE_SIZE:
                break
            picked.setdefault(entry[0][NUMBER], entry)
        plan.sample = [SampleRow(row[NUMBER], row[IND].code, row[UNIT].code, row[PER].code, row[VALUE],
                                 row[IND].decimals, action, stored.value if stored is not None else None)
                       for number, (row, action, stored) in sorted(picked.items())]

    def scope_problems(self) -> list[Problem]:
        """One problem per unit of the file (rows understood) outside the person's scope, by code."""
        return [Problem(None, "org_unit", None, code, "import.problems.outside_scope", {"value": code})
                for code in sorted(set(self.outside.values()))]

"""Checking a file's rows against the catalogue and the stored values: the preview, before any write.

The checks are the store's own: indicator and unit by code or exact name, the period parser, and
`store.check_value` for the value rules (valid range, a ratio's parts). On top of those, what only a
file can do wrong: the same indicator, unit and period twice, and a row that would change a stored
value when the user did not choose to replace.

`check_rows` and `classify` are plain functions over rows and dictionaries (the unit tests call them
without a database); `plan_import` feeds them from the store. `stream.StreamCheck` does the same checks
a chunk of rows at a time for `preview` and `run_import`. Both run every row through the same code
(checker.py's `Checker` and `FirstRows`, and `same_values` and `would_change` here; whether a value is
unchanged is kpi.domain.same_value's rule).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from sqlmodel import Session

from .. import store
from ..domain.same_value import Numbers, same_values as same_measurement
from .bulk import stored_values
from .checker import Catalogue, Checker, FirstRows
from .problems import Problem, Reading
from .reader import Table
from .rows import CHANGE, NEW, UNCHANGED, PlannedRow, Stored

Progress = Callable[[float, str], None]  # (fraction done, stage: "checking" / "writing")
_PROGRESS_EVERY = 5000
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
class Plan:
    file_name: str
    replace: bool
    rows: list[PlannedRow] = field(default_factory=list)   # rows understood (errors left out); empty when streamed
    problems: list[Problem] = field(default_factory=list)  # every error, in file order (see MAX_PROBLEMS)
    total: int = 0                                          # data rows in the file
    ignored_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)   # field -> heading as the file wrote it
    # Kept by StreamCheck, which keeps no rows:
    streamed: dict[str, int] = field(default_factory=lambda: {NEW: 0, CHANGE: 0, UNCHANGED: 0})
    dropped_error_rows: int = 0                             # rows with errors whose problems were left out
    sample: list[SampleRow] | None = None

    @property
    def counts(self) -> dict[str, int]:
        """total, new, changed, unchanged, error: error counts rows with an error (a file-wide error counts one)."""
        actions = defaultdict(int, self.streamed)
        for row in self.rows:
            actions[row.action] += 1
        bad_rows = {p.row for p in self.problems if p.row is not None}
        whole_file = sum(1 for p in self.problems if p.row is None)
        return {"total": self.total, "new": actions[NEW], "changed": actions[CHANGE],
                "unchanged": actions[UNCHANGED], "error": len(bad_rows) + self.dropped_error_rows + whole_file}

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_write(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action != UNCHANGED]

    def sample_rows(self) -> list[SampleRow]:
        return self.sample if self.sample is not None else _sample(self.rows)


def _sample(rows: list[PlannedRow]) -> list[SampleRow]:
    """The first rows of the file, with the first rows that change a stored value among them."""
    changing = [row for row in rows if row.action == CHANGE][:SAMPLE_SIZE // 2]
    chosen = {row.number for row in changing}
    picked = changing + [row for row in rows[:SAMPLE_SIZE] if row.number not in chosen][:SAMPLE_SIZE - len(changing)]
    picked.sort(key=lambda row: row.number)
    return [SampleRow(row.number, row.indicator.code, row.unit.code, row.period.code, row.value,
                      row.indicator.decimals, row.action, row.existing.value if row.existing is not None else None)
            for row in picked]



# --- the whole file at once (tests, small files) -----------------------------------------------------

def check_rows(table: Table, catalogue: Catalogue, *, progress: Progress | None = None) -> Plan:
    """Every row checked on its own and against the other rows of the file; nothing from the database
    except the catalogue. The rows' actions are all NEW until `classify` has seen the stored values."""
    plan = Plan(file_name=table.file_name, replace=False, total=len(table.rows), problems=list(table.problems),
                ignored_columns=list(table.ignored), columns=dict(table.columns))
    checker, seen = Checker(table, catalogue), FirstRows()
    for start in range(0, len(table.rows), _PROGRESS_EVERY):
        if progress:
            progress(start / max(len(table.rows), 1), "checking")
        good, problems = checker.rows(table.rows[start:start + _PROGRESS_EVERY])
        good, repeated = seen.keep_first(good, table.columns)
        plan.problems += problems + repeated
        plan.rows += [checker.planned(row) for row in good]
    plan.problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    return plan


def classify(plan: Plan, existing: dict[tuple[int, int, str], Stored], *, replace: bool) -> Plan:
    """New, changing a stored value, or the same as stored. A change without `replace` is an error."""
    plan.replace = replace
    kept: list[PlannedRow] = []
    for row in plan.rows:
        stored = existing.get(row.key)
        if stored is not None:
            row.existing = stored
            row.action = UNCHANGED if _same(row, stored) else CHANGE
            if row.action == CHANGE and not replace:
                plan.problems.append(would_change(row, stored, plan.columns))
                continue
        kept.append(row)
    plan.rows = kept
    plan.problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    return plan


def _same(row: PlannedRow, stored: Stored) -> bool:
    """What the file says equals what is stored (a comment left empty in the file keeps the stored one)."""
    return same_values(row.value, row.numerator, row.denominator, row.weight, row.comment, stored,
                       row.indicator.decimals)


def same_values(value, numerator, denominator, weight, comment: str | None, stored: Stored, decimals: int) -> bool:
    """The one rule, kpi.domain.same_value: at the indicator's decimals, a ratio by its parts."""
    return same_measurement(Numbers(value, numerator, denominator, weight),
                            Numbers(stored.value, stored.numerator, stored.denominator, stored.weight), decimals,
                            new_comment=comment, stored_comment=stored.comment)


def would_change(row: PlannedRow, stored: Stored, columns: dict[str, str]) -> Problem:
    decimals = row.indicator.decimals
    old = Reading(stored.value, stored.numerator, stored.denominator, stored.weight, decimals)
    new = Reading(row.value, row.numerator, row.denominator, row.weight, decimals)
    if same_values(row.value, row.numerator, row.denominator, row.weight, None, stored, decimals):  # only the comment
        return Problem(row.number, "comment", columns.get("comment"), row.comment or "",
                       "import.problems.would_change_comment", {"old": stored.comment, "period": row.period.code})
    return Problem(row.number, "value", columns.get("value"), row.shown_value, "import.problems.would_change",
                   {"old": old, "new": new, "period": row.period.code})


def load_catalogue(session: Session) -> Catalogue:
    return Catalogue.build(store.list_indicators(session), store.list_units(session))


def plan_import(session: Session, table: Table, *, replace: bool, progress: Progress | None = None) -> Plan:
    """The preview of a table read whole: every row checked against the catalogue and the stored values."""
    plan = check_rows(table, load_catalogue(session), progress=progress)
    return classify(plan, stored_values(session, [row.key for row in plan.rows]), replace=replace)


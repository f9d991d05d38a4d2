"""Checking a file's rows against the catalogue and the stored values: the preview, before any write.

The checks are the store's own: indicator and unit by code or exact name, the period parser, and
`store.check_value` for the value rules (valid range, a ratio's parts). On top of those, what only a
file can do wrong: the same indicator, unit and period twice, and a row that would change a stored
value when the user did not choose to replace.

`check_rows` and `classify` are plain functions over rows and dictionaries (the unit tests call them
without a database); `plan_import` feeds them from the store.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlmodel import Session

from .. import store
from ..domain.periods import Period, PeriodParseError, parse_period
from ..errors import InputError
from ..models import Indicator, OrgUnit
from .bulk import Stored, stored_values
from .problems import Problem, Reading
from .reader import FIELDS, Table, number_cell, text_cell

Progress = Callable[[float, str], None]  # (fraction done, stage: "checking" / "writing")
_INDEX = {name: i for i, name in enumerate(FIELDS)}
_PROGRESS_EVERY = 5000

NEW, CHANGE, UNCHANGED = "new", "change", "unchanged"


@dataclass(slots=True)
class PlannedRow:
    number: int
    indicator: Indicator
    unit: OrgUnit
    period: Period
    value: float | None
    numerator: float | None
    denominator: float | None
    weight: float | None
    comment: str | None            # None: the file says nothing, a stored comment stays
    shown_value: str = ""          # the value cell as the file wrote it
    action: str = NEW
    existing: Stored | None = None

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.indicator.id, self.unit.id, self.period.code)


@dataclass
class Plan:
    file_name: str
    replace: bool
    rows: list[PlannedRow] = field(default_factory=list)   # rows understood (errors left out)
    problems: list[Problem] = field(default_factory=list)  # every error, in file order
    total: int = 0                                          # data rows in the file
    ignored_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)   # field -> heading as the file wrote it

    @property
    def counts(self) -> dict[str, int]:
        """total, new, changed, unchanged, error: error counts rows with an error (a file-wide error counts one)."""
        actions = defaultdict(int)
        for row in self.rows:
            actions[row.action] += 1
        bad_rows = {p.row for p in self.problems if p.row is not None}
        whole_file = sum(1 for p in self.problems if p.row is None)
        return {"total": self.total, "new": actions[NEW], "changed": actions[CHANGE],
                "unchanged": actions[UNCHANGED], "error": len(bad_rows) + whole_file}

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_write(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action != UNCHANGED]


@dataclass
class Catalogue:
    """Indicators and units by code, and by exact Finnish or English name (a code wins, as in the store)."""
    indicators: dict[str, Indicator]
    units: dict[str, OrgUnit]

    @staticmethod
    def build(indicators: list[Indicator], units: list[OrgUnit]) -> Catalogue:
        return Catalogue(_by_code_or_name(indicators), _by_code_or_name(units))


def _by_code_or_name(items) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in items:  # names first, so that codes overwrite them
        found.setdefault(item.name_fi, item)
        found.setdefault(item.name_en, item)
    for item in items:
        found[item.code] = item
    return found


def check_rows(table: Table, catalogue: Catalogue, *, progress: Progress | None = None) -> Plan:
    """Every row checked on its own and against the other rows of the file; nothing from the database
    except the catalogue. The rows' actions are all NEW until `classify` has seen the stored values."""
    plan = Plan(file_name=table.file_name, replace=False, total=len(table.rows), problems=list(table.problems),
                ignored_columns=list(table.ignored), columns=dict(table.columns))
    periods: dict[str, Period | None] = {}
    first_row: dict[tuple[int, int, str], int] = {}
    for done, (number, cells) in enumerate(table.rows):
        if progress and done % _PROGRESS_EVERY == 0:
            progress(done / max(len(table.rows), 1), "checking")
        row = _check_row(number, cells, table, catalogue, periods, plan.problems)
        if row is None:
            continue
        seen = first_row.setdefault(row.key, number)
        if seen != number:
            plan.problems.append(Problem(number, "period", table.columns.get("period"),
                                         text_cell(cells[_INDEX["period"]]), "import.problems.duplicate_row",
                                         {"first": seen}))
            continue
        plan.rows.append(row)
    plan.problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    return plan


def _check_row(number: int, cells: tuple, table: Table, catalogue: Catalogue,
               periods: dict[str, Period | None], problems: list[Problem]) -> PlannedRow | None:
    shown = {name: text_cell(cells[i]) for name, i in _INDEX.items() if cells[i] is not None}
    errors: list[InputError] = []

    for name in ("indicator", "org_unit", "period"):
        if not shown[name]:
            errors.append(InputError(name, "", "required"))
    indicator = catalogue.indicators.get(shown["indicator"])
    if indicator is None and shown["indicator"]:
        errors.append(InputError("indicator", shown["indicator"], "unknown_indicator"))
    unit = catalogue.units.get(shown["org_unit"])
    if unit is None and shown["org_unit"]:
        errors.append(InputError("org_unit", shown["org_unit"], "unknown_unit"))
    period_text = shown["period"]
    if not period_text:
        periods[period_text] = None
    elif period_text not in periods:
        try:
            periods[period_text] = parse_period(period_text)
        except PeriodParseError:
            periods[period_text] = None
    period = periods[period_text]
    if period is None and period_text:
        errors.append(InputError("period", period_text, "bad_period"))

    numbers: dict[str, float | None] = {}
    for name in ("value", "numerator", "denominator", "weight"):
        try:
            numbers[name] = number_cell(cells[_INDEX[name]])
        except ValueError:
            errors.append(InputError(name, shown[name], "not_a_number"))

    value = None
    if indicator is not None and len(numbers) == 4:
        try:  # the store's own value rules
            value = store.check_value(indicator, numbers["value"], numbers["numerator"], numbers["denominator"],
                                      numbers["weight"])
        except InputError as error:
            errors.append(error)
    found = [Problem.from_error(number, error, table.columns, shown) for error in errors]
    if "\x00" in shown.get("comment", ""):  # no database stores it in text
        found.append(Problem(number, "comment", table.columns.get("comment"),
                             shown["comment"].replace("\x00", "\ufffd"), "import.problems.control_character"))
    if found:
        problems.extend(found)
        return None
    return PlannedRow(number, indicator, unit, period, value, numbers["numerator"], numbers["denominator"],
                      numbers["weight"], shown.get("comment") or None, shown.get("value", ""))


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
                plan.problems.append(_would_change(row, stored, plan.columns))
                continue
        kept.append(row)
    plan.rows = kept
    plan.problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    return plan


def _same(row: PlannedRow, stored: Stored) -> bool:
    """What the file says equals what is stored (a comment left empty in the file keeps the stored one)."""
    return (stored.value == row.value and stored.numerator == row.numerator and stored.denominator == row.denominator
            and stored.weight == row.weight and (row.comment is None or row.comment == stored.comment))


def _would_change(row: PlannedRow, stored: Stored, columns: dict[str, str]) -> Problem:
    decimals = row.indicator.decimals
    old = Reading(stored.value, stored.numerator, stored.denominator, stored.weight, decimals)
    new = Reading(row.value, row.numerator, row.denominator, row.weight, decimals)
    if old == new:  # only the comment differs
        return Problem(row.number, "comment", columns.get("comment"), row.comment or "",
                       "import.problems.would_change_comment", {"old": stored.comment, "period": row.period.code})
    return Problem(row.number, "value", columns.get("value"), row.shown_value, "import.problems.would_change",
                   {"old": old, "new": new, "period": row.period.code})


def plan_import(session: Session, table: Table, *, replace: bool, progress: Progress | None = None) -> Plan:
    """The preview: every row checked against the catalogue and the stored values (reads only)."""
    catalogue = Catalogue.build(store.list_indicators(session), store.list_units(session))
    plan = check_rows(table, catalogue, progress=progress)
    return classify(plan, stored_values(session, plan.rows), replace=replace)

"""Checking rows of an import file on their own, against the catalogue, and against the file's other rows.

`Checker.rows` checks a chunk of rows with no database and no other rows: indicator and unit by code or
exact name (`Catalogue`), the period parser, and `store.check_value` for the value rules (valid range, a
ratio's parts). `FirstRows` then finds a row naming the same indicator, unit and period as an earlier one.
The plan of a whole file (plan.py) and the streaming check (stream.py) both run every row through these.

Speed: a row whose cells are plain text (CSV) is checked by dictionary look-ups (indicator, unit,
period, and the numbers with `check_value`'s verdict, cached by the cells' text); anything those
look-ups do not settle (an unknown name, a bad number, a value the rules refuse, a NUL) is checked
again by `_check_row`, the one place that words problems, so every problem reads as it always has.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import store
from ..domain.periods import Period, PeriodParseError, parse_period
from ..domain.vocabulary import Aggregation, Nature
from ..errors import InputError
from ..models import Indicator, OrgUnit
from ..plain_text import formula_unguarded
from ..store.text_limits import LIMITS, within_limit
from .problems import Problem
from .reader import FIELDS, Table, number_cell, text_cell
from .rows import (COMMENT, DEN, IND, KEY, NEW, NUM, NUMBER, PAIR_SHIFT, PER, PERIOD_TEXT, SHOWN, UNIT, VALUE,
                   WEIGHT, PlannedRow, Stored)

_INDEX = {name: i for i, name in enumerate(FIELDS)}
_FAILED = object()
_COMMENT_LIMIT = LIMITS["comment"]


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


# --- one row ----------------------------------------------------------------------------------------

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

    try:  # the store's limit, so a row the store would refuse is a problem of the file, not a failed write
        within_limit("comment", shown.get("comment"))
    except InputError as error:
        errors.append(error)

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
                      numbers["weight"], formula_unguarded(shown.get("comment", "")) or None, shown.get("value", ""))


# --- many rows at a time ----------------------------------------------------------------------------

class _Rules:
    """What `store.check_value` reads of an indicator, copied once: plain attributes, the enumerations
    already converted (check_value converts them again, at no cost for a member)."""
    __slots__ = ("aggregation", "nature", "scale", "decimals", "min_value", "max_value")

    def __init__(self, indicator: Indicator):
        for name in self.__slots__:
            setattr(self, name, getattr(indicator, name))
        for name, kind in (("aggregation", Aggregation), ("nature", Nature)):
            try:
                setattr(self, name, kind(getattr(self, name)))
            except ValueError:
                pass  # check_value raises for it, as it would for the indicator


class _Ind:
    __slots__ = ("obj", "id", "index", "code", "decimals", "rules")

    def __init__(self, obj: Indicator, index: int):
        self.obj, self.id, self.index, self.code, self.decimals = obj, obj.id, index, obj.code, obj.decimals
        self.rules = _Rules(obj)


class _Unit:
    __slots__ = ("obj", "id", "index", "code")

    def __init__(self, obj: OrgUnit, index: int):
        self.obj, self.id, self.index, self.code = obj, obj.id, index, obj.code


class _Period:
    """A period the file names, with a dense index for the duplicate check."""
    __slots__ = ("period", "code", "index")

    def __init__(self, period: Period, index: int):
        self.period, self.code, self.index = period, period.code, index




class Checker:
    """Every row checked on its own (no database, no other rows): `rows` gives the rows understood, as
    tuples, and the problems of the others."""

    def __init__(self, table: Table, catalogue: Catalogue):
        self.table, self.catalogue = table, catalogue
        indicators = {id(obj): _Ind(obj, i) for i, obj in enumerate(_distinct(catalogue.indicators.values()))}
        units = {id(obj): _Unit(obj, i) for i, obj in enumerate(_distinct(catalogue.units.values()))}
        self.indicators = {key: indicators[id(obj)] for key, obj in catalogue.indicators.items()}
        self.units = {key: units[id(obj)] for key, obj in catalogue.units.items()}
        self._ind_by_obj, self._unit_by_obj = indicators, units
        self.indicator_at = list(indicators.values())   # by index
        self.unit_at = list(units.values())
        self.unit_count = max(len(units), 1)
        self.periods: dict[Any, _Period | None] = {}   # by the cell's text
        self._by_code: dict[str, _Period] = {}
        self._parsed: dict[str, Period | None] = {}   # _check_row's own cache
        self._numbers: dict[tuple, tuple | object] = {}

    def period(self, text: Any) -> _Period | None:
        if text in self.periods:
            return self.periods[text]
        found = None
        if isinstance(text, str) and text:
            try:
                found = self._period_of(parse_period(text))
            except PeriodParseError:
                found = None
        if len(self.periods) > 100_000:
            self.periods.clear()
        self.periods[text] = found
        return found

    def _period_of(self, period: Period) -> _Period:
        found = self._by_code.get(period.code)
        if found is None:
            found = self._by_code[period.code] = _Period(period, len(self._by_code))
        return found

    def _numbers_of(self, rules: _Rules, key: tuple) -> tuple | object:
        """(value to store, numerator, denominator, weight) for a row's number cells, or _FAILED."""
        _ind, value, numerator, denominator, weight = key
        try:
            numbers = tuple(number_cell(cell) for cell in (value, numerator, denominator, weight))
            result = (store.check_value(rules, *numbers), *numbers[1:])
        except (ValueError, InputError):
            result = _FAILED
        if len(self._numbers) > 100_000:  # bounded: a file of all-different numbers just misses
            self._numbers.clear()
        self._numbers[key] = result
        return result

    def rows(self, chunk: list[tuple[int, tuple]]) -> tuple[list[tuple], list[Problem]]:
        good: list[tuple] = []
        problems: list[Problem] = []
        if self.table.format != "csv":  # spreadsheet cells may be numbers or dates: the general way
            for number, cells in chunk:
                self._slow(number, cells, good, problems)
            return good, problems
        indicators, units, periods = self.indicators.get, self.units.get, self.periods.get
        numbers_seen, numbers_of = self._numbers.get, self._numbers_of
        unit_count, failed = self.unit_count, _FAILED
        for number, cells in chunk:
            text_ind, text_unit, text_period, value, numerator, denominator, weight, comment = cells
            ind, unit = indicators(text_ind), units(text_unit)
            period = periods(text_period, failed)
            if period is failed:
                period = self.period(text_period)
            if ind is None or unit is None or period is None or not text_ind or not text_unit:
                self._slow(number, cells, good, problems)
                continue
            key = (ind.id, value, numerator, denominator, weight)
            checked = numbers_seen(key, failed)
            if checked is failed:
                checked = numbers_of(ind.rules, key)
                if checked is failed:
                    self._slow(number, cells, good, problems)
                    continue
            if comment and ("\x00" in comment or len(comment) > _COMMENT_LIMIT):
                self._slow(number, cells, good, problems)
                continue
            if comment and comment[0] == "'":
                comment = formula_unguarded(comment)
            good.append((number, ind, unit, period, *checked, comment or None,
                         value if value is not None else "", text_period,
                         (ind.index * unit_count + unit.index) << PAIR_SHIFT | period.index))
        return good, problems

    def _slow(self, number: int, cells: tuple, good: list, problems: list[Problem]) -> None:
        row = _check_row(number, cells, self.table, self.catalogue, self._parsed, problems)
        if row is None:
            return
        ind, unit = self._ind_by_obj[id(row.indicator)], self._unit_by_obj[id(row.unit)]
        period = self._period_of(row.period)
        good.append((number, ind, unit, period, row.value, row.numerator, row.denominator, row.weight, row.comment,
                     row.shown_value, text_cell(cells[_INDEX["period"]]),
                     (ind.index * self.unit_count + unit.index) << PAIR_SHIFT | period.index))

    @staticmethod
    def planned(row: tuple, action: str = NEW, existing: Stored | None = None) -> PlannedRow:
        return PlannedRow(row[NUMBER], row[IND].obj, row[UNIT].obj, row[PER].period, row[VALUE], row[NUM],
                          row[DEN], row[WEIGHT], row[COMMENT], row[SHOWN], action, existing)


def _distinct(items) -> list:
    seen: dict[int, Any] = {}
    for item in items:
        seen.setdefault(id(item), item)
    return list(seen.values())


class FirstRows:
    """The file's rows so far by indicator, unit and period, with the row each was first on: sorted
    numpy runs (12 bytes a row, no object per row), merged like a binary counter."""

    def __init__(self):
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []
        self.kept_keys = np.zeros(0, dtype=np.int64)

    def keep_first(self, good: list[tuple], columns: dict[str, str]) -> tuple[list[tuple], list[Problem]]:
        """The rows whose indicator, unit and period no earlier row had; a problem for each other.
        `kept_keys`: the kept rows' keys, as an array."""
        if not good:
            self.kept_keys = np.zeros(0, dtype=np.int64)
            return good, []
        keys = np.fromiter((row[KEY] for row in good), dtype=np.int64, count=len(good))
        numbers = np.fromiter((row[NUMBER] for row in good), dtype=np.int64, count=len(good))
        distinct, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        earlier = self._first_rows(distinct)
        first_row = np.where(earlier > 0, earlier, numbers[first])
        repeated = numbers != first_row[inverse.reshape(-1)]
        fresh = earlier == 0
        self._add(distinct[fresh], numbers[first][fresh])
        if not repeated.any():
            self.kept_keys = keys
            return good, []
        self.kept_keys = keys[~repeated]
        kept, problems = [], []
        for row, again, seen in zip(good, repeated.tolist(), first_row[inverse.reshape(-1)].tolist()):
            if again:
                problems.append(Problem(row[NUMBER], "period", columns.get("period"), row[PERIOD_TEXT],
                                        "import.problems.duplicate_row", {"first": seen}))
            else:
                kept.append(row)
        return kept, problems

    def _first_rows(self, keys: np.ndarray) -> np.ndarray:
        found = np.zeros(len(keys), dtype=np.int64)
        for run_keys, run_rows in self.runs:
            at = np.searchsorted(run_keys, keys)
            at[at == len(run_keys)] = 0
            hit = run_keys[at] == keys
            found[hit] = run_rows[at[hit]]
        return found

    def _add(self, keys: np.ndarray, numbers: np.ndarray) -> None:
        if not len(keys):
            return
        self.runs.append((keys, numbers.astype(np.int32)))  # np.unique gave the keys sorted
        while len(self.runs) > 1 and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0]):
            (keys_b, rows_b), (keys_a, rows_a) = self.runs.pop(), self.runs.pop()
            merged = np.concatenate((keys_a, keys_b))
            order = np.argsort(merged, kind="stable")
            self.runs.append((merged[order], np.concatenate((rows_a, rows_b))[order]))


"""Checking a file's rows against the catalogue and the stored values: the preview, before any write.

The checks are the store's own: indicator and unit by code or exact name, the period parser, and
`store.check_value` for the value rules (valid range, a ratio's parts). On top of those, what only a
file can do wrong: the same indicator, unit and period twice, and a row that would change a stored
value when the user did not choose to replace.

`check_rows` and `classify` are plain functions over rows and dictionaries (the unit tests call them
without a database); `plan_import` feeds them from the store. `StreamCheck` does the same checks a
chunk of rows at a time for `preview` and `run_import`, keeping counts, the problems and a few sample
rows but not the rows themselves, so a file of millions of rows is checked (and written) in bounded
memory. Both run every row through the same code (`_Checker`, `_FirstRows`, `_same`, `_would_change`).

Speed: a row whose cells are plain text (CSV) is checked by dictionary look-ups (indicator, unit,
period, and the numbers with `check_value`'s verdict, cached by the cells' text); anything those
look-ups do not settle (an unknown name, a bad number, a value the rules refuse, a NUL) is checked
again by `_check_row`, the one place that words problems, so every problem reads as it always has.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Callable, Iterator

import numpy as np
from sqlmodel import Session

from .. import store
from ..domain.periods import Period, PeriodParseError, parse_period
from ..domain.vocabulary import Aggregation, Nature
from ..errors import InputError
from ..models import Indicator, OrgUnit
from .bulk import Stored, pairs_with_values, stored_values
from .problems import Problem, Reading
from .reader import FIELDS, Table, TableStream, number_cell, text_cell

Progress = Callable[[float, str], None]  # (fraction done, stage: "checking" / "writing")
_INDEX = {name: i for i, name in enumerate(FIELDS)}
_PROGRESS_EVERY = 5000
CHUNK = 20_000          # rows checked (and written) at a time
MAX_PROBLEMS = 10_000   # problems kept for the report; rows with errors beyond them are still counted
SAMPLE_SIZE = 10

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


# A checked row, as a plain tuple (an object per row costs more than the whole check):
_NUMBER, _IND, _UNIT, _PER, _VALUE, _NUM, _DEN, _WEIGHT, _COMMENT, _SHOWN, _PERIOD_TEXT, _KEY = range(12)
_PAIR_SHIFT = 32   # key = (indicator x unit) << 32 | period index
_FAILED = object()


class _Checker:
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
            if comment and "\x00" in comment:
                self._slow(number, cells, good, problems)
                continue
            good.append((number, ind, unit, period, *checked, comment or None,
                         value if value is not None else "", text_period,
                         (ind.index * unit_count + unit.index) << _PAIR_SHIFT | period.index))
        return good, problems

    def _slow(self, number: int, cells: tuple, good: list, problems: list[Problem]) -> None:
        row = _check_row(number, cells, self.table, self.catalogue, self._parsed, problems)
        if row is None:
            return
        ind, unit = self._ind_by_obj[id(row.indicator)], self._unit_by_obj[id(row.unit)]
        period = self._period_of(row.period)
        good.append((number, ind, unit, period, row.value, row.numerator, row.denominator, row.weight, row.comment,
                     row.shown_value, text_cell(cells[_INDEX["period"]]),
                     (ind.index * self.unit_count + unit.index) << _PAIR_SHIFT | period.index))

    @staticmethod
    def planned(row: tuple, action: str = NEW, existing: Stored | None = None) -> PlannedRow:
        return PlannedRow(row[_NUMBER], row[_IND].obj, row[_UNIT].obj, row[_PER].period, row[_VALUE], row[_NUM],
                          row[_DEN], row[_WEIGHT], row[_COMMENT], row[_SHOWN], action, existing)


def _distinct(items) -> list:
    seen: dict[int, Any] = {}
    for item in items:
        seen.setdefault(id(item), item)
    return list(seen.values())


class _FirstRows:
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
        keys = np.fromiter((row[_KEY] for row in good), dtype=np.int64, count=len(good))
        numbers = np.fromiter((row[_NUMBER] for row in good), dtype=np.int64, count=len(good))
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
                problems.append(Problem(row[_NUMBER], "period", columns.get("period"), row[_PERIOD_TEXT],
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


# --- the whole file at once (tests, small files) -----------------------------------------------------

def check_rows(table: Table, catalogue: Catalogue, *, progress: Progress | None = None) -> Plan:
    """Every row checked on its own and against the other rows of the file; nothing from the database
    except the catalogue. The rows' actions are all NEW until `classify` has seen the stored values."""
    plan = Plan(file_name=table.file_name, replace=False, total=len(table.rows), problems=list(table.problems),
                ignored_columns=list(table.ignored), columns=dict(table.columns))
    checker, seen = _Checker(table, catalogue), _FirstRows()
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
                plan.problems.append(_would_change(row, stored, plan.columns))
                continue
        kept.append(row)
    plan.rows = kept
    plan.problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    return plan


def _same(row: PlannedRow, stored: Stored) -> bool:
    """What the file says equals what is stored (a comment left empty in the file keeps the stored one)."""
    return _same_values(row.value, row.numerator, row.denominator, row.weight, row.comment, stored)


def _same_values(value, numerator, denominator, weight, comment: str | None, stored: Stored) -> bool:
    return (stored.value == value and stored.numerator == numerator and stored.denominator == denominator
            and stored.weight == weight and (comment is None or comment == stored.comment))


def _would_change(row: PlannedRow, stored: Stored, columns: dict[str, str]) -> Problem:
    decimals = row.indicator.decimals
    old = Reading(stored.value, stored.numerator, stored.denominator, stored.weight, decimals)
    new = Reading(row.value, row.numerator, row.denominator, row.weight, decimals)
    if old == new:  # only the comment differs
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


# --- a chunk at a time (preview and run_import) ------------------------------------------------------

@dataclass
class Checked:
    """One chunk's rows to write: new ones, and changed ones with the value stored now."""
    new: list[tuple]
    changed: list[tuple[tuple, Stored]]


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
        self.checker = _Checker(self.table, catalogue or load_catalogue(session))
        self.seen = _FirstRows()
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
        pairs = np.unique(self.seen.kept_keys >> _PAIR_SHIFT)
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
                stored = get((row[_IND].id, row[_UNIT].id, row[_PER].code))
                if stored is None:
                    new.append(row)
                    action = NEW
                elif _same_values(row[_VALUE], row[_NUM], row[_DEN], row[_WEIGHT], row[_COMMENT], stored):
                    unchanged += 1
                    action = UNCHANGED
                elif self.plan.replace:
                    changed.append((row, stored))
                    action = CHANGE
                else:
                    problems.append(_would_change(self.checker.planned(row, existing=stored), stored, columns))
                    continue
                kept_pairs.add(row[_KEY] >> _PAIR_SHIFT)
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
        wanted = [(row[_IND].id, row[_UNIT].id, row[_PER].code) for row in good if known[row[_KEY] >> _PAIR_SHIFT]]
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
        picked = {entry[0][_NUMBER]: entry for entry in self._first_changes[:SAMPLE_SIZE // 2]}
        for entry in self._first:
            if len(picked) >= SAMPLE_SIZE:
                break
            picked.setdefault(entry[0][_NUMBER], entry)
        plan.sample = [SampleRow(row[_NUMBER], row[_IND].code, row[_UNIT].code, row[_PER].code, row[_VALUE],
                                 row[_IND].decimals, action, stored.value if stored is not None else None)
                       for number, (row, action, stored) in sorted(picked.items())]

    def scope_problems(self) -> list[Problem]:
        """One problem per unit of the file (rows understood) outside the person's scope, by code."""
        return [Problem(None, "org_unit", None, code, "import.problems.outside_scope", {"value": code})
                for code in sorted(set(self.outside.values()))]

"""The data-entry grid: the rows a person edits, and their edits turned into checked store calls.

Two layouts: one indicator and one period across the org-unit tree, or one indicator for one unit across
the periods of a year. Each row remembers the stored value it was loaded from (id and version), so a save
made from stale data is refused instead of overwriting someone else's change. No Streamlit here: the page
draws the grid and hands back what the person typed.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from .. import store
from ..clock import stamp
from ..domain.periods import Period, PeriodKind
from ..domain.roles import Actor
from ..domain.vocabulary import Aggregation, Nature
from ..errors import InputError
from ..reports.export import EVERY_PERIOD
from ..i18n import format_number, t
from ..models import Indicator, Measurement, MeasurementChange
from ..store.guard import AccessDenied, require

NUMBER_COLUMNS = ("value", "numerator", "denominator", "weight")
GRAINS = ("year", "quarter", "month")


@dataclass(frozen=True)
class GridRow:
    """One row as loaded: where it goes (unit, period), what it shows, and the stored value if any."""
    label: str
    unit: str
    period: str
    measurement_id: int | None = None
    version: int | None = None
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    weight: float | None = None
    comment: str = ""
    source: str = ""
    period_label: str = ""
    synthetic: bool = False


@dataclass(frozen=True)
class RowEdit:
    """What a person changed in one row: the new cells, and whether it clears the stored value."""
    position: int
    row: GridRow
    value: float | None
    numerator: float | None
    denominator: float | None
    weight: float | None
    comment: str
    deletes: bool = False


@dataclass(frozen=True)
class RowProblem:
    """Why a row cannot be saved; `label` is None for a problem of the whole save (a missing reason)."""
    label: str | None
    error: InputError

    def message(self, lang: str) -> str:
        if self.label is None:
            return self.error.message(lang)
        return t("entry.row_problem", lang, row=self.label.strip(), problem=self.error.inline(lang))


class GridSaveRefused(Exception):
    """Raised inside the save's session so that it rolls back: nothing of the save is written."""

    def __init__(self, problems: list[RowProblem]):
        super().__init__("; ".join(p.error.message("en") for p in problems))
        self.problems = problems


# --- the rows ----------------------------------------------------------------------------------------
def grid_columns(indicator: Indicator) -> list[str]:
    """The editable columns: the value, a ratio's parts, a weighted mean's weight, and a comment."""
    columns = ["value"]
    if indicator.aggregation == Aggregation.RATIO_OF_TOTALS:
        columns += ["numerator", "denominator"]
    if indicator.aggregation == Aggregation.WEIGHTED_MEAN:
        columns.append("weight")
    return columns + ["comment"]


def _row(label: str, unit: str, period: str, measurement: Measurement | None) -> GridRow:
    if measurement is None:
        return GridRow(label, unit, period)
    return GridRow(label, unit, period, measurement.id, measurement.version, measurement.value,
                   measurement.numerator, measurement.denominator, measurement.weight, measurement.comment or "",
                   measurement.source or "", measurement.period_label or "", bool(measurement.synthetic))


def rows_across_units(session: Session, indicator: Indicator, period: Period, lang: str, *,
                      all_units: bool) -> list[GridRow]:
    """One row per unit in tree order: the units that hold values or targets of the indicator, or all."""
    tree = store.load_unit_tree(session)
    codes = list(tree.units)
    stored = store.measurements_in(session, indicator.id, codes, EVERY_PERIOD)
    here = {code: m for m, code in stored if m.period == period.code}
    target_unit_ids = set(store.target_units_for(session, indicator.id))
    wanted = {code for _m, code in stored} | {code for code, unit in tree.units.items() if unit.id in target_unit_ids}
    if all_units or not wanted:  # a new indicator: any unit may be the first to report
        wanted = set(codes)
    return [_row(label, code, period.code, here.get(code))
            for code, label in tree.indented_names(lang).items() if code in wanted]


def grid_periods(year: int, grain: str) -> list[Period]:
    if grain == "year":
        return [Period.year(year)]
    if grain == "quarter":
        return [Period.quarter(year, q) for q in range(1, 5)]
    return [Period.month(year, m) for m in range(1, 13)]


def usual_grain(session: Session, indicator: Indicator) -> str:
    """The grid periods the indicator's values are most often stored for (quarters when it has none)."""
    kinds = Counter(m.period_kind for m, _code in store.measurements_in(
        session, indicator.id, list(store.load_unit_tree(session).units), EVERY_PERIOD))
    ranked = [kind for kind, _n in kinds.most_common() if kind in GRAINS]
    return ranked[0] if ranked else PeriodKind.QUARTER.value


def rows_across_periods(session: Session, indicator: Indicator, unit_code: str, year: int,
                        grain: str) -> list[GridRow]:
    """One row per period of the year at the chosen grain, plus any other stored period inside the year
    (a dated survey, the year's own value), in calendar order."""
    year_period = Period.year(year)
    stored = {m.period: m for m, _code in store.measurements_in(session, indicator.id, [unit_code], year_period)}
    periods = {p.code: p for p in grid_periods(year, grain)}
    for measurement in stored.values():
        periods.setdefault(measurement.period, Period(measurement.period_start, measurement.period_end,
                                                      PeriodKind(measurement.period_kind)))
    ordered = sorted(periods.values(), key=lambda p: (p.start, -p.end.toordinal()))
    return [_row(p.code, unit_code, p.code, stored.get(p.code)) for p in ordered]


def frame_records(rows: list[GridRow], columns: list[str], draft: dict[int, dict[str, Any]]) -> list[dict]:
    """The grid's contents: each row's loaded cells with the person's unsaved edits laid over them."""
    records = []
    for position, row in enumerate(rows):
        record = {"row": row.label} | {name: getattr(row, name) for name in columns}
        record.update(draft.get(position, {}))
        records.append(record)
    return records


# --- the edits ---------------------------------------------------------------------------------------
def _number(cell: Any) -> float | None:
    if cell is None or isinstance(cell, str) and not cell.strip():
        return None
    try:
        number = float(cell)
    except (TypeError, ValueError):
        return None  # the grid's number columns only hand back numbers; anything else counts as empty
    return None if math.isnan(number) else number


def _text(cell: Any) -> str:
    if cell is None or isinstance(cell, float) and math.isnan(cell):
        return ""
    text = str(cell)
    return "" if text in ("<NA>", "nan", "None") and not isinstance(cell, str) else text.strip()


def _cells(source: Any, columns: list[str], get) -> dict[str, Any]:
    return {name: (_text(get(source, name)) if name == "comment" else _number(get(source, name)))
            for name in columns}


def find_edits(indicator: Indicator, rows: list[GridRow], records: list[dict],
               columns: list[str]) -> list[RowEdit]:
    """The rows whose cells differ from what was loaded, with what each edit means for the store."""
    edits = []
    for position, (row, record) in enumerate(zip(rows, records)):
        before = _cells(row, columns, getattr)
        after = _cells(record, columns, dict.get)
        if before == after:
            continue
        merged = {name: getattr(row, name) for name in NUMBER_COLUMNS} | {"comment": row.comment}
        merged.update(after)
        parts_changed = any(before.get(name) != after.get(name) for name in ("numerator", "denominator"))
        if parts_changed and before.get("value") == after.get("value"):
            merged["value"] = None  # the ratio's value follows its new parts instead of contradicting them
        cleared = merged["value"] is None and merged["numerator"] is None and merged["denominator"] is None
        qualitative = indicator.nature == Nature.QUALITATIVE
        deletes = row.measurement_id is not None and cleared and (not qualitative or not merged["comment"])
        edits.append(RowEdit(position, row, merged["value"], merged["numerator"], merged["denominator"],
                             merged["weight"], merged["comment"], deletes))
    return edits


def draft_of(edits: list[RowEdit], columns: list[str], records: list[dict]) -> dict[int, dict[str, Any]]:
    """The unsaved cells by row position, to lay over the loaded rows when the grid is drawn again."""
    return {edit.position: {name: records[edit.position].get(name) for name in columns} for edit in edits}


def check_edits(indicator: Indicator, edits: list[RowEdit], reason: str | None = None) -> list[RowProblem]:
    """Every problem of every row, found before anything is written; with `reason`, also a missing reason."""
    problems = []
    if edits and reason is not None and not reason.strip():
        problems.append(RowProblem(None, InputError("reason", reason or "", "required")))
    for edit in edits:
        if edit.deletes:
            continue
        try:
            store.check_value(indicator, edit.value, edit.numerator, edit.denominator, edit.weight)
        except InputError as error:
            problems.append(RowProblem(edit.row.label, error))
    return problems


def save_edits(session: Session, indicator: Indicator, edits: list[RowEdit], *, actor: Actor | str,
               reason: str) -> Counter:
    """Write every edit in the caller's session: all of them, or (GridSaveRefused) none.

    Rows loaded with a value are replaced only from the version that was loaded; rows loaded empty are
    created only if nobody created a value meanwhile. What happened is counted: create, update, delete,
    unchanged.

    Access is checked for every row before the first write (the store checks each write again): a
    viewer gets AccessDenied, a row of a unit outside an editor's scope refuses the whole save.
    """
    problems = check_edits(indicator, edits, reason)
    if problems:
        raise GridSaveRefused(problems)
    person = require(session, actor, action="save values")
    for edit in edits:
        unit = store.get_unit(session, edit.row.unit)
        if not person.may_edit_unit(unit.id):
            try:
                require(session, person, unit_id=unit.id, action=f"save values {indicator.code} {unit.code}")
            except AccessDenied as refused:
                raise GridSaveRefused([RowProblem(edit.row.label, refused)]) from None
    done: Counter = Counter()
    for edit in edits:
        row = edit.row
        try:
            if edit.deletes:
                store.delete_measurement(session, measurement_id=row.measurement_id, expected_version=row.version,
                                         actor=actor, reason=reason)
                done["delete"] += 1
                continue
            numbers_changed = any(getattr(edit, n) != getattr(row, n) for n in NUMBER_COLUMNS)
            _measurement, action = store.save_measurement(
                session, indicator=indicator.code, org_unit=row.unit, period=row.period, value=edit.value,
                numerator=edit.numerator, denominator=edit.denominator, weight=edit.weight, comment=edit.comment,
                source=row.source, period_label=row.period_label,
                # A number a person typed is not made up: the demo's "synthetic" flag goes with the old number.
                synthetic=row.synthetic and not numbers_changed,
                actor=actor, reason=reason, replace=row.measurement_id is not None,
                expected_version=row.version)
            done[action] += 1
        except InputError as error:
            raise GridSaveRefused([RowProblem(row.label, error)]) from None
        except StaleDataError:  # saved by someone else between our version check and our write
            raise GridSaveRefused([RowProblem(row.label, InputError("value", "", "stale_measurement",
                                                                    by="–"))]) from None
    return done


# --- the history -------------------------------------------------------------------------------------
def _shown(name: str, value: Any, decimals: int, lang: str) -> str:
    if value is None or value == "":
        return "–"
    if name == "comment":
        return f"“{value}”"
    places = decimals if name == "value" else (0 if float(value).is_integer() else 2)
    return format_number(value, places, lang)


def change_text(change: MeasurementChange, decimals: int, lang: str) -> str:
    """"value 61 → 65; numerator 488 → 520": the fields that changed, old → new (a new value: its fields)."""
    old = json.loads(change.old_values) if change.old_values else {}
    new = json.loads(change.new_values) if change.new_values else {}
    parts = []
    for name in NUMBER_COLUMNS + ("comment",):
        before, after = old.get(name), new.get(name)
        if (before in (None, "")) and (after in (None, "")) or before == after:
            continue
        label = t("entry.col_comment", lang).lower() if name == "comment" else t(f"fields.{name}", lang)
        if change.action == "create":  # nothing came before: the new values say it all
            parts.append(f"{label} {_shown(name, after, decimals, lang)}")
        else:
            parts.append(f"{label} {_shown(name, before, decimals, lang)} → {_shown(name, after, decimals, lang)}")
    return "; ".join(parts)


def history_records(changes: list[MeasurementChange], decimals: int, lang: str) -> list[dict[str, str]]:
    """The history of one value, newest first: when, who, what was done, old → new, and why."""
    return [{"when": stamp(change.changed_at), "who": change.changed_by,
             "action": t(f"entry.action_{change.action}", lang), "change": change_text(change, decimals, lang),
             "reason": change.reason}
            for change in reversed(changes)]

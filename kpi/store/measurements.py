"""Measurements: one value per indicator x org unit x period, with the parts a ratio is made of."""
from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from sqlmodel import Session, select

from ..domain.roles import Actor
from ..domain.periods import Period, period_from_bounds
from ..domain.rollup import Observation
from ..domain.vocabulary import Aggregation, Nature
from ..errors import InputError
from ..models import Indicator, Measurement, MeasurementChange, OrgUnit, utc_now
from .guard import require
from .indicators import get_indicator
from .inputs import parse_number, parse_period_field
from .text_limits import within_limit
from .units import get_unit


def check_value(indicator: Indicator, value: float | None, numerator: float | None,
                denominator: float | None, weight: float | None) -> float | None:
    """The value to store, or InputError. Computes a ratio's value from its parts when only those are given."""
    if denominator is not None and denominator <= 0:
        raise InputError("denominator", denominator, "must_be_positive")
    if (numerator is None) != (denominator is None):
        missing = "denominator" if denominator is None else "numerator"
        raise InputError(missing, "", "both_parts_needed")
    if numerator is not None and Aggregation(indicator.aggregation) is not Aggregation.RATIO_OF_TOTALS:
        raise InputError("numerator", numerator, "parts_only_for_ratio")
    if numerator is not None:
        from_parts = numerator * indicator.scale / denominator  # scale first: 57*100/200 is exactly 28.5
        tolerance = 0.5 * 10 ** -indicator.decimals + 1e-9  # a value rounded for display is still consistent
        if value is not None and abs(value - from_parts) > tolerance:
            raise InputError("value", value, "parts_disagree", computed=round(from_parts, indicator.decimals + 2))
        value = from_parts if value is None else value
    if value is None and Nature(indicator.nature) is Nature.QUANTITATIVE:
        raise InputError("value", "", "required")
    if value is not None:
        low, high = indicator.min_value, indicator.max_value
        if (low is not None and value < low) or (high is not None and value > high):
            # The bounds as numbers: the message writes them as the language does ("−100", "0,5").
            raise InputError("value", value, "outside_valid_range",
                             low="−∞" if low is None else float(low), high="∞" if high is None else float(high))
    if weight is not None and weight < 0:
        raise InputError("weight", weight, "must_be_positive")
    return value


MEASUREMENT_FIELDS = ("value", "numerator", "denominator", "weight", "comment", "source", "period_label",
                      "synthetic")


def measurement_snapshot(measurement: Measurement) -> str:
    return json.dumps({name: getattr(measurement, name) for name in MEASUREMENT_FIELDS}, ensure_ascii=False,
                      sort_keys=True)


def record_change(session: Session, measurement: Measurement, action: str, *, actor: str, reason: str = "",
                  before: str = "", import_id: int | None = None) -> None:
    session.add(MeasurementChange(
        measurement_id=measurement.id, indicator_id=measurement.indicator_id, org_unit_id=measurement.org_unit_id,
        period=measurement.period, action=action, changed_by=actor, reason=reason, old_values=before,
        new_values="" if action == "delete" else measurement_snapshot(measurement), import_id=import_id))


def add_measurement(session: Session, *, indicator: str, org_unit: str, period: str, value=None,
                    numerator=None, denominator=None, weight=None, comment: str = "", source: str = "",
                    period_label: str = "", synthetic: bool = False, actor: Actor | str = "",
                    reason: str = "") -> Measurement:
    """A new value; a second value for the same indicator, unit and period is refused."""
    measurement, _action = save_measurement(
        session, indicator=indicator, org_unit=org_unit, period=period, value=value, numerator=numerator,
        denominator=denominator, weight=weight, comment=comment, source=source, period_label=period_label,
        synthetic=synthetic, actor=actor, reason=reason)
    return measurement


def save_measurement(session: Session, *, indicator: str, org_unit: str, period: str, value=None,
                     numerator=None, denominator=None, weight=None, comment: str = "", source: str = "",
                     period_label: str = "", synthetic: bool = False, actor: Actor | str, reason: str = "",
                     replace: bool = False, expected_version: int | None = None,
                     import_id: int | None = None) -> tuple[Measurement, str]:
    """Create a value, or with `replace` change the stored one (history kept). Returns it and what happened:
    "create", "update" or "unchanged". `expected_version` refuses an edit made from stale data.
    The actor must be an editor whose scope holds the unit."""
    require(session, actor, action="save value")
    found_indicator = get_indicator(session, indicator)
    found_unit = get_unit(session, org_unit)
    actor = str(require(session, actor, unit_id=found_unit.id,
                        action=f"save value {found_indicator.code} {found_unit.code}"))
    parsed = parse_period_field(period)
    for name, text in (("comment", comment), ("source", source), ("period_label", period_label), ("reason", reason)):
        within_limit(name, text)
    numbers = {name: parse_number(name, raw) for name, raw in
               (("value", value), ("numerator", numerator), ("denominator", denominator), ("weight", weight))}
    stored_value = check_value(found_indicator, numbers["value"], numbers["numerator"],
                               numbers["denominator"], numbers["weight"])
    existing = session.exec(select(Measurement).where(
        Measurement.indicator_id == found_indicator.id, Measurement.org_unit_id == found_unit.id,
        Measurement.period == parsed.code)).first()
    fields = dict(value=stored_value, numerator=numbers["numerator"], denominator=numbers["denominator"],
                  weight=numbers["weight"], comment=comment or "", source=source or "",
                  period_label=period_label or "", synthetic=bool(synthetic))
    now = utc_now()
    if existing is not None:
        if not replace:
            raise InputError("period", parsed.code, "duplicate_measurement",
                             indicator=found_indicator.code, unit=found_unit.code)
        if expected_version is not None and existing.version != expected_version:
            raise InputError("value", existing.value, "stale_measurement", by=existing.updated_by)
        if all(getattr(existing, name) == new for name, new in fields.items()):
            return existing, "unchanged"
        before = measurement_snapshot(existing)
        for name, new in fields.items():
            setattr(existing, name, new)
        existing.updated_by, existing.updated_at = actor, now
        session.add(existing)
        session.flush()
        record_change(session, existing, "update", actor=actor, reason=reason, before=before, import_id=import_id)
        return existing, "update"
    measurement = Measurement(
        indicator_id=found_indicator.id, org_unit_id=found_unit.id, period=parsed.code,
        period_kind=parsed.kind.value, period_start=parsed.start, period_end=parsed.end,
        created_by=actor, created_at=now, updated_by=actor, updated_at=now, **fields)
    session.add(measurement)
    session.flush()
    record_change(session, measurement, "create", actor=actor, reason=reason, import_id=import_id)
    return measurement, "create"


def delete_measurement(session: Session, *, measurement_id: int, expected_version: int, actor: Actor | str,
                       reason: str) -> None:
    """Remove a value; its history stays, with the deletion as its last entry."""
    require(session, actor, action="delete value")
    if not (reason or "").strip():
        raise InputError("reason", reason, "required")
    within_limit("reason", reason)
    measurement = session.get(Measurement, measurement_id)
    if measurement is None:
        raise InputError("value", measurement_id, "unknown_measurement")
    actor = str(require(session, actor, unit_id=measurement.org_unit_id, action=f"delete value {measurement_id}"))
    if measurement.version != expected_version:
        raise InputError("value", measurement.value, "stale_measurement", by=measurement.updated_by)
    record_change(session, measurement, "delete", actor=actor, reason=reason, before=measurement_snapshot(measurement))
    session.delete(measurement)
    session.flush()


def list_measurement_changes(session: Session, *, indicator_id: int, org_unit_id: int | None = None,
                             period: str | None = None) -> list[MeasurementChange]:
    query = select(MeasurementChange).where(MeasurementChange.indicator_id == indicator_id)
    if org_unit_id is not None:
        query = query.where(MeasurementChange.org_unit_id == org_unit_id)
    if period is not None:
        query = query.where(MeasurementChange.period == period)
    return list(session.exec(query.order_by(MeasurementChange.changed_at, MeasurementChange.id)))


def load_observations(session: Session, indicator_id: int, unit_codes: list[str],
                      period: Period) -> list[Observation]:
    """The stored values of one indicator inside `period` for the given units (the rollup's input)."""
    rows = session.exec(
        select(OrgUnit.code, Measurement.period_kind, Measurement.period_start, Measurement.period_end,
               Measurement.value, Measurement.numerator, Measurement.denominator, Measurement.weight)
        .join(OrgUnit, OrgUnit.id == Measurement.org_unit_id)
        .where(Measurement.indicator_id == indicator_id, OrgUnit.code.in_(unit_codes),
               Measurement.period_start >= period.start, Measurement.period_end <= period.end))
    return [Observation(code, period_from_bounds(kind, start, end), value, numerator, denominator, weight)
            for code, kind, start, end, value, numerator, denominator, weight in rows]


def distinct_measured_periods(session: Session) -> list[Period]:
    """Every distinct period that holds at least one value (period pickers offer what has data).

    A skip scan over the index `ix_measurement_period` (start, end, kind): each step asks for the smallest
    key above the last one found, one column at a time, so the cost follows the number of distinct periods
    (hundreds), not the number of values (millions) that a plain DISTINCT reads one by one."""
    start_col, end_col, kind_col = Measurement.period_start, Measurement.period_end, Measurement.period_kind

    connection = session.connection()  # Core, not the ORM: hundreds of tiny queries, each one's overhead counts

    def smallest(column, *conditions):
        return connection.execute(sa.select(sa.func.min(column)).where(*conditions)).scalar()

    found = []
    start = smallest(start_col)
    while start is not None:
        end = smallest(end_col, start_col == start)
        while end is not None:
            kind = smallest(kind_col, start_col == start, end_col == end)
            while kind is not None:
                found.append(period_from_bounds(kind, _day(start), _day(end)))
                kind = smallest(kind_col, start_col == start, end_col == end, kind_col > kind)
            end = smallest(end_col, start_col == start, end_col > end)
        start = smallest(start_col, start_col > start)
    return found


def _day(value):
    # min() over a date column: a date on PostgreSQL, its stored text on SQLite when untyped.
    return value if isinstance(value, date) else date.fromisoformat(value)


def measurements_in(session: Session, indicator_id: int, unit_codes: list[str], period: Period):
    """(Measurement, unit code) for the stored values inside `period`, for the values table."""
    return list(session.exec(
        select(Measurement, OrgUnit.code)
        .join(OrgUnit, OrgUnit.id == Measurement.org_unit_id)
        .where(Measurement.indicator_id == indicator_id, OrgUnit.code.in_(unit_codes),
               Measurement.period_start >= period.start, Measurement.period_end <= period.end)
        .order_by(Measurement.period_start, OrgUnit.code)))

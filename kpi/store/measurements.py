"""Measurements: one value per indicator x org unit x period, with the parts a ratio is made of."""
from __future__ import annotations

from sqlmodel import Session, select

from ..domain.periods import Period, period_from_bounds
from ..domain.rollup import Observation
from ..domain.vocabulary import Aggregation, Nature
from ..errors import InputError
from ..models import Indicator, Measurement, OrgUnit, utc_now
from .indicators import get_indicator
from .inputs import parse_number, parse_period_field
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
            raise InputError("value", value, "outside_valid_range",
                             low="−∞" if low is None else f"{low:g}", high="∞" if high is None else f"{high:g}")
    if weight is not None and weight < 0:
        raise InputError("weight", weight, "must_be_positive")
    return value


def add_measurement(session: Session, *, indicator: str, org_unit: str, period: str, value=None,
                    numerator=None, denominator=None, weight=None, comment: str = "", source: str = "",
                    period_label: str = "", synthetic: bool = False, actor: str = "") -> Measurement:
    found_indicator = get_indicator(session, indicator)
    found_unit = get_unit(session, org_unit)
    parsed = parse_period_field(period)
    numbers = {name: parse_number(name, raw) for name, raw in
               (("value", value), ("numerator", numerator), ("denominator", denominator), ("weight", weight))}
    stored_value = check_value(found_indicator, numbers["value"], numbers["numerator"],
                               numbers["denominator"], numbers["weight"])
    duplicate = session.exec(select(Measurement.id).where(
        Measurement.indicator_id == found_indicator.id, Measurement.org_unit_id == found_unit.id,
        Measurement.period == parsed.code)).first()
    if duplicate is not None:
        raise InputError("period", parsed.code, "duplicate_measurement",
                         indicator=found_indicator.code, unit=found_unit.code)
    now = utc_now()
    measurement = Measurement(
        indicator_id=found_indicator.id, org_unit_id=found_unit.id, period=parsed.code,
        period_kind=parsed.kind.value, period_start=parsed.start, period_end=parsed.end,
        period_label=period_label, value=stored_value, numerator=numbers["numerator"],
        denominator=numbers["denominator"], weight=numbers["weight"], comment=comment, source=source,
        synthetic=synthetic, created_by=actor, created_at=now, updated_by=actor, updated_at=now)
    session.add(measurement)
    session.flush()
    return measurement


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
    """Every distinct period that holds at least one value (period pickers offer what has data)."""
    rows = session.exec(select(Measurement.period_kind, Measurement.period_start, Measurement.period_end).distinct())
    return [period_from_bounds(kind, start, end) for kind, start, end in rows]


def measurements_in(session: Session, indicator_id: int, unit_codes: list[str], period: Period):
    """(Measurement, unit code) for the stored values inside `period`, for the values table."""
    return list(session.exec(
        select(Measurement, OrgUnit.code)
        .join(OrgUnit, OrgUnit.id == Measurement.org_unit_id)
        .where(Measurement.indicator_id == indicator_id, OrgUnit.code.in_(unit_codes),
               Measurement.period_start >= period.start, Measurement.period_end <= period.end)
        .order_by(Measurement.period_start, OrgUnit.code)))

"""Targets and their history. Every create and change writes a TargetChange row: who, when, why, old, new."""
from __future__ import annotations

import json

from sqlmodel import Session, select

from ..domain.roles import Actor
from ..domain.evaluate import TargetRule, TargetRuleError, comparator_fits_direction
from ..domain.periods import Period
from ..domain.vocabulary import BandKind, Comparator
from ..errors import InputError
from ..models import Indicator, OrgUnit, Target, TargetChange, utc_now
from .guard import require
from .indicators import get_indicator
from .inputs import parse_number, parse_period_field
from .text_limits import within_limit
from .units import get_unit

# What people type for a comparator, in either language.
_COMPARATOR_WORDS = {
    "ge": "ge", ">=": "ge", "≥": "ge", "vähintään": "ge", "at least": "ge",
    "le": "le", "<=": "le", "≤": "le", "enintään": "le", "at most": "le",
    "between": "between", "välillä": "between", "range": "between",
    "eq": "eq", "=": "eq", "==": "eq",
}
_TRACKED = ("indicator_id", "org_unit_id", "period", "comparator", "threshold", "threshold_upper", "band",
            "band_kind", "binding", "rationale", "owner", "retired_from")


def parse_comparator(text: str) -> Comparator:
    key = _COMPARATOR_WORDS.get(str(text or "").strip().lower())
    if key is None:
        raise InputError("comparator", text, "not_one_of", choices="≥, ≤, between, =")
    return Comparator(key)


def _check_rule(indicator: Indicator, target: Target) -> None:
    rule = TargetRule(Comparator(target.comparator), target.threshold, target.threshold_upper,
                      target.band, BandKind(target.band_kind), target.binding)
    try:
        rule.check()
    except TargetRuleError as problem:
        value = target.threshold_upper if problem.field == "threshold_upper" else target.band
        raise InputError(problem.field, "" if value is None else value, problem.key,
                         lower=target.threshold) from None
    if not comparator_fits_direction(rule.comparator, indicator.direction):
        raise InputError("comparator", rule.comparator.symbol, f"comparator_against_{indicator.direction}")
    for field in ("threshold", "threshold_upper"):
        value = getattr(target, field)
        low, high = indicator.min_value, indicator.max_value
        if value is not None and ((low is not None and value < low) or (high is not None and value > high)):
            # The bounds as numbers: the message writes them as the language does ("−100", "0,5").
            raise InputError(field, value, "outside_valid_range",
                             low="−∞" if low is None else float(low), high="∞" if high is None else float(high))


def _snapshot(target: Target) -> str:
    return json.dumps({name: getattr(target, name) for name in _TRACKED}, ensure_ascii=False, sort_keys=True,
                      default=str)  # dates as ISO text


def _find_duplicate(session: Session, target: Target) -> Target | None:
    query = select(Target).where(Target.indicator_id == target.indicator_id, Target.period == target.period,
                                 Target.org_unit_id == target.org_unit_id if target.org_unit_id is not None
                                 else Target.org_unit_id.is_(None))
    return next((t for t in session.exec(query) if t.id != target.id), None)


def create_target(session: Session, *, indicator: str, org_unit: str | None, period: str, comparator: str,
                  threshold, threshold_upper=None, band=None, band_kind: str = "abs", binding: bool = False,
                  rationale: str = "", owner: str = "", actor: Actor | str, reason: str = "") -> Target:
    """A new target. The actor must be an editor whose scope holds the unit (an org-wide target, unit
    None: an editor without a scope)."""
    require(session, actor, action="create target")
    found = get_indicator(session, indicator)
    unit_id = get_unit(session, org_unit).id if org_unit else None
    actor = str(require(session, actor, unit_id=unit_id, action=f"create target {found.code} {org_unit or '(org)'}"))
    parsed = parse_period_field(period)
    within_limit("reason", reason)
    number = parse_number("threshold", threshold)
    if number is None:
        raise InputError("threshold", threshold, "required")
    try:
        kind = BandKind(band_kind or "abs").value
    except ValueError:
        raise InputError("band_kind", band_kind, "not_one_of", choices="abs, pct") from None
    now = utc_now()
    target = Target(
        indicator_id=found.id, org_unit_id=unit_id, period=parsed.code, period_kind=parsed.kind.value,
        period_start=parsed.start, period_end=parsed.end, comparator=parse_comparator(comparator).value,
        threshold=number, threshold_upper=parse_number("threshold_upper", threshold_upper),
        band=parse_number("band", band), band_kind=kind, binding=bool(binding),
        rationale=within_limit("rationale", rationale), owner=within_limit("owner", owner), created_by=actor,
        created_at=now, updated_by=actor, updated_at=now)
    _check_rule(found, target)
    if _find_duplicate(session, target):
        raise InputError("period", parsed.code, "duplicate_target", indicator=found.code)
    session.add(target)
    session.flush()
    session.add(TargetChange(target_id=target.id, action="create", changed_by=actor, changed_at=now,
                             reason=reason, new_values=_snapshot(target)))
    return target


def _target_to_change(session: Session, target_id: int, expected_version: int, reason: str,
                      actor: Actor | str, action: str) -> Target:
    """The target an edit is about, once the actor may edit its unit, the edit gives a reason and was made
    from its current version."""
    require(session, actor, action=action)
    if not (reason or "").strip():
        raise InputError("reason", reason, "required")
    within_limit("reason", reason)
    target = session.get(Target, target_id)
    if target is None:
        raise InputError("target", target_id, "unknown_target")
    require(session, actor, unit_id=target.org_unit_id, action=f"{action} {target_id}")
    if target.version != expected_version:
        raise InputError("target", target_id, "stale_target", by=target.updated_by)
    return target


def update_target(session: Session, *, target_id: int, expected_version: int, actor: Actor | str, reason: str,
                  **changes) -> Target:
    """Change a target, refusing a stale edit (someone saved since `expected_version` was read)."""
    target = _target_to_change(session, target_id, expected_version, reason, actor, "update target")
    actor = str(actor)
    indicator = session.get(Indicator, target.indicator_id)
    before = _snapshot(target)
    for name, raw in changes.items():
        if name not in _TRACKED or name in ("indicator_id", "org_unit_id", "period", "retired_from"):
            raise InputError(name, raw, "not_changeable")
        if name == "comparator":
            raw = parse_comparator(raw).value
        elif name in ("threshold", "threshold_upper", "band"):
            raw = parse_number(name, raw)
        elif name in ("rationale", "owner"):
            raw = within_limit(name, raw)
        setattr(target, name, raw)
    _check_rule(indicator, target)
    target.updated_by, target.updated_at = actor, utc_now()
    session.add(target)
    session.flush()  # the version check runs here: a concurrent save raises StaleDataError
    session.add(TargetChange(target_id=target.id, action="update", changed_by=actor, reason=reason,
                             old_values=before, new_values=_snapshot(target)))
    return target


def targets_applying_to(session: Session, period: Period, unit_ids: list[int] | None = None):
    """(Target, Indicator, OrgUnit or None) for every target whose period contains `period`."""
    query = (select(Target, Indicator, OrgUnit)
             .join(Indicator, Indicator.id == Target.indicator_id)
             .join(OrgUnit, OrgUnit.id == Target.org_unit_id, isouter=True)
             .where(Target.period_start <= period.start, Target.period_end >= period.end,
                    (Target.retired_from.is_(None)) | (Target.retired_from > period.end)))
    if unit_ids is not None:
        query = query.where(Target.org_unit_id.in_(unit_ids))
    return list(session.exec(query))


def list_target_changes(session: Session, target_id: int) -> list[TargetChange]:
    return list(session.exec(select(TargetChange).where(TargetChange.target_id == target_id)
                             .order_by(TargetChange.changed_at, TargetChange.id)))


def targets_for(session: Session, indicator_id: int, org_unit_id: int | None) -> list[Target]:
    """Every target of one indicator for one unit (None: the whole organisation), oldest period first."""
    unit_match = Target.org_unit_id == org_unit_id if org_unit_id is not None else Target.org_unit_id.is_(None)
    return list(session.exec(select(Target).where(Target.indicator_id == indicator_id, unit_match)
                             .order_by(Target.period_start)))


def target_units_for(session: Session, indicator_id: int) -> list[int | None]:
    """The units (None: whole organisation) that have any target for the indicator."""
    return list(session.exec(select(Target.org_unit_id).where(Target.indicator_id == indicator_id).distinct()))


def retire_target(session: Session, *, target_id: int, expected_version: int, from_period: str,
                  actor: Actor | str, reason: str) -> Target:
    """Stop a target applying from `from_period` on; the target and its history stay."""
    target = _target_to_change(session, target_id, expected_version, reason, actor, "retire target")
    actor = str(actor)
    start = parse_period_field(from_period, "retired_from").start
    if not target.period_start < start <= target.period_end:
        raise InputError("retired_from", from_period, "retire_inside_period", period=target.period)
    before = _snapshot(target)
    target.retired_from = start
    target.updated_by, target.updated_at = actor, utc_now()
    session.add(target)
    session.flush()
    session.add(TargetChange(target_id=target.id, action="retire", changed_by=actor, reason=reason,
                             old_values=before, new_values=_snapshot(target)))
    return target


def list_targets(session: Session, *, indicator_id: int | None = None, org_unit_id: int | None = None,
                 period: Period | None = None, binding: bool | None = None):
    """(Target, Indicator, OrgUnit or None) for the targets list, filtered; a period keeps the targets
    whose own period overlaps it."""
    query = (select(Target, Indicator, OrgUnit).join(Indicator, Indicator.id == Target.indicator_id)
             .join(OrgUnit, OrgUnit.id == Target.org_unit_id, isouter=True))
    if indicator_id is not None:
        query = query.where(Target.indicator_id == indicator_id)
    if org_unit_id is not None:
        query = query.where(Target.org_unit_id == org_unit_id)
    if period is not None:
        query = query.where(Target.period_start <= period.end, Target.period_end >= period.start)
    if binding is not None:
        query = query.where(Target.binding == binding)
    return list(session.exec(query.order_by(Indicator.code, Target.period_start)))


def get_target(session: Session, target_id: int):
    """(Target, Indicator, OrgUnit or None) for one target, or None."""
    return session.exec(select(Target, Indicator, OrgUnit).join(Indicator, Indicator.id == Target.indicator_id)
                        .join(OrgUnit, OrgUnit.id == Target.org_unit_id, isouter=True)
                        .where(Target.id == target_id)).first()


def find_target(session: Session, indicator: str, org_unit: str | None, period: str) -> Target:
    """The target set for exactly this indicator, unit (None: whole organisation) and period."""
    found = get_indicator(session, indicator)
    unit_id = get_unit(session, org_unit).id if org_unit else None
    code = parse_period_field(period).code
    match = next((t for t in targets_for(session, found.id, unit_id) if t.period == code), None)
    if match is None:
        raise InputError("target", f"{found.code} {org_unit or ''} {code}".replace("  ", " "), "unknown_target")
    return match

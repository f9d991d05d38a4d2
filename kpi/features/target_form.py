"""The targets page's logic, without Streamlit: form values to and from a target, the saves, the history in words.

The forms keep what people type as text (a Finnish decimal comma stays a comma) and hand it to the store,
which reads and checks it and raises `InputError`; a refused save writes nothing and the page shows the
message. A save is always made against the version the form was loaded from (optimistic locking).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from .. import store
from ..clock import day_text, when_text
from ..domain.roles import Actor
from ..domain.vocabulary import Comparator
from ..errors import InputError
from ..i18n import format_number, t
from ..models import Indicator, OrgUnit, Target, TargetChange
from ..plain_text import escape_markdown  # noqa: F401 - the pages import it from here too
from ..presentation.present import target_text
from ..store.inputs import parse_number

# The fields the change form offers; indicator, unit and period are what the target *is* and stay.
EDITABLE = ("comparator", "threshold", "threshold_upper", "band", "band_kind", "binding", "rationale", "owner")
NUMBERS = ("threshold", "threshold_upper", "band")
# The order a change's fields are listed in the history.
HISTORY_FIELDS = ("period", "comparator", "threshold", "threshold_upper", "band", "band_kind", "binding",
                  "rationale", "owner", "retired_from")


# --- numbers and dates as text --------------------------------------------------------------------------

def decimals_of(value: float | None) -> int:
    """How many decimals a stored number needs to show exactly (0.05 -> 2, 70.0 -> 0), at most 6."""
    if value is None:
        return 0
    text = repr(float(value))
    if "e" in text:
        return 6
    fraction = text.partition(".")[2].rstrip("0")
    return min(len(fraction), 6)


def number_text(value: float | None, lang: str) -> str:
    """A number for a form field: exact, ungrouped, with the language's decimal mark ("10,5" in Finnish)."""
    if value is None:
        return ""
    text = f"{float(value):.{decimals_of(value)}f}"
    return text.replace(".", ",") if lang == "fi" else text


def shown_number(value: float | None, lang: str, decimals: int = 0) -> str:
    """A number for reading: grouped, at least `decimals` decimals and as many as it needs."""
    return format_number(value, max(decimals, decimals_of(value)), lang)


def comparator_label(code: str, lang: str) -> str:
    return t(f"targets.comparator_{Comparator(code).value}", lang)


def band_text(band: float | None, kind: str, lang: str, decimals: int = 0) -> str:
    if band is None:
        return ""
    number = shown_number(band, lang, decimals)
    return t("targets.band_pct_value", lang, band=number) if kind == "pct" else number


def unit_name(unit: OrgUnit | None, lang: str) -> str:
    if unit is None:
        return t("units.whole", lang)
    return unit.name_in(lang)


def indicator_name(indicator: Indicator, lang: str) -> str:
    return indicator.name_in(lang)


def rule_text(target: Target, indicator: Indicator, lang: str) -> str:
    """"≥ 70", "320–345": the target as the scorecard writes it, with every decimal it was set with."""
    decimals = max(indicator.decimals, decimals_of(target.threshold), decimals_of(target.threshold_upper))
    return target_text(target.comparator, target.threshold, target.threshold_upper, decimals, lang)


def target_label(target: Target, indicator: Indicator, unit: OrgUnit | None, lang: str) -> str:
    """One line naming a target in a picker: indicator · unit · period, which no other target shares.

    Nothing an edit changes is in it: a picker whose option texts change drops its selection.
    """
    return " · ".join([indicator_name(indicator, lang), unit_name(unit, lang), target.period])


# --- the list ---------------------------------------------------------------------------------------------

def in_reading_order(rows, lang: str) -> list:
    """The list as people look for a target: by indicator name, then unit, then period."""
    return sorted(rows, key=lambda row: (indicator_name(row[1], lang).casefold(),
                                         "" if row[2] is None else unit_name(row[2], lang).casefold(),
                                         row[0].period_start, row[0].period_end))


def only_whole_organisation(rows):
    """The targets set for the whole organisation (no unit); the store's unit filter takes a unit id."""
    return [row for row in rows if row[2] is None]


def targets_frame(rows, lang: str) -> pd.DataFrame:
    """The targets list as display strings, columns in the user's language."""
    columns = ["indicator", "unit", "period", "target", "band", "binding", "owner", "retired"]
    records = []
    for target, indicator, unit in rows:
        records.append({
            "indicator": indicator_name(indicator, lang),
            "unit": unit_name(unit, lang),
            "period": target.period,
            "target": rule_text(target, indicator, lang),
            "band": band_text(target.band, target.band_kind, lang, indicator.decimals),
            "binding": t("targets.yes", lang) if target.binding else "",
            "owner": target.owner,
            "retired": day_text(target.retired_from, lang),
        })
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.rename(columns={name: t(f"targets.col_{name}", lang) for name in columns})


def target_with_names(session: Session, target_id: int) -> tuple[Target, Indicator, OrgUnit | None] | None:
    """The target with its indicator and unit (None for the whole organisation), as the targets page lists it."""
    return next((row for row in store.list_targets(session) if row[0].id == target_id), None)


# --- the forms --------------------------------------------------------------------------------------------

def form_values(target: Target, lang: str) -> dict[str, Any]:
    """What the change form shows for a target, field by field (numbers as text in the language)."""
    return {
        "comparator": target.comparator,
        "threshold": number_text(target.threshold, lang),
        "threshold_upper": number_text(target.threshold_upper, lang),
        "band": number_text(target.band, lang),
        "band_kind": target.band_kind,
        "binding": bool(target.binding),
        "rationale": target.rationale or "",
        "owner": target.owner or "",
    }


def _same(name: str, before: Any, after: Any) -> bool:
    if name in NUMBERS:
        try:
            return parse_number(name, _clean(before)) == parse_number(name, _clean(after))
        except InputError:
            return False  # unreadable: the store will say why
    if isinstance(before, str) or isinstance(after, str):
        return (before or "").strip() == (after or "").strip()
    return before == after


def _clean(text: Any) -> Any:
    """Drop the narrow no-break spaces Finnish number formatting groups thousands with ("1 200")."""
    return text.replace("\u202f", "") if isinstance(text, str) else text


def changed_fields(loaded: dict[str, Any], typed: dict[str, Any]) -> dict[str, Any]:
    """The fields whose typed value differs from the one the form was loaded with, as typed."""
    return {name: _clean(typed.get(name)) for name in EDITABLE
            if not _same(name, loaded.get(name), typed.get(name))}


def create_from_form(session: Session, typed: dict[str, Any], actor: Actor | str) -> Target:
    """Create a target from the new-target form's values; the store checks every field."""
    if not typed.get("indicator"):
        raise InputError("indicator", "", "required")
    if typed.get("org_unit") is None:
        raise InputError("org_unit", "", "required")
    return store.create_target(
        session, indicator=typed["indicator"], org_unit=typed["org_unit"] or None,
        period=(typed.get("period") or "").strip(), comparator=typed.get("comparator") or "",
        threshold=_clean(typed.get("threshold")), threshold_upper=_clean(typed.get("threshold_upper")),
        band=_clean(typed.get("band")), band_kind=typed.get("band_kind") or "abs",
        binding=bool(typed.get("binding")), rationale=(typed.get("rationale") or "").strip(),
        owner=(typed.get("owner") or "").strip(), actor=actor, reason=(typed.get("reason") or "").strip())


def save_changes(session: Session, *, target_id: int, expected_version: int, loaded: dict[str, Any],
                 typed: dict[str, Any], reason: str, actor: Actor | str) -> Target | None:
    """Save what changed since the form was loaded; None when nothing did (nothing is written)."""
    changes = changed_fields(loaded, typed)
    if not changes:
        return None
    for name in ("rationale", "owner"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    try:
        return store.update_target(session, target_id=target_id, expected_version=expected_version,
                                   actor=actor, reason=(reason or "").strip(), **changes)
    except StaleDataError:  # saved by someone else between the version check and the write
        raise InputError("target", target_id, "stale_target", by="?") from None


def retire_from_form(session: Session, *, target_id: int, expected_version: int, from_period: str, reason: str,
                     actor: Actor | str) -> Target:
    try:
        return store.retire_target(session, target_id=target_id, expected_version=expected_version,
                                   from_period=(from_period or "").strip(), actor=actor,
                                   reason=(reason or "").strip())
    except StaleDataError:
        raise InputError("target", target_id, "stale_target", by="?") from None


# --- what the page shows in words ------------------------------------------------------------------------

def field_label(name: str, lang: str) -> str:
    label = t("targets.col_retired" if name == "retired_from" else f"fields.{name}", lang)
    return label[:1].upper() + label[1:]


def value_text(name: str, value: Any, lang: str) -> str:
    """A field's value in a history line or the conflict table."""
    if value is None or value == "":
        return "–"
    if name == "comparator":
        return comparator_label(value, lang)
    if name == "band_kind":
        return t(f"targets.band_{value}", lang)
    if name == "binding":
        return t("targets.yes" if value else "targets.no", lang)
    if name == "retired_from":
        return day_text(value, lang)
    if name in NUMBERS and not isinstance(value, str):
        return shown_number(value, lang)
    return str(value)


def conflict_rows(typed: dict[str, Any], current: dict[str, Any], lang: str) -> pd.DataFrame:
    """The fields where what the user typed differs from what is saved now, side by side."""
    records = [{t("targets.col_field", lang): field_label(name, lang),
                t("targets.col_mine", lang): value_text(name, typed.get(name), lang),
                t("targets.col_saved", lang): value_text(name, current.get(name), lang)}
               for name in EDITABLE if not _same(name, current.get(name), typed.get(name))]
    return pd.DataFrame.from_records(records, columns=[t("targets.col_field", lang), t("targets.col_mine", lang),
                                                       t("targets.col_saved", lang)])


def snapshot_diff(old_values: str, new_values: str) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for each field that differs between two JSON snapshots, in reading order.

    A creation has no old snapshot: its set fields are listed with old None.
    """
    old = json.loads(old_values) if old_values else {}
    new = json.loads(new_values) if new_values else {}
    names = [n for n in HISTORY_FIELDS if n in old or n in new]
    names += sorted((set(old) | set(new)) - set(HISTORY_FIELDS) - {"indicator_id", "org_unit_id"})
    found = []
    for name in names:
        before, after = old.get(name), new.get(name)
        if not old_values and after in (None, ""):
            continue
        if before != after:
            found.append((name, before, after))
    return found


@dataclass(frozen=True)
class HistoryEntry:
    when: str
    who: str
    action: str
    lines: list[str]
    reason: str


def history(changes: list[TargetChange], lang: str) -> list[HistoryEntry]:
    """A target's changes in words, newest first: who, when, what (old → new) and why."""
    entries = []
    for change in reversed(changes):
        lines = []
        for name, before, after in snapshot_diff(change.old_values, change.new_values):
            if change.old_values:
                lines.append(f"{field_label(name, lang)}: {value_text(name, before, lang)} → "
                             f"{value_text(name, after, lang)}")
            else:
                lines.append(f"{field_label(name, lang)}: {value_text(name, after, lang)}")
        entries.append(HistoryEntry(when=when_text(change.changed_at, lang), who=change.changed_by,
                                    action=t(f"targets.action_{change.action}", lang), lines=lines,
                                    reason=change.reason))
    return entries

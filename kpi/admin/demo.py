"""Load the demo data in data/demo/ (the five source cases, filled out with flagged synthetic values).

Everything goes through the same store functions as user input, so the demo obeys the same rules.
"""
from __future__ import annotations

import csv
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlmodel import Session

from .. import store
from ..domain.roles import Actor
from ..store.housekeeping import restore_scopes
from ..errors import InputError
from ..settings import DATA_DIR

DEMO_DIR = DATA_DIR / "demo"
DEMO_ACTOR = "demo"


class DatabaseNotEmpty(RuntimeError):
    """The demo is only loaded into an empty database unless the caller asks to replace."""


def _rows(name: str, folder: Path) -> list[dict[str, str]]:
    with open(folder / name, newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _opt(text: str) -> str | None:
    return text if text != "" else None


def load_demo(session: Session, *, replace: bool = False, folder: Path = DEMO_DIR,
              actor: Actor | str = DEMO_ACTOR) -> dict[str, int]:
    """Load every demo file; returns row counts. Raises DatabaseNotEmpty, or InputError with the file and row.

    Replacing data needs an admin `actor` (the command line passes the person it acts as). The default,
    a trusted in-process caller, is for loading an empty database (app start-up, tests). The rows
    themselves are recorded as written by DEMO_ACTOR. People and the access log stay."""
    scoped: dict[str, tuple[str, str]] = {}
    if store.has_data(session):
        if not replace:
            raise DatabaseNotEmpty()
        scoped = store.clear_all(session, actor=actor)
    counts: dict[str, int] = {}
    for name, load_row in (("org_units.csv", _unit), ("indicators.csv", _indicator),
                           ("measurements.csv", _measurement), ("targets.csv", _target),
                           ("explanations.csv", _explanation), ("actions.csv", _action), ("reviews.csv", _review)):
        rows = _rows(name, folder)
        for number, row in enumerate(rows, start=2):  # row 1 is the header
            try:
                load_row(session, row)
            except InputError as error:
                error.params.setdefault("where", f"{name}:{number}")
                raise
        counts[name.removesuffix(".csv")] = len(rows)
    if scoped:
        restore_scopes(session, scoped, by=str(actor))
    return counts


def _unit(session: Session, row: dict[str, str]) -> None:
    store.create_org_unit(session, code=row["code"], name_fi=row["name_fi"], name_en=row["name_en"],
                          parent_code=_opt(row["parent"]), sort_order=int(row["sort_order"] or 0),
                          actor=DEMO_ACTOR)


def _indicator(session: Session, row: dict[str, str]) -> None:
    number = lambda key: float(row[key]) if row[key] else None  # noqa: E731
    store.create_indicator(
        session, code=row["code"], name_fi=row["name_fi"], name_en=row["name_en"], unit_label=row["unit_label"],
        direction=row["direction"], aggregation=row["aggregation"], scale=number("scale") or 1.0,
        min_value=number("min_value"), max_value=number("max_value"), decimals=int(row["decimals"] or 0),
        timing=row["timing"], nature=row["nature"], theme=row["theme"], source=row["source"],
        description_fi=row["description_fi"], description_en=row["description_en"], actor=DEMO_ACTOR)


def _measurement(session: Session, row: dict[str, str]) -> None:
    store.add_measurement(
        session, indicator=row["indicator"], org_unit=row["org_unit"], period=row["period"],
        value=_opt(row["value"]), numerator=_opt(row["numerator"]), denominator=_opt(row["denominator"]),
        weight=_opt(row["weight"]), period_label=row["period_label"], synthetic=row["synthetic"] == "true",
        source=row["source"], comment=row["comment"], actor=DEMO_ACTOR)


def _target(session: Session, row: dict[str, str]) -> None:
    store.create_target(
        session, indicator=row["indicator"], org_unit=_opt(row["org_unit"]), period=row["period"],
        comparator=row["comparator"], threshold=row["threshold"], threshold_upper=_opt(row["threshold_upper"]),
        band=_opt(row["band"]), band_kind=row["band_kind"] or "abs", binding=row["binding"] == "true",
        rationale=row["rationale"], owner=row["owner"], actor=DEMO_ACTOR, reason="demo data")


def _demo_target(session: Session, row: dict[str, str]):
    return store.find_target(session, row["indicator"], _opt(row["org_unit"]), row["target_period"])


def _explanation(session: Session, row: dict[str, str]) -> None:
    target = _demo_target(session, row)
    explanation = store.save_explanation(session, target_id=target.id, period=row["period"], body=row["body"],
                                         actor=row["author"] or DEMO_ACTOR, expected_version=None, note="demo data")
    if row["state"] == "approved":
        # Approved at the board's meeting, not on the day the demo was loaded.
        at = datetime.combine(date.fromisoformat(row["approved_on"]), time(12), UTC) if row["approved_on"] else None
        store.approve_explanation(session, explanation_id=explanation.id, expected_version=explanation.version,
                                  actor=row["approved_by"] or DEMO_ACTOR, note="demo data", approved_at=at)


def _action(session: Session, row: dict[str, str]) -> None:
    target = _demo_target(session, row)
    action = store.create_action(session, target_id=target.id, period=row["period"], title=row["title"],
                                 owner=row["owner"], due_on=row["due_on"], actor=DEMO_ACTOR, note="demo data")
    if row["state"] != action.state:
        store.update_action(session, action_id=action.id, expected_version=action.version, actor=DEMO_ACTOR,
                            note=row["note"] or "demo data", state=row["state"])


def _review(session: Session, row: dict[str, str]) -> None:
    review = store.create_review(session, period=row["period"], held_on=row["held_on"], title=row["title"],
                                 attendees=row["attendees"], notes=row["notes"], actor=DEMO_ACTOR)
    if row["decision"]:
        target = _demo_target(session, row)
        store.record_decision(session, review_id=review.id, target_id=target.id, period=row["period"],
                              decision=row["decision"], actor=DEMO_ACTOR,
                              recorded_at=datetime.combine(review.held_on, time(12), UTC))

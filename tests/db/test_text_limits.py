"""Every free-text field a person types into has a length limit, checked by the store: one character over
is refused with a message naming the field and the limit, in Finnish and in English, and nothing is
written; exactly the limit is taken. On SQLite and PostgreSQL (where a column's own limit would otherwise
end in a database error instead of a message)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from kpi import db, store
from kpi.errors import InputError
from kpi.i18n import t
from kpi.models import (ActionChange, CorrectiveAction, Explanation, ExplanationRevision, Measurement,
                        MeasurementChange, ReviewSession, ReviewTopic, Target, TargetChange)

TABLES = (Explanation, ExplanationRevision, CorrectiveAction, ActionChange, ReviewSession, ReviewTopic, Target,
          TargetChange, Measurement, MeasurementChange)


@dataclass(frozen=True)
class Known:
    """Rows of the demo the writes start from."""
    target: int          # NPS, TTH, 2020
    target_version: int
    explanation: int     # its approved explanation of 2020
    explanation_version: int
    action: int          # one of its corrective actions
    action_version: int
    review: int
    measurement: int     # NPS, TTH, 2020-Q1
    measurement_version: int


@pytest.fixture(scope="module")
def engine(demo_db_url):
    """The demo on each backend, shared: every write here is refused or rolled back."""
    engine = db.make_engine(demo_db_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def known(engine) -> Known:
    with db.session_scope(engine) as session:
        target = store.find_target(session, "nps", "TTH", "2020")
        explanation = store.get_explanation(session, target.id, "2020")
        action = store.actions_for(session, target_ids=[target.id])[0][0]
        review = store.list_reviews(session)[0]
        measurement = session.exec(select(Measurement).where(Measurement.indicator_id == target.indicator_id,
                                                             Measurement.org_unit_id == target.org_unit_id,
                                                             Measurement.period == "2020-Q1")).one()
        return Known(target.id, target.version, explanation.id, explanation.version, action.id, action.version,
                     review.id, measurement.id, measurement.version)


Write = Callable[[Session, Known, str], object]

# (field in the message, its limit, a write putting `text` into that field)
CASES: list[tuple[str, int, Write]] = [
    ("body", 20_000, lambda s, k, text: store.save_explanation(
        s, target_id=k.target, period="2020-Q1", body=text, actor="hr", expected_version=None)),
    ("note", 2_000, lambda s, k, text: store.save_explanation(
        s, target_id=k.target, period="2020-Q1", body="Koronan alku.", actor="hr", expected_version=None, note=text)),
    ("note", 2_000, lambda s, k, text: store.approve_explanation(
        s, explanation_id=k.explanation, expected_version=k.explanation_version, actor="hr", note=text)),
    ("title", 500, lambda s, k, text: store.create_action(
        s, target_id=k.target, period="2020", title=text, actor="hr")),
    ("owner", 120, lambda s, k, text: store.create_action(
        s, target_id=k.target, period="2020", title="Kysely", owner=text, actor="hr")),
    ("note", 2_000, lambda s, k, text: store.create_action(
        s, target_id=k.target, period="2020", title="Kysely", actor="hr", note=text)),
    ("note", 2_000, lambda s, k, text: store.update_action(
        s, action_id=k.action, expected_version=k.action_version, actor="hr", note=text, state="done")),
    ("title", 500, lambda s, k, text: store.update_action(
        s, action_id=k.action, expected_version=k.action_version, actor="hr", note="uusi nimi", title=text)),
    ("owner", 120, lambda s, k, text: store.update_action(
        s, action_id=k.action, expected_version=k.action_version, actor="hr", note="uusi vastuu", owner=text)),
    ("review_title", 200, lambda s, k, text: store.create_review(
        s, period="2020", held_on="2021-03-12", title=text, actor="hr")),
    ("attendees", 5_000, lambda s, k, text: store.create_review(
        s, period="2020", held_on="2021-03-12", attendees=text, actor="hr")),
    ("notes", 20_000, lambda s, k, text: store.create_review(
        s, period="2020", held_on="2021-03-12", notes=text, actor="hr")),
    ("decision", 5_000, lambda s, k, text: store.record_decision(
        s, review_id=k.review, target_id=k.target, period="2020", decision=text, actor="hr")),
    ("rationale", 5_000, lambda s, k, text: store.create_target(
        s, indicator="nps", org_unit="TTH", period="2040", comparator="≥", threshold=70, rationale=text, actor="hr")),
    ("owner", 120, lambda s, k, text: store.create_target(
        s, indicator="nps", org_unit="TTH", period="2040", comparator="≥", threshold=70, owner=text, actor="hr")),
    ("reason", 2_000, lambda s, k, text: store.create_target(
        s, indicator="nps", org_unit="TTH", period="2040", comparator="≥", threshold=70, actor="hr", reason=text)),
    ("rationale", 5_000, lambda s, k, text: store.update_target(
        s, target_id=k.target, expected_version=k.target_version, actor="hr", reason="tarkennus", rationale=text)),
    ("owner", 120, lambda s, k, text: store.update_target(
        s, target_id=k.target, expected_version=k.target_version, actor="hr", reason="uusi vastuu", owner=text)),
    ("reason", 2_000, lambda s, k, text: store.update_target(
        s, target_id=k.target, expected_version=k.target_version, actor="hr", reason=text, threshold=71)),
    ("reason", 2_000, lambda s, k, text: store.retire_target(
        s, target_id=k.target, expected_version=k.target_version, from_period="2020-Q3", actor="hr", reason=text)),
    ("comment", 2_000, lambda s, k, text: store.save_measurement(
        s, indicator="nps", org_unit="TTH", period="2040-Q1", value=50, comment=text, actor="hr")),
    ("source", 500, lambda s, k, text: store.save_measurement(
        s, indicator="nps", org_unit="TTH", period="2040-Q1", value=50, source=text, actor="hr")),
    ("period_label", 60, lambda s, k, text: store.save_measurement(
        s, indicator="nps", org_unit="TTH", period="2040-Q1", value=50, period_label=text, actor="hr")),
    ("reason", 2_000, lambda s, k, text: store.save_measurement(
        s, indicator="nps", org_unit="TTH", period="2020-Q1", value=62, replace=True,
        expected_version=k.measurement_version, actor="hr", reason=text)),
    ("reason", 2_000, lambda s, k, text: store.delete_measurement(
        s, measurement_id=k.measurement, expected_version=k.measurement_version, actor="hr", reason=text)),
]


def everything(engine) -> tuple:
    """The data version and the row count of every table these writes touch."""
    with db.session_scope(engine) as session:
        return (store.data_version(session),
                *(session.exec(select(func.count()).select_from(model)).one() for model in TABLES))


def _case_id(case) -> str:
    field, _, write = case
    called = next(name for name in write.__code__.co_names if name != "store")
    return f"{called}-{field}"


@pytest.mark.parametrize("field, limit, write", CASES, ids=[_case_id(case) for case in CASES])
def test_one_character_over_the_limit_is_refused_with_the_limit_and_nothing_is_written(engine, known, field,
                                                                                         limit, write):
    before = everything(engine)
    with pytest.raises(InputError) as caught:
        with db.session_scope(engine) as session:
            write(session, known, "x" * (limit + 1))
    error = caught.value
    assert (error.field, error.key, error.params["limit"]) == (field, "too_long", limit)
    assert error.inline("fi").startswith(t(f"fields.{field}", "fi"))
    assert f"enintään {limit:,} merkkiä".replace(",", "\u202f") in error.message("fi")  # 20 000, as counts are written
    assert error.inline("en").startswith(t(f"fields.{field}", "en"))
    assert f"at most {limit:,} characters" in error.message("en")
    assert len(error.message("en")) < 200            # the start of the text, not all of it
    assert everything(engine) == before


@pytest.mark.parametrize("field, limit, write", CASES, ids=[_case_id(case) for case in CASES])
def test_exactly_the_limit_is_taken(engine, known, field, limit, write):
    with Session(engine) as session:
        write(session, known, "x" * limit)
        session.flush()                              # PostgreSQL checks a column's own limit here
        session.rollback()                           # the module's demo stays as it was

"""Bad input is refused with a message naming the field and the value, and nothing is written."""
import pytest
from sqlalchemy import func
from sqlmodel import select

from kpi import db, store
from kpi.errors import InputError
from kpi.models import Measurement, Target


@pytest.fixture
def catalogue(migrated_engine):
    """One unit and two ratio indicators: NPS (-100..100) and sick-leave days per FTE (lower is better)."""
    with db.session_scope(migrated_engine) as session:
        store.create_org_unit(session, code="TTH", name_fi="Työterveys Helsinki", name_en="Occupational Health", actor="test")
        store.create_indicator(session, code="nps", name_fi="NPS", name_en="NPS", direction="higher",
                               aggregation="ratio", scale=100, min_value=-100, max_value=100, actor="test")
        store.create_indicator(session, code="sick_days", name_fi="Sairauspäivät/htv", name_en="Sick days/FTE",
                               direction="lower", aggregation="ratio", min_value=0, decimals=1, actor="test")
        store.add_measurement(session, indicator="nps", org_unit="TTH", period="2020-Q1",
                              numerator=488, denominator=800)
    return migrated_engine


def _count(engine, model) -> int:
    with db.session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


MEASUREMENT_CASES = [
    # (what is wrong, keyword arguments, field named, value named)
    ("unknown indicator", dict(indicator="nsp", org_unit="TTH", period="2020-Q2", value=60), "indicator", "nsp"),
    ("unknown unit", dict(indicator="nps", org_unit="XYZ", period="2020-Q2", value=60), "org_unit", "XYZ"),
    ("period does not parse", dict(indicator="nps", org_unit="TTH", period="2020-Q5", value=60), "period", "2020-Q5"),
    ("NPS above 100", dict(indicator="nps", org_unit="TTH", period="2020-Q2", value=120), "value", 120.0),
    ("NPS below -100", dict(indicator="nps", org_unit="TTH", period="2020-Q2", value=-101), "value", -101.0),
    ("second value for the same period", dict(indicator="nps", org_unit="TTH", period="Q1/2020", value=61),
     "period", "2020-Q1"),
    ("value is not a number", dict(indicator="nps", org_unit="TTH", period="2020-Q2", value="lots"), "value", "lots"),
    ("numerator without denominator", dict(indicator="nps", org_unit="TTH", period="2020-Q2", numerator=5),
     "denominator", ""),
    ("zero responses", dict(indicator="nps", org_unit="TTH", period="2020-Q2", numerator=0, denominator=0),
     "denominator", 0.0),
    ("value disagrees with its parts", dict(indicator="nps", org_unit="TTH", period="2020-Q2", value=75,
                                            numerator=488, denominator=800), "value", 75.0),
]


@pytest.mark.parametrize("case,kwargs,field,value", MEASUREMENT_CASES, ids=[c[0] for c in MEASUREMENT_CASES])
def test_a_bad_measurement_is_refused_and_nothing_is_written(catalogue, case, kwargs, field, value):
    before = _count(catalogue, Measurement)
    with pytest.raises(InputError) as caught:
        with db.session_scope(catalogue) as session:
            store.add_measurement(session, actor="hr", **kwargs)
    assert (caught.value.field, caught.value.value) == (field, value)
    assert _count(catalogue, Measurement) == before


TARGET_CASES = [
    ("between with lower above upper", dict(indicator="nps", comparator="between", threshold=80,
                                            threshold_upper=70), "threshold_upper", 70.0),
    ("between without upper", dict(indicator="nps", comparator="between", threshold=60), "threshold_upper", ""),
    ("unknown comparator", dict(indicator="nps", comparator="roughly", threshold=70), "comparator", "roughly"),
    ("floor on a lower-is-better indicator", dict(indicator="sick_days", comparator="≥", threshold=8),
     "comparator", "≥"),
    ("threshold outside the valid range", dict(indicator="nps", comparator="ge", threshold=170), "threshold", 170.0),
    ("period does not parse", dict(indicator="nps", comparator="ge", threshold=70, period="20x0"), "period", "20x0"),
    ("negative at-risk band", dict(indicator="nps", comparator="ge", threshold=70, band=-3), "band", -3.0),
]


@pytest.mark.parametrize("case,kwargs,field,value", TARGET_CASES, ids=[c[0] for c in TARGET_CASES])
def test_a_bad_target_is_refused_and_nothing_is_written(catalogue, case, kwargs, field, value):
    arguments = dict(org_unit="TTH", period="2020", actor="hr") | kwargs
    with pytest.raises(InputError) as caught:
        with db.session_scope(catalogue) as session:
            store.create_target(session, **arguments)
    assert (caught.value.field, caught.value.value) == (field, value)
    assert _count(catalogue, Target) == 0


def test_the_error_message_names_the_field_and_the_value_in_both_languages(catalogue):
    with pytest.raises(InputError) as caught:
        with db.session_scope(catalogue) as session:
            store.add_measurement(session, indicator="nps", org_unit="TTH", period="2020-Q2", value=120, actor="hr")
    assert caught.value.message("en").startswith("Value “120”:")    # a message starts with a capital letter
    assert caught.value.message("fi").startswith("Arvo ”120”:") and "\u2212100…100" in caught.value.message("fi")


def test_a_ratio_value_is_computed_from_its_parts_when_only_those_are_given(catalogue):
    with db.session_scope(catalogue) as session:
        stored = session.exec(select(Measurement).where(Measurement.period == "2020-Q1")).one()
    assert stored.value == pytest.approx(61.0)


def test_numbers_in_messages_read_as_people_write_them(catalogue):
    with pytest.raises(InputError) as caught:
        with db.session_scope(catalogue) as session:
            store.create_target(session, indicator="sick_days", org_unit="TTH", period="2020", comparator="between",
                                threshold=10.5, threshold_upper=9, actor="hr")
    assert "”9”" in caught.value.message("fi") and "10,5" in caught.value.message("fi")
    assert "“9”" in caught.value.message("en") and "10.5" in caught.value.message("en")
    assert ".0" not in caught.value.message("en")

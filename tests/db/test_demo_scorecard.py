"""The demo data carries the five source cases, and the scorecard reads them as the documents do."""
from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from kpi import db, store
from kpi.admin.demo import DatabaseNotEmpty, load_demo
from kpi.domain.periods import parse_period
from kpi.models import Indicator, Measurement
from kpi.features.scorecard import build_scorecard, summarise

AS_OF = date(2026, 11, 23)


def _card(engine, period, unit=None, lang="en"):
    with db.session_scope(engine) as session:
        return build_scorecard(session, parse_period(period), unit_code=unit, as_of=AS_OF, lang=lang)


def _row(rows, indicator):
    [row] = [r for r in rows if r.indicator == indicator]
    return row


def test_nps_2020_is_67_against_a_binding_70_and_not_met(demo_engine):
    row = _row(_card(demo_engine, "2020"), "nps")
    assert (row.actual, row.comparator, row.target, row.binding, row.status) == (67, "ge", 70, True, "not_met")
    assert row.gap == -3 and row.complete and not row.running
    assert row.values_combined == 4  # computed from the four quarters' responses


def test_nps_first_quarter_2020_is_61(demo_engine):
    row = _row(_card(demo_engine, "2020-Q1"), "nps")
    assert (row.actual, row.status, row.target_period) == (61, "not_met", "2020")


def test_coaching_referrals_2021_are_340_against_300_and_met(demo_engine):
    row = _row(_card(demo_engine, "2021"), "tyodesign_referrals")
    assert (row.actual, row.target, row.status) == (340, 300, "met")
    assert row.values_combined == 16  # four regions x four months, summed


def test_the_employer_keyword_markings_fall_far_behind(demo_engine):
    assert _row(_card(demo_engine, "2021"), "employer_markings").actual == 12


def test_the_training_feedback_share_is_73_percent_of_110_responses(demo_engine):
    row = _row(_card(demo_engine, "2021"), "training_useful_share")
    assert row.actual == 73 and row.unit_label == "%"


def test_binding_targets_not_met_come_first(demo_engine):
    rows = _card(demo_engine, "2020")
    assert rows[0].indicator == "nps" and rows[0].binding and rows[0].status == "not_met"


def test_a_year_target_for_a_count_does_not_judge_a_quarter(demo_engine):
    indicators = {row.indicator for row in _card(demo_engine, "2020-Q1")}
    assert "nps" in indicators and "work_accidents" not in indicators


def test_the_running_year_is_shown_to_date(demo_engine):
    row = _row(_card(demo_engine, "2026"), "nps")
    assert row.running and not row.complete and row.data_through == "2026-09-30"


def test_choosing_a_unit_shows_only_its_targets_and_those_below_it(demo_engine):
    rows = _card(demo_engine, "2021", unit="TE-UUSI")
    assert rows and {row.org_unit for row in rows} == {"TE-UUSI"}
    assert _card(demo_engine, "2021", unit="TE-HKI") == []  # targets are set for the office, not a region


def test_sick_leave_for_the_agency_is_the_ratio_of_both_divisions_totals(demo_engine):
    with db.session_scope(demo_engine) as session:
        indicator = store.get_indicator(session, "sick_leave_days_per_fte")
        rows = session.exec(select(Measurement).where(Measurement.indicator_id == indicator.id,
                                                      Measurement.period_start >= date(2021, 1, 1),
                                                      Measurement.period_end <= date(2021, 12, 31))).all()
    expected = sum(r.numerator for r in rows) / sum(r.denominator for r in rows)
    assert len(rows) == 8
    assert _row(_card(demo_engine, "2021"), "sick_leave_days_per_fte").actual == pytest.approx(expected, abs=0.05)


def test_the_qualitative_council_follow_up_reads_on_its_own_date_range(demo_engine):
    row = _row(_card(demo_engine, "2011-06-15..2012-06-15"), "staff_reachability")
    assert (row.actual, row.status) == (3, "at_risk")  # grade 3 against ≥ 4, inside the 1-grade band


def test_the_surveys_at_irregular_points_combine_by_respondents(demo_engine):
    row = _row(_card(demo_engine, "2018"), "vita_climate")
    assert row.actual == pytest.approx((3.71 * 69 + 3.78 * 66) / 135, abs=0.005)


def test_the_summary_counts_each_status(demo_engine):
    rows = _card(demo_engine, "2020")
    counts = summarise(rows)
    assert sum(counts[s] for s in ("met", "at_risk", "not_met", "no_data")) == len(rows)
    assert counts["binding_not_met"] == 1


def test_names_follow_the_chosen_language(demo_engine):
    assert _row(_card(demo_engine, "2020", lang="fi"), "nps").org_unit_name.startswith("Työterveys Helsinki")
    assert _row(_card(demo_engine, "2020", lang="en"), "nps").org_unit_name == "Occupational Health Helsinki"


def test_every_made_up_demo_value_is_flagged_synthetic_and_the_documented_ones_are_not(demo_engine):
    with db.session_scope(demo_engine) as session:
        documented = session.exec(select(Indicator.code, Measurement.period)
                                  .join(Indicator, Indicator.id == Measurement.indicator_id)
                                  .where(Measurement.synthetic.is_(False))).all()
        synthetic = session.exec(select(func.count()).select_from(Measurement)
                                 .where(Measurement.synthetic.is_(True))).one()
    assert ("nps", "2020-Q1") in documented and ("tyodesign_referrals", "2021-10") not in documented
    assert ("job_referrals", "2021") in documented and synthetic > 200


def test_loading_the_demo_twice_is_refused_unless_replacing(migrated_engine):
    with db.session_scope(migrated_engine) as session:
        first = load_demo(session)
    with pytest.raises(DatabaseNotEmpty):
        with db.session_scope(migrated_engine) as session:
            load_demo(session)
    with db.session_scope(migrated_engine) as session:
        again = load_demo(session, replace=True)
    assert again == first
    with db.session_scope(migrated_engine) as session:
        assert session.exec(select(func.count()).select_from(Measurement)).one() == first["measurements"]


def test_a_broken_demo_file_names_the_file_and_row_and_loads_nothing(migrated_engine, tmp_path):
    import shutil

    from kpi.admin.demo import DEMO_DIR
    from kpi.errors import InputError

    for name in ("org_units.csv", "indicators.csv", "measurements.csv", "targets.csv"):
        shutil.copy(DEMO_DIR / name, tmp_path / name)
    lines = (tmp_path / "measurements.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("2020-Q2", "2020-Q9")
    (tmp_path / "measurements.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        with db.session_scope(migrated_engine) as session:
            load_demo(session, folder=tmp_path)
    assert caught.value.message("en").startswith("measurements.csv:3: period “2020-Q9”")
    with db.session_scope(migrated_engine) as session:
        assert not store.has_data(session)


def test_a_target_for_the_whole_organisation_rolls_up_every_top_unit(migrated_engine):
    with db.session_scope(migrated_engine) as session:
        for code in ("NORTH", "SOUTH"):
            store.create_org_unit(session, code=code, name_fi=code, name_en=code, actor="test")
        store.create_indicator(session, code="referrals", name_fi="Ohjaukset", name_en="Referrals",
                               direction="higher", aggregation="sum", min_value=0, actor="test")
        store.add_measurement(session, indicator="referrals", org_unit="NORTH", period="2021-03", value=120)
        store.add_measurement(session, indicator="referrals", org_unit="SOUTH", period="2021-11", value=200)
        store.create_target(session, indicator="referrals", org_unit=None, period="2021", comparator="ge",
                            threshold=300, actor="hr")
    [row] = _card(migrated_engine, "2021")
    assert (row.org_unit, row.org_unit_name, row.actual, row.status) == (None, "Whole organisation", 320, "met")

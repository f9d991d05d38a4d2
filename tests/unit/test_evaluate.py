"""Judging an actual against a target: met, at risk, not met, no data; the gap; the binding rule."""
from datetime import date

import pytest

from kpi.domain.evaluate import (
    TargetRule,
    TargetRuleError,
    comparator_fits_direction,
    evaluate_target,
    target_applies,
)
from kpi.domain.periods import Period
from kpi.domain.vocabulary import Aggregation, BandKind, Comparator, Direction, Status

GE, LE, EQ, BETWEEN = Comparator.GE, Comparator.LE, Comparator.EQ, Comparator.BETWEEN
ABS, PCT = BandKind.ABSOLUTE, BandKind.PERCENT
MET, AT_RISK, NOT_MET, NO_DATA = Status.MET, Status.AT_RISK, Status.NOT_MET, Status.NO_DATA

YEAR_2020 = Period.year(2020)
DURING_2020 = date(2020, 10, 1)     # the year is running
AFTER_2020 = date(2021, 2, 15)      # the year has ended: financial statements time


def judge(rule, actual, *, decimals=0, as_of=DURING_2020, period=YEAR_2020, data_through=None):
    return evaluate_target(rule, actual, period=period, as_of=as_of, decimals=decimals,
                           data_through=data_through)


# --- every comparator at and around its threshold and band edge ---------------------------------

NPS_FLOOR = TargetRule(GE, 70, band=3)                          # ≥ 70, at risk within 3 points
NPS_FLOOR_PCT = TargetRule(GE, 70, band=5, band_kind=PCT)       # ≥ 70, at risk within 5 % = 3.5
SICK_DAYS_CEILING = TargetRule(LE, 10.5, band=0.5)              # ≤ 10.5 days/FTE, within 0.5 days
SICK_DAYS_CEILING_PCT = TargetRule(LE, 10.5, band=5, band_kind=PCT)  # ≤ 10.5, within 5 % = 0.525
ZERO_ACCIDENTS = TargetRule(EQ, 0, band=2)                      # = 0, within 2
EXACTLY_100 = TargetRule(EQ, 100, band=5, band_kind=PCT)        # = 100, within 5 % = 5
BUDGET_CORRIDOR = TargetRule(BETWEEN, 95, upper=105, band=2)    # 95–105, within 2 of the bound missed
BUDGET_CORRIDOR_PCT = TargetRule(BETWEEN, 95, upper=105, band=5, band_kind=PCT)


@pytest.mark.parametrize(
    "rule, decimals, actual, status, gap",
    [
        # ≥ 70 with an absolute band of 3
        pytest.param(NPS_FLOOR, 0, 70, MET, 0, id="ge-at-threshold"),
        pytest.param(NPS_FLOOR, 0, 71, MET, 1, id="ge-just-inside"),
        pytest.param(NPS_FLOOR, 0, 69, AT_RISK, -1, id="ge-just-outside"),
        pytest.param(NPS_FLOOR, 0, 67, AT_RISK, -3, id="ge-at-band-edge"),         # 70 - 3 = 67, inclusive
        pytest.param(NPS_FLOOR, 0, 66, NOT_MET, -4, id="ge-beyond-band"),
        # ≥ 70 with a 5 % band: 5 % of 70 = 3.5, so the edge is 66.5
        pytest.param(NPS_FLOOR_PCT, 1, 69.9, AT_RISK, -0.1, id="ge-pct-just-outside"),
        pytest.param(NPS_FLOOR_PCT, 1, 66.5, AT_RISK, -3.5, id="ge-pct-at-band-edge"),
        pytest.param(NPS_FLOOR_PCT, 1, 66.4, NOT_MET, -3.6, id="ge-pct-beyond-band"),
        # ≤ 10.5 with an absolute band of 0.5: the edge is 11.0
        pytest.param(SICK_DAYS_CEILING, 1, 10.5, MET, 0, id="le-at-threshold"),
        pytest.param(SICK_DAYS_CEILING, 1, 10.4, MET, 0.1, id="le-just-inside"),
        pytest.param(SICK_DAYS_CEILING, 1, 10.6, AT_RISK, -0.1, id="le-just-outside"),
        pytest.param(SICK_DAYS_CEILING, 1, 11.0, AT_RISK, -0.5, id="le-at-band-edge"),
        pytest.param(SICK_DAYS_CEILING, 1, 11.1, NOT_MET, -0.6, id="le-beyond-band"),
        # ≤ 10.5 with a 5 % band: 5 % of 10.5 = 0.525, so the edge is 11.025
        pytest.param(SICK_DAYS_CEILING_PCT, 2, 10.49, MET, 0.01, id="le-pct-just-inside"),
        pytest.param(SICK_DAYS_CEILING_PCT, 2, 10.51, AT_RISK, -0.01, id="le-pct-just-outside"),
        pytest.param(SICK_DAYS_CEILING_PCT, 2, 11.02, AT_RISK, -0.52, id="le-pct-inside-band-2-decimals"),
        pytest.param(SICK_DAYS_CEILING_PCT, 2, 11.03, NOT_MET, -0.53, id="le-pct-beyond-band-2-decimals"),
        pytest.param(SICK_DAYS_CEILING_PCT, 3, 11.025, AT_RISK, -0.525, id="le-pct-at-band-edge-3-decimals"),
        pytest.param(SICK_DAYS_CEILING_PCT, 3, 11.026, NOT_MET, -0.526, id="le-pct-beyond-band-3-decimals"),
        # At 2 decimals 11.025 is shown, and so judged, as 11.03: beyond the 11.025 edge.
        pytest.param(SICK_DAYS_CEILING_PCT, 2, 11.025, NOT_MET, -0.53, id="le-pct-11.025-shown-as-11.03"),
        # = 0 with a band of 2: a miss either side is a shortfall
        pytest.param(ZERO_ACCIDENTS, 0, 0, MET, 0, id="eq-at-threshold"),
        pytest.param(ZERO_ACCIDENTS, 0, 0.4, MET, 0, id="eq-just-inside-shown-as-0"),
        pytest.param(ZERO_ACCIDENTS, 0, 1, AT_RISK, -1, id="eq-just-outside-above"),
        pytest.param(ZERO_ACCIDENTS, 0, -1, AT_RISK, -1, id="eq-just-outside-below"),
        pytest.param(ZERO_ACCIDENTS, 0, 2, AT_RISK, -2, id="eq-at-band-edge"),
        pytest.param(ZERO_ACCIDENTS, 0, 3, NOT_MET, -3, id="eq-beyond-band"),
        # = 100 with a 5 % band: 95…105 is at risk
        pytest.param(EXACTLY_100, 0, 105, AT_RISK, -5, id="eq-pct-at-band-edge-above"),
        pytest.param(EXACTLY_100, 0, 95, AT_RISK, -5, id="eq-pct-at-band-edge-below"),
        pytest.param(EXACTLY_100, 0, 106, NOT_MET, -6, id="eq-pct-beyond-band"),
        # between 95 and 105 with a band of 2
        pytest.param(BUDGET_CORRIDOR, 0, 95, MET, 0, id="between-at-lower"),
        pytest.param(BUDGET_CORRIDOR, 0, 105, MET, 0, id="between-at-upper"),
        pytest.param(BUDGET_CORRIDOR, 0, 100, MET, 0, id="between-inside"),
        pytest.param(BUDGET_CORRIDOR, 0, 94, AT_RISK, -1, id="between-just-below"),
        pytest.param(BUDGET_CORRIDOR, 0, 106, AT_RISK, -1, id="between-just-above"),
        pytest.param(BUDGET_CORRIDOR, 0, 93, AT_RISK, -2, id="between-at-lower-band-edge"),
        pytest.param(BUDGET_CORRIDOR, 0, 107, AT_RISK, -2, id="between-at-upper-band-edge"),
        pytest.param(BUDGET_CORRIDOR, 0, 92, NOT_MET, -3, id="between-beyond-lower-band"),
        pytest.param(BUDGET_CORRIDOR, 0, 108, NOT_MET, -3, id="between-beyond-upper-band"),
        # between 95 and 105 with a 5 % band of the bound missed: 4.75 below, 5.25 above
        pytest.param(BUDGET_CORRIDOR_PCT, 2, 90.25, AT_RISK, -4.75, id="between-pct-at-lower-band-edge"),
        pytest.param(BUDGET_CORRIDOR_PCT, 2, 90.24, NOT_MET, -4.76, id="between-pct-beyond-lower-band"),
        pytest.param(BUDGET_CORRIDOR_PCT, 2, 110.25, AT_RISK, -5.25, id="between-pct-at-upper-band-edge"),
        pytest.param(BUDGET_CORRIDOR_PCT, 2, 110.26, NOT_MET, -5.26, id="between-pct-beyond-upper-band"),
        # 4.9 over the top is inside 5 % of 105 (5.25), though it would be outside 5 % of 95 (4.75).
        pytest.param(BUDGET_CORRIDOR_PCT, 2, 109.9, AT_RISK, -4.9, id="between-pct-band-from-upper-bound"),
    ],
)
def test_each_comparator_is_met_at_its_threshold_at_risk_up_to_the_band_edge_and_not_met_beyond(
        rule, decimals, actual, status, gap):
    result = judge(rule, actual, decimals=decimals)
    assert result.status is status
    assert result.met is (status is MET)
    assert result.gap == pytest.approx(gap)


@pytest.mark.parametrize("band", [None, 0])
@pytest.mark.parametrize("rule_without_band", [
    TargetRule(GE, 70), TargetRule(LE, 68), TargetRule(EQ, 70), TargetRule(BETWEEN, 60, upper=68)])
def test_without_a_band_a_miss_by_one_point_is_not_met(rule_without_band, band):
    rule = TargetRule(rule_without_band.comparator, rule_without_band.threshold, rule_without_band.upper,
                      band=band)
    assert judge(rule, 69).status is NOT_MET


@pytest.mark.parametrize("rule", [NPS_FLOOR, SICK_DAYS_CEILING_PCT, ZERO_ACCIDENTS, BUDGET_CORRIDOR],
                         ids=["ge", "le", "eq", "between"])
@pytest.mark.parametrize("binding", [False, True])
@pytest.mark.parametrize("as_of", [DURING_2020, AFTER_2020])
def test_with_no_actual_the_status_is_no_data_and_nothing_is_met_or_missed(rule, binding, as_of):
    rule = TargetRule(rule.comparator, rule.threshold, rule.upper, rule.band, rule.band_kind, binding)
    result = judge(rule, None, as_of=as_of)
    assert (result.status, result.met, result.actual, result.gap, result.gap_relative) == (
        NO_DATA, None, None, None, None)


# --- rounding: what the meeting sees is what is judged ----------------------------------------

@pytest.mark.parametrize(
    "rule, decimals, actual, shown, status",
    [
        (TargetRule(GE, 70), 0, 69.96, 70, MET),      # shown as 70, so it counts as 70
        (TargetRule(GE, 70), 0, 69.5, 70, MET),       # half rounds up, as on paper
        (TargetRule(GE, 70), 0, 69.49, 69, NOT_MET),
        (TargetRule(GE, 70), 0, 69.4, 69, NOT_MET),
        (TargetRule(GE, 70), 1, 69.96, 70.0, MET),
        (TargetRule(GE, 70), 1, 69.94, 69.9, NOT_MET),  # at 1 decimal 69.9 is what is shown
        (TargetRule(LE, 10.5), 1, 10.54, 10.5, MET),
        (TargetRule(LE, 10.5), 1, 10.55, 10.6, NOT_MET),  # 10.55 -> 10.6, half up
        (TargetRule(EQ, 0), 0, 0.49, 0, MET),
        (TargetRule(EQ, 0), 0, 0.5, 1, NOT_MET),
        (TargetRule(BETWEEN, 95, upper=105), 0, 105.4, 105, MET),
        (TargetRule(BETWEEN, 95, upper=105), 0, 105.5, 106, NOT_MET),
    ],
)
def test_the_actual_is_rounded_to_the_indicators_decimals_before_it_is_judged(
        rule, decimals, actual, shown, status):
    result = judge(rule, actual, decimals=decimals)
    assert (result.actual, result.status) == (shown, status)


# --- the gap: negative is always a shortfall ---------------------------------------------------

@pytest.mark.parametrize(
    "rule, actual, gap, gap_relative",
    [
        (TargetRule(GE, 70), 75, 5, 5 / 70),            # above a floor: ahead
        (TargetRule(GE, 70), 65, -5, -5 / 70),          # below a floor: short
        (TargetRule(LE, 10.5), 9.5, 1, 1 / 10.5),       # below a ceiling: ahead
        (TargetRule(LE, 10.5), 11.5, -1, -1 / 10.5),    # above a ceiling: short
        (TargetRule(EQ, 100), 102, -2, -2 / 100),       # off an exact target either way is short
        (TargetRule(EQ, 100), 98, -2, -2 / 100),
        (TargetRule(EQ, 0), 2, -2, None),               # nothing to measure relative to 0
        (TargetRule(BETWEEN, 95, upper=105), 100, 0, 0),
        (TargetRule(BETWEEN, 95, upper=105), 90, -5, -5 / 95),    # measured from the lower bound
        (TargetRule(BETWEEN, 95, upper=105), 110, -5, -5 / 105),  # measured from the upper bound
    ],
)
def test_the_gap_is_signed_so_that_negative_is_a_shortfall_for_every_comparator(rule, actual, gap, gap_relative):
    result = judge(rule, actual, decimals=1)
    assert result.gap == pytest.approx(gap)
    if gap_relative is None:
        assert result.gap_relative is None
    else:
        assert result.gap_relative == pytest.approx(gap_relative)


def test_the_helsinki_2020_nps_of_67_is_3_points_or_about_4_percent_short_of_70():
    # Seed case 1: binding NPS ≥ 70, full year 67. Gap 67 - 70 = -3; relative -3 / 70 = -0.0429.
    result = judge(TargetRule(GE, 70, binding=True), 67, as_of=AFTER_2020)
    assert (result.status, result.gap) == (NOT_MET, -3)
    assert result.gap_relative == pytest.approx(-0.042857, abs=1e-6)


# --- binding targets: a finished period leaves no "at risk" -------------------------------------

@pytest.mark.parametrize(
    "binding, as_of, actual, status",
    [
        (True, AFTER_2020, 67, NOT_MET),         # within the band, but the year is over: council statement
        (True, date(2021, 1, 1), 67, NOT_MET),   # the first day after the year
        (True, date(2020, 12, 31), 67, AT_RISK),  # the last day of the year: still running
        (True, DURING_2020, 67, AT_RISK),        # running: there is still time to recover
        (False, AFTER_2020, 67, AT_RISK),        # a non-binding target keeps its band when complete
        (False, DURING_2020, 67, AT_RISK),
        (True, AFTER_2020, 70, MET),
        (True, AFTER_2020, 66, NOT_MET),         # beyond the band: not met either way
        (False, AFTER_2020, 66, NOT_MET),
    ],
)
def test_a_binding_target_over_an_ended_period_is_met_or_not_met_never_at_risk(binding, as_of, actual, status):
    rule = TargetRule(GE, 70, band=3, binding=binding)
    assert judge(rule, actual, as_of=as_of).status is status


@pytest.mark.parametrize(
    "as_of, complete, running",
    [
        (date(2019, 12, 31), False, False),  # the year has not started
        (date(2020, 1, 1), False, True),
        (date(2020, 12, 31), False, True),    # the actual is still year to date
        (date(2021, 1, 1), True, False),      # the figure is final
    ],
)
@pytest.mark.parametrize("actual", [67, None])
def test_complete_and_running_follow_the_as_of_date(as_of, complete, running, actual):
    result = judge(NPS_FLOOR, actual, as_of=as_of)
    assert (result.complete, result.running) == (complete, running)


def test_the_evaluation_passes_on_how_far_the_data_reaches():
    result = judge(NPS_FLOOR, 67, data_through=date(2020, 9, 30))
    assert result.data_through == date(2020, 9, 30)


def test_comparators_stored_as_plain_strings_judge_the_same_as_the_enum():
    stored = TargetRule("le", 10.5, band=5, band_kind="pct", binding=False)
    assert judge(stored, 11.02, decimals=2).status is AT_RISK
    assert judge(stored, 11.03, decimals=2).status is NOT_MET


# --- a target that cannot be judged as written --------------------------------------------------

@pytest.mark.parametrize(
    "rule, field, key",
    [
        (TargetRule(BETWEEN, 95), "threshold_upper", "upper_missing"),
        (TargetRule(BETWEEN, 105, upper=95), "threshold_upper", "lower_above_upper"),
        (TargetRule(GE, 70, upper=80), "threshold_upper", "upper_only_for_between"),
        (TargetRule(LE, 10.5, upper=12), "threshold_upper", "upper_only_for_between"),
        (TargetRule(EQ, 0, upper=0), "threshold_upper", "upper_only_for_between"),
        (TargetRule(GE, 70, band=-3), "band", "band_negative"),
        (TargetRule(LE, 10.5, band=-0.01, band_kind=PCT), "band", "band_negative"),
    ],
)
def test_a_target_written_wrongly_is_refused_naming_the_field_and_the_reason(rule, field, key):
    with pytest.raises(TargetRuleError) as error:
        rule.check()
    assert (error.value.field, error.value.key) == (field, key)
    # Evaluating it is refused the same way rather than giving a wrong status.
    with pytest.raises(TargetRuleError):
        judge(rule, 70)


@pytest.mark.parametrize(
    "rule",
    [TargetRule(BETWEEN, 100, upper=100), TargetRule(GE, 70, band=0), TargetRule(GE, 70, band=None),
     TargetRule(EQ, 0)],
    ids=["between-single-point", "band-zero", "no-band", "eq-zero"],
)
def test_edge_cases_of_a_well_written_target_are_accepted(rule):
    rule.check()
    assert judge(rule, rule.threshold).status is MET


# --- which comparator fits which direction ------------------------------------------------------

@pytest.mark.parametrize(
    "comparator, direction, fits",
    [
        (GE, Direction.HIGHER_IS_BETTER, True),
        (LE, Direction.HIGHER_IS_BETTER, False),   # a ceiling on NPS makes no sense
        (EQ, Direction.HIGHER_IS_BETTER, True),
        (BETWEEN, Direction.HIGHER_IS_BETTER, True),
        (GE, Direction.LOWER_IS_BETTER, False),    # a floor on sick-leave days makes no sense
        (LE, Direction.LOWER_IS_BETTER, True),
        (EQ, Direction.LOWER_IS_BETTER, True),     # = 0 fatal accidents
        (BETWEEN, Direction.LOWER_IS_BETTER, True),
        (GE, Direction.INSIDE_RANGE, False),
        (LE, Direction.INSIDE_RANGE, False),
        (EQ, Direction.INSIDE_RANGE, True),
        (BETWEEN, Direction.INSIDE_RANGE, True),   # a budget corridor
    ],
)
def test_a_comparator_fits_only_the_directions_it_makes_sense_for(comparator, direction, fits):
    assert comparator_fits_direction(comparator, direction) is fits
    # The store passes the stored strings.
    assert comparator_fits_direction(comparator.value, direction.value) is fits


# --- which periods a target judges --------------------------------------------------------------

Q1_2020 = Period.quarter(2020, 1)


@pytest.mark.parametrize(
    "target_period, period, aggregation, applies",
    [
        # The year's NPS floor also judges Q1 (Helsinki Q1 2020: 61 against ≥ 70) …
        (YEAR_2020, Q1_2020, Aggregation.RATIO_OF_TOTALS, True),
        (YEAR_2020, Period.month(2020, 3), Aggregation.RATIO_OF_TOTALS, True),
        (YEAR_2020, Q1_2020, Aggregation.WEIGHTED_MEAN, True),
        (YEAR_2020, Q1_2020, Aggregation.LAST_VALUE, True),
        # … but a year's 300 referrals say nothing about one quarter's count.
        (YEAR_2020, Q1_2020, Aggregation.SUM, False),
        (YEAR_2020, Period.month(2020, 3), Aggregation.SUM, False),
        # Never a period outside the target's own.
        (YEAR_2020, Period.quarter(2021, 1), Aggregation.RATIO_OF_TOTALS, False),
        (YEAR_2020, Period.quarter(2019, 4), Aggregation.SUM, False),
        (YEAR_2020, Period.range(date(2020, 12, 1), date(2021, 1, 31)), Aggregation.RATIO_OF_TOTALS, False),
        (Q1_2020, YEAR_2020, Aggregation.RATIO_OF_TOTALS, False),  # a quarter's target does not judge the year
        # A project-life target judges a year inside it, for rates only.
        (Period.range(date(2020, 1, 1), date(2022, 12, 31)), Period.year(2021), Aggregation.RATIO_OF_TOTALS, True),
        (Period.range(date(2020, 1, 1), date(2022, 12, 31)), Period.year(2021), Aggregation.SUM, False),
    ],
    ids=str,
)
def test_a_year_target_judges_its_quarters_for_rates_but_not_for_counts(target_period, period, aggregation, applies):
    assert target_applies(target_period, period, aggregation) is applies


@pytest.mark.parametrize("aggregation", list(Aggregation))
@pytest.mark.parametrize("period", [YEAR_2020, Q1_2020, Period.day(date(2018, 6, 14))], ids=str)
def test_a_target_always_judges_its_own_period(period, aggregation):
    assert target_applies(period, period, aggregation) is True

"""What the rest of a running period must reach (`kpi.domain.pace`), on plain rollups, worked by hand."""
from __future__ import annotations

import pytest

from kpi.domain.evaluate import TargetRule
from kpi.domain.pace import need, reachability, required_pace, running_pace
from kpi.domain.periods import Period
from kpi.domain.rollup import Observation, rollup
from kpi.domain.vocabulary import Aggregation, Comparator

SUM, RATIO, WEIGHTED, LAST, NONE = (Aggregation.SUM, Aggregation.RATIO_OF_TOTALS, Aggregation.WEIGHTED_MEAN,
                                    Aggregation.LAST_VALUE, Aggregation.NOT_COMBINABLE)
GE, LE, EQ = Comparator.GE, Comparator.LE, Comparator.EQ
Y2026 = Period.year(2026)
QUARTERS = Y2026.children()
NPS_RANGE = (-100.0, 100.0)


def ratio(q, numerator, denominator):
    return Observation("north", QUARTERS[q - 1], None, numerator=numerator, denominator=denominator)


def rolled(aggregation, observations, scale=1.0):
    """The year so far and each quarter, as the analysis rolls them up."""
    def roll(period):
        return rollup(aggregation, observations, "north", period, {}, scale)
    return roll(Y2026), [roll(p) for p in QUARTERS]


# Three quarters of NPS reported: (488 + 759 + 897) / (800 + 1100 + 1300) = 2144 / 3200 = 67.
NPS_SO_FAR = [ratio(1, 488, 800), ratio(2, 759, 1100), ratio(3, 897, 1300)]


def test_a_running_ratio_needs_the_last_quarter_to_make_up_the_year_at_the_mean_responses_so_far():
    # Q4 expected to bring 3200 / 3 = 1066.7 responses; (2144·100 + v·1066.7) / 4266.7 = 70 ⇒
    # v = (70 × 4266.7 − 214400) / 1066.7 = 84266.7 / 1066.7 = 79.
    whole, parts = rolled(RATIO, NPS_SO_FAR, scale=100)
    pace = running_pace(RATIO, TargetRule(GE, 70), whole, (70, 1), QUARTERS, parts, scale=100, valid_range=NPS_RANGE)
    assert pace.remaining == ["2026-Q4"]
    assert pace.required == pytest.approx(79.0)
    assert pace.expected_weight == pytest.approx(3200 / 3)
    assert pace.projection == pytest.approx(67.0)
    assert (pace.method, pace.comparator, pace.reachable, pace.secured) == ("ratio_to_date", "ge", True, False)


def test_a_running_weighted_mean_needs_the_rest_to_make_up_the_difference():
    # Two quarters: (4.0 × 30 + 3.0 × 10) / 40 = 3.75; the two to come weigh 20 each (40 in all).
    # (3.75 × 40 + v × 40) / 80 = 4 ⇒ v = (320 − 150) / 40 = 4.25.
    values = [Observation("north", QUARTERS[0], 4.0, weight=30), Observation("north", QUARTERS[1], 3.0, weight=10)]
    whole, parts = rolled(WEIGHTED, values)
    pace = running_pace(WEIGHTED, TargetRule(GE, 4.0), whole, (4.0, 1), QUARTERS, parts, scale=1,
                        valid_range=(1.0, 5.0))
    assert (pace.remaining, pace.required, pace.expected_weight, pace.projection, pace.method) == (
        ["2026-Q3", "2026-Q4"], 4.25, 20, 3.75, "mean_to_date")


def test_a_running_count_spreads_the_rest_of_its_target_over_the_quarters_to_come():
    # 25 + 35 = 60 in two quarters against ≥ 100: (100 − 60) / 2 = 20 a quarter; at 30 a quarter the year is 120.
    values = [Observation("north", QUARTERS[0], 25), Observation("north", QUARTERS[1], 35)]
    whole, parts = rolled(SUM, values)
    pace = running_pace(SUM, TargetRule(GE, 100), whole, (100, 1), QUARTERS, parts, scale=1, valid_range=(0, None))
    assert (pace.required, pace.projection, pace.method, pace.reachable, pace.secured) == (
        20, 120, "run_rate", True, False)


def test_a_count_already_past_its_floor_is_secured():
    # 60 + 50 = 110 against ≥ 100: the rest needs (100 − 110) / 2 = −5, below the minimum 0.
    values = [Observation("north", QUARTERS[0], 60), Observation("north", QUARTERS[1], 50)]
    whole, parts = rolled(SUM, values)
    pace = running_pace(SUM, TargetRule(GE, 100), whole, (100, 1), QUARTERS, parts, scale=1, valid_range=(0, None))
    assert (pace.required, pace.reachable, pace.secured) == (-5, True, True)


def test_a_stock_must_itself_reach_the_target_at_the_end_of_the_period():
    whole, parts = rolled(LAST, [Observation("north", QUARTERS[0], 80)])
    pace = running_pace(LAST, TargetRule(GE, 90), whole, (90, 1), QUARTERS, parts, scale=1, valid_range=(0, None))
    assert (pace.required, pace.projection, pace.method, pace.remaining) == (
        90, 80, "last_value", ["2026-Q2", "2026-Q3", "2026-Q4"])


def test_with_nothing_reported_yet_every_quarter_needs_the_target_itself():
    whole, parts = rolled(RATIO, [], scale=100)
    pace = running_pace(RATIO, TargetRule(GE, 70), whole, None, QUARTERS, parts, scale=100, valid_range=NPS_RANGE)
    assert (pace.required, pace.comparator, len(pace.remaining)) == (70, "ge", 4)


def test_a_quarter_gone_by_without_data_before_the_last_report_is_not_still_to_come():
    # Q1 and Q3 reported, Q2 not: only Q4 is still to come.
    whole, parts = rolled(RATIO, [ratio(1, 488, 800), ratio(3, 897, 1300)], scale=100)
    pace = running_pace(RATIO, TargetRule(GE, 70), whole, (70, 1), QUARTERS, parts, scale=100, valid_range=NPS_RANGE)
    assert pace.remaining == ["2026-Q4"]


def test_a_quarter_with_its_first_month_reported_is_not_still_to_come():
    # July reported on its own: the data run through 31 July, inside Q3, so only Q4 is still to come.
    july = Observation("north", Period.month(2026, 7), None, numerator=300, denominator=400)
    whole, parts = rolled(RATIO, NPS_SO_FAR[:2] + [july], scale=100)
    pace = running_pace(RATIO, TargetRule(GE, 70), whole, (70, 1), QUARTERS, parts, scale=100, valid_range=NPS_RANGE)
    assert pace.remaining == ["2026-Q4"]


def test_no_pace_for_a_grade_a_period_fully_reported_or_a_rollup_with_a_problem():
    whole, parts = rolled(NONE, [Observation("north", QUARTERS[0], 3.0)])
    assert running_pace(NONE, TargetRule(GE, 4), whole, (4, 1), QUARTERS, parts, scale=1, valid_range=(1, 5)) is None
    every = NPS_SO_FAR + [ratio(4, 1005, 1500)]
    whole, parts = rolled(RATIO, every, scale=100)
    assert running_pace(RATIO, TargetRule(GE, 70), whole, (70, 1), QUARTERS, parts, scale=100,
                        valid_range=NPS_RANGE) is None
    lacking = [ratio(1, 488, 800), Observation("north", QUARTERS[1], 69.0)]  # a ratio without its parts
    whole, parts = rolled(RATIO, lacking, scale=100)
    assert whole.problem is not None
    assert running_pace(RATIO, TargetRule(GE, 70), whole, (70, 1), QUARTERS, parts, scale=100,
                        valid_range=NPS_RANGE) is None


def test_a_ratio_stored_without_its_parts_can_only_be_projected_as_it_stands():
    whole = rollup(RATIO, [Observation("north", QUARTERS[0], 72.0)], "north", Y2026, {}, 100)
    assert required_pace(RATIO, 100, whole, 70, [whole], 3, 4) == (None, None, 72.0, "ratio_to_date")


@pytest.mark.parametrize("rule, side, meaning", [
    (TargetRule(GE, 70), (70, 1), "ge"),
    (TargetRule(LE, 10), (10, -1), "le"),
    (TargetRule(EQ, 0), (0, -1), "eq"),    # an exact target needs exactly its value, from either side
    (TargetRule(GE, 70), None, None),
])
def test_the_required_value_means_at_least_at_most_or_exactly(rule, side, meaning):
    assert need(rule, side) == meaning


@pytest.mark.parametrize("comparator, required, found", [
    ("ge", 120, (False, False)),   # NPS above 100 cannot be reached
    ("ge", 100, (True, False)),
    ("ge", -100, (True, True)),    # at least the minimum: secured whatever the rest brings
    ("le", -120, (False, False)),
    ("le", 100, (True, True)),
    ("le", 50, (True, False)),
    ("eq", 50, (True, False)),
    ("eq", 120, (False, False)),
    (None, 50, (None, False)),
    ("ge", None, (None, False)),
])
def test_a_required_value_is_weighed_against_the_indicators_valid_range(comparator, required, found):
    assert reachability(NPS_RANGE, comparator, required) == found

"""Combining stored values over time and over the org-unit tree, by each indicator's rule."""
from datetime import date

import pytest

from kpi.domain.evaluate import TargetRule, evaluate_target
from kpi.domain.periods import Period
from kpi.domain.rollup import Observation, RollupProblem, rollup
from kpi.domain.vocabulary import Aggregation, Comparator, Status
from kpi.i18n import format_number

SUM, RATIO, WEIGHTED, LAST, NONE = (Aggregation.SUM, Aggregation.RATIO_OF_TOTALS, Aggregation.WEIGHTED_MEAN,
                                    Aggregation.LAST_VALUE, Aggregation.NOT_COMBINABLE)
Y2020 = Period.year(2020)
Q = {q: Period.quarter(2020, q) for q in range(1, 5)}
M = {m: Period.month(2020, m) for m in range(1, 13)}


def obs(unit, period, value=None, numerator=None, denominator=None, weight=None):
    return Observation(unit, period, value, numerator, denominator, weight)


# --- ratio of totals: NPS, Occupational Health Helsinki 2020 ------------------------------------

# (promoters − detractors, responses) per quarter. Quarter NPS: 488/800 = 61, 759/1100 = 69,
# 897/1300 = 69, 1005/1500 = 67.
NPS_2020 = [
    obs("tth", Q[1], numerator=488, denominator=800),
    obs("tth", Q[2], numerator=759, denominator=1100),
    obs("tth", Q[3], numerator=897, denominator=1300),
    obs("tth", Q[4], numerator=1005, denominator=1500),
]


@pytest.mark.parametrize("quarter, nps", [(1, 61), (2, 69), (3, 69), (4, 67)])
def test_a_quarter_of_nps_is_its_own_responses_ratio(quarter, nps):
    result = rollup(RATIO, NPS_2020, "tth", Q[quarter], scale=100)
    assert result.value == pytest.approx(nps)


def test_a_year_of_nps_is_the_ratio_of_all_responses_not_the_mean_of_quarters():
    # Σ(p − d) = 488 + 759 + 897 + 1005 = 3149; Σ responses = 800 + 1100 + 1300 + 1500 = 4700.
    # 3149 / 4700 × 100 = 67.0, the documented figure. The mean of the quarters is
    # (61 + 69 + 69 + 67) / 4 = 66.5, which is wrong.
    result = rollup(RATIO, NPS_2020, "tth", Y2020, scale=100)
    mean_of_quarters = sum(rollup(RATIO, NPS_2020, "tth", Q[q], scale=100).value for q in Q) / 4
    assert mean_of_quarters == pytest.approx(66.5)
    assert result.value == pytest.approx(67.0)
    assert result.value != pytest.approx(mean_of_quarters)
    assert (result.numerator, result.denominator) == (3149, 4700)
    assert len(result.parts) == 4


def test_nps_to_date_after_three_quarters_shows_67_where_the_mean_would_show_66():
    # Q1–Q3: (488 + 759 + 897) / (800 + 1100 + 1300) = 2144 / 3200 = 67.0;
    # the mean (61 + 69 + 69) / 3 = 66.33 would be shown as 66: a different number on the screen.
    to_date = Period.range(date(2020, 1, 1), date(2020, 9, 30))
    result = rollup(RATIO, NPS_2020, "tth", to_date, scale=100)
    assert format_number(result.value, 0, "en") == "67"
    assert result.data_through == date(2020, 9, 30)


def test_sick_leave_days_per_fte_over_units_is_total_days_over_total_fte():
    # Unit a: 120 days / 10 FTE = 12.0; unit b: 300 days / 50 FTE = 6.0.
    # Mean of the two ratios = 9.0; ratio of the totals = 420 / 60 = 7.0 (the big unit weighs more).
    observations = [obs("a", Y2020, 12.0, 120, 10), obs("b", Y2020, 6.0, 300, 50)]
    result = rollup(RATIO, observations, "org", Y2020, {"org": ["a", "b"]})
    assert result.value == pytest.approx(7.0)
    assert result.value != pytest.approx(9.0)
    assert (result.numerator, result.denominator) == (420, 60)


def test_a_share_of_respondents_is_the_share_of_all_respondents():
    # Training feedback, Uusimaa 2021: 110 responses in two sessions, 50 of 70 and 30 of 40 found them useful.
    # 80 / 110 × 100 = 72.73 %; the mean of 71.43 % and 75 % would be 73.21 %.
    year = Period.year(2021)
    observations = [obs("uusimaa", Period.month(2021, 3), numerator=50, denominator=70),
                    obs("uusimaa", Period.month(2021, 9), numerator=30, denominator=40)]
    result = rollup(RATIO, observations, "uusimaa", year, scale=100)
    assert format_number(result.value, 1, "en") == "72.7"
    assert (result.numerator, result.denominator) == (80, 110)


@pytest.mark.parametrize("numerator, denominator, shown", [
    (57, 200, "29"),   # 28.5 %
    (29, 200, "15"),   # NPS 14.5
])
def test_a_ratio_exactly_halfway_is_shown_and_judged_rounded_up(numerator, denominator, shown):
    result = rollup(RATIO, [obs("a", Y2020, numerator=numerator, denominator=denominator)], "a", Y2020, scale=100)
    assert format_number(result.value, 0, "en") == shown
    # What the meeting sees is what is judged: a floor at the shown figure is met.
    verdict = evaluate_target(TargetRule(Comparator.GE, float(shown)), result.value, period=Y2020,
                              as_of=date(2021, 2, 1), decimals=0)
    assert verdict.status is Status.MET


@pytest.mark.parametrize(
    "observations, problem",
    [
        # Q2 was typed as a bare 69 without its responses: Q1 and Q2 cannot be combined.
        ([obs("tth", Q[1], 61, 488, 800), obs("tth", Q[2], 69)],
         RollupProblem("missing_components", "tth", "2020-Q2")),
        ([obs("tth", Q[1], 61, 488, 800), obs("tth", Q[2], 69, numerator=759)],
         RollupProblem("missing_components", "tth", "2020-Q2")),
        ([obs("tth", Q[1], 61, 488, 800), obs("tth", Q[2], 69, denominator=1100)],
         RollupProblem("missing_components", "tth", "2020-Q2")),
        ([obs("tth", Q[1], None, 0, 0), obs("tth", Q[2], None, 0, 0)], RollupProblem("zero_denominator")),
    ],
    ids=["value-only", "no-denominator", "no-numerator", "no-responses"],
)
def test_a_ratio_that_cannot_be_combined_over_time_says_why_and_gives_no_value(observations, problem):
    result = rollup(RATIO, observations, "tth", Y2020, scale=100)
    assert (result.value, result.problem) == (None, problem)


def test_a_ratio_stored_without_its_components_stands_alone():
    result = rollup(RATIO, [obs("tth", Y2020, 67)], "tth", Y2020, scale=100)
    assert (result.value, result.problem) == (67, None)


def test_a_ratio_without_components_cannot_be_combined_with_other_units_and_names_the_unit_and_period():
    # Unit b has its responses; unit a typed only "67" for 2020. The organisation's NPS cannot be formed.
    observations = [obs("b", Y2020, 60, 600, 1000), obs("a", Y2020, 67)]
    result = rollup(RATIO, observations, "org", Y2020, {"org": ["b", "a"]}, scale=100)
    assert result.value is None
    assert result.problem == RollupProblem("missing_components", "a", "2020")
    # The parts that were tried are still listed, so the page can show what there is.
    assert {o.unit for o in result.parts} == {"a", "b"}


# --- weighted mean ------------------------------------------------------------------------------

def test_a_weighted_mean_weighs_each_value_by_its_weight():
    # Job satisfaction 3.0 from 10 respondents and 4.0 from 30: (30 + 120) / 40 = 3.75, not the mean 3.5.
    observations = [obs("a", Y2020, 3.0, weight=10), obs("b", Y2020, 4.0, weight=30)]
    result = rollup(WEIGHTED, observations, "org", Y2020, {"org": ["a", "b"]})
    assert result.value == pytest.approx(3.75)
    assert result.weight == 40


def test_a_weighted_mean_over_quarters_then_units_keeps_the_total_weight():
    # Unit a: Q1 3.0 × 10, Q2 5.0 × 10 -> 4.0 with weight 20. Unit b: Q1 2.0 × 60.
    # Organisation: (4.0 × 20 + 2.0 × 60) / 80 = (80 + 120) / 80 = 2.5.
    observations = [obs("a", Q[1], 3.0, weight=10), obs("a", Q[2], 5.0, weight=10), obs("b", Q[1], 2.0, weight=60)]
    result = rollup(WEIGHTED, observations, "org", Y2020, {"org": ["a", "b"]})
    assert (result.value, result.weight) == (pytest.approx(2.5), 80)


def test_a_weighted_mean_with_a_missing_weight_gives_no_value_and_names_the_culprit():
    observations = [obs("a", Y2020, 3.0, weight=10), obs("b", Y2020, 4.0)]
    result = rollup(WEIGHTED, observations, "org", Y2020, {"org": ["a", "b"]})
    assert result.value is None
    assert result.problem == RollupProblem("missing_weight", "b", "2020")


# --- sum over the tree and over months ----------------------------------------------------------

# Referrals per month, two regions under the organisation; east has two offices of its own.
REFERRALS = [
    obs("west", M[1], 10), obs("west", M[2], 20), obs("west", M[3], 30),
    obs("east_a", M[1], 5), obs("east_a", M[2], 15),
    obs("east_b", M[3], 25),
]
TREE = {"org": ["west", "east"], "east": ["east_a", "east_b"]}


@pytest.mark.parametrize(
    "unit, period, total",
    [
        ("west", Q[1], 60),      # 10 + 20 + 30
        ("east", Q[1], 45),      # 5 + 15 + 25, from its two offices
        ("org", Q[1], 105),      # 60 + 45
        ("org", M[3], 55),       # 30 + 25
        ("org", Y2020, 105),     # only Q1 has values
        ("east_a", M[2], 15),
    ],
)
def test_counts_add_up_over_months_and_down_the_unit_tree(unit, period, total):
    assert rollup(SUM, REFERRALS, unit, period, TREE).value == total


def test_a_count_with_a_missing_value_gives_no_total():
    observations = [obs("west", M[1], 10), obs("west", M[2], None)]
    result = rollup(SUM, observations, "west", Q[1])
    assert result.value is None
    assert result.problem == RollupProblem("missing_value", "west", "2020-02")


# --- last value: a headcount --------------------------------------------------------------------

HEADCOUNT = [
    obs("a", M[1], 80), obs("a", M[2], 82), obs("a", M[3], 85),
    obs("b", M[1], 40), obs("b", M[2], 41), obs("b", M[3], 39),
]


@pytest.mark.parametrize(
    "unit, period, headcount",
    [
        ("a", Q[1], 85),          # the March reading, not 80 + 82 + 85 and not their mean
        ("b", Q[1], 39),
        ("a", M[2], 82),
        ("org", Q[1], 124),       # at the end of March the units add up: 85 + 39
        ("org", M[2], 123),       # 82 + 41
    ],
)
def test_a_headcount_is_the_latest_reading_over_time_and_adds_up_over_units(unit, period, headcount):
    assert rollup(LAST, HEADCOUNT, unit, period, {"org": ["a", "b"]}).value == headcount


# --- not combinable: an ordinal grade -----------------------------------------------------------

def test_a_single_grade_stands_for_its_period():
    assert rollup(NONE, [obs("city", Period.year(2011), 3)], "city", Period.year(2011)).value == 3


@pytest.mark.parametrize(
    "observations, unit",
    [
        ([obs("city", Period.month(2011, 3), 3), obs("city", Period.month(2011, 9), 4)], "city"),  # over time
        ([obs("a", Period.year(2011), 3), obs("b", Period.year(2011), 4)], "city"),              # over units
    ],
    ids=["two-readings", "two-units"],
)
def test_two_grades_cannot_be_combined(observations, unit):
    result = rollup(NONE, observations, unit, Period.year(2011), {"city": ["a", "b"]})
    assert result.value is None
    assert result.problem.key == "not_combinable"


# --- which stored values take part --------------------------------------------------------------

@pytest.mark.parametrize(
    "aggregation, observations, expected",
    [
        # NPS: the stored year 3149/4700 wins over the quarters; counted twice it would still be 67
        # but with 6298/9400, so check the totals too.
        (RATIO, [obs("tth", Y2020, numerator=3149, denominator=4700), *NPS_2020], (3149, 4700)),
        # Referrals: the stored year 340 wins; 340 + 100 + 240 = 680 would double count.
        (SUM, [obs("x", Y2020, 340), obs("x", Q[1], 100), obs("x", Q[2], 240)], 340),
    ],
    ids=["ratio", "sum"],
)
def test_a_stored_year_wins_over_the_same_units_quarters(aggregation, observations, expected):
    unit = observations[0].unit
    result = rollup(aggregation, observations, unit, Y2020, scale=100)
    assert len(result.parts) == 1 and result.parts[0].period == Y2020
    if aggregation is RATIO:
        assert (result.numerator, result.denominator) == expected
    else:
        assert result.value == expected


def test_the_quarters_still_count_for_a_quarter_when_a_year_is_also_stored():
    observations = [obs("x", Y2020, 340), obs("x", Q[1], 100), obs("x", Q[2], 240)]
    assert rollup(SUM, observations, "x", Q[2]).value == 240


def test_a_unit_with_its_own_values_ignores_its_childrens():
    # The organisation reported 500 for Q1 itself; its regions' 60 + 45 are not added to it.
    observations = [obs("org", Q[1], 500), *REFERRALS]
    result = rollup(SUM, observations, "org", Q[1], TREE)
    assert result.value == 500
    assert {o.unit for o in result.parts} == {"org"}


@pytest.mark.parametrize(
    "observations, unit, children",
    [
        ([], "org", TREE),
        ([obs("elsewhere", Q[1], 5)], "org", TREE),                 # another unit's values
        (REFERRALS, "nowhere", TREE),                               # a unit outside the tree
        (REFERRALS, "org", {"org": ["org"]}),                       # a cycle does not hang
    ],
    ids=["nothing-stored", "other-unit", "unknown-unit", "cycle"],
)
def test_with_no_values_there_is_no_value_and_no_data(observations, unit, children):
    result = rollup(SUM, observations, unit, Q[1], children)
    assert (result.value, result.has_data, result.problem) == (None, False, None)


def test_values_outside_the_period_are_ignored():
    observations = [
        obs("x", Period.month(2019, 12), 1000),                      # before
        obs("x", M[1], 10), obs("x", M[3], 30),
        obs("x", M[4], 2000),                                         # after
        obs("x", Period.range(date(2020, 3, 15), date(2020, 4, 15)), 3000),  # straddles the quarter end
    ]
    result = rollup(SUM, observations, "x", Q[1])
    assert result.value == 40
    assert result.data_through == date(2020, 3, 31)


@pytest.mark.parametrize(
    "unit, period, through",
    [
        ("east_a", Q[1], date(2020, 2, 29)),   # its latest month is February (a leap year)
        ("west", Y2020, date(2020, 3, 31)),
        ("east", Q[1], date(2020, 3, 31)),     # east_b reaches March
        ("org", M[2], date(2020, 2, 29)),
    ],
)
def test_data_through_is_the_end_of_the_latest_part(unit, period, through):
    assert rollup(SUM, REFERRALS, unit, period, TREE).data_through == through

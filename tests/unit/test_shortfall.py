"""Each part's effect on a whole's shortfall (`kpi.domain.shortfall`), on plain rollups, worked by hand.

The rollups are made by `kpi.domain.rollup.rollup` from stored values, as the analysis makes them; no
indicator or target rows, no database.
"""
from __future__ import annotations

import pytest

from kpi.domain.evaluate import TargetRule
from kpi.domain.periods import Period
from kpi.domain.rollup import Observation, rollup
from kpi.domain.shortfall import (Contribution, adds_up, contributions, effects, even_share, main_part, orientation,
                                  part_weight, parts_make_whole)
from kpi.domain.vocabulary import Aggregation, Comparator

SUM, RATIO, WEIGHTED, LAST, NONE = (Aggregation.SUM, Aggregation.RATIO_OF_TOTALS, Aggregation.WEIGHTED_MEAN,
                                    Aggregation.LAST_VALUE, Aggregation.NOT_COMBINABLE)
GE, LE, EQ, BETWEEN = Comparator.GE, Comparator.LE, Comparator.EQ, Comparator.BETWEEN
Y2020 = Period.year(2020)
Q = {q: Period.quarter(2020, q) for q in range(1, 5)}
M = {m: Period.month(2020, m) for m in range(1, 4)}


def ratio(unit, period, numerator, denominator):
    return Observation(unit, period, None, numerator=numerator, denominator=denominator)


def whole_and_parts(aggregation, observations, periods, *, unit="north", scale=1.0, children=None):
    """The whole for 2020 and its parts: `periods` of `unit`, or `unit`'s children when `periods` is None."""
    def roll(who, period):
        return rollup(aggregation, observations, who, period, children or {}, scale)
    parts = ([roll(unit, p) for p in periods] if periods is not None
             else [roll(child, Y2020) for child in children[unit]])
    return roll(unit, Y2020), parts


# NPS of 2020 by quarter: 488/800 = 61, 759/1100 = 69, 897/1300 = 69, 1005/1500 = 67; the year 3149/4700 = 67.
NPS = [ratio("north", Q[1], 488, 800), ratio("north", Q[2], 759, 1100), ratio("north", Q[3], 897, 1300),
       ratio("north", Q[4], 1005, 1500)]


def test_a_ratio_quarter_moves_the_year_by_its_responses_times_its_own_gap_over_all_responses():
    # (Nᵢ·100 − 70·Dᵢ) / 4700: Q1 (48800 − 56000) = −7200, Q2 −1100, Q3 −1300, Q4 −4500; together −14100 / 4700 = −3.
    whole, parts = whole_and_parts(RATIO, NPS, list(Q.values()), scale=100)
    found = effects(RATIO, (70.0, 1), whole, parts, additive=False, latest_carries=False, scale=100)
    assert found == pytest.approx([-7200 / 4700, -1100 / 4700, -1300 / 4700, -4500 / 4700])
    assert sum(found) == pytest.approx(whole.value - 70)


def test_a_weighted_mean_part_moves_the_whole_by_its_weight_times_its_own_gap_over_the_total_weight():
    # (4.0 × 30 + 2.0 × 10) / 40 = 3.5 against ≥ 4: January 30 × (4 − 4) / 40 = 0, February 10 × (2 − 4) / 40 = −0.5.
    values = [Observation("north", M[1], 4.0, weight=30), Observation("north", M[2], 2.0, weight=10)]
    whole, parts = whole_and_parts(WEIGHTED, values, [M[1], M[2]])
    assert whole.value == 3.5
    assert effects(WEIGHTED, (4.0, 1), whole, parts, additive=False, latest_carries=False, scale=1) == [0.0, -0.5]


def test_a_count_quarter_is_measured_against_an_even_share_of_the_years_target():
    # 10 + 20 + 30 + 25 = 85 against ≥ 100: each quarter against 25, effects −15, −5, +5, 0; together −15.
    counts = [Observation("north", Q[q], v) for q, v in zip(Q, (10, 20, 30, 25))]
    whole, parts = whole_and_parts(SUM, counts, list(Q.values()))
    assert effects(SUM, (100.0, 1), whole, parts, additive=True, latest_carries=False, scale=1) == [-15, -5, 5, 0]


def test_a_ceiling_flips_the_sign_so_a_unit_above_it_pulls_down():
    # Sick-leave days per FTE ≤ 10 over two units: north 60/5 = 12, south 30/5 = 6; the city 90/10 = 9.
    # North −(60 − 10·5) / 10 = −1, south −(30 − 10·5) / 10 = +2: together +1, the city's margin 10 − 9.
    values = [ratio("north", Y2020, 60, 5), ratio("south", Y2020, 30, 5)]
    whole, parts = whole_and_parts(RATIO, values, None, unit="city", children={"city": ["north", "south"]})
    assert effects(RATIO, (10.0, -1), whole, parts, additive=False, latest_carries=False, scale=1) == [-1.0, 2.0]


def test_a_stocks_latest_reading_carries_the_whole_gap_over_time():
    # Headcount 80, 82, 85 against ≥ 90: the quarter's figure is March's 85, so March carries −5.
    values = [Observation("north", M[m], v) for m, v in ((1, 80), (2, 82), (3, 85))]
    whole, parts = whole_and_parts(LAST, values, [M[1], M[2], M[3]])
    assert effects(LAST, (90.0, 1), whole, parts, additive=False, latest_carries=True, scale=1) == [0.0, 0.0, -5.0]


def test_a_grade_cannot_be_split_into_effects():
    values = [Observation("north", Y2020, 3.0)]
    whole, parts = whole_and_parts(NONE, values, [Y2020])
    assert effects(NONE, (4.0, 1), whole, parts, additive=False, latest_carries=False, scale=1) == [None]


def test_a_year_stored_beside_its_quarters_is_not_made_of_them_so_no_effects_are_given():
    values = [Observation("north", Y2020, 340), Observation("north", Q[1], 100), Observation("north", Q[2], 240)]
    whole, parts = whole_and_parts(SUM, values, list(Q.values()))
    assert whole.value == 340 and not parts_make_whole(whole, parts)
    assert effects(SUM, (400.0, 1), whole, parts, additive=True, latest_carries=False, scale=1) == [None] * 4


def test_a_part_without_data_gets_no_effect():
    whole, parts = whole_and_parts(RATIO, NPS[:2] + NPS[3:], list(Q.values()), scale=100)
    found = effects(RATIO, (70.0, 1), whole, parts, additive=False, latest_carries=False, scale=100)
    assert found[2] is None
    assert found == pytest.approx([-7200 / 3400, -1100 / 3400, None, -4500 / 3400])


@pytest.mark.parametrize("rule, value, side", [
    (TargetRule(GE, 70), 60, (70, 1)),
    (TargetRule(LE, 10), 12, (10, -1)),
    (TargetRule(GE, 70), None, (70, 1)),          # a floor has its side even without a value
    (TargetRule(EQ, 0), 2, (0, -1)),              # above an exact value: measured like a ceiling
    (TargetRule(EQ, 0), 0, (0, 1)),
    (TargetRule(EQ, 0), None, None),
    (TargetRule(BETWEEN, 40, 80), 30, (40, 1)),   # below the range: from its floor
    (TargetRule(BETWEEN, 40, 80), 90, (80, -1)),  # above it: from its ceiling
    (TargetRule(BETWEEN, 40, 80), 60, None),      # inside: no shortfall to share out
])
def test_a_shortfall_is_measured_from_the_edge_the_whole_crossed(rule, value, side):
    assert orientation(rule, value) == side


def test_the_even_share_splits_both_edges_of_the_target():
    assert even_share(TargetRule(GE, 100), 4).threshold == 25
    split = even_share(TargetRule(BETWEEN, 40, 80), 4)
    assert (split.threshold, split.upper) == (10, 20)


@pytest.mark.parametrize("aggregation, over_time, adds", [
    (SUM, True, True), (SUM, False, True), (LAST, False, True), (LAST, True, False),
    (RATIO, True, False), (WEIGHTED, False, False), (NONE, False, False),
])
def test_counts_add_up_over_time_and_units_stocks_only_over_units(aggregation, over_time, adds):
    assert adds_up(aggregation, over_time=over_time) is adds


def test_a_part_weighs_its_responses_its_weight_or_one_where_parts_add_up():
    part = rollup(RATIO, [ratio("north", Q[1], 488, 800)], "north", Q[1])
    assert part_weight(RATIO, part, additive=False) == 800
    assert part_weight(SUM, part, additive=True) == 1.0
    weighted = rollup(WEIGHTED, [Observation("north", Q[1], 4.0, weight=30)], "north", Q[1])
    assert part_weight(WEIGHTED, weighted, additive=False) == 30


def test_the_parts_that_pulled_down_share_the_shortfall_and_one_that_pulled_up_gets_none():
    # Q1 488/800 = 61, Q2 800/1000 = 80: the year 1288/1800 = 71.6 → 72 against ≥ 70.
    # Effects Q1 (48800 − 56000) / 1800 = −4, Q2 (80000 − 70000) / 1800 = +5.56: Q1 holds all of the pull down.
    values = [ratio("north", Q[1], 488, 800), ratio("north", Q[2], 800, 1000)]
    whole, parts = whole_and_parts(RATIO, values, [Q[1], Q[2]], scale=100)
    q1, q2 = contributions(RATIO, TargetRule(GE, 70), whole, [("Q1", "Q1", parts[0]), ("Q2", "Q2", parts[1])],
                           additive=False, latest_carries=False, decimals=0, scale=100)
    assert (q1.actual, q1.gap, q1.weight, q1.below, q1.share) == (61, -9, 800, True, 1.0)
    assert (q2.actual, q2.gap, q2.weight, q2.below, q2.share) == (80, 10, 1000, False, None)
    assert (q1.effect, q2.effect) == (pytest.approx(-4.0), pytest.approx(10000 / 1800))
    assert q1.reference == q2.reference == 70


def test_parts_that_add_up_are_judged_against_their_even_share():
    counts = [Observation("north", Q[q], v) for q, v in zip(Q, (10, 20, 30, 25))]
    whole, parts = whole_and_parts(SUM, counts, list(Q.values()))
    found = contributions(SUM, TargetRule(GE, 100), whole, [(str(q), str(q), r) for q, r in zip(Q, parts)],
                          additive=True, latest_carries=False, decimals=0, scale=1)
    assert [(c.reference, c.gap, c.weight) for c in found] == [(25, -15, 1), (25, -5, 1), (25, 5, 1), (25, 0, 1)]
    # Shares of the pull down: 15 / 20 and 5 / 20.
    assert [c.share for c in found] == [0.75, 0.25, None, None]


def part(key, effect=None, gap=None):
    return Contribution(key, key, None, None, gap, effect, None, gap is not None and gap < 0)


def test_the_main_part_is_the_one_with_the_most_negative_effect():
    assert main_part([part("a", -1.0, -9), part("b", -2.0, -1), part("c", 3.0, 5)]).key == "b"


def test_where_effects_are_known_and_none_pulled_down_there_is_no_main_part():
    assert main_part([part("a", 0.0, -1), part("b", 1.0, 2)]) is None


def test_where_effects_cannot_be_told_the_main_part_is_the_one_furthest_below_its_own_target():
    assert main_part([part("a", gap=-1), part("b", gap=-4), part("c", gap=2)]).key == "b"
    assert main_part([part("a", gap=1)]) is None

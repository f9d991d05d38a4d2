"""The sentence that says how a figure was combined (`kpi.domain.rollup_explained` picks it, `kpi.features.explain`
words it): the drill-down shows it under the verdict, the documents print it under each chart."""
from __future__ import annotations

from datetime import date

import pytest

from kpi.domain.periods import Period
from kpi.domain.rollup import Observation, RollupProblem, rollup
from kpi.domain.rollup_explained import Combined, how_combined
from kpi.domain.vocabulary import Aggregation
from kpi.features.explain import in_words

SUM, RATIO, WEIGHTED, LAST, NONE = (Aggregation.SUM, Aggregation.RATIO_OF_TOTALS, Aggregation.WEIGHTED_MEAN,
                                    Aggregation.LAST_VALUE, Aggregation.NOT_COMBINABLE)
Y2020 = Period.year(2020)
Q = {q: Period.quarter(2020, q) for q in range(1, 5)}
NNBSP = "\u202f"


def ratio(period, numerator, denominator):
    return Observation("north", period, None, numerator=numerator, denominator=denominator)


# 488/800, 759/1100, 897/1300, 1005/1500: the year 3149 / 4700 × 100 = 67.0.
NPS_2020 = [ratio(Q[1], 488, 800), ratio(Q[2], 759, 1100), ratio(Q[3], 897, 1300), ratio(Q[4], 1005, 1500)]


def year(aggregation, observations, scale=1.0):
    return how_combined(aggregation, rollup(aggregation, observations, "north", Y2020, {}, scale))


def test_a_ratio_is_told_as_the_totals_of_all_its_parts():
    how = year(RATIO, NPS_2020, scale=100)
    assert (how.way, how.count, how.numerator, how.denominator, how.value) == (Combined.RATIO, 4, 3149, 4700, 67.0)


def test_a_single_stored_value_is_told_as_itself_whatever_the_rule():
    for aggregation in (RATIO, SUM, WEIGHTED, LAST, NONE):
        how = year(aggregation, [Observation("north", Q[2], 72.0, 720, 1000, 10)], scale=100)
        assert (how.way, how.count, how.stored, how.value) == (Combined.SINGLE, 1, "2020-Q2", 72.0)


def test_nothing_stored_is_told_as_no_data():
    assert year(SUM, []).way is Combined.NO_DATA


def test_a_problem_is_told_before_anything_else():
    # Q2 stored as a bare 69 without its parts: the year's ratio cannot be combined.
    how = year(RATIO, [ratio(Q[1], 488, 800), Observation("north", Q[2], 69.0)], scale=100)
    assert (how.way, how.problem, how.count) == (Combined.PROBLEM, RollupProblem("missing_components", "north",
                                                                                  "2020-Q2"), 2)
    assert year(NONE, [Observation("north", Q[1], 3.0), Observation("north", Q[2], 4.0)]).way is Combined.PROBLEM


@pytest.mark.parametrize("aggregation, way", [(WEIGHTED, Combined.WEIGHTED_MEAN), (LAST, Combined.LAST),
                                              (SUM, Combined.SUM)])
def test_several_values_are_told_by_the_indicators_rule(aggregation, way):
    values = [Observation("north", Q[1], 4.0, weight=30), Observation("north", Q[2], 2.0, weight=10)]
    how = year(aggregation, values)
    assert (how.way, how.count) == (way, 2)
    assert (how.weight, how.value) == {WEIGHTED: (40, 3.5), LAST: (None, 2.0), SUM: (None, 6.0)}[aggregation]
    assert how.through == date(2020, 6, 30)


def words(how, lang, *, scale=100.0, decimals=0):
    return in_words(how, name="NPS", decimals=decimals, scale=scale, period="2020", unit_name="North", lang=lang)


def test_the_ratio_sentence_gives_the_totals_and_says_the_mean_of_the_parts_is_not_used():
    how = year(RATIO, NPS_2020, scale=100)
    assert words(how, "en") == ("NPS for 2020 (North) is computed from the totals of all 4 parts: "
                                "3,149 / 4,700 × 100 = 67. The mean of the parts' figures is not used.")
    assert words(how, "fi") == (f"NPS jaksolle 2020 (North) on laskettu kaikkien 4 osan summista: "
                                f"3{NNBSP}149 / 4{NNBSP}700 × 100 = 67. Osien lukujen keskiarvoa ei käytetä.")


def test_a_ratio_of_scale_one_shows_no_multiplier_and_fractional_totals_two_decimals():
    # Sick-leave days per FTE: (60.5 + 30) / (5 + 5) = 9.05.
    how = year(RATIO, [ratio(Q[1], 60.5, 5), ratio(Q[2], 30, 5)])
    assert words(how, "en", scale=1, decimals=2) == (
        "NPS for 2020 (North) is computed from the totals of all 2 parts: 90.50 / 10 = 9.05. "
        "The mean of the parts' figures is not used.")


def test_the_other_sentences_name_what_combined_the_figure():
    assert words(year(SUM, [Observation("north", Q[1], 10), Observation("north", Q[2], 20)]), "en") == (
        "NPS for 2020 (North) is the sum of 2 stored values: 30.")
    assert words(year(RATIO, [ratio(Q[2], 720, 1000)], scale=100), "en") == (
        "NPS for 2020 (North) is the value stored for 2020-Q2: 72.")
    assert words(year(LAST, [Observation("north", Q[1], 80), Observation("north", Q[2], 85)]), "en") == (
        "NPS for 2020 (North) is the latest value (2020-06-30); units are added together: 85.")
    weighted = [Observation("north", Q[1], 4.0, weight=30), Observation("north", Q[2], 2.0, weight=10)]
    assert words(year(WEIGHTED, weighted), "en", decimals=1) == (
        "NPS for 2020 (North) is the mean of 2 values weighted by 40 in total: 3.5.")
    assert words(year(SUM, []), "en") == "No values are stored for 2020."


def test_a_problem_is_worded_by_its_own_message():
    how = year(RATIO, [ratio(Q[1], 488, 800), Observation("north", Q[2], 69.0)], scale=100)
    assert words(how, "en") == "The ratio cannot be combined: a numerator or denominator is missing (north, 2020-Q2)."

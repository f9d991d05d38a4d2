"""The scorecard's rollup from cell sums (`kpi.domain.summary_rollup`) says what the value-by-value rollup
(`kpi.domain.rollup`) says, and both say the hand-worked figure.

One case table covers every aggregation rule and the cases the rules are about: parents with values of
their own, ratios stored without their parts, zero and missing weights, nested periods. Each case runs
both ways: value by value, and from the per-unit sums the database would return (`_cell` below mirrors
`kpi.store.summaries`, as `tests/db/test_scorecard_equivalence.py` checks against real SQL). No database.
"""
from __future__ import annotations

from datetime import date
from typing import NamedTuple

import pytest

from kpi.domain.periods import Period
from kpi.domain.rollup import Observation, rollup
from kpi.domain.summary_rollup import Cell, Summary, TreeRollup, cell_summary, from_rollup
from kpi.domain.vocabulary import Aggregation

SUM, RATIO, WEIGHTED, LAST, NONE = (Aggregation.SUM, Aggregation.RATIO_OF_TOTALS, Aggregation.WEIGHTED_MEAN,
                                    Aggregation.LAST_VALUE, Aggregation.NOT_COMBINABLE)
Y2020 = Period.year(2020)
Q = {q: Period.quarter(2020, q) for q in range(1, 5)}
M = {m: Period.month(2020, m) for m in range(1, 13)}
# The city has two divisions; the south has two offices.
TREE = {"city": ["north", "south"], "south": ["south_a", "south_b"]}
PARENT_OF = {child: parent for parent, children in TREE.items() for child in children}


def obs(unit, period, value=None, numerator=None, denominator=None, weight=None):
    return Observation(unit, period, value, numerator, denominator, weight)


def nps(unit, period, net, responses):
    """An NPS as the store keeps it: its parts and the value computed from them."""
    return obs(unit, period, net * 100 / responses, net, responses)


class Case(NamedTuple):
    aggregation: Aggregation
    observations: list[Observation]
    unit: str
    period: Period
    value: float | None   # the hand-worked figure
    count: int            # stored values combined ("values combined" on the scorecard)
    problem: str | None = None
    scale: float = 1.0


# (promoters − detractors, responses) per quarter of Occupational Health 2020, as in test_rollup.py.
# Quarters 488/800 = 61, 759/1100 = 69, 897/1300 = 69, 1005/1500 = 67.
NPS_2020 = [nps("north", Q[1], 488, 800), nps("north", Q[2], 759, 1100), nps("north", Q[3], 897, 1300),
            nps("north", Q[4], 1005, 1500)]
# North 250/500 = 50 and 350/500 = 70 (600/1000 = 60); the south's offices 150/150 = 100 and 50/100 = 50
# (200/250 = 80).
NPS_UNITS = [nps("north", Q[1], 250, 500), nps("north", Q[2], 350, 500), nps("south_a", Q[1], 150, 150),
             nps("south_b", Q[2], 50, 100)]
REFERRALS = [obs("north", M[1], 10), obs("north", M[2], 20), obs("north", M[3], 30),
             obs("south_a", M[1], 5), obs("south_a", M[2], 15), obs("south_b", M[3], 25)]
HEADCOUNT = [obs("north", M[1], 80), obs("north", M[2], 82), obs("north", M[3], 85),
             obs("south_a", M[1], 40), obs("south_a", M[2], 41), obs("south_a", M[3], 39)]
NESTED_SUM = [obs("north", Y2020, 340), obs("north", Q[1], 100), obs("north", Q[2], 240)]


def day(y, m, d):
    return Period.day(date(y, m, d))


def span(start, end):
    return Period.range(date.fromisoformat(start), date.fromisoformat(end))


CASES = {
    # --- ratio of totals -------------------------------------------------------------------------
    # Σ(p − d) / Σ responses = 3149 / 4700 × 100 = 67.0; the mean of the quarters would be 66.5.
    "nps-2020-is-the-ratio-of-all-responses": Case(RATIO, NPS_2020, "north", Y2020, 67.0, 4, scale=100),
    "nps-2020-passes-up-from-the-one-unit-with-data": Case(RATIO, NPS_2020, "city", Y2020, 67.0, 4, scale=100),
    # (250 + 350 + 150 + 50) / (500 + 500 + 150 + 100) = 800 / 1250 = 64. The mean of the divisions (60, 80)
    # would be 70; with the south as the mean of its offices (100, 50 → 75), 67.5; the south alone 200 / 250.
    "nps-over-units-is-the-ratio-of-all-responses": Case(RATIO, NPS_UNITS, "city", Y2020, 64.0, 4, scale=100),
    "nps-of-two-offices-is-their-ratio-of-totals": Case(RATIO, NPS_UNITS, "south", Y2020, 80.0, 2, scale=100),
    "nps-of-a-quarter-over-units": Case(RATIO, NPS_UNITS, "city", Q[1], 400 * 100 / 650, 2, scale=100),
    # Sick-leave days per FTE: north (60 + 60) / (5 + 5) = 12, south 30 / 5 = 6; the city 150 / 15 = 10,
    # not the mean 9.
    "sick-leave-days-per-fte-is-total-days-over-total-fte": Case(
        RATIO, [obs("north", M[1], 12, 60, 5), obs("north", M[2], 12, 60, 5), obs("south_a", M[1], 6, 30, 5)],
        "city", Q[1], 10.0, 3),
    "a-ratio-stored-without-its-parts-stands-alone": Case(RATIO, [obs("north", Y2020, 72)], "north", Y2020, 72, 1,
                                                          scale=100),
    "ratios-without-parts-cannot-be-combined-over-time": Case(
        RATIO, [obs("north", Q[1], 61), obs("north", Q[2], 69)], "north", Y2020, None, 2, "missing_components",
        scale=100),
    "a-ratio-without-parts-cannot-be-combined-with-another-unit": Case(
        RATIO, [obs("north", Y2020, 72), nps("south_a", Y2020, 600, 1000)], "city", Y2020, None, 2,
        "missing_components", scale=100),
    "a-ratio-missing-one-quarters-parts-cannot-be-combined": Case(
        RATIO, [nps("north", Q[1], 488, 800), obs("north", Q[2], 69)], "north", Y2020, None, 2,
        "missing_components", scale=100),
    # Parts given, value left empty: the value follows from the parts, (30 + 70) / (100 + 100) = 50.
    "ratio-parts-without-a-value-still-combine": Case(
        RATIO, [obs("north", Q[1], None, 30, 100), obs("north", Q[2], None, 70, 100)], "north", Y2020, 50.0, 2,
        scale=100),
    "a-single-ratio-with-parts-and-no-value-is-computed-from-them": Case(
        RATIO, [obs("north", Q[1], None, 30, 100)], "north", Y2020, 30.0, 1, scale=100),
    "a-parent-with-its-own-ratio-ignores-its-children": Case(
        RATIO, [nps("city", Y2020, 600, 1000), *NPS_UNITS], "city", Y2020, 60.0, 1, scale=100),
    # --- sum -------------------------------------------------------------------------------------
    "counts-add-up-over-months-and-units": Case(SUM, REFERRALS, "city", Q[1], 105, 6),   # 60 + 20 + 25
    "counts-of-one-month-add-up-over-units": Case(SUM, REFERRALS, "city", M[3], 55, 2),  # 30 + 25
    "a-count-with-a-missing-value-gives-no-total": Case(
        SUM, [obs("north", M[1], 10), obs("north", M[2], None)], "north", Q[1], None, 2, "missing_value"),
    "a-missing-count-in-one-unit-leaves-the-city-without-a-total": Case(
        SUM, [obs("north", M[1], 10), obs("south_a", M[1], None)], "city", Q[1], None, 2, "missing_value"),
    "a-parent-with-its-own-count-ignores-its-children": Case(
        SUM, [obs("city", Q[1], 500), *REFERRALS], "city", Q[1], 500, 1),
    # The south reported 70 itself: its offices' 5 + 15 + 25 do not count; the city is 60 + 70.
    "a-middle-unit-with-its-own-count-replaces-its-offices": Case(
        SUM, [obs("south", Q[1], 70), *REFERRALS], "city", Q[1], 130, 4),
    # --- weighted mean ---------------------------------------------------------------------------
    # North (4.0 × 30 + 2.0 × 10) / 40 = 3.5; with the south (5.0 × 60): 440 / 100 = 4.4, not the mean 4.25.
    "a-weighted-mean-weighs-by-weight-over-months-and-units": Case(
        WEIGHTED, [obs("north", M[1], 4.0, weight=30), obs("north", M[2], 2.0, weight=10),
                   obs("south_a", M[1], 5.0, weight=60)], "city", Q[1], 4.4, 3),
    "a-weighted-mean-over-months-of-one-unit": Case(
        WEIGHTED, [obs("north", M[1], 4.0, weight=30), obs("north", M[2], 2.0, weight=10)], "north", Q[1], 3.5, 2),
    "a-missing-weight-gives-no-weighted-mean": Case(
        WEIGHTED, [obs("north", M[1], 4.0, weight=30), obs("north", M[2], 2.0)], "north", Q[1], None, 2,
        "missing_weight"),
    "a-unit-missing-its-weight-gives-the-city-no-weighted-mean": Case(
        WEIGHTED, [obs("north", M[1], 4.0, weight=30), obs("south_a", M[1], 5.0)], "city", Q[1], None, 2,
        "missing_weight"),
    "a-single-value-without-a-weight-still-stands": Case(WEIGHTED, [obs("north", M[1], 4.0)], "north", Q[1], 4.0, 1),
    "a-zero-weight-counts-for-nothing": Case(
        WEIGHTED, [obs("north", M[1], 4.0, weight=0), obs("north", M[2], 2.0, weight=10)], "north", Q[1], 2.0, 2),
    "all-zero-weights-give-no-weighted-mean": Case(
        WEIGHTED, [obs("north", M[1], 4.0, weight=0), obs("north", M[2], 2.0, weight=0)], "north", Q[1], None, 2,
        "zero_denominator"),
    "all-zero-weights-over-units-give-no-weighted-mean": Case(
        WEIGHTED, [obs("north", M[1], 4.0, weight=0), obs("south_a", M[1], 5.0, weight=0)], "city", Q[1], None, 2,
        "zero_denominator"),
    "a-missing-value-gives-no-weighted-mean": Case(
        WEIGHTED, [obs("north", M[1], None, weight=30), obs("north", M[2], 2.0, weight=10)], "north", Q[1], None, 2,
        "missing_value"),
    # --- last value ------------------------------------------------------------------------------
    "a-headcount-is-the-latest-reading-of-a-unit": Case(LAST, HEADCOUNT, "north", Q[1], 85, 3),
    "headcounts-add-up-over-units": Case(LAST, HEADCOUNT, "city", Q[1], 124, 6),   # 85 + 39
    "headcounts-of-one-month-add-up": Case(LAST, HEADCOUNT, "city", M[2], 123, 2),  # 82 + 41
    # Each unit's latest reading of the year, whichever quarter it fell in: 90 (Q4) + 40 (Q2).
    "each-units-latest-headcount-of-the-year-adds-up": Case(
        LAST, [obs("north", Q[1], 80), obs("north", Q[4], 90), obs("south_a", Q[2], 40)], "city", Y2020, 130, 3),
    # --- not combinable --------------------------------------------------------------------------
    "a-single-grade-stands-for-its-period": Case(NONE, [obs("city", Y2020, 3)], "city", Y2020, 3, 1),
    "a-single-grade-passes-up-the-tree": Case(NONE, [obs("south_a", Y2020, 4)], "city", Y2020, 4, 1),
    "two-grades-over-time-cannot-be-combined": Case(
        NONE, [obs("north", M[3], 3), obs("north", M[9], 4)], "north", Y2020, None, 2, "not_combinable"),
    "two-grades-over-units-cannot-be-combined": Case(
        NONE, [obs("north", Y2020, 3), obs("south_a", Y2020, 4)], "city", Y2020, None, 2, "not_combinable"),
    # --- nested periods and irregular ones -------------------------------------------------------
    "a-stored-year-wins-over-its-own-quarters": Case(SUM, NESTED_SUM, "north", Y2020, 340, 1),  # not 680
    "the-quarters-still-count-for-a-quarter-beside-a-stored-year": Case(SUM, NESTED_SUM, "north", Q[2], 240, 1),
    "a-stored-nps-year-wins-over-its-quarters": Case(
        RATIO, [nps("north", Y2020, 3149, 4700), *NPS_2020], "north", Y2020, 67.0, 1, scale=100),
    "a-stored-year-beside-its-quarters-adds-to-other-units": Case(
        SUM, [*NESTED_SUM, obs("south_a", Q[1], 7)], "city", Y2020, 347, 2),
    # Two surveys in 2018-Q2: (30 + 20) / (50 + 30) = 62.5, not the mean 63.3 of 30/50 = 60 and 20/30 = 66.7.
    "two-survey-dates-in-a-quarter-combine-by-their-responses": Case(
        RATIO, [nps("north", day(2018, 6, 14), 30, 50), nps("north", day(2018, 5, 2), 20, 30)], "north",
        Period.quarter(2018, 2), 62.5, 2, scale=100),
    # The range inside the first half year is covered by it: 10 + 20.
    "a-date-range-inside-another-stored-range-does-not-count-twice": Case(
        SUM, [obs("north", span("2020-01-01", "2020-06-30"), 10), obs("north", span("2020-03-01", "2020-04-30"), 5),
              obs("north", span("2020-07-01", "2020-12-31"), 20)], "north", Y2020, 30, 2),
    "a-range-across-the-years-end-counts-in-neither-year": Case(
        SUM, [obs("north", span("2020-12-01", "2021-01-31"), 100), obs("north", Q[4], 5)], "north", Y2020, 5, 1),
    # --- no data ---------------------------------------------------------------------------------
    "values-of-another-year-give-no-data": Case(SUM, [obs("north", Period.year(2019), 10)], "north", Y2020, None, 0),
    "a-unit-below-which-nobody-reported-has-no-data": Case(SUM, REFERRALS, "north", Q[2], None, 0),
}
TABLE = [pytest.param(case, id=name) for name, case in CASES.items()]


def value_by_value(case: Case) -> Summary:
    return from_rollup(rollup(case.aggregation, case.observations, case.unit, case.period, TREE, case.scale))


def _total(numbers) -> float | None:
    """SQL's SUM: nulls skipped, and no rows (or only nulls) give null."""
    present = [n for n in numbers if n is not None]
    return sum(present) if present else None


def _cell(aggregation: Aggregation, mine: list[Observation]) -> Cell:
    """What the database sums for one unit's stored values inside one bucket (`kpi.store.summaries`)."""
    latest = max(mine, key=lambda o: (o.period.end, o.period.start))
    kinds = sorted(o.period.kind.value for o in mine)
    return Cell(
        count=len(mine),
        count_value=sum(o.value is not None for o in mine),
        count_numerator=sum(o.numerator is not None for o in mine),
        count_denominator=sum(o.denominator is not None for o in mine),
        count_weight=sum(o.weight is not None for o in mine),
        sum_value=_total(o.value for o in mine),
        sum_numerator=_total(o.numerator for o in mine),
        sum_denominator=_total(o.denominator for o in mine),
        sum_weight=_total(o.weight for o in mine),
        sum_value_x_weight=_total(o.value * o.weight for o in mine if o.value is not None and o.weight is not None),
        last_end=max(o.period.end for o in mine),
        kind_low=kinds[0],
        kind_high=kinds[-1],
        last_value=latest.value if aggregation is LAST else None,
    )


def _own_values(case: Case) -> dict[str, list[Observation]]:
    by_unit: dict[str, list[Observation]] = {}
    for o in case.observations:
        if case.period.contains(o.period):
            by_unit.setdefault(o.unit, []).append(o)
    return by_unit


def from_cells(case: Case) -> Summary:
    """The scorecard's way (`kpi.features.scorecard._tree_rollups`): each unit's cell summarised from its sums, or
    from its values where the sums cannot say, then rolled up the tree."""
    own = {}
    for unit, mine in _own_values(case).items():
        summary = cell_summary(case.aggregation, _cell(case.aggregation, mine), case.scale)
        if summary is None:
            summary = from_rollup(rollup(case.aggregation, mine, unit, case.period, {}, case.scale))
        own[unit] = summary
    return TreeRollup(case.aggregation, case.scale, {0: own}, TREE, PARENT_OF).value(case.unit, 0)


def _shown(summary: Summary) -> tuple:
    # The two ways may add in different orders: the last bits of a float sum may differ, nothing a person sees.
    return tuple(round(field, 9) if isinstance(field, float) else field for field in summary)


def _assert_hand_worked(summary: Summary, case: Case) -> None:
    if case.value is None:
        assert summary.value is None
    else:
        assert summary.value == pytest.approx(case.value)
    assert (summary.count, summary.problem) == (case.count, case.problem)


@pytest.mark.parametrize("case", TABLE)
def test_the_value_by_value_rollup_gives_the_hand_worked_figure(case):
    _assert_hand_worked(value_by_value(case), case)


@pytest.mark.parametrize("case", TABLE)
def test_the_rollup_from_cell_sums_gives_the_hand_worked_figure(case):
    _assert_hand_worked(from_cells(case), case)


@pytest.mark.parametrize("case", TABLE)
def test_from_cell_sums_and_value_by_value_the_rollups_agree_on_every_figure(case):
    # Value, parts, total weight, values combined, data through and the problem: all the scorecard shows.
    assert _shown(from_cells(case)) == _shown(value_by_value(case))


def _left_to_values(case: Case) -> set[str]:
    return {unit for unit, mine in _own_values(case).items()
            if cell_summary(case.aggregation, _cell(case.aggregation, mine), case.scale) is None}


@pytest.mark.parametrize("name", [
    "nps-2020-is-the-ratio-of-all-responses", "nps-over-units-is-the-ratio-of-all-responses",
    "counts-add-up-over-months-and-units", "a-weighted-mean-weighs-by-weight-over-months-and-units",
    "headcounts-add-up-over-units", "two-survey-dates-in-a-quarter-combine-by-their-responses",
])
def test_a_cell_of_one_period_kind_is_summarised_from_its_sums_alone(name):
    # The scorecard reads no stored value for these: the sums are the whole answer.
    assert _left_to_values(CASES[name]) == set()


@pytest.mark.parametrize("name, units", [
    ("a-stored-year-wins-over-its-own-quarters", {"north"}),
    ("a-stored-year-beside-its-quarters-adds-to-other-units", {"north"}),   # south_a's lone quarter needs none
    ("a-stored-nps-year-wins-over-its-quarters", {"north"}),
    ("a-date-range-inside-another-stored-range-does-not-count-twice", {"north"}),
])
def test_a_cell_whose_sums_cannot_say_is_left_to_its_stored_values(name, units):
    # Nested periods or date ranges: which stored value wins over which, only the values can say.
    assert _left_to_values(CASES[name]) == units

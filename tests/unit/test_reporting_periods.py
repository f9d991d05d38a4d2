"""Which periods the period pickers offer, given the periods that hold stored values (`reporting_periods`).

A picker offers every year, quarter and month that wholly contains a stored value, newest first: each
year, then its quarters from the last, each quarter followed by its months. A quarter is offered whichever
of its months holds the data, the last one included (a quarter shifted by one would lose 2020-Q1 when only
March has values).
"""
from datetime import date

import pytest

from kpi.domain.periods import Period, parse_period, reporting_periods


def offered(*stored: str) -> list[str]:
    return [p.code for p in reporting_periods([parse_period(code) for code in stored])]


@pytest.mark.parametrize(
    "month, quarter",
    [
        ("2020-01", "2020-Q1"), ("2020-02", "2020-Q1"), ("2020-03", "2020-Q1"),
        ("2018-04", "2018-Q2"), ("2018-05", "2018-Q2"), ("2018-06", "2018-Q2"),
        ("2020-07", "2020-Q3"), ("2020-08", "2020-Q3"), ("2020-09", "2020-Q3"),
        ("2020-10", "2020-Q4"), ("2020-11", "2020-Q4"), ("2020-12", "2020-Q4"),
    ],
)
def test_a_month_holding_data_offers_its_year_its_quarter_and_itself(month, quarter):
    assert offered(month) == [month[:4], quarter, month]


OFFERED = [
    # Only a quarter's last month holds data: the quarter is still offered.
    (["2020-03"], ["2020", "2020-Q1", "2020-03"]),
    (["2018-06"], ["2018", "2018-Q2", "2018-06"]),
    # A stored year offers only itself: no quarter or month lies around it.
    (["2020"], ["2020"]),
    # A stored quarter offers its year and itself, not its months.
    (["2020-Q1"], ["2020", "2020-Q1"]),
    (["2018-Q2"], ["2018", "2018-Q2"]),
    (["2020-Q4"], ["2020", "2020-Q4"]),
    # A survey taken on one date: its year, quarter and month; the last day of a quarter is in it.
    (["2018-06-14"], ["2018", "2018-Q2", "2018-06"]),
    (["2020-03-31"], ["2020", "2020-Q1", "2020-03"]),
    (["2020-04-01"], ["2020", "2020-Q2", "2020-04"]),
    (["2020-12-31"], ["2020", "2020-Q4", "2020-12"]),
    # A range offers the grid periods that hold all of it.
    (["2020-03-01..2020-03-15"], ["2020", "2020-Q1", "2020-03"]),
    (["2020-02-15..2020-03-31"], ["2020", "2020-Q1"]),
    (["2018-04-01..2018-06-30"], ["2018", "2018-Q2"]),
    (["2020-03-01..2020-04-30"], ["2020"]),
    (["2019-12-01..2020-01-31"], []),
    ([], []),
]


@pytest.mark.parametrize("stored, expected", OFFERED, ids=["+".join(stored) or "nothing" for stored, _ in OFFERED])
def test_the_pickers_offer_every_grid_period_that_holds_a_stored_value(stored, expected):
    assert offered(*stored) == expected


def test_the_periods_come_newest_first_each_year_before_its_quarters_and_each_quarter_before_its_months():
    stored = ["2019-11", "2020-02", "2020-Q3", "2020-12", "2020-01", "2019", "2020-06-14"]
    assert offered(*stored) == [
        "2020", "2020-Q4", "2020-12", "2020-Q3", "2020-Q2", "2020-06", "2020-Q1", "2020-02", "2020-01",
        "2019", "2019-Q4", "2019-11",
    ]


def test_a_period_held_by_many_stored_values_is_offered_once():
    # Two dated surveys in March, March itself and the first quarter: each grid period once.
    assert offered("2020-03-02", "2020-03-20", "2020-03", "2020-Q1") == ["2020", "2020-Q1", "2020-03"]


def test_every_quarters_last_month_alone_offers_all_four_quarters():
    assert offered("2020-03", "2020-06", "2020-09", "2020-12") == [
        "2020", "2020-Q4", "2020-12", "2020-Q3", "2020-09", "2020-Q2", "2020-06", "2020-Q1", "2020-03",
    ]


def test_the_offered_periods_are_periods_the_rest_of_the_app_reads_back():
    # The pickers hand codes to parse_period; what they offer must read back as the same period.
    for period in reporting_periods([Period.day(date(2018, 6, 30)), Period.month(2020, 3)]):
        assert parse_period(period.code) == period

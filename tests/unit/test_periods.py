"""Periods as people type them, and the calendar grid that rollups walk."""
from datetime import date

import pytest

from kpi.domain.periods import Period, PeriodKind, PeriodParseError, parse_period

YEAR, QUARTER, MONTH, DAY, RANGE = (PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH,
                                    PeriodKind.DAY, PeriodKind.RANGE)


@pytest.mark.parametrize(
    "text, code, kind, start, end",
    [
        ("2020", "2020", YEAR, date(2020, 1, 1), date(2020, 12, 31)),
        # Every way the seeds and HR's spreadsheets write the first quarter of 2020.
        ("2020-Q1", "2020-Q1", QUARTER, date(2020, 1, 1), date(2020, 3, 31)),
        ("2020Q1", "2020-Q1", QUARTER, date(2020, 1, 1), date(2020, 3, 31)),
        ("2020 Q1", "2020-Q1", QUARTER, date(2020, 1, 1), date(2020, 3, 31)),
        ("Q1/2020", "2020-Q1", QUARTER, date(2020, 1, 1), date(2020, 3, 31)),
        ("Q1 2020", "2020-Q1", QUARTER, date(2020, 1, 1), date(2020, 3, 31)),
        ("q1/2020", "2020-Q1", QUARTER, date(2020, 1, 1), date(2020, 3, 31)),
        ("2020-q1", "2020-Q1", QUARTER, date(2020, 1, 1), date(2020, 3, 31)),
        ("2020-Q2", "2020-Q2", QUARTER, date(2020, 4, 1), date(2020, 6, 30)),
        ("2020-Q3", "2020-Q3", QUARTER, date(2020, 7, 1), date(2020, 9, 30)),
        # Q4 ends on the last day of the year, not on the 30th.
        ("2020-Q4", "2020-Q4", QUARTER, date(2020, 10, 1), date(2020, 12, 31)),
        ("2020-03", "2020-03", MONTH, date(2020, 3, 1), date(2020, 3, 31)),
        ("3/2020", "2020-03", MONTH, date(2020, 3, 1), date(2020, 3, 31)),
        ("03/2020", "2020-03", MONTH, date(2020, 3, 1), date(2020, 3, 31)),
        ("12/2021", "2021-12", MONTH, date(2021, 12, 1), date(2021, 12, 31)),
        ("2020-04", "2020-04", MONTH, date(2020, 4, 1), date(2020, 4, 30)),
        # February: 29 days in a leap year, 28 otherwise; 1900 is not a leap year, 2000 is.
        ("2020-02", "2020-02", MONTH, date(2020, 2, 1), date(2020, 2, 29)),
        ("2/2021", "2021-02", MONTH, date(2021, 2, 1), date(2021, 2, 28)),
        ("2/1900", "1900-02", MONTH, date(1900, 2, 1), date(1900, 2, 28)),
        ("2/2000", "2000-02", MONTH, date(2000, 2, 1), date(2000, 2, 29)),
        # A survey taken on one date (the VITA follow-up), ISO and Finnish.
        ("2018-06-14", "2018-06-14", DAY, date(2018, 6, 14), date(2018, 6, 14)),
        ("14.6.2018", "2018-06-14", DAY, date(2018, 6, 14), date(2018, 6, 14)),
        ("14.06.2018", "2018-06-14", DAY, date(2018, 6, 14), date(2018, 6, 14)),
        ("29.2.2020", "2020-02-29", DAY, date(2020, 2, 29), date(2020, 2, 29)),
        # A target that holds for a project's life.
        ("2020-01-01..2022-12-31", "2020-01-01..2022-12-31", RANGE, date(2020, 1, 1), date(2022, 12, 31)),
        ("2020-01-01 .. 2022-12-31", "2020-01-01..2022-12-31", RANGE, date(2020, 1, 1), date(2022, 12, 31)),
        # Ends of a range may be any period: from the start of Q2 to the end of Q3.
        ("2020-Q2..2020-Q3", "2020-04-01..2020-09-30", RANGE, date(2020, 4, 1), date(2020, 9, 30)),
        ("2020-06-01..2020-06-01", "2020-06-01..2020-06-01", RANGE, date(2020, 6, 1), date(2020, 6, 1)),
        # Whitespace pasted from a spreadsheet cell.
        ("  2020  ", "2020", YEAR, date(2020, 1, 1), date(2020, 12, 31)),
        ("\t3/2020\n", "2020-03", MONTH, date(2020, 3, 1), date(2020, 3, 31)),
        (" Q4/2020 ", "2020-Q4", QUARTER, date(2020, 10, 1), date(2020, 12, 31)),
    ],
)
def test_a_period_typed_in_any_usual_form_reads_as_its_canonical_period(text, code, kind, start, end):
    period = parse_period(text)
    assert (period.code, period.kind, period.start, period.end) == (code, kind, start, end)


@pytest.mark.parametrize(
    "period",
    [Period.year(2020), Period.quarter(2020, 4), Period.month(2020, 2), Period.day(date(2018, 6, 14)),
     Period.range(date(2020, 1, 1), date(2022, 12, 31))],
    ids=str,
)
def test_the_canonical_code_reads_back_as_the_same_period(period):
    # The code is what the database stores; reading it must give the period back.
    assert parse_period(period.code) == period


@pytest.mark.parametrize(
    "text",
    [
        "2020-Q5",     # there are four quarters
        "2020-Q0",
        "Q5/2020",
        "13/2020",     # there are twelve months
        "0/2020",
        "2020-13",
        "2020-00",
        "2020-02-30",  # February never has 30 days
        "2021-02-29",  # 2021 is not a leap year
        "31.4.2020",   # April has 30 days
        "abc",
        "",
        "   ",
        "20201",       # five digits is not a year
        "2020-01-01..",
        "..2022-12-31",
        "2022-12-31..2020-01-01",  # a range ending before it starts
        "2020-Q3..2020-Q2",
        "1800",        # outside the years the app accepts
        "Q1/1800",
        "1/1800",
        "1.1.1800",
        "2201",
    ],
)
def test_text_that_is_not_a_period_is_refused_with_a_period_parse_error(text):
    with pytest.raises(PeriodParseError) as error:
        parse_period(text)
    # The message the form shows quotes what the user typed.
    assert error.value.text == text


def test_a_period_parse_error_is_a_value_error_so_forms_can_catch_either():
    with pytest.raises(ValueError):
        parse_period("2020-Q5")


@pytest.mark.parametrize(
    "child, parent",
    [
        (Period.month(2020, 1), Period.quarter(2020, 1)),
        (Period.month(2020, 3), Period.quarter(2020, 1)),
        (Period.month(2020, 4), Period.quarter(2020, 2)),
        (Period.month(2020, 12), Period.quarter(2020, 4)),
        (Period.quarter(2020, 1), Period.year(2020)),
        (Period.quarter(2020, 4), Period.year(2020)),
        (Period.day(date(2018, 6, 14)), Period.month(2018, 6)),
        (Period.day(date(2020, 12, 31)), Period.month(2020, 12)),
    ],
    ids=str,
)
def test_each_grid_period_knows_the_period_one_level_up(child, parent):
    assert child.parent() == parent


def test_a_day_climbs_the_grid_month_quarter_year_and_stops():
    # 14 June 2018 -> June 2018 -> Q2 2018 -> 2018 -> nothing above a year.
    chain, period = [], Period.day(date(2018, 6, 14))
    while period is not None:
        chain.append(period.code)
        period = period.parent()
    assert chain == ["2018-06-14", "2018-06", "2018-Q2", "2018"]


def test_a_free_range_has_no_parent():
    assert Period.range(date(2020, 1, 1), date(2022, 12, 31)).parent() is None


@pytest.mark.parametrize(
    "period, children",
    [
        (Period.year(2020), ["2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4"]),
        (Period.quarter(2020, 1), ["2020-01", "2020-02", "2020-03"]),
        (Period.quarter(2020, 4), ["2020-10", "2020-11", "2020-12"]),
        (Period.month(2020, 2), []),
        (Period.day(date(2018, 6, 14)), []),
        (Period.range(date(2020, 1, 1), date(2022, 12, 31)), []),
    ],
    ids=str,
)
def test_a_year_splits_into_its_quarters_and_a_quarter_into_its_months(period, children):
    assert [child.code for child in period.children()] == children


def test_the_children_of_a_year_cover_it_exactly_without_gaps():
    quarters = Period.year(2020).children()
    assert quarters[0].start == date(2020, 1, 1) and quarters[-1].end == date(2020, 12, 31)
    # Each quarter starts the day after the one before ends.
    assert all((b.start - a.end).days == 1 for a, b in zip(quarters, quarters[1:]))


@pytest.mark.parametrize(
    "period, previous",
    [
        (Period.year(2020), "2019"),
        (Period.quarter(2020, 3), "2020-Q2"),
        (Period.quarter(2020, 1), "2019-Q4"),  # across the new year
        (Period.month(2020, 3), "2020-02"),
        (Period.month(2020, 1), "2019-12"),
        (Period.day(date(2018, 6, 14)), None),
        (Period.range(date(2020, 1, 1), date(2022, 12, 31)), None),
    ],
    ids=str,
)
def test_previous_gives_the_period_of_the_same_kind_just_before(period, previous):
    result = period.previous()
    assert (result.code if result else None) == previous


def test_the_month_before_march_of_a_leap_year_ends_on_the_29th():
    assert Period.month(2020, 3).previous().end == date(2020, 2, 29)


@pytest.mark.parametrize(
    "outer, inner, contains",
    [
        (Period.year(2020), Period.year(2020), True),  # a period contains itself
        (Period.year(2020), Period.quarter(2020, 4), True),
        (Period.year(2020), Period.month(2020, 12), True),
        (Period.year(2020), Period.day(date(2020, 12, 31)), True),
        (Period.year(2020), Period.day(date(2021, 1, 1)), False),
        (Period.year(2020), Period.day(date(2019, 12, 31)), False),
        (Period.year(2020), Period.range(date(2020, 12, 1), date(2021, 1, 31)), False),  # straddles
        (Period.quarter(2020, 1), Period.year(2020), False),
        (Period.quarter(2020, 1), Period.month(2020, 4), False),
        (Period.range(date(2020, 1, 1), date(2022, 12, 31)), Period.year(2021), True),
    ],
    ids=str,
)
def test_contains_is_true_only_when_the_whole_inner_period_lies_inside(outer, inner, contains):
    assert outer.contains(inner) is contains


@pytest.mark.parametrize(
    "as_of, has_ended, is_running",
    [
        (date(2019, 12, 31), False, False),  # not started yet
        (date(2020, 1, 1), False, True),      # first day
        (date(2020, 3, 31), False, True),     # last day: still running, figures may still come in
        (date(2020, 4, 1), True, False),      # the day after: ended, the figure is final
        (date(2021, 1, 1), True, False),
    ],
)
def test_a_quarter_is_running_through_its_last_day_and_has_ended_the_day_after(as_of, has_ended, is_running):
    q1 = Period.quarter(2020, 1)
    assert (q1.has_ended(as_of), q1.is_running(as_of)) == (has_ended, is_running)

"""Which target judges a period (`kpi.domain.target_choice`): the narrowest one that applies and is not
retired. Targets here are plain spans paired with a name, as the store's rows would be."""
from __future__ import annotations

from datetime import date

import pytest

from kpi.domain.periods import Period
from kpi.domain.target_choice import TargetSpan, narrowest_applying
from kpi.domain.vocabulary import Aggregation

RATIO, SUM = Aggregation.RATIO_OF_TOTALS, Aggregation.SUM
Y2020, Q1, Q2 = Period.year(2020), Period.quarter(2020, 1), Period.quarter(2020, 2)
JAN = Period.month(2020, 1)
YEAR_FLOOR = (TargetSpan(Y2020), "year")
Q1_FLOOR = (TargetSpan(Q1), "q1")


def test_a_quarters_own_target_beats_the_years():
    assert narrowest_applying([YEAR_FLOOR, Q1_FLOOR], Q1, RATIO) == "q1"
    assert narrowest_applying([Q1_FLOOR, YEAR_FLOOR], Q1, RATIO) == "q1"  # whatever the order given


def test_a_quarter_without_a_target_of_its_own_is_judged_by_the_years():
    assert narrowest_applying([YEAR_FLOOR, Q1_FLOOR], Q2, RATIO) == "year"


def test_the_year_is_judged_by_the_years_target_not_by_a_quarters():
    assert narrowest_applying([Q1_FLOOR, YEAR_FLOOR], Y2020, RATIO) == "year"


def test_a_month_takes_the_narrowest_target_around_it():
    assert narrowest_applying([YEAR_FLOOR, Q1_FLOOR], JAN, RATIO) == "q1"


def test_a_years_count_target_does_not_judge_a_quarters_count():
    """A quarter's accidents say nothing against the year's ceiling."""
    assert narrowest_applying([YEAR_FLOOR], Q1, SUM) is None
    assert narrowest_applying([YEAR_FLOOR], Y2020, SUM) == "year"


def test_no_target_set_for_the_period_or_around_it_judges_nothing():
    assert narrowest_applying([YEAR_FLOOR, Q1_FLOOR], Period.year(2021), RATIO) is None
    assert narrowest_applying([], Q1, RATIO) is None


@pytest.mark.parametrize("retired_from, judges_q1", [
    (date(2020, 4, 1), True),    # retired after Q1 ended (31 March): Q1 is still judged by it
    (date(2020, 3, 31), False),  # retired on Q1's last day: a period ending on or after it is not
    (date(2020, 1, 1), False),
    (None, True),
])
def test_a_retired_target_no_longer_judges_periods_ending_on_or_after_its_retirement(retired_from, judges_q1):
    retired = (TargetSpan(Q1, retired_from), "q1")
    assert (narrowest_applying([retired], Q1, RATIO) == "q1") is judges_q1


def test_a_retired_quarter_target_leaves_the_quarter_to_the_years():
    assert narrowest_applying([YEAR_FLOOR, (TargetSpan(Q1, date(2020, 2, 1)), "q1")], Q1, RATIO) == "year"


def test_of_two_targets_for_the_same_period_the_first_given_wins():
    assert narrowest_applying([(TargetSpan(Q1), "first"), (TargetSpan(Q1), "second")], Q1, RATIO) == "first"

"""Which shortfalls need an explanation, and the orders built on it (`kpi.domain.explanations`).

The council's rule: a binding target not met needs an explanation. The scorecard puts those rows first,
meeting mode's agenda too; the same rule counts "binding targets not met" and decides which documents
carry an explanation heading.
"""
from __future__ import annotations

import pytest

from kpi.domain.explanations import agenda_rank, needs_explanation, scorecard_rank
from kpi.domain.vocabulary import Status

MET, AT_RISK, NOT_MET, NO_DATA = Status.MET, Status.AT_RISK, Status.NOT_MET, Status.NO_DATA


@pytest.mark.parametrize("binding, status, needed", [
    (True, NOT_MET, True),
    (True, "not_met", True),      # as the scorecard rows carry it: the status's string value
    (True, AT_RISK, False),       # within the band: followed up, not yet a statement to the council
    (True, NO_DATA, False),
    (True, MET, False),
    (False, NOT_MET, False),      # a miss of a target that is not binding may be explained, need not be
    (False, AT_RISK, False),
    (True, None, False),          # no target judged the period
])
def test_only_a_binding_target_not_met_needs_an_explanation(binding, status, needed):
    assert needs_explanation(binding, status) is needed


def test_the_scorecard_lists_binding_misses_first_then_worst_first():
    rows = [(False, MET), (False, NO_DATA), (True, AT_RISK), (False, NOT_MET), (True, NOT_MET), (True, MET)]
    ordered = sorted(rows, key=lambda row: scorecard_rank(*row))
    assert ordered == [(True, NOT_MET), (False, NOT_MET), (True, AT_RISK), (False, NO_DATA), (False, MET),
                       (True, MET)]


@pytest.mark.parametrize("binding, status, rank", [
    (True, NOT_MET, 0),     # binding misses open the meeting
    (False, NOT_MET, 1),    # then the other misses
    (True, AT_RISK, 2),     # then those at risk, binding or not
    (False, AT_RISK, 2),
    (True, MET, None),      # met and no-data targets are not on the agenda
    (False, NO_DATA, None),
    (True, NO_DATA, None),
])
def test_the_meeting_discusses_binding_misses_then_other_misses_then_those_at_risk(binding, status, rank):
    assert agenda_rank(binding, status) == rank

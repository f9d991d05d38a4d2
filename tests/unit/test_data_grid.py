"""What a person's grid edits mean: which rows changed, which clear a value, what each row's problem is,
and how a history entry reads. Plain objects, no database."""
import json
from datetime import datetime

import pytest

from kpi.features.data_grid import GridRow, change_text, check_edits, draft_of, find_edits, frame_records, grid_columns
from kpi.models import Indicator, MeasurementChange


def indicator(aggregation="ratio", nature="quantitative", **rules) -> Indicator:
    defaults = dict(code="nps", name_fi="NPS", name_en="NPS", direction="higher", aggregation=aggregation,
                    scale=100, min_value=-100, max_value=100, decimals=0, nature=nature)
    return Indicator(**(defaults | rules))


NPS = indicator()
Q1 = GridRow("Työterveys", "TTH", "2020-Q1", 1, 1, 61.0, 488.0, 800.0, None, "Q1")
EMPTY = GridRow("Itäinen alue", "TE-ITA", "2020-Q1")


def edits_of(rows, cells, ind=NPS):
    columns = grid_columns(ind)
    records = frame_records(rows, columns, {})
    for position, changed in cells.items():
        records[position].update(changed)
    return find_edits(ind, rows, records, columns)


@pytest.mark.parametrize("aggregation,columns", [
    ("ratio", ["value", "numerator", "denominator", "comment"]),
    ("weighted_mean", ["value", "weight", "comment"]),
    ("sum", ["value", "comment"]),
    ("last", ["value", "comment"]),
    ("none", ["value", "comment"]),
])
def test_the_columns_follow_the_aggregation_rule(aggregation, columns):
    assert grid_columns(indicator(aggregation)) == columns


def test_untouched_rows_and_nan_cells_are_no_edits():
    assert edits_of([Q1, EMPTY], {1: {"value": float("nan"), "comment": None}}) == []


def test_changing_a_ratios_parts_recomputes_its_value():
    [edit] = edits_of([Q1], {0: {"numerator": 520}})
    assert (edit.value, edit.numerator, edit.denominator, edit.deletes) == (None, 520, 800, False)
    assert check_edits(NPS, [edit]) == []


def test_a_value_typed_against_its_parts_is_a_problem_of_that_row():
    [problem] = check_edits(NPS, edits_of([Q1], {0: {"value": 75}}))
    assert problem.error.key == "parts_disagree"
    assert problem.message("en") == ("Row “Työterveys”: value “75”: does not match the value computed from "
                                     "numerator and denominator, 61")


@pytest.mark.parametrize("cells,deletes", [
    ({"value": None, "numerator": None, "denominator": None}, True),
    ({"value": None, "numerator": None, "denominator": None, "comment": ""}, True),
    ({"value": None}, False),  # the parts are still there: the value is computed from them
])
def test_clearing_the_figures_deletes_a_stored_value(cells, deletes):
    [edit] = edits_of([Q1], {0: cells})
    assert edit.deletes is deletes


def test_a_qualitative_assessment_stays_while_its_words_do():
    grade = indicator("none", "qualitative", min_value=1, max_value=5)
    row = GridRow("Kaupunki", "HKI", "2012", 3, 1, 3.0, comment="Tavoitettavuus parani")
    [kept] = edits_of([row], {0: {"value": None}}, grade)
    [gone] = edits_of([row], {0: {"value": None, "comment": ""}}, grade)
    assert (kept.deletes, gone.deletes) == (False, True)
    assert check_edits(grade, [kept]) == []


def test_every_bad_row_is_reported_and_a_missing_reason_once():
    counts = indicator("sum", min_value=0, max_value=None, scale=1)
    rows = [GridRow(f"Alue {n}", f"U{n}", "2021-12") for n in range(3)]
    edits = edits_of(rows, {0: {"value": -1}, 1: {"value": 4}, 2: {"value": -2}}, counts)
    problems = check_edits(counts, edits, reason=" ")
    assert [(p.label, p.error.field, p.error.key) for p in problems] == [
        (None, "reason", "required"), ("Alue 0", "value", "outside_valid_range"),
        ("Alue 2", "value", "outside_valid_range")]


def test_the_draft_lays_unsaved_cells_over_the_loaded_rows():
    columns = grid_columns(NPS)
    records = frame_records([Q1, EMPTY], columns, {})
    records[1]["value"] = 12
    draft = draft_of(find_edits(NPS, [Q1, EMPTY], records, columns), columns, records)
    assert draft == {1: {"value": 12, "numerator": None, "denominator": None, "comment": ""}}
    assert frame_records([Q1, EMPTY], columns, draft)[1]["value"] == 12


def change(action, old, new):
    return MeasurementChange(indicator_id=1, org_unit_id=1, period="2020-Q1", action=action, changed_by="hr",
                             changed_at=datetime(2026, 1, 5, 10, 0), old_values=json.dumps(old) if old else "",
                             new_values=json.dumps(new) if new else "")


@pytest.mark.parametrize("action,lang,old,new,text", [
    ("update", "fi", {"value": 61.0, "numerator": 488.0}, {"value": 65.0, "numerator": 520.0},
     "arvo 61 → 65; osoittaja 488 → 520"),
    ("update", "en", {"value": 61.0, "comment": ""}, {"value": 61.0, "comment": "checked"},
     "comment – → “checked”"),
    ("create", "fi", {}, {"value": 12.5, "weight": 85.0, "comment": ""}, "arvo 13; paino 85"),
    ("delete", "fi", {"value": 3.0}, {}, "arvo 3 → –"),
])
def test_a_history_entry_reads_old_to_new(action, lang, old, new, text):
    assert change_text(change(action, old, new), 0, lang) == text

"""A stored value's history, edits of indicators and units, and the data-entry grid's all-or-nothing save,
through the store API on SQLite and PostgreSQL."""
import json

import pytest
from sqlalchemy import func
from sqlmodel import select

from kpi.features import data_grid
from kpi import db, store
from kpi.reports import export
from kpi.domain.periods import parse_period
from kpi.errors import InputError
from kpi.models import Indicator, Measurement, MeasurementChange, OrgUnit


@pytest.fixture
def engine(migrated_engine):
    """An office with two regions, NPS (ratio, -100..100) and referrals (a count), and one NPS value."""
    with db.session_scope(migrated_engine) as session:
        store.create_org_unit(session, code="TE", name_fi="TE-toimisto", name_en="TE Office", actor="test")
        store.create_org_unit(session, code="TE-HKI", name_fi="Helsingin alue", name_en="Helsinki", parent_code="TE", actor="test")
        store.create_org_unit(session, code="TE-ITA", name_fi="Itäinen alue", name_en="East", parent_code="TE", actor="test")
        store.create_indicator(session, code="nps", name_fi="NPS", name_en="NPS", direction="higher",
                               aggregation="ratio", scale=100, min_value=-100, max_value=100, actor="test")
        store.create_indicator(session, code="referrals", name_fi="Ohjatut", name_en="Referrals", direction="higher",
                               aggregation="sum", min_value=0, actor="test")
        store.save_measurement(session, indicator="nps", org_unit="TE-HKI", period="2020-Q1", numerator=488,
                               denominator=800, actor="demo", reason="first figures")
    return migrated_engine


def changes(engine, indicator="nps", unit="TE-HKI", period="2020-Q1") -> list[MeasurementChange]:
    with db.session_scope(engine) as session:
        return store.list_measurement_changes(session, indicator_id=store.get_indicator(session, indicator).id,
                                              org_unit_id=store.get_unit(session, unit).id, period=period)


def stored(engine, indicator="nps", unit="TE-HKI", period="2020-Q1") -> Measurement | None:
    with db.session_scope(engine) as session:
        return session.exec(select(Measurement).join(Indicator).join(OrgUnit).where(
            Indicator.code == indicator, OrgUnit.code == unit, Measurement.period == period)).first()


def count(engine, model) -> int:
    with db.session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def replace_nps(engine, numerator, *, expected_version=None, actor="hr.anna", reason="payroll correction"):
    with db.session_scope(engine) as session:
        return store.save_measurement(session, indicator="nps", org_unit="TE-HKI", period="2020-Q1",
                                      numerator=numerator, denominator=800, actor=actor, reason=reason,
                                      replace=True, expected_version=expected_version)


# --- value history -------------------------------------------------------------------------------------
def test_replacing_a_value_keeps_its_history_old_to_new_with_who_and_why(engine):
    measurement, action = replace_nps(engine, 520, expected_version=1)
    assert action == "update" and measurement.value == 65 and measurement.version == 2
    history = changes(engine)
    assert [(c.action, c.changed_by, c.reason) for c in history] == [
        ("create", "demo", "first figures"), ("update", "hr.anna", "payroll correction")]
    old, new = json.loads(history[1].old_values), json.loads(history[1].new_values)
    assert (old["value"], old["numerator"]) == (61, 488)
    assert (new["value"], new["numerator"]) == (65, 520)
    assert stored(engine).updated_by == "hr.anna"


def test_saving_the_same_value_again_writes_no_history(engine):
    measurement, action = replace_nps(engine, 488, expected_version=1)
    assert action == "unchanged" and measurement.version == 1
    assert len(changes(engine)) == 1


def test_a_save_from_a_stale_version_is_refused_and_writes_nothing(engine):
    replace_nps(engine, 520, expected_version=1, actor="hr.bertta")  # someone else saved first
    with pytest.raises(InputError) as refused:
        replace_nps(engine, 600, expected_version=1)
    assert refused.value.key == "stale_measurement" and refused.value.params["by"] == "hr.bertta"
    assert "hr.bertta" in refused.value.message("en")
    assert stored(engine).numerator == 520
    assert len(changes(engine)) == 2


def test_deleting_a_value_keeps_its_history_with_a_delete_entry(engine):
    measurement = stored(engine)
    with db.session_scope(engine) as session:
        store.delete_measurement(session, measurement_id=measurement.id, expected_version=measurement.version,
                                 actor="hr.anna", reason="entered for the wrong unit")
    assert stored(engine) is None
    history = changes(engine)
    assert [(c.action, c.changed_by, c.reason) for c in history][-1] == (
        "delete", "hr.anna", "entered for the wrong unit")
    assert json.loads(history[-1].old_values)["numerator"] == 488 and history[-1].new_values == ""


@pytest.mark.parametrize("reason,version,key", [("", 1, "required"), ("wrong unit", 7, "stale_measurement")])
def test_a_delete_without_a_reason_or_from_a_stale_version_is_refused(engine, reason, version, key):
    with pytest.raises(InputError) as refused:
        with db.session_scope(engine) as session:
            store.delete_measurement(session, measurement_id=stored(engine).id, expected_version=version,
                                     actor="hr", reason=reason)
    assert refused.value.key == key
    assert stored(engine) is not None and len(changes(engine)) == 1


# --- indicators and units ------------------------------------------------------------------------------
def test_update_indicator_changes_names_and_rules_but_keeps_the_code(engine):
    with db.session_scope(engine) as session:
        store.update_indicator(session, code="referrals", name_en="Referrals to coaching", unit_label="kpl",
                               direction="lower", aggregation="last", decimals=1, max_value=1000, timing="leading", actor="test")
    with db.session_scope(engine) as session:
        changed = store.get_indicator(session, "referrals")
    assert (changed.code, changed.name_fi, changed.name_en, changed.unit_label, changed.direction,
            changed.aggregation, changed.decimals, changed.min_value, changed.max_value, changed.timing) == (
        "referrals", "Ohjatut", "Referrals to coaching", "kpl", "lower", "last", 1, 0, 1000, "leading")


@pytest.mark.parametrize("change,field,key", [
    (dict(id=99), "id", "not_changeable"),  # the code is how files name it: it is the key, not a field
    (dict(name_fi=" "), "name_fi", "required"),
    (dict(direction="up"), "direction", "not_one_of"),
    (dict(aggregation="mean"), "aggregation", "not_one_of"),
    (dict(max_value=-5), "max_value", "lower_above_upper"),
    (dict(decimals=9), "decimals", "out_of_range"),
])
def test_a_bad_indicator_change_is_refused_and_writes_nothing(engine, change, field, key):
    with pytest.raises(InputError) as refused:
        with db.session_scope(engine) as session:
            store.update_indicator(session, code="referrals", name_en="Changed", **change, actor="test")
    assert (refused.value.field, refused.value.key) == (field, key)
    with db.session_scope(engine) as session:
        unchanged = store.get_indicator(session, "referrals")
    assert (unchanged.name_en, unchanged.direction, unchanged.max_value, unchanged.decimals) == (
        "Referrals", "higher", None, 0)


def test_a_unit_is_renamed_and_moved_under_another_parent(engine):
    with db.session_scope(engine) as session:
        store.create_org_unit(session, code="AGENCY", name_fi="Virasto", name_en="Agency", actor="test")
        store.update_org_unit(session, code="TE-ITA", name_en="Eastern region", parent_code="AGENCY", sort_order=5, actor="test")
    with db.session_scope(engine) as session:
        tree = store.load_unit_tree(session)
    assert tree.children_of["AGENCY"] == ["TE-ITA"] and tree.children_of["TE"] == ["TE-HKI"]
    assert (tree.units["TE-ITA"].name_en, tree.units["TE-ITA"].sort_order) == ("Eastern region", 5)
    with db.session_scope(engine) as session:
        store.update_org_unit(session, code="TE-ITA", parent_code=None, actor="test")  # to the top level
        assert "TE-ITA" in store.load_unit_tree(session).roots


@pytest.mark.parametrize("parent", ["TE-HKI", "TE"])
def test_a_unit_cannot_move_under_its_own_child_or_itself(engine, parent):
    with pytest.raises(InputError) as refused:
        with db.session_scope(engine) as session:
            store.update_org_unit(session, code="TE", name_fi="Muutettu", parent_code=parent, actor="test")
    assert (refused.value.field, refused.value.key) == ("parent", "parent_inside_unit")
    with db.session_scope(engine) as session:
        tree = store.load_unit_tree(session)
    assert tree.roots == ["TE"] and tree.units["TE"].name_fi == "TE-toimisto"


# --- the data-entry grid ----------------------------------------------------------------------------------
def grid(engine, indicator="referrals", period="2021-Q1"):
    with db.session_scope(engine) as session:
        found = store.get_indicator(session, indicator)
        rows = data_grid.rows_across_units(session, found, parse_period(period), "fi", all_units=True)
    return found, rows


def edit(indicator, rows, cells: dict[str, dict]):
    columns = data_grid.grid_columns(indicator)
    records = data_grid.frame_records(rows, columns, {})
    for record in records:
        record.update(cells.get(record["row"].strip(), {}))
    return data_grid.find_edits(indicator, rows, records, columns)


def save(engine, indicator, edits, reason="Q1 from the register"):
    with db.session_scope(engine) as session:
        return data_grid.save_edits(session, store.get_indicator(session, indicator.code), edits, actor="hr",
                                    reason=reason)


def test_the_grid_saves_every_row_in_one_go(engine):
    indicator, rows = grid(engine)
    done = save(engine, indicator, edit(indicator, rows, {"Helsingin alue": {"value": 12}, "Itäinen alue": {
        "value": 7, "comment": "arvio"}}))
    assert (done["create"], done["update"]) == (2, 0)
    assert (stored(engine, "referrals", "TE-HKI", "2021-Q1").value, stored(engine, "referrals", "TE-ITA",
                                                                           "2021-Q1").comment) == (12, "arvio")


def test_one_bad_row_refuses_the_whole_grid_and_names_the_row(engine):
    indicator, rows = grid(engine)
    edits = edit(indicator, rows, {"Helsingin alue": {"value": 12}, "Itäinen alue": {"value": -4}})
    with pytest.raises(data_grid.GridSaveRefused) as refused:
        save(engine, indicator, edits)
    [problem] = refused.value.problems
    assert problem.label.strip() == "Itäinen alue" and problem.error.key == "outside_valid_range"
    assert "Itäinen alue" in problem.message("fi")
    assert stored(engine, "referrals", "TE-HKI", "2021-Q1") is None


def test_the_grid_needs_a_reason(engine):
    indicator, rows = grid(engine)
    with pytest.raises(data_grid.GridSaveRefused) as refused:
        save(engine, indicator, edit(indicator, rows, {"Helsingin alue": {"value": 12}}), reason="  ")
    assert refused.value.problems[0].error.field == "reason"
    assert count(engine, MeasurementChange) == 1


def test_a_grid_loaded_before_someone_elses_save_is_refused_and_writes_nothing(engine):
    indicator, rows = grid(engine, "nps", "2020-Q1")
    replace_nps(engine, 520, actor="hr.bertta")  # saved while the grid was open
    edits = edit(indicator, rows, {"Helsingin alue": {"numerator": 600}, "Itäinen alue": {"numerator": 1,
                                                                                          "denominator": 2}})
    with pytest.raises(data_grid.GridSaveRefused) as refused:
        save(engine, indicator, edits)
    assert refused.value.problems[0].error.key == "stale_measurement"
    assert stored(engine).numerator == 520 and stored(engine, "nps", "TE-ITA") is None


def test_a_row_loaded_empty_that_someone_filled_meanwhile_is_refused(engine):
    indicator, rows = grid(engine)
    with db.session_scope(engine) as session:
        store.save_measurement(session, indicator="referrals", org_unit="TE-HKI", period="2021-Q1", value=3,
                               actor="hr.bertta")
    with pytest.raises(data_grid.GridSaveRefused) as refused:
        save(engine, indicator, edit(indicator, rows, {"Helsingin alue": {"value": 12}}))
    assert refused.value.problems[0].error.key == "duplicate_measurement"
    assert stored(engine, "referrals", "TE-HKI", "2021-Q1").value == 3


def test_clearing_a_row_deletes_its_value_and_keeps_the_history(engine):
    indicator, rows = grid(engine, "nps", "2020-Q1")
    edits = edit(indicator, rows, {"Helsingin alue": {"value": None, "numerator": None, "denominator": None}})
    assert [e.deletes for e in edits] == [True]
    assert save(engine, indicator, edits)["delete"] == 1
    assert stored(engine) is None
    assert [c.action for c in changes(engine)] == ["create", "delete"]


# --- export on the demo data -------------------------------------------------------------------------------
def test_the_export_holds_every_demo_value_and_target(demo_engine):
    with db.session_scope(demo_engine) as session:
        values, targets = export.measurement_table(session), export.target_table(session)
    assert len(values.rows) == 362 and len(targets.rows) == 61
    q1 = next(dict(zip(values.columns, r)) for r in values.rows if r[:3] == ("nps", "TTH", "2020-Q1"))
    assert (q1["value"], q1["numerator"], q1["denominator"], q1["synthetic"]) == (61, 488, 800, "false")
    assert q1["updated_at"].tzinfo is None  # written as UTC without a zone, on either database
    binding = next(dict(zip(targets.columns, r)) for r in targets.rows if r[:3] == ("nps", "TTH", "2020"))
    assert (binding["comparator"], binding["threshold"], binding["band"], binding["binding"]) == ("ge", 70, 3, "true")

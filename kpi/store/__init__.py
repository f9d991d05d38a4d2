"""Every query and write, one module per entity. Each function takes the session first.

Writes check their input and raise `kpi.errors.InputError` before anything is added to the session,
so a rejected input writes nothing; callers run each user action in one `db.session_scope`, so an
error part-way rolls the whole action back.
"""
from .actions import actions_for, create_action, is_overdue, list_action_changes, update_action
from .explanations import (approve_explanation, explanations_for, get_explanation, list_explanation_revisions,
                           save_explanation)
from .housekeeping import clear_all, data_version, has_data
from .imports import list_imports, log_import
from .indicators import create_indicator, get_indicator, list_indicators, update_indicator
from .measurements import (MEASUREMENT_FIELDS, add_measurement, check_value, delete_measurement,
                           distinct_measured_periods, list_measurement_changes, load_observations,
                           measurement_snapshot, measurements_in, record_change, save_measurement)
from .reviews import create_review, decisions_on_indicator, get_review, list_reviews, record_decision, review_topics
from .cells import cells_are_current, note_write, rebuild as rebuild_cells
from .summaries import fetch_cells_of, summary_statement, year_cells_statement
from .targets import (create_target, find_target, get_target, list_target_changes, list_targets, parse_comparator, retire_target,
                      target_units_for, targets_applying_to, targets_for, update_target)
from .units import UnitTree, create_org_unit, get_unit, list_units, load_unit_tree, update_org_unit

__all__ = [
    "actions_for", "approve_explanation", "create_action", "create_review", "decisions_on_indicator",
    "explanations_for", "find_target", "get_explanation", "get_review", "is_overdue", "list_action_changes",
    "list_explanation_revisions", "list_reviews", "record_decision", "review_topics", "save_explanation",
    "update_action",
    "MEASUREMENT_FIELDS", "UnitTree", "add_measurement", "check_value", "clear_all", "create_indicator",
    "create_org_unit", "create_target", "data_version", "delete_measurement", "distinct_measured_periods",
    "get_indicator", "get_target", "get_unit", "has_data", "list_imports", "list_indicators", "list_measurement_changes",
    "list_target_changes", "list_targets", "list_units", "load_observations", "load_unit_tree", "log_import",
    "measurement_snapshot", "measurements_in", "parse_comparator", "record_change", "retire_target",
    "save_measurement", "target_units_for", "targets_applying_to", "targets_for", "update_indicator",
    "update_org_unit", "update_target", "fetch_cells_of", "summary_statement", "year_cells_statement", "cells_are_current", "note_write", "rebuild_cells",
]
from .revision import bump_revision, current_revision  # noqa: E402

__all__ += ["bump_revision", "current_revision"]

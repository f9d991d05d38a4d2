"""Every query and write, one module per entity. Each function takes the session first.

Writes check their input and raise `kpi.errors.InputError` before anything is added to the session,
so a rejected input writes nothing.
"""
from .indicators import create_indicator, get_indicator, list_indicators
from .measurements import add_measurement, distinct_measured_periods, load_observations, measurements_in
from .targets import (create_target, list_target_changes, target_units_for, targets_applying_to, targets_for,
                      update_target)
from .units import UnitTree, create_org_unit, get_unit, list_units, load_unit_tree
from .housekeeping import clear_all, data_version, has_data

__all__ = [
    "UnitTree", "add_measurement", "clear_all", "data_version", "distinct_measured_periods", "create_indicator", "create_org_unit", "create_target",
    "get_indicator", "get_unit", "has_data", "list_indicators",
    "list_target_changes", "list_units", "load_observations", "load_unit_tree", "measurements_in",
    "target_units_for", "targets_applying_to", "targets_for",
    "update_target",
]

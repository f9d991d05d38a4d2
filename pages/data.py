"""Data entry: a grid of values for one indicator and period across units (or one unit across a year),
checked on the server before anything is saved; a value's history; export of values and targets."""
from datetime import date

import pandas as pd
import streamlit as st

from kpi.features import data_grid
from kpi.reports import export
from kpi import writes
from kpi.plain_text import escape_markdown
from kpi.errors import InputError
from kpi.i18n import format_number, t
from kpi.presentation.present import unit_label
from kpi.ui import data, data_upkeep
from kpi.ui.actor import current_actor
from kpi.ui.context import current_language, leave_legacy_pages_mode, session
from kpi.ui.widgets import chosen_period, flash, show_flash, unit_picker

leave_legacy_pages_mode()
lang = current_language()
SHEET, GEN = "entry_sheet", "entry_gen"  # the loaded rows with their versions; the grid's generation
SELECTORS = ("entry_mode", "entry_indicator", "entry_period", "entry_all_units", "entry_unit", "entry_year",
             "entry_grain")

st.title(t("entry.title", lang))
show_flash("entry_flash")

indicators = data.indicator_names(lang)
tree = data.unit_tree()
periods = data.periods_with_data()
if not indicators or not tree.units:
    st.info(t("entry.empty", lang))
    st.stop()

sheet = st.session_state.get(SHEET)
gen = st.session_state.get(GEN, 0)
editor_key = f"entry_grid_{gen}"
# Unsaved edits lock the choice of grid: changing it would throw the edits away.
edit_state = st.session_state.get(editor_key) or {}
pending = bool(sheet and (sheet["draft"] or edit_state.get("edited_rows")))
if sheet:  # back on the page (or edits pending): the pickers show the grid that is open
    for key, value in sheet["selectors"].items():
        if pending or key not in st.session_state:
            st.session_state[key] = value

st.session_state.setdefault("entry_mode", "units")
mode = st.segmented_control(t("entry.mode", lang), ["units", "periods"], required=True,
                            key="entry_mode", disabled=pending,
                            format_func=lambda m: t("entry.mode_units" if m == "units" else "entry.mode_periods", lang))
if mode == "units":
    first, second, third = st.columns([3, 1, 1], vertical_alignment="bottom")
else:
    first, second, third, fourth = st.columns([3, 3, 1, 1], vertical_alignment="bottom")
if "entry_indicator" not in st.session_state and st.session_state.get("drill_indicator") in indicators:
    st.session_state["entry_indicator"] = st.session_state["drill_indicator"]  # the indicator just looked at
indicator_code = first.selectbox(t("entry.indicator", lang), sorted(indicators, key=lambda c: indicators[c].casefold()),
                                 key="entry_indicator", format_func=indicators.get, disabled=pending)
if mode == "units":
    st.session_state.setdefault("entry_period", st.session_state.get("scorecard_period") or
                                (periods[0] if periods else str(date.today().year)))
    if st.session_state["entry_period"] not in periods:
        periods.insert(0, st.session_state["entry_period"])
    period_text = second.selectbox(t("entry.period", lang), periods, key="entry_period", accept_new_options=True,
                                   help=t("scorecard.period_help", lang), disabled=pending)
    all_units = third.toggle(t("entry.all_units", lang), key="entry_all_units", disabled=pending,
                             help=t("entry.all_units_help", lang))
    period = chosen_period(period_text, lang)
    selection = (mode, indicator_code, period.code, all_units)
else:
    unit_code = unit_picker(second, t("entry.unit", lang), tree, lang, key="entry_unit", disabled=pending)
    st.session_state.setdefault("entry_year", int(periods[0][:4]) if periods else date.today().year)
    year = third.number_input(t("entry.year", lang), min_value=1900, max_value=2200, step=1, key="entry_year",
                              disabled=pending)
    if "entry_grain" not in st.session_state:
        st.session_state["entry_grain"] = data_upkeep.usual_grain(indicator_code)
    grain = fourth.selectbox(t("entry.grain", lang), data_grid.GRAINS, key="entry_grain", disabled=pending,
                             format_func=lambda g: t("entry.grain_year" if g == "year" else
                                                     "entry.grain_quarter" if g == "quarter" else "entry.grain_month",
                                                     lang))
    selection = (mode, indicator_code, unit_code, int(year), grain)

if sheet is None or (sheet["selection"] != selection and not pending):
    if mode == "units":
        indicator, rows, inside = data_upkeep.grid_across_units(indicator_code, period, list(tree.units), lang,
                                                                all_units=all_units)
    else:
        (indicator, rows), inside = data_upkeep.grid_across_periods(indicator_code, unit_code, int(year), grain), []
    sheet = {"selection": selection, "selectors": {k: st.session_state[k] for k in SELECTORS if k in st.session_state},
             "indicator": indicator, "rows": rows, "columns": data_grid.grid_columns(indicator), "inside": inside,
             "draft": {}, "base": {}}
    gen += 1
    st.session_state[SHEET], st.session_state[GEN] = sheet, gen
    editor_key = f"entry_grid_{gen}"

indicator, rows, columns = sheet["indicator"], sheet["rows"], sheet["columns"]
low = "−∞" if indicator.min_value is None else format_number(indicator.min_value, indicator.decimals, lang)
high = "∞" if indicator.max_value is None else format_number(indicator.max_value, indicator.decimals, lang)
notes = [t("entry.rules", lang, low=low, high=high, decimals=indicator.decimals)]
if "numerator" in columns:
    notes.append(t("entry.ratio_hint", lang, scale=format_number(indicator.scale, 0, lang)))
if indicator.nature == "qualitative":
    notes.append(t("entry.qualitative_hint", lang))
notes.append(t("entry.clear_hint", lang))
st.caption(" ".join(notes))
if sheet["inside"] and not any(row.measurement_id for row in rows):
    shown = ", ".join(sheet["inside"][:6]) + (" …" if len(sheet["inside"]) > 6 else "")
    st.info(t("entry.values_inside", lang, periods=shown))

# The grid: loaded values with any unsaved edits laid over them (edits survive leaving the page and
# coming back: the widget's own state goes, the draft in session_state stays).
if editor_key not in st.session_state:
    sheet["base"] = dict(sheet["draft"])
frame = pd.DataFrame.from_records(data_grid.frame_records(rows, columns, sheet["base"]), columns=["row"] + columns)
for name in columns:
    frame[name] = frame[name].astype("string" if name == "comment" else "float64")
suffix = unit_label(indicator.unit_label, lang)
number_labels = {"value": t("entry.col_value", lang) + (f" ({suffix})" if suffix else ""),
                 "numerator": t("entry.col_numerator", lang), "denominator": t("entry.col_denominator", lang),
                 "weight": t("entry.col_weight", lang)}
column_config = {"row": st.column_config.TextColumn(
    t("entry.col_unit" if mode == "units" else "entry.col_period", lang), width="medium")}
for name in columns:
    if name == "comment":
        column_config[name] = st.column_config.TextColumn(t("entry.col_comment", lang), width="large")
    else:
        column_config[name] = st.column_config.NumberColumn(
            number_labels[name], format=f"%.{indicator.decimals}f" if name == "value" else None)
edited = st.data_editor(frame, key=editor_key, num_rows="fixed", hide_index=True, disabled=["row"],
                        column_config=column_config, width="stretch", height=35 * (len(frame) + 1) + 3,
                        placeholder="")
records = edited.to_dict("records")
edits = data_grid.find_edits(indicator, rows, records, columns)
sheet["draft"] = data_grid.draft_of(edits, columns, records)

reason = st.text_input(t("entry.reason", lang), key=f"entry_reason_{gen}", placeholder=t("entry.reason_hint", lang))
with st.container(horizontal=True, vertical_alignment="center"):
    save = st.button(t("entry.save", lang), type="primary", disabled=not edits, key="entry_save")
    discard = st.button(t("entry.discard", lang), disabled=not (edits or pending), key="entry_discard")
    # Beside the buttons, not above the grid: a line appearing there would move the grid under the cursor.
    st.caption(t("entry.changed_rows", lang, count=len(edits)) + " · " + t("entry.locked", lang) if edits
               else t("entry.no_changes", lang))

if discard:
    st.session_state.pop(SHEET, None)
    st.rerun()
if save:
    try:
        # One transaction: every row is written, or (on any refusal) none.
        done = writes.save_grid(session, actor=current_actor(), indicator_code=indicator.code, edits=edits,
                                reason=reason)
    except data_grid.GridSaveRefused as refused:
        lines = "\n".join(f"- {escape_markdown(problem.message(lang))}" for problem in refused.problems)
        st.error(f"{t('entry.nothing_saved', lang)}\n\n{lines}")
        if any(p.error.key in ("stale_measurement", "duplicate_measurement") for p in refused.problems):
            st.info(t("entry.stale_hint", lang))
    except InputError as error:
        st.error(f"{t('entry.nothing_saved', lang)}\n\n- {escape_markdown(error.message(lang))}")
    else:
        flash("entry_flash", "success", t("entry.saved", lang, created=done["create"], updated=done["update"],
                                          deleted=done["delete"]))
        st.session_state.pop(SHEET, None)  # reload: the new values and their new versions
        st.rerun()
elif edits:
    problems = data_grid.check_edits(indicator, edits)  # as the person types; the reason is asked at save
    if problems:
        lines = "\n".join(f"- {escape_markdown(problem.message(lang))}" for problem in problems)
        st.warning(f"{t('entry.check_rows', lang)}\n\n{lines}")

st.subheader(t("entry.history", lang))
with_values = [i for i, row in enumerate(rows) if row.measurement_id is not None]
picked = st.selectbox(t("entry.history_row", lang), range(len(rows)), key=f"entry_history_{gen}",
                      index=with_values[0] if with_values else 0, format_func=lambda i: rows[i].label.strip())
row = rows[picked]
changes = data_upkeep.value_history(indicator.id, row.unit, row.period)
history = data_grid.history_records(changes, indicator.decimals, lang)
if history:
    labels = {"when": t("entry.col_when", lang), "who": t("entry.col_who", lang), "action": t("entry.col_action", lang),
              "change": t("entry.col_change", lang), "reason": t("entry.col_reason", lang)}
    widths = {"when": 130, "who": 150, "action": 90, "change": 560, "reason": 300}
    st.dataframe(pd.DataFrame(history).rename(columns=labels), hide_index=True, width="stretch",
                 column_config={labels[name]: st.column_config.TextColumn(width=width)
                                for name, width in widths.items()})
else:
    st.caption(t("entry.no_history", lang))

st.divider()
st.subheader(t("export.title", lang))
st.caption(t("export.hint", lang))


def _export(kind: str, file_format: str):
    """The file is built only when its button is clicked (on Streamlit's download thread)."""
    return lambda: data_upkeep.export_file(kind, file_format)


buttons = [("measurements", "csv", t("export.measurements_csv", lang)),
           ("measurements", "xlsx", t("export.measurements_xlsx", lang)),
           ("targets", "csv", t("export.targets_csv", lang)), ("targets", "xlsx", t("export.targets_xlsx", lang))]
names = {"measurements": t("export.file_measurements", lang), "targets": t("export.file_targets", lang)}
for column, (kind, file_format, label) in zip(st.columns(4), buttons):
    column.download_button(label, data=_export(kind, file_format), key=f"export_{kind}_{file_format}",
                           file_name=f"{names[kind]}-{date.today().isoformat()}.{file_format}",
                           mime=export.CSV_MIME if file_format == "csv" else export.XLSX_MIME,
                           on_click="ignore", icon=":material/download:", width="stretch")

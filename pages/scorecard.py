"""Scorecard: every target that applies to the chosen period, met or not, for the chosen unit; beside the
summary the binding misses still lacking an approved explanation, under the table the open corrective actions."""
import streamlit as st

from kpi.plain_text import escape_markdown
from kpi.i18n import t
from kpi.presentation.present import STATUS_COLOUR, scorecard_frame, status_label
from kpi.features.scorecard import filter_rows, summarise
from kpi.ui import data
from kpi.ui import shortfall_widgets as sw
from kpi.ui.context import current_language, leave_legacy_pages_mode
from kpi.ui.links import DRILLDOWN_PAGE, drilldown_params, open_drilldown
from kpi.ui.widgets import ALL, chosen_period, unit_picker

leave_legacy_pages_mode()
lang = current_language()
st.title(t("scorecard.title", lang))

periods = data.periods_with_data()
tree = data.unit_tree()
# Query parameters let a meeting invitation link straight to a period and unit, also one not offered.
wanted_period = st.query_params.get("period")
if wanted_period and wanted_period not in periods:
    periods.insert(0, wanted_period)
left, right = st.columns([1, 2])
period_text = left.selectbox(
    t("scorecard.period", lang), options=periods, accept_new_options=True, key="scorecard_period",
    index=periods.index(wanted_period) if wanted_period in periods else 0 if periods else None,
    help=t("scorecard.period_help", lang))
unit_code = unit_picker(right, t("scorecard.unit", lang), tree, lang, key="scorecard_unit",
                        first={ALL: t("scorecard.all_units", lang)}, wanted=st.query_params.get("unit"))
period = chosen_period(period_text, lang, empty=t("scorecard.empty", lang))

rows = data.scorecard(period, None if unit_code == ALL else unit_code, lang)
# A city's scorecard may miss dozens of binding targets: the box names the first few, the table has all.
MISSING_SHOWN = 8

binding_col, theme_col, timing_col = st.columns([1, 1, 1], vertical_alignment="bottom")
binding_only = binding_col.toggle(t("filters.binding_only", lang), key="scorecard_binding_only")
themes = sorted({row.theme for row in rows if row.theme})
theme = theme_col.selectbox(t("filters.theme", lang), [ALL] + themes, key="scorecard_theme",
                            format_func=lambda v: t("filters.all", lang) if v == ALL else t(f"themes.{v}", lang))
timing = timing_col.selectbox(t("filters.timing", lang), [ALL, "leading", "lagging"], key="scorecard_timing",
                              format_func=lambda v: t("filters.all", lang) if v == ALL else t(f"filters.{v}", lang))
rows = filter_rows(rows, binding_only=binding_only, theme=None if theme == ALL else theme,
                   timing=None if timing == ALL else timing)

if not rows:
    st.info(t("scorecard.no_targets", lang, period=period.code))
    st.stop()

# The follow-ups of the rows shown (the filters apply to them too).
missing, open_actions = data.followups_for(period, None if unit_code == ALL else unit_code, lang)
shown = {(row.target_id, row.period) for row in rows}
missing = [row for row in missing if (row.target_id, row.period) in shown]
open_actions = [action for action in open_actions if action.indicator in {row.indicator for row in rows}]

counts = summarise(rows)
summary_column, missing_column = st.columns([1, 1], gap="medium")
with summary_column:
    st.markdown(f"**{t('scorecard.summary', lang, **counts)}**")
    if counts["binding_not_met"]:
        st.warning(t("scorecard.binding_unmet", lang, count=counts["binding_not_met"]), icon="❗")
    else:
        st.caption(t("scorecard.binding_unmet_none", lang))
with missing_column:
    if missing:
        with st.container(border=True):
            st.markdown(f"**❗ {t('shortfalls.missing_heading', lang, count=len(missing))}**",
                        help=t("shortfalls.missing_intro", lang))
            for row in missing[:MISSING_SHOWN]:
                # A link's label does not wrap: the unit goes on a line of its own under it.
                st.page_link(DRILLDOWN_PAGE, icon="📝", width="stretch",
                             query_params=drilldown_params(row.indicator, row.period, row.org_unit),
                             label=t("shortfalls.missing_link", lang, indicator=escape_markdown(row.indicator_name),
                                     period=row.period))
                st.caption(escape_markdown(row.org_unit_name))
            if len(missing) > MISSING_SHOWN:
                st.caption(t("shortfalls.missing_more", lang, count=len(missing) - MISSING_SHOWN))
    elif counts["binding_not_met"]:
        st.caption("✅ " + t("shortfalls.missing_none", lang))

frame = scorecard_frame(rows, lang)
status_column = t("scorecard.col_status", lang)
colour_of = {status_label(status, lang): colour for status, colour in STATUS_COLOUR.items()}
styled = frame.style.map(lambda label: f"color: {colour_of.get(label, 'inherit')}; font-weight: 600",
                         subset=[status_column])
# 35 px a row plus the header: the whole table shows without an inner scroll bar or an empty row.
picked = st.dataframe(
    styled, hide_index=True, width="stretch", height=35 * (len(frame) + 1) + 3, key="scorecard_table",
    on_select="rerun", selection_mode="single-row",
    column_config={
        t("scorecard.col_status", lang): st.column_config.TextColumn(width=130),
        t("scorecard.col_indicator", lang): st.column_config.TextColumn(width=260),
        t("scorecard.col_unit", lang): st.column_config.TextColumn(width=190),
        t("scorecard.col_actual", lang): st.column_config.TextColumn(width=95),
        t("scorecard.col_target", lang): st.column_config.TextColumn(width=75),
        t("scorecard.col_gap", lang): st.column_config.TextColumn(width=60),
        t("scorecard.col_change", lang): st.column_config.TextColumn(width=125),
        t("scorecard.col_trend", lang): st.column_config.LineChartColumn(width=80),
        t("scorecard.col_binding", lang): st.column_config.TextColumn(width=60),
    })
notes = [t("scorecard.open_hint", lang)]
if any(row.running for row in rows):
    notes.append(t("scorecard.running_note", lang).replace("*", "\\*", 1))
st.caption(" ".join(notes))

overdue = sum(action.overdue for action in open_actions)
heading = t("shortfalls.open_actions_heading", lang)
if open_actions:
    heading += " " + t("shortfalls.open_actions_counts", lang, count=len(open_actions), overdue=overdue)
st.markdown(f"**{heading}**")
sw.show_actions(open_actions, lang, empty_text=t("shortfalls.open_actions_none", lang), show_indicator=True)
if picked.selection.rows:
    chosen = rows[picked.selection.rows[0]]
    open_drilldown(chosen.indicator, chosen.period, chosen.org_unit)

"""Drill-down: one indicator over time against its targets, the period split into parts and units; under
the verdict the shortfall's explanation and automatic analysis, and the indicator's corrective actions."""
import pandas as pd
import streamlit as st

from kpi.plain_text import escape_markdown
from kpi.features.analysis_text import analysis_markdown
from kpi.ui import chart_specs
from kpi.domain.explanations import needs_explanation
from kpi.domain.periods import PeriodParseError, parse_period
from kpi.domain.vocabulary import ActionState, Status
from kpi.errors import InputError
from kpi.i18n import format_number, t
from kpi.presentation.present import status_label, target_text, value_text
from kpi.presentation.safe_text import safe_markdown
from kpi.ui import data
from kpi.ui import shortfall_widgets as sw
from kpi.ui.actor import current_actor
from kpi.ui.context import current_language, leave_legacy_pages_mode
from kpi.ui.widgets import ALL, chosen_period

leave_legacy_pages_mode()
lang = current_language()
AUTO = ALL  # no unit chosen: the target's own unit (the label says so)
can_write = current_actor().can_write  # viewers read; the forms are not drawn for them

indicators = data.indicator_names(lang)
tree = data.unit_tree()
periods = data.periods_with_data()
params = st.query_params
# A link (?indicator=nps&period=2020&unit=TTH) sets the view when the page opens.
if params.get("indicator") in indicators and "drill_indicator" not in st.session_state:
    st.session_state["drill_indicator"] = params["indicator"]
if params.get("period") and "drill_period" not in st.session_state:
    if params["period"] not in periods:
        periods.insert(0, params["period"])
    st.session_state["drill_period"] = params["period"]
unit_options = [AUTO] + [code for code, _ in tree.depth_first()]
if params.get("unit") in unit_options and "drill_unit" not in st.session_state:
    st.session_state["drill_unit"] = params["unit"]
if st.session_state.get("drill_period") and st.session_state["drill_period"] not in periods:
    periods.insert(0, st.session_state["drill_period"])

# Opened without a link: the scorecard's period, and its most urgent indicator (binding misses first).
if "drill_period" not in st.session_state and periods:
    st.session_state["drill_period"] = st.session_state.get("scorecard_period") or periods[0]
if "drill_indicator" not in st.session_state and periods:
    try:
        urgent = data.scorecard(parse_period(st.session_state["drill_period"]), None, lang)
    except PeriodParseError:
        urgent = []
    if urgent:
        st.session_state["drill_indicator"] = urgent[0].indicator

st.page_link("pages/scorecard.py", label=t("drilldown.back", lang))
first, second, third = st.columns([2, 1, 2])
indicator = first.selectbox(t("drilldown.indicator", lang), list(indicators), key="drill_indicator",
                            format_func=indicators.get)
period_text = second.selectbox(t("drilldown.period", lang), periods, key="drill_period", accept_new_options=True)
unit = third.selectbox(t("drilldown.unit", lang), unit_options, key="drill_unit",
                       format_func=lambda c: t("drilldown.unit_auto", lang) if c == AUTO else tree.name(c, lang))

period = chosen_period(period_text, lang)
try:
    view = data.drilldown(indicator, period, None if unit == AUTO else unit, lang)
except InputError as error:
    st.warning(escape_markdown(error.message(lang)))
    st.stop()
st.query_params.update({"indicator": indicator, "period": period.code} | ({} if unit == AUTO else {"unit": unit}))

current, decimals, label = view.current, view.indicator.decimals, view.indicator.unit_label
st.title(escape_markdown(view.name))
st.caption(f"{escape_markdown(view.unit_name)} · {period.code}" + (f" · **{t('drilldown.binding', lang)}**"
                                                 if view.target is not None and view.target.binding else ""))
if view.target is None:
    st.markdown(f"### {escape_markdown(value_text(current.actual, decimals, label, lang))}")
    st.caption(t("drilldown.no_target", lang))
else:
    verdict = t("drilldown.verdict", lang, status=status_label(current.status, lang),
                actual=escape_markdown(value_text(current.actual, decimals, label, lang)),
                target=target_text(view.target.comparator, view.target.threshold, view.target.threshold_upper,
                                   decimals, lang),
                gap=format_number(view.gap, decimals, lang, signed=True))
    st.markdown(f"### {verdict}")
st.info(escape_markdown(view.rule_text))

# Why (the explanation, the automatic analysis beside it) and what is done about it, next to the verdict.
analysis = data.analysis(indicator, period, view.unit_code, lang) if view.target is not None else None
explain_column, analysis_column = st.columns([3, 2], gap="large")
with explain_column:
    st.subheader(t("shortfalls.heading", lang))
    if view.target is None:
        st.caption(t("shortfalls.nothing_to_explain", lang))
    else:
        explanation = data.explanation(view.target.id, period.code)
        required = needs_explanation(view.target.binding, current.status)
        if explanation is None and current.status == Status.MET:
            st.caption(t("shortfalls.met_nothing_to_explain", lang))
        elif explanation is None and not required:  # at risk, no data, or a target that is not binding
            st.caption(t("shortfalls.optional_binding" if view.target.binding else "shortfalls.optional_note", lang))
        else:
            sw.show_explanation(explanation, lang, required=required)
        # Open again after a save (its label may have changed with it) so its message is seen.
        if can_write:
            with st.expander(t("shortfalls.rewrite" if explanation else "shortfalls.write", lang), icon="✏️",
                             expanded=sw.has_news("drill_explanation")):
                sw.explanation_editor(view.target.id, period.code, explanation,
                                      analysis_markdown(analysis, view.indicator, lang) if analysis else "", lang,
                                      key="drill_explanation")
with analysis_column:
    st.subheader(t("shortfalls.analysis_heading", lang))
    if analysis is None:
        st.caption(t("shortfalls.analysis_none", lang))
    else:
        st.markdown(safe_markdown(analysis_markdown(analysis, view.indicator, lang)))

actions = data.indicator_actions(indicator, lang)
still_open = [action for action in actions if ActionState(action.state).is_open]
closed = [action for action in actions if not ActionState(action.state).is_open]
st.subheader(t("shortfalls.heading_actions", lang))
sw.show_actions(still_open, lang, empty_text=t("shortfalls.open_actions_none", lang) if closed else None)
if closed:
    with st.expander(t("shortfalls.closed_actions", lang, count=len(closed)), icon="🗂️"):
        sw.show_actions(closed, lang)
if view.target is not None and can_write:
    add_column, update_column = st.columns(2)
    with add_column.expander(t("shortfall_actions.new_heading", lang), icon="➕",
                             expanded=sw.has_news("drill_new_action")):
        sw.new_action_form(view.target.id, period.code, lang, key="drill_new_action")
    if actions:
        with update_column.expander(t("shortfall_actions.update_heading", lang), icon="🔄",
                                    expanded=sw.has_news("drill_update_action")):
            sw.action_update_form(actions, lang, key="drill_update_action")

st.subheader(t("drilldown.history", lang))
st.vega_lite_chart(chart_specs.series(view.series, lang=lang, decimals=decimals, unit_label=label), width="stretch")


def narrow(chart_key: str, state_key: str) -> None:
    """A clicked bar narrows the view: a quarter becomes the period, a unit the unit."""
    picked = st.session_state[chart_key].selection.get("pick") or []
    if picked:
        st.session_state[state_key] = picked[0]["key"]


# The period split into its parts, and over the unit's child units; a click on a bar narrows to it.
for column, points, chart_key, state_key, name in zip(
        st.columns(2), (view.parts, view.units), ("drill_parts", "drill_units"), ("drill_period", "drill_unit"),
        ("parts", "units")):
    with column:
        st.subheader(t(f"drilldown.{name}", lang))
        if not points:
            st.caption(t(f"drilldown.no_{name}", lang))
            continue
        st.vega_lite_chart(chart_specs.breakdown(points, lang=lang, decimals=decimals, unit_label=label),
                           width="stretch", on_select=lambda c=chart_key, k=state_key: narrow(c, k), key=chart_key)
st.caption(t("drilldown.pick_hint", lang))
# The bars' figures as text too: for screen readers, and for anyone copying them into minutes.
for points in (view.parts, view.units):
    if points:
        st.caption(" · ".join(escape_markdown(f"{p.label}: {value_text(p.actual, decimals, label, lang)}")
                              for p in points))

st.subheader(t("drilldown.values", lang))
columns = {"unit": "col_unit", "period": "col_period", "label": "col_label", "value": "col_value",
           "numerator": "col_numerator", "denominator": "col_denominator", "weight": "col_weight",
           "comment": "col_comment", "synthetic": "col_synthetic", "source": "col_source"}
table = pd.DataFrame(view.values, columns=list(columns))
for name in ("value", "numerator", "denominator", "weight"):
    # Parts are counts and sums (responses, days, FTEs): whole numbers show whole, others with 2 decimals.
    table[name] = [("" if v is None or v != v else format_number(
        v, decimals if name == "value" else (0 if float(v).is_integer() else 2), lang)) for v in table[name]]
table["label"] = [t(f"period_labels.{v}", lang) if v else "" for v in table["label"]]
table["synthetic"] = [t("scorecard.yes", lang) if v else "" for v in table["synthetic"]]
table = table[[name for name in table.columns if (table[name] != "").any()]]  # no empty columns
st.dataframe(table.rename(columns={k: t(f"drilldown.{v}", lang) for k, v in columns.items()}),
             hide_index=True, width="stretch")

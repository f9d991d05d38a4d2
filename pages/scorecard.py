"""Scorecard: every target that applies to the chosen period, met or not, for the chosen unit."""
import streamlit as st

from kpi import store
from kpi.domain.periods import PeriodParseError, parse_period, reporting_periods
from kpi.i18n import t
from kpi.present import STATUS_COLOUR, scorecard_frame, status_label
from kpi.scorecard import build_scorecard, summarise
from kpi.ui.context import current_language, run_through_router, session

run_through_router()
lang = current_language()
st.title(t("scorecard.title", lang))

with session() as db:
    periods = [p.code for p in reporting_periods(store.distinct_measured_periods(db))]
    tree = store.load_unit_tree(db)

# Query parameters let a meeting invitation link straight to a period and unit, also one not offered.
wanted_period = st.query_params.get("period")
if wanted_period and wanted_period not in periods:
    periods.insert(0, wanted_period)
wanted_unit = st.query_params.get("unit")
all_units = "*"
unit_options = [all_units] + [code for code, _depth in tree.depth_first()]
depth = dict(tree.depth_first())

left, right = st.columns([1, 2])
period_text = left.selectbox(
    t("scorecard.period", lang), options=periods, accept_new_options=True, key="scorecard_period",
    index=periods.index(wanted_period) if wanted_period in periods else 0 if periods else None,
    help=t("scorecard.period_help", lang))
unit_code = right.selectbox(
    t("scorecard.unit", lang), options=unit_options, key="scorecard_unit",
    index=unit_options.index(wanted_unit) if wanted_unit in unit_options else 0,
    format_func=lambda code: t("scorecard.all_units", lang) if code == all_units
    else "\u2003" * depth[code] + tree.name(code, lang))

if not period_text:
    st.info(t("scorecard.empty", lang))
    st.stop()
try:
    period = parse_period(period_text)
except PeriodParseError:
    st.warning(t("scorecard.bad_period", lang, value=period_text))
    st.stop()

with session() as db:
    rows = build_scorecard(db, period, unit_code=None if unit_code == all_units else unit_code, lang=lang)

if not rows:
    st.info(t("scorecard.no_targets", lang, period=period.code))
    st.stop()

counts = summarise(rows)
st.markdown(f"**{t('scorecard.summary', lang, **counts)}**")
if counts["binding_not_met"]:
    st.warning(t("scorecard.binding_unmet", lang, count=counts["binding_not_met"]), icon="❗")
else:
    st.caption(t("scorecard.binding_unmet_none", lang))

frame = scorecard_frame(rows, lang)
status_column = t("scorecard.col_status", lang)
colour_of = {status_label(status, lang): colour for status, colour in STATUS_COLOUR.items()}
styled = frame.style.map(lambda label: f"color: {colour_of.get(label, 'inherit')}; font-weight: 600",
                         subset=[status_column])
# 35 px a row plus the header: the whole table shows without an inner scroll bar or an empty row.
st.dataframe(styled, hide_index=True, width="stretch", height=35 * (len(frame) + 1) + 3)
if any(row.running for row in rows):
    st.caption(t("scorecard.running_note", lang).replace("*", "\\*", 1))

"""Meeting mode: the scorecard's misses as an agenda, one target per screen, readable on a projector; for the
target shown, its explanation, open actions and earlier decisions, and the review session's decisions and actions."""
import streamlit as st

from kpi.plain_text import escape_markdown
from kpi.ui import chart_specs
from kpi.i18n import format_number, t
from kpi.presentation.present import STATUS_ICON, target_text, value_text
from kpi.features.scorecard import agenda
from kpi.ui import data
from kpi.ui.context import current_language, leave_legacy_pages_mode
from kpi.ui.links import DRILLDOWN_PAGE, drilldown_params
from kpi.ui.review_widgets import CHOSEN as CHOSEN_REVIEW
from kpi.ui.review_widgets import chosen_review, followup_badges, meeting_controls
from kpi.ui.widgets import chosen_period

leave_legacy_pages_mode()
lang = current_language()
# A projector has 720 lines: give them to the content, not to Streamlit's top padding.
st.html("<style>[data-testid='stMainBlockContainer']{padding-top:3.75rem;padding-bottom:0}</style>")

periods = data.periods_with_data()
params = st.query_params
if params.get("period") and "meeting_period" not in st.session_state:
    if params["period"] not in periods:
        periods.insert(0, params["period"])
    st.session_state["meeting_period"] = params["period"]
    if params.get("review", "").isdigit():  # a review's link (pages/reviews.py) also chooses the review held
        st.session_state[CHOSEN_REVIEW] = int(params["review"])
if st.session_state.get("meeting_period") and st.session_state["meeting_period"] not in periods:
    periods.insert(0, st.session_state["meeting_period"])
with st.sidebar:
    period_text = st.selectbox(t("scorecard.period", lang), periods, key="meeting_period", accept_new_options=True)
period = chosen_period(period_text, lang)

items = agenda(data.scorecard(period, None, lang))
if not items:
    st.title(t("meeting.title", lang))
    st.success(t("meeting.nothing", lang, period=period.code))
    st.stop()


def position_of(indicator: str | None, unit: str | None) -> int | None:
    return next((n for n, row in enumerate(items) if row.indicator == indicator
                 and (unit is None or row.org_unit == unit)), None)


# A link names the target to open (?period=2020&indicator=nps&unit=TTH); otherwise start at the top. The
# place is remembered as (period, target, position): a save, a visit elsewhere or someone else's change to
# the agenda brings back the same target; another period starts again from the link or the top.
remembered = st.session_state.get("meeting_at")
if remembered is None or remembered[0] != period.code:
    position = position_of(params.get("indicator"), params.get("unit")) or 0
else:
    position = next((n for n, found in enumerate(items) if (found.target_id, found.org_unit) == remembered[1]),
                    min(remembered[2], len(items) - 1))
st.session_state["meeting_at"] = (period.code, (items[position].target_id, items[position].org_unit), position)


def step(by: int) -> None:
    to = max(0, min(len(items) - 1, position + by))
    st.session_state["meeting_at"] = (period.code, (items[to].target_id, items[to].org_unit), to)


row = items[position]
st.query_params.update({"period": period.code, "indicator": row.indicator} | ({"unit": row.org_unit}
                                                                              if row.org_unit else {}))
review_held = chosen_review(period.code)  # the review session being held, if one is chosen or started
if review_held:
    st.query_params["review"] = str(review_held)
elif "review" in st.query_params:
    del st.query_params["review"]

back, counter, forward = st.columns([1, 1, 1], vertical_alignment="center")
back.button(t("meeting.previous", lang), on_click=step, args=(-1,), disabled=position == 0,
            key="meeting_previous", width="stretch")
counter.markdown(f"<div style='text-align:center;font-size:1.6rem;font-weight:700'>"
                 f"{t('meeting.position', lang, position=position + 1, total=len(items))}</div>",
                 unsafe_allow_html=True)  # only digits and a slash: no user text in this HTML
forward.button(t("meeting.next", lang), on_click=step, args=(1,), disabled=position == len(items) - 1,
               key="meeting_next", width="stretch", type="primary")

st.header(escape_markdown(row.indicator_name), divider="gray")
binding = f" · **{t('meeting.binding', lang)}**" if row.binding else ""
st.markdown(f"#### {STATUS_ICON[row.status]} {t(f'status.{row.status}', lang)} · {escape_markdown(row.org_unit_name)} · "
            f"{row.period}{binding}")

figures, chart = st.columns([2, 3])
with figures:
    actual = value_text(row.actual, row.decimals, row.unit_label, lang) + (" *" if row.running else "")
    st.metric(t("meeting.actual", lang), escape_markdown(actual))  # a metric value is Markdown too
    st.metric(t("meeting.target", lang), target_text(row.comparator, row.target, row.target_upper, row.decimals, lang))
    st.metric(t("meeting.gap", lang), format_number(row.gap, row.decimals, lang, signed=True))
    followup_badges(row, review_held, lang)  # the explanation's state, earlier decisions, open actions
with chart:
    view = data.drilldown(row.indicator, period, row.org_unit, lang)
    st.vega_lite_chart(chart_specs.series(view.series, lang=lang, decimals=row.decimals, unit_label=row.unit_label),
                       width="stretch")
    st.caption(escape_markdown(view.rule_text))
    # The drill-down link, then the review being held and the popover recording a decision or an action.
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.page_link(DRILLDOWN_PAGE, label=t("meeting.open_drilldown", lang), icon="🔎",
                     query_params=drilldown_params(row.indicator, row.period, row.org_unit))
        meeting_controls(row, period.code, review_held, lang)

"""Reviews: the steering group's review sessions, newest first; a form to record one; for the opened review
its attendees, the targets discussed with their decisions, the corrective actions raised in it, and a
link that opens meeting mode on its period."""
import pandas as pd
import streamlit as st

from kpi import writes
from kpi.errors import InputError
from kpi.i18n import t
from kpi.presentation.safe_text import safe_markdown
from kpi.plain_text import escape_markdown
from kpi.clock import day_text, when_text
from kpi.ui import data, data_reviews
from kpi.ui import review_widgets as rw
from kpi.ui.actor import current_actor
from kpi.ui.context import current_language, leave_legacy_pages_mode, session
from kpi.ui.links import MEETING_PAGE
from kpi.ui.shortfall_widgets import show_actions
from kpi.ui.widgets import flash, show_flash

leave_legacy_pages_mode()
lang = current_language()

OPEN = "reviews_open"        # the id of the opened review (the picker's key)
NEW = "reviews_new_"         # the new-review form's fields
NEW_FIELDS = ("period", "held_on", "title", "attendees", "notes")
MSG = "reviews_msg_"         # + the form's area: the message kept for it (kpi.ui.widgets.flash)


def reset_new_form(lang: str) -> None:
    for name in NEW_FIELDS:
        st.session_state[NEW + name] = ""
    st.session_state[NEW + "held_on"] = rw.today_text(lang)
    periods = data.periods_with_data()
    st.session_state[NEW + "period"] = periods[0] if periods else ""


def create_review() -> None:
    lang = current_language()
    typed = {name: st.session_state.get(NEW + name, "") for name in NEW_FIELDS}
    try:
        review = writes.create_review(session, actor=current_actor(), period=typed["period"], held_on=typed["held_on"],
                                      title=typed["title"], attendees=typed["attendees"], notes=typed["notes"])
        review_id, held_on = review.id, review.held_on
    except InputError as error:
        flash(MSG + "new", "error", escape_markdown(error.message(lang)))
        return
    reset_new_form(lang)
    st.session_state[OPEN] = review_id
    flash(MSG + "new", "success", t("reviews.created", lang, day=day_text(held_on, lang)))
    flash(MSG + "open", "success", t("reviews.created", lang, day=day_text(held_on, lang)))


def open_from_table(table_key: str, ids: list[int]) -> None:
    rows = st.session_state[table_key]["selection"]["rows"]
    if rows:
        st.session_state[OPEN] = ids[rows[0]]


# --- the page --------------------------------------------------------------------------------------------

st.title(t("reviews.title", lang))
st.caption(t("reviews.intro", lang))

reviews = data.reviews()  # (id, period, held on, title), newest first
ids = [review_id for review_id, _, _, _ in reviews]
labels = {review_id: f"{day_text(held_on, lang)} · {period} · {title or t('reviews.untitled', lang)}"
          for review_id, period, held_on, title in reviews}
if OPEN not in st.session_state and ids:
    st.session_state[OPEN] = ids[0]  # the newest review opens first
opened = st.session_state.get(OPEN)
if opened is not None and opened not in labels:
    st.session_state[OPEN] = opened = None  # gone (another database, say)

if reviews:
    frame = pd.DataFrame.from_records([{t("reviews.col_held_on", lang): day_text(held_on, lang),
                                        t("reviews.col_period", lang): period,
                                        t("reviews.col_title", lang): title or t("reviews.untitled", lang)}
                                       for _, period, held_on, title in reviews])
    # The table's key follows the opened review, so its highlighted row always matches.
    table_key = f"reviews_table_{opened}_{len(ids)}"
    st.dataframe(frame, hide_index=True, width="stretch", height=35 * min(len(frame), 8) + 38, key=table_key,
                 on_select=lambda: open_from_table(table_key, ids), selection_mode="single-row",
                 selection_default={"selection": {"rows": [ids.index(opened)]}} if opened in ids else None,
                 column_config={t("reviews.col_title", lang): st.column_config.TextColumn(width="large")})
    st.caption(t("reviews.count", lang, count=len(reviews)) + " " + t("reviews.open_hint", lang))
else:
    st.info(t("reviews.none", lang))
st.selectbox(t("reviews.open", lang), ids, key=OPEN, index=None, format_func=labels.get,
             placeholder=t("reviews.open_placeholder", lang))

# Viewers read the reviews; only editors and admins get the tab that records one.
can_write = current_actor().can_write
tab_open, *tab_write = st.tabs([t("reviews.tab_open", lang)] + ([t("reviews.tab_new", lang)] if can_write else []))

with tab_open:
    show_flash(MSG + "open")
    detail = data_reviews.review_detail(opened) if opened is not None else None
    if detail is None:
        st.info(t("reviews.none_open", lang))
    else:
        st.subheader(escape_markdown(detail.title) if detail.title
                     else t("reviews.untitled_heading", lang, day=day_text(detail.held_on, lang)))
        st.caption(t("reviews.facts", lang, period=detail.period, day=day_text(detail.held_on, lang),
                     who=escape_markdown(detail.created_by)))
        st.page_link(MEETING_PAGE, label=t("reviews.open_meeting", lang, period=detail.period), icon="🖥️",
                     query_params={"period": detail.period, "review": str(detail.id)})

        tree = data.unit_tree()
        unit_by_id = {unit.id: unit for unit in tree.units.values()}

        def unit_name(unit_id: int | None) -> str:
            unit = unit_by_id.get(unit_id)
            if unit is None:
                return t("units.whole", lang)
            return unit.name_in(lang)

        left, right = st.columns([3, 2], gap="large")
        with left:
            st.markdown(f"**{t('reviews.topics_heading', lang)}**")
            topics = data_reviews.review_topics(detail.id, lang)
            if not topics:
                st.caption(t("reviews.no_topics", lang))
            for topic in topics:
                with st.container(border=True):
                    heading = t("reviews.topic", lang, indicator=escape_markdown(topic.indicator_name),
                                unit=escape_markdown(unit_name(topic.org_unit_id)), period=topic.period)
                    if topic.target_period != topic.period:
                        heading += f" ({t('reviews.target_period', lang, period=topic.target_period)})"
                    st.markdown(f"**{heading}**")
                    st.markdown(safe_markdown(topic.decision))
                    st.caption(t("meeting_review.recorded_by", lang, who=escape_markdown(topic.recorded_by),
                                 when=when_text(topic.recorded_at, lang)))
        with right:
            st.markdown(f"**{t('reviews.attendees_heading', lang)}**")
            if detail.attendees:
                st.markdown("\n".join(f"- {escape_markdown(name)}" for name in detail.attendees))
            else:
                st.caption(t("reviews.no_attendees", lang))
            if detail.notes.strip():
                st.markdown(f"**{t('reviews.notes_heading', lang)}**")
                st.markdown(safe_markdown(detail.notes))

        st.markdown(f"**{t('reviews.actions_heading', lang)}**")
        show_actions(data_reviews.review_actions(detail.id, lang), lang, empty_text=t("reviews.no_actions", lang),
                     show_indicator=True)

for tab_new in tab_write:  # none for viewers
    with tab_new:
        if NEW + "held_on" not in st.session_state:
            reset_new_form(lang)
        show_flash(MSG + "new")
        with st.form("reviews_new_form"):
            period, held_on, title = st.columns([1, 1, 3])
            period.text_input(t("reviews.period", lang), key=NEW + "period", placeholder=t("reviews.period_hint", lang))
            held_on.text_input(t("reviews.held_on", lang), key=NEW + "held_on", placeholder=t("reviews.held_on_hint", lang),
                               help=t("reviews.held_on_help", lang))
            title.text_input(t("reviews.title_field", lang), key=NEW + "title", placeholder=t("reviews.title_hint", lang))
            attendees, notes = st.columns(2)
            attendees.text_area(t("reviews.attendees", lang), key=NEW + "attendees", height=120,
                                placeholder=t("reviews.attendees_hint", lang))
            notes.text_area(t("reviews.notes", lang), key=NEW + "notes", height=120)
            st.form_submit_button(t("reviews.create", lang), key="reviews_new_submit", type="primary", icon="🗓️",
                                  on_click=create_review)

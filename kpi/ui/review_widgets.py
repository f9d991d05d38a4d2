"""Review sessions drawn for a page: reviews, the decisions and actions taken in them (read through
`kpi.ui.data_reviews`),
and meeting mode's compact follow-up controls (the session being held, the explanation's state, the open
corrective actions, the earlier decisions, and a form to record a decision or an action on the target shown).

Text people wrote (explanations, decisions, action titles, notes) goes through
`kpi.presentation.safe_text.safe_markdown` into `st.markdown`, never with `unsafe_allow_html`; names and titles that
are not meant as Markdown go through `escape_markdown`. Writes run as callbacks through `kpi.writes`, one transaction each; an
`InputError` is shown in the user's language and nothing is written.
"""
from __future__ import annotations

from datetime import date

import streamlit as st

from .. import writes
from ..clock import day_text, when_text
from ..domain.explanations import needs_explanation
from ..domain.vocabulary import ActionState, ExplanationState
from ..errors import InputError
from ..features.followups import ActionView, DecisionView, ExplanationView
from ..i18n import t
from ..presentation.safe_text import safe_markdown
from ..features.scorecard import ScorecardRow
from ..plain_text import escape_markdown
from . import data
from .actor import current_actor
from .context import current_language, session
from .data_reviews import TopicView, earlier_decisions, review_detail, review_topics
from .links import DRILLDOWN_PAGE, drilldown_params
from .widgets import flash, show_flash
from .shortfall_widgets import action_state_text, new_action_form, show_explanation  # shared with the drill-down

OPEN_STATES = {s.value for s in ActionState if s.is_open}
OVERDUE_ICON = "⏰"
MISSING_ICON = "❗"


def reviews_of(period_code: str) -> list[tuple[int, str, date, str]]:
    return [review for review in data.reviews() if review[1] == period_code]


# --- words ----------------------------------------------------------------------------------------------------

def review_label(held_on: date, title: str, lang: str) -> str:
    """"23.2.2021 · Johtokunta …": the date in the user's way, then the title if there is one."""
    return day_text(held_on, lang) + (f" · {title}" if title else "")


def today_text(lang: str) -> str:
    """Today as people type it in the language (the store reads both forms)."""
    today = date.today()
    return f"{today.day}.{today.month}.{today.year}" if lang == "fi" else today.isoformat()


def explanation_badge(view: ExplanationView | None, required: bool, lang: str) -> tuple[str, bool]:
    """(icon + words, is it missing). A binding miss without an approved explanation is missing, even
    when a draft exists."""
    if view is not None and view.state == ExplanationState.APPROVED:
        return "✅ " + t("meeting_review.explanation_approved", lang), False
    if required:
        key = "meeting_review.explanation_missing_draft" if view is not None else "meeting_review.explanation_missing"
        return f"{MISSING_ICON} " + t(key, lang), True
    if view is not None:
        return "📝 " + t("meeting_review.explanation_draft", lang), False
    return "➖ " + t("meeting_review.explanation_none", lang), False


def open_actions(actions: list[ActionView]) -> list[ActionView]:
    """Open and in-progress actions, overdue ones first, then by due date."""
    return sorted((a for a in actions if a.state in OPEN_STATES),
                  key=lambda a: (not a.overdue, a.due_on or date.max, a.id))


def action_line(action: ActionView, lang: str) -> str:
    """One Markdown line: overdue mark (icon + word), state, what (as written), owner, due date, period."""
    parts = []
    if action.overdue:
        parts.append(f"{OVERDUE_ICON} **{t('meeting_review.overdue', lang)}**")
    parts.append(action_state_text(action.state, lang))
    parts.append(safe_markdown(" ".join(action.title.split())))
    if action.owner:
        parts.append(escape_markdown(action.owner))
    parts.append(t("meeting_review.due", lang, day=day_text(action.due_on, lang)) if action.due_on
                 else t("meeting_review.no_due", lang))
    parts.append(t("meeting_review.raised_for", lang, period=action.period))
    return " · ".join(parts)


def show_decision(decision: DecisionView, lang: str) -> None:
    title = f" · {escape_markdown(decision.review_title)}" if decision.review_title else ""
    st.markdown(f"**{day_text(decision.held_on, lang)}**{title} · {escape_markdown(decision.period)}")
    st.markdown(safe_markdown(decision.decision))


# --- meeting mode: the review session being held --------------------------------------------------------------

CHOSEN = "meeting_review"            # the chosen review's id; a plain key, so it outlives a visit elsewhere
PICK = "meeting_review_pick"         # the chooser widget
START = "meeting_review_start_"      # the start-a-session form's fields
START_FIELDS = ("held_on", "title", "attendees")
NONE = 0                             # the chooser's "no review" option


def chosen_review(period_code: str) -> int | None:
    """The review being held, if one of the shown period's reviews is chosen. Nothing chosen for the
    period (and "none" not picked): a review of the period held today, if there is one."""
    reviews = reviews_of(period_code)
    chosen = st.session_state.get(CHOSEN)
    if chosen in [review[0] for review in reviews]:
        return chosen
    today = [review[0] for review in reviews if review[2] == date.today()]
    if chosen != NONE and today:
        st.session_state[CHOSEN] = today[0]
        return today[0]
    return None


def _pick() -> None:
    st.session_state[CHOSEN] = st.session_state.get(PICK) or NONE  # NONE: "none" was picked on purpose


def _start_review(period_code: str) -> None:
    lang = current_language()
    typed = {name: st.session_state.get(START + name, "") for name in START_FIELDS}
    try:
        review = writes.create_review(session, actor=current_actor(), period=period_code, held_on=typed["held_on"],
                                      title=typed["title"], attendees=typed["attendees"])
        review_id, held_on = review.id, review.held_on
    except InputError as error:
        flash(START + "_msg", "error", escape_markdown(error.message(lang)))
        return
    st.session_state[CHOSEN] = review_id
    for name in START_FIELDS:
        st.session_state[START + name] = ""
    st.session_state[START + "held_on"] = today_text(lang)
    flash(START + "_msg", "success", t("meeting_review.started", lang, day=day_text(held_on, lang)))


def session_label(review_id: int | None, lang: str) -> str:
    detail = review_detail(review_id) if review_id else None
    if detail is None:
        return "🗓️ " + t("meeting_review.session_none", lang)
    return "🗓️ " + t("meeting_review.session", lang, day=day_text(detail.held_on, lang))


def session_chooser(period_code: str, review_id: int | None, lang: str) -> None:
    """Choose the review being held among the period's reviews, or start one (date defaults to today)."""
    options = {review[0]: review_label(review[2], review[3], lang) for review in reviews_of(period_code)}
    st.session_state[PICK] = review_id or NONE
    st.selectbox(t("meeting_review.choose", lang, period=period_code), [NONE, *options], key=PICK, on_change=_pick,
                 format_func=lambda i: t("meeting_review.no_session", lang) if i == NONE else options[i])
    if review_id:
        detail = review_detail(review_id)
        if detail and detail.attendees:
            st.caption(t("meeting_review.attendees", lang) + ": "
                       + ", ".join(escape_markdown(name) for name in detail.attendees))
    if not current_actor().can_write:  # viewers choose the review shown, but start none
        return
    st.markdown(f"**{t('meeting_review.start_heading', lang, period=period_code)}**")
    show_flash(START + "_msg")
    st.session_state.setdefault(START + "held_on", today_text(lang))
    with st.form("meeting_review_start_form", border=False):
        day, title = st.columns([1, 2])
        day.text_input(t("meeting_review.held_on", lang), key=START + "held_on",
                       help=t("meeting_review.held_on_help", lang))
        title.text_input(t("meeting_review.title_field", lang), key=START + "title")
        st.text_area(t("meeting_review.attendees_field", lang), key=START + "attendees", height=80,
                     placeholder=t("meeting_review.attendees_hint", lang))
        st.form_submit_button(t("meeting_review.start", lang), key="meeting_review_start_submit", icon="🗓️",
                              on_click=_start_review, args=(period_code,))


# --- meeting mode: recording a decision on the target shown ---------------------------------------------------

DECISION = "meeting_decision"


def _record_decision(review_id: int | None, target_id: int, period: str) -> None:
    lang = current_language()
    if review_id is None:
        flash(DECISION + "_msg", "error", t("meeting_review.need_session", lang))
        return
    try:
        writes.record_decision(session, actor=current_actor(), review_id=review_id, target_id=target_id, period=period,
                               decision=st.session_state.get(DECISION + "_text", ""))
    except InputError as error:
        flash(DECISION + "_msg", "error", escape_markdown(error.message(lang)))
        return
    st.session_state[DECISION + "_text"] = ""
    flash(DECISION + "_msg", "success", t("meeting_review.decision_saved", lang))


def decision_form(row: ScorecardRow, review_id: int | None, lang: str) -> None:
    """A decision on the target shown, recorded in the review being held."""
    show_flash(DECISION + "_msg")
    if review_id is None:
        st.caption(f"{MISSING_ICON} " + t("meeting_review.need_session", lang))
    with st.form(f"{DECISION}_form", border=False):
        st.text_area(t("meeting_review.decision", lang), key=DECISION + "_text", height=90,
                     placeholder=t("meeting_review.decision_hint", lang))
        st.form_submit_button(t("meeting_review.save_decision", lang), key=f"{DECISION}_submit", type="primary",
                              icon="🗳️", on_click=_record_decision, args=(review_id, row.target_id, row.period),
                              disabled=review_id is None)


def this_review_decisions(row: ScorecardRow, review_id: int | None, lang: str) -> list[TopicView]:
    if review_id is None:
        return []
    return [topic for topic in review_topics(review_id, lang) if topic.target_id == row.target_id]


# --- meeting mode: what the target carries, and recording ------------------------------------------------------

def followup_badges(row: ScorecardRow, review_id: int | None, lang: str) -> None:
    """Compact buttons under the figures, each showing a state (icon + words) and opening the detail:
    the explanation, the earlier decisions on the indicator (without those of `review_id`, the review
    being held), its open corrective actions."""
    explanation = data.explanation(row.target_id, row.period)
    badge, missing = explanation_badge(explanation, needs_explanation(row.binding, row.status), lang)
    actions = open_actions(data.indicator_actions(row.indicator, lang))
    overdue = sum(a.overdue for a in actions)
    earlier = earlier_decisions(row.indicator, review_id)

    with st.container(horizontal=True, gap="xsmall", key="meeting_followups"):
        with st.popover(badge, type="primary" if missing else "secondary", key="meeting_explanation"):
            if missing:
                st.markdown(f"**{badge}**")
                st.caption(t("meeting_review.missing_help", lang))
            if explanation is not None:
                show_explanation(explanation, lang, border=False)
            elif not missing:
                st.caption(t("meeting_review.explanation_none_long", lang))
            st.page_link(DRILLDOWN_PAGE, label=t("meeting_review.write_explanation", lang), icon="✍️",
                         query_params=drilldown_params(row.indicator, row.period, row.org_unit))

        with st.popover("🗳️ " + t("meeting_review.decisions_label", lang, count=len(earlier)),
                        key="meeting_earlier"):
            st.markdown(f"**{t('meeting_review.decisions_heading', lang)}**")
            st.caption(t("meeting_review.decisions_intro", lang))
            if not earlier:
                st.caption(t("meeting_review.decisions_none", lang))
            for decision in earlier:
                show_decision(decision, lang)

        label = (t("meeting_review.actions_label", lang, count=len(actions)) if actions
                 else t("meeting_review.actions_none", lang))
        if overdue:
            label += f" · {OVERDUE_ICON} " + t("meeting_review.actions_overdue", lang, count=overdue)
        with st.popover("📌 " + label, key="meeting_actions"):
            st.markdown(f"**{t('meeting_review.actions_heading', lang)}**")
            if not actions:
                st.caption(t("meeting_review.actions_none_long", lang))
            st.markdown("\n".join(f"- {action_line(action, lang)}" for action in actions))


def meeting_controls(row: ScorecardRow, period_code: str, review_id: int | None, lang: str) -> None:
    """The review being held (`review_id`, see chosen_review; choose or start one) and recording a decision
    or a corrective action on the target shown, in that review: two popovers, so the screen stays as it is."""
    decided = this_review_decisions(row, review_id, lang)
    with st.popover(session_label(review_id, lang), key="meeting_session"):
        session_chooser(period_code, review_id, lang)

    if not current_actor().can_write:  # viewers see the decisions (badges above) but record none
        return
    record = "✍️ " + t("meeting_review.record", lang)
    if decided:
        record += " · " + t("meeting_review.decided_count", lang, count=len(decided))
    with st.popover(record, key="meeting_record"):
        tab_decision, tab_action = st.tabs([t("meeting_review.tab_decision", lang),
                                            t("meeting_review.tab_action", lang)])
        with tab_decision:
            decision_form(row, review_id, lang)
            if decided:
                st.markdown(f"**{t('meeting_review.decided_heading', lang)}**")
                for topic in reversed(decided):
                    st.markdown(safe_markdown(topic.decision))
                    st.caption(t("meeting_review.recorded_by", lang, who=escape_markdown(topic.recorded_by),
                                 when=when_text(topic.recorded_at, lang)))
        with tab_action:
            new_action_form(row.target_id, row.period, lang, key="meeting_action", review_id=review_id)

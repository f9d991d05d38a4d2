"""What a shortfall carries, drawn for a page: the explanation (shown, written, approved), and the
corrective actions (listed, added, moved on). Used by the drill-down, the scorecard and meeting mode.

Text people wrote always goes through `kpi.presentation.safe_text.safe_markdown` into `st.markdown` without
`unsafe_allow_html`, so typed HTML shows as the characters typed. Writes run as callbacks (before the
page is drawn, so they may reset their forms' fields) through `kpi.writes`, one transaction each, against the version the form
was loaded from: a save over someone else's newer text is refused, their text is shown and the user's
typed text stays in the form.

Every widget's session-state key starts with the `key` the caller gives, so one page can hold several.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from .. import writes
from ..clock import day_text, when_text
from ..domain.vocabulary import ActionState, ExplanationState
from ..errors import InputError
from ..features.followups import ActionView, ExplanationView
from ..i18n import t
from ..presentation.safe_text import safe_markdown
from ..plain_text import escape_markdown
from . import data_upkeep
from .actor import current_actor
from .context import session
from .widgets import flash, show_flash, text_table

STATE_ICON = {ExplanationState.DRAFT: "📝", ExplanationState.APPROVED: "✅"}
ACTION_ICON = {ActionState.OPEN: "📌", ActionState.IN_PROGRESS: "🔄", ActionState.DONE: "✔️",
               ActionState.DROPPED: "✖️"}
OVERDUE_ICON = "⏰"
KEEP_STATE = ""  # the update form's "state stays as it is" choice: a progress note only
DATE_FORMAT = {"fi": "DD.MM.YYYY", "en": "DD/MM/YYYY"}
EARLIEST_DUE = date(2000, 1, 1)


# --- words --------------------------------------------------------------------------------------------------

def explanation_state_text(view: ExplanationView, lang: str) -> str:
    """"✅ Approved by the steering group (X) on 12 Mar 2021" or "📝 Draft": icon and words, never colour alone."""
    state = ExplanationState(view.state)
    if state is ExplanationState.APPROVED:
        return f"{STATE_ICON[state]} " + t("shortfalls.state_approved", lang, who=view.approved_by,
                                          day=day_text(view.approved_at, lang))
    return f"{STATE_ICON[state]} " + t("shortfalls.state_draft", lang)


def action_state_text(state: str, lang: str) -> str:
    return f"{ACTION_ICON[ActionState(state)]} {t(f'shortfall_actions.state_{ActionState(state).value}', lang)}"


def due_text(action: ActionView, lang: str) -> str:
    """The due date in the user's way of writing dates, with an overdue mark in words as well as an icon."""
    if action.due_on is None:
        return t("shortfall_actions.no_due", lang)
    day = day_text(action.due_on, lang)
    return f"{OVERDUE_ICON} {day} · {t('shortfall_actions.overdue', lang)}" if action.overdue else day


def actions_frame(actions: list[ActionView], lang: str, *, show_indicator: bool = False) -> pd.DataFrame:
    records = []
    for action in actions:
        record = {t("shortfall_actions.col_state", lang): action_state_text(action.state, lang)}
        if show_indicator:
            record[t("shortfall_actions.col_indicator", lang)] = action.indicator_name
        record |= {t("shortfall_actions.col_title", lang): action.title,
                   t("shortfall_actions.col_owner", lang): action.owner,
                   t("shortfall_actions.col_due", lang): due_text(action, lang),
                   t("shortfall_actions.col_period", lang): action.period}
        records.append(record)
    return pd.DataFrame.from_records(records)


def has_news(key: str) -> bool:
    """A message or a refused save is waiting for the form with this key: the caller keeps its expander open."""
    return f"{key}_msg" in st.session_state or bool(st.session_state.get(f"{key}_conflict"))


# --- the explanation ----------------------------------------------------------------------------------------

def show_explanation(view: ExplanationView | None, lang: str, *, required: bool = False,
                     border: bool = True) -> None:
    """The explanation's text with its state (draft / approved by whom and when) and author.

    None: a warning when the shortfall must be explained (`required`), else a quiet line."""
    if view is None:
        if required:
            st.warning(t("shortfalls.missing", lang), icon="❗")
        else:
            st.caption(t("shortfalls.none", lang))
        return
    facts = [explanation_state_text(view, lang), t("shortfalls.author", lang, who=escape_markdown(view.author))]
    if view.state != ExplanationState.APPROVED:  # an approval line already says who and when
        when = when_text(view.updated_at, lang)
        facts.append(t("shortfalls.last_saved", lang, when=when) if view.updated_by in ("", view.author)
                     else t("shortfalls.last_change", lang, who=escape_markdown(view.updated_by), when=when))
    with st.container(border=border):
        st.markdown(f"**{facts[0]}** · " + " · ".join(facts[1:]))
        st.markdown(safe_markdown(view.body))


def _load_editor(key: str, identity: tuple[int, str], version: int | None, body: str) -> None:
    st.session_state[f"{key}_loaded"] = {"identity": identity, "version": version}
    st.session_state[f"{key}_body"] = body
    st.session_state[f"{key}_note"] = ""
    st.session_state.pop(f"{key}_conflict", None)


def _remember_conflict(key: str, target_id: int, period: str) -> None:
    """Someone else saved first: keep their text (read fresh) beside what the user typed."""
    current = data_upkeep.explanation_now(target_id, period)
    st.session_state[f"{key}_conflict"] = None if current is None else {
        "body": current.body, "by": current.updated_by, "at": current.updated_at, "version": current.version,
        "state": current.state}


def _save_explanation(key: str, target_id: int, period: str, lang: str) -> None:
    expected = st.session_state[f"{key}_loaded"]["version"]
    try:
        saved = writes.save_explanation(session, actor=current_actor(), target_id=target_id, period=period,
                                        body=st.session_state.get(f"{key}_body", ""), expected_version=expected,
                                        note=st.session_state.get(f"{key}_note", ""))
        version, body, state = saved.version, saved.body, saved.state
    except InputError as error:
        if error.key == "stale_explanation":
            _remember_conflict(key, target_id, period)
        else:
            flash(f"{key}_msg", "error", escape_markdown(error.message(lang)))
        return
    except writes.StaleWrite:  # saved by someone else between the version check and the write
        _remember_conflict(key, target_id, period)
        return
    unchanged = version == expected
    _load_editor(key, (target_id, period), version, body)
    if unchanged:
        flash(f"{key}_msg", "info", t("shortfalls.nothing_changed", lang))
    else:
        flash(f"{key}_msg", "success", t("shortfalls.saved", lang, state=t(f"shortfalls.state_word_{state}", lang)))


def _approve(key: str, explanation_id: int, version: int, target_id: int, period: str, lang: str) -> None:
    try:
        approved = writes.approve_explanation(session, actor=current_actor(), explanation_id=explanation_id,
                                              expected_version=version,
                                              note=st.session_state.get(f"{key}_approve_note", ""))
        new_version, body = approved.version, approved.body
    except (InputError, writes.StaleWrite) as error:
        message = escape_markdown(error.message(lang)) if isinstance(error, InputError) else t("shortfalls.approve_stale", lang)
        flash(f"{key}_msg", "error", message)
        return
    if st.session_state.get(f"{key}_loaded", {}).get("version") == version and f"{key}_conflict" not in st.session_state:
        _load_editor(key, (target_id, period), new_version, body)
    st.session_state[f"{key}_approve_note"] = ""
    flash(f"{key}_msg", "success", t("shortfalls.approved", lang))


def _keep_mine(key: str) -> None:
    """After reading the other person's text: the next save replaces it with the text in the form."""
    conflict = st.session_state.pop(f"{key}_conflict", None)
    if conflict:
        st.session_state[f"{key}_loaded"]["version"] = conflict["version"]


def _take_theirs(key: str, target_id: int, period: str) -> None:
    conflict = st.session_state.get(f"{key}_conflict")
    if conflict:
        _load_editor(key, (target_id, period), conflict["version"], conflict["body"])


def explanation_editor(target_id: int, period: str, current: ExplanationView | None, starting_text: str,
                       lang: str, *, key: str, show_revisions: bool = True) -> None:
    """Write or rewrite the explanation of (target, period); approve a draft; its revisions.

    The form starts from the current text, or from `starting_text` (the automatic analysis) when there
    is none. Saves are checked against the version the form was loaded from."""
    identity = (target_id, period)
    version = current.version if current else None
    loaded = st.session_state.get(f"{key}_loaded")
    conflict = st.session_state.get(f"{key}_conflict")
    # A new target or period, or a newer text saved elsewhere (and nothing refused waiting): load it.
    if loaded is None or loaded["identity"] != identity or (loaded["version"] != version and not conflict):
        _load_editor(key, identity, version, current.body if current else starting_text or "")
        conflict = None

    show_flash(f"{key}_msg")
    if conflict:
        st.error(t("shortfalls.stale", lang, who=conflict["by"], when=when_text(conflict["at"], lang)), icon="⛔")
        st.caption(t("shortfalls.conflict_explain", lang))
        with st.container(border=True):
            st.markdown(safe_markdown(conflict["body"]))
        mine, theirs = st.columns(2)
        mine.button(t("shortfalls.keep_mine", lang), key=f"{key}_keep_mine", on_click=_keep_mine, args=(key,),
                    icon="✍️", width="stretch")
        theirs.button(t("shortfalls.take_theirs", lang), key=f"{key}_take_theirs", on_click=_take_theirs,
                      args=(key, target_id, period), icon="🔄", width="stretch")
    elif current is None and starting_text:
        st.caption(t("shortfalls.starting_text_hint", lang))
    elif current is not None and current.approved:
        st.caption(t("shortfalls.rewrite_hint", lang))

    with st.form(f"{key}_form", border=False):
        st.text_area(t("shortfalls.body", lang), key=f"{key}_body", height=220,
                     help=t("shortfalls.body_help", lang))
        st.text_input(t("shortfalls.note", lang), key=f"{key}_note", placeholder=t("shortfalls.note_hint", lang))
        st.form_submit_button(t("shortfalls.save", lang), key=f"{key}_save", type="primary", icon="💾",
                              on_click=_save_explanation, args=(key, target_id, period, lang))

    if current is not None and not current.approved:
        with st.form(f"{key}_approve_form", border=True):
            st.markdown(f"**{t('shortfalls.approve_heading', lang)}**")
            st.caption(t("shortfalls.approve_explain", lang))
            st.text_input(t("shortfalls.approve_note", lang), key=f"{key}_approve_note",
                          placeholder=t("shortfalls.approve_note_hint", lang))
            st.form_submit_button(t("shortfalls.approve", lang), key=f"{key}_approve", icon="✅",
                                  on_click=_approve, args=(key, current.id, current.version, target_id, period, lang))

    if show_revisions and current is not None:
        revisions = data_upkeep.explanation_revisions(current.id)
        with st.expander(t("shortfalls.revisions", lang, count=len(revisions)), icon="🕘"):
            text_table(pd.DataFrame.from_records(
                [{t("shortfalls.col_revision", lang): number, t("shortfalls.col_who", lang): who,
                  t("shortfalls.col_when", lang): when_text(when, lang),
                  t("shortfalls.col_state", lang): f"{STATE_ICON[ExplanationState(state)]} "
                                                   f"{t(f'shortfalls.state_word_{state}', lang)}",
                  t("shortfalls.col_note", lang): note}
                 for number, who, when, state, note in reversed(revisions)]))


# --- corrective actions -------------------------------------------------------------------------------------

def show_actions(actions: list[ActionView], lang: str, *, empty_text: str | None = None,
                 show_indicator: bool = False) -> None:
    """A compact table: state (icon + word), what, owner, due date (overdue marked), the period that raised it."""
    if not actions:
        st.caption(empty_text if empty_text is not None else t("shortfall_actions.none", lang))
        return
    # A static table, not a grid: long titles wrap instead of being cut, and it reads the same on a projector.
    text_table(actions_frame(actions, lang, show_indicator=show_indicator))


_NEW_FIELDS = {"title": "", "owner": "", "due": None, "note": ""}


def _create_action(key: str, target_id: int, period: str, review_id: int | None, lang: str) -> None:
    typed = {name: st.session_state.get(f"{key}_{name}") for name in _NEW_FIELDS}
    try:
        writes.add_action(session, actor=current_actor(), target_id=target_id, period=period,
                          title=typed["title"] or "", owner=typed["owner"] or "", due_on=typed["due"],
                          review_id=review_id, note=typed["note"] or "")
    except InputError as error:
        flash(f"{key}_msg", "error", escape_markdown(error.message(lang)))
        return
    for name, value in _NEW_FIELDS.items():
        st.session_state[f"{key}_{name}"] = value
    flash(f"{key}_msg", "success", t("shortfall_actions.created", lang, title=escape_markdown(typed["title"].strip())))


def new_action_form(target_id: int, period: str, lang: str, *, key: str, review_id: int | None = None) -> None:
    """What is done, by whom, by when (and a note) for the shortfall of (target, period)."""
    for name, value in _NEW_FIELDS.items():
        st.session_state.setdefault(f"{key}_{name}", value)
    show_flash(f"{key}_msg")
    with st.form(f"{key}_form", border=False):
        st.text_input(t("shortfall_actions.title_field", lang), key=f"{key}_title", placeholder=t("shortfall_actions.title_hint", lang))
        owner, due = st.columns([3, 2])
        owner.text_input(t("shortfall_actions.owner", lang), key=f"{key}_owner")
        due.date_input(t("shortfall_actions.due", lang), key=f"{key}_due", min_value=EARLIEST_DUE,
                       format=DATE_FORMAT.get(lang, "YYYY-MM-DD"))
        st.text_input(t("shortfall_actions.note", lang), key=f"{key}_note")
        st.form_submit_button(t("shortfall_actions.create", lang), key=f"{key}_submit", type="primary", icon="➕",
                              on_click=_create_action, args=(key, target_id, period, review_id, lang))


def _update_action(key: str, versions: dict[int, int], lang: str) -> None:
    action_id = st.session_state.get(f"{key}_action")
    state = st.session_state.get(f"{key}_state") or KEEP_STATE
    if action_id is None:
        flash(f"{key}_msg", "error", t("shortfall_actions.pick_first", lang))
        return
    changes: dict[str, Any] = {} if state == KEEP_STATE else {"state": state}
    try:
        writes.update_action(session, actor=current_actor(), action_id=action_id,
                             expected_version=versions[action_id], note=st.session_state.get(f"{key}_note", ""),
                             **changes)
    except InputError as error:
        flash(f"{key}_msg", "error", escape_markdown(error.message(lang)))
        return
    except writes.StaleWrite:
        flash(f"{key}_msg", "error", t("shortfall_actions.stale", lang))
        return
    st.session_state[f"{key}_note"] = ""
    st.session_state[f"{key}_state"] = KEEP_STATE
    flash(f"{key}_msg", "success", t("shortfall_actions.updated", lang))


def action_update_form(actions: list[ActionView], lang: str, *, key: str) -> None:
    """Pick an action, its new state (or keep it), and a note saying what happened (required)."""
    show_flash(f"{key}_msg")
    if not actions:
        st.caption(t("shortfall_actions.none", lang))
        return
    by_id = {action.id: action for action in actions}
    if st.session_state.get(f"{key}_action") not in by_id:
        st.session_state.pop(f"{key}_action", None)
    st.session_state.setdefault(f"{key}_state", KEEP_STATE)
    with st.form(f"{key}_form", border=False):
        pick, state = st.columns([3, 2])
        pick.selectbox(t("shortfall_actions.pick", lang), list(by_id), key=f"{key}_action", index=None,
                       placeholder=t("shortfall_actions.pick_hint", lang),
                       format_func=lambda i: f"{ACTION_ICON[ActionState(by_id[i].state)]} {by_id[i].title}"
                                             f" · {due_text(by_id[i], lang)}")
        state.selectbox(t("shortfall_actions.new_state", lang), [KEEP_STATE, *(s.value for s in ActionState)],
                        key=f"{key}_state",
                        format_func=lambda s: t("shortfall_actions.keep_state", lang) if s == KEEP_STATE
                        else action_state_text(s, lang))
        st.text_input(t("shortfall_actions.note_required", lang), key=f"{key}_note",
                      placeholder=t("shortfall_actions.note_required_hint", lang))
        st.form_submit_button(t("shortfall_actions.update", lang), key=f"{key}_submit", type="primary", icon="💾",
                              on_click=_update_action, args=(key, {a.id: a.version for a in actions}, lang))

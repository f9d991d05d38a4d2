"""People (admins): who may sign in, their role and scope; add, change, disable; the access log.

Every change goes through kpi.writes (to kpi.access.people) with `actor=current_actor()`, which checks the admin role itself
and writes the change to the access log. Names and logins are people's own text: shown in tables or
escaped, never as HTML.
"""
import pandas as pd
import streamlit as st

from kpi import writes
from kpi.errors import InputError
from kpi.i18n import t
from kpi.settings import get_settings
from kpi.plain_text import escape_markdown
from kpi.clock import when_text
from kpi.ui import data, data_upkeep
from kpi.ui.auth import role_text
from kpi.ui.actor import current_actor
from kpi.ui.context import current_language, leave_legacy_pages_mode, session
from kpi.ui.widgets import WHOLE, flash, show_flash, unit_picker

leave_legacy_pages_mode()
lang = current_language()
ROLES = ("viewer", "editor", "admin")
ADD, CHANGE, STATE = "people_add_", "people_change_", "people_state_"
MSG = "people_msg_"  # + the form's area: the message kept for it (kpi.ui.widgets.flash)

if not current_actor().is_admin:  # not in the page list for others; a store call would refuse anyway
    st.warning(t("people_page.admins_only", lang), icon="🚫")
    st.stop()

password_mode = get_settings().auth_mode == "password"
tree = data.unit_tree()
code_of_id = {unit.id: code for code, unit in tree.units.items()}
EVERY_UNIT = {WHOLE: t("people_page.all_units", lang)}  # a scope of the whole organisation: every unit


def scope_label(code: str) -> str:
    """A scope in the list of people: the unit's name, not indented as in the picker."""
    return EVERY_UNIT[code] if code == WHOLE else tree.name(code, lang)


def add_person() -> None:
    value = lambda name: st.session_state.get(ADD + name)  # noqa: E731
    password = value("password") if password_mode else None
    try:
        person = writes.add_person(session, actor=current_actor(), login=value("login") or "",
                                   name=value("name") or "", role=value("role") or "viewer",
                                   scope_unit=value("scope") or None, password=password or None)
        login = person.login
    except InputError as error:
        st.session_state[ADD + "password"] = ""
        flash(MSG + "add", "error", escape_markdown(error.message(lang)))
        return
    for name in ("login", "name", "password"):
        st.session_state[ADD + name] = ""
    flash(MSG + "add", "success", t("people_page.added", lang, login=login))


def change_role() -> None:
    login = st.session_state.get(CHANGE + "who")
    try:
        writes.set_role(session, actor=current_actor(), login=login or "",
                        role=st.session_state.get(CHANGE + "role") or "viewer",
                        scope_unit=st.session_state.get(CHANGE + "scope") or None)
    except InputError as error:
        flash(MSG + "change", "error", escape_markdown(error.message(lang)))
        return
    flash(MSG + "change", "success", t("people_page.changed", lang, login=login))


def change_state(enable: bool) -> None:
    login = st.session_state.get(STATE + "who")
    try:
        writes.set_enabled(session, actor=current_actor(), login=login or "", enabled=enable)
    except InputError as error:
        flash(MSG + "state", "error", escape_markdown(error.message(lang)))
        return
    flash(MSG + "state", "success", t("people_page.enabled_done" if enable else "people_page.disabled_done", lang,
                                login=login))


def load_person(login: str | None, by_login: dict) -> None:
    """When another person is picked in the change form, start from their current role and scope."""
    person = by_login.get(login)
    if person is not None:
        st.session_state[CHANGE + "role"] = person["role"]
        st.session_state[CHANGE + "scope"] = person["scope"]


# --- the page ---------------------------------------------------------------------------------------------

everyone = [{"login": p.login, "name": p.name, "role": p.role,
             "scope": code_of_id.get(p.scope_unit_id, WHOLE) if p.scope_unit_id else WHOLE,
             "disabled": p.disabled} for p in data_upkeep.everyone()]
events = data_upkeep.access_log(limit=500)
by_login = {person["login"]: person for person in everyone}

st.title(t("people_page.title", lang))
st.caption(t("people_page.intro", lang))

if everyone:
    st.dataframe(pd.DataFrame.from_records([{
        t("people_page.col_login", lang): person["login"],
        t("people_page.col_name", lang): person["name"],
        t("people_page.col_role", lang): role_text(person["role"], lang),
        t("people_page.col_scope", lang): scope_label(person["scope"]),
        t("people_page.col_state", lang): ("⛔ " + t("people_page.disabled", lang)) if person["disabled"]
        else ("✅ " + t("people_page.active", lang)),
    } for person in everyone]), hide_index=True, width="stretch")
    st.caption(t("people_page.count", lang, count=len(everyone)))
else:
    st.info(t("people_page.none", lang))

tab_add, tab_change, tab_state, tab_log = st.tabs([
    t("people_page.add_heading", lang), t("people_page.change_heading", lang),
    t("people_page.disable_heading", lang), t("people_page.log_heading", lang)])

with tab_add:
    show_flash(MSG + "add")
    st.session_state.setdefault(ADD + "role", "viewer")
    st.session_state.setdefault(ADD + "scope", WHOLE)
    with st.form("people_add_form"):
        login, name = st.columns(2)
        login.text_input(t("people_page.login", lang), key=ADD + "login", placeholder=t("people_page.login_hint", lang))
        name.text_input(t("people_page.name", lang), key=ADD + "name")
        role, scope = st.columns(2)
        role.selectbox(t("people_page.role", lang), ROLES, key=ADD + "role", format_func=lambda r: role_text(r, lang))
        unit_picker(scope, t("people_page.scope", lang), tree, lang, key=ADD + "scope", first=EVERY_UNIT,
                    help=t("people_page.scope_help", lang))
        if password_mode:
            st.text_input(t("people_page.password", lang), key=ADD + "password", type="password",
                          autocomplete="new-password", help=t("people_page.password_help", lang))
        st.form_submit_button(t("people_page.add", lang), key="people_add_submit", type="primary", icon="➕",
                              on_click=add_person)

with tab_change:
    show_flash(MSG + "change")
    if not everyone:
        st.caption(t("people_page.none", lang))
    else:
        if st.session_state.get(CHANGE + "who") not in by_login:
            st.session_state.pop(CHANGE + "who", None)
        st.selectbox(t("people_page.pick", lang), list(by_login), key=CHANGE + "who", index=None,
                     placeholder=t("people_page.pick_hint", lang),
                     on_change=lambda: load_person(st.session_state.get(CHANGE + "who"), by_login),
                     format_func=lambda login: f"{login} · {by_login[login]['name']}" if by_login[login]["name"]
                     else login)
        st.session_state.setdefault(CHANGE + "role", "viewer")
        st.session_state.setdefault(CHANGE + "scope", WHOLE)
        with st.form("people_change_form"):
            role, scope = st.columns(2)
            role.selectbox(t("people_page.role", lang), ROLES, key=CHANGE + "role",
                           format_func=lambda r: role_text(r, lang))
            unit_picker(scope, t("people_page.scope", lang), tree, lang, key=CHANGE + "scope", first=EVERY_UNIT,
                        help=t("people_page.scope_help", lang))
            st.form_submit_button(t("people_page.change", lang), key="people_change_submit", type="primary", icon="💾",
                                  on_click=change_role, disabled=st.session_state.get(CHANGE + "who") is None)

with tab_state:
    show_flash(MSG + "state")
    if not everyone:
        st.caption(t("people_page.none", lang))
    else:
        if st.session_state.get(STATE + "who") not in by_login:
            st.session_state.pop(STATE + "who", None)
        who = st.selectbox(t("people_page.pick", lang), list(by_login), key=STATE + "who", index=None,
                           placeholder=t("people_page.pick_hint", lang))
        disable, enable = st.columns(2)
        picked = by_login.get(who)
        disable.button(t("people_page.disable", lang), key="people_disable", icon="⛔", on_click=change_state,
                       args=(False,), disabled=picked is None or picked["disabled"], width="stretch")
        enable.button(t("people_page.enable", lang), key="people_enable", icon="✅", on_click=change_state,
                      args=(True,), disabled=picked is None or not picked["disabled"], width="stretch")
        if picked is not None:
            st.caption(escape_markdown(picked["login"]) + " · " + role_text(picked["role"], lang))

with tab_log:
    st.caption(t("people_page.log_intro", lang))
    if not events:
        st.caption(t("people_page.log_none", lang))
    else:
        st.dataframe(pd.DataFrame.from_records([{
            t("people_page.col_when", lang): when_text(at, lang),
            t("people_page.col_who", lang): login,
            t("people_page.col_event", lang): event,
            t("people_page.col_detail", lang): detail,
            t("people_page.col_by", lang): by,
        } for at, login, event, detail, by in events]), hide_index=True, width="stretch")

"""The router: settings, language, the page list, and st.navigation. Pages live in pages/."""
import streamlit as st

from kpi.errors import DatabaseUnavailable
from kpi.i18n import t
from kpi.ui import auth
from kpi.ui.context import (database_reachable, engine, hide_page_list, language_switch, leave_legacy_pages_mode,
                            page_list, start_run)

# The sidebar (pages, language, meeting settings) starts folded away: on a projector
# every pixel of width goes to the table and the figures.
st.set_page_config(page_title="KPI", page_icon="📊", layout="wide", initial_sidebar_state="collapsed")
leave_legacy_pages_mode(in_router=True)
start_run()
lang = language_switch()


@st.fragment(run_every=5)
def retry_until_reachable() -> None:
    """While the database is away, look again every few seconds and carry on by itself when it is back."""
    if database_reachable():
        st.rerun(scope="app")
    st.caption(t("app.db_retrying", lang))


# Who is signed in, before any page or data: a refusal (local mode off loopback, no cookie secret) or the
# sign-in form is drawn here and the run stops.
try:
    actor = auth.gate(lang)
except DatabaseUnavailable as error:  # password, oidc and proxy modes look people up in the database
    hide_page_list(lang)
    st.error(error.message(lang), icon="🔌")
    retry_until_reachable()
    st.stop()

# The page list follows the role: viewers read, editors also keep targets and data, admins also the catalogue
# and the people (kpi/ui/context.py PAGES).
navigation = st.navigation(page_list(actor, lang))  # sent first, so the page list shows while the database starts

try:
    engine()  # upgrade the database and load the demo on first start, before any page reads it
    navigation.run()
except DatabaseUnavailable as error:
    # A short message instead of a stack trace; what was typed stays in the widgets' state.
    st.error(error.message(lang), icon="🔌")
    retry_until_reachable()

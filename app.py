"""The router: settings, language, the page list, and st.navigation. Pages live in pages/."""
import streamlit as st

from kpi.errors import DatabaseUnavailable
from kpi.i18n import t
from kpi.ui import auth, data
from kpi.ui.context import database_reachable, engine, language_switch, leave_legacy_pages_mode

# The sidebar (pages, language, meeting settings) starts folded away: on a projector
# every pixel of width goes to the table and the figures.
st.set_page_config(page_title="KPI", page_icon="📊", layout="wide", initial_sidebar_state="collapsed")
leave_legacy_pages_mode(in_router=True)
data.start_run()
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
    st.error(error.message(lang), icon="🔌")
    retry_until_reachable()
    st.stop()

# The page list follows the role: viewers read, editors also keep targets and data, admins also the catalogue
# and the people. The store checks every write itself; this only leaves out what the role cannot use.
pages = [
    st.Page("pages/scorecard.py", title=t("app.page_scorecard", lang), icon="📊", default=True),
    st.Page("pages/drilldown.py", title=t("app.page_drilldown", lang), icon="🔎", url_path="drilldown"),
    st.Page("pages/meeting.py", title=t("app.page_meeting", lang), icon="🖥️", url_path="meeting"),
    st.Page("pages/reviews.py", title=t("app.page_reviews", lang), icon="🗓️", url_path="reviews"),
    st.Page("pages/reports.py", title=t("app.page_reports", lang), icon="📄", url_path="reports"),
]
if actor.can_write:
    pages += [
        st.Page("pages/targets.py", title=t("app.page_targets", lang), icon="🎯", url_path="targets"),
        st.Page("pages/data.py", title=t("app.page_data_entry", lang), icon="✏️", url_path="data"),
        st.Page("pages/import.py", title=t("app.page_import", lang), icon="📥", url_path="import"),
    ]
if actor.is_admin:
    pages += [
        st.Page("pages/catalogue.py", title=t("app.page_catalogue", lang), icon="🗂️", url_path="catalogue"),
        st.Page("pages/people.py", title=t("app.page_people", lang), icon="👥", url_path="people"),
    ]
navigation = st.navigation(pages)  # sent first, so the page list shows while the database starts

try:
    engine()  # upgrade the database and load the demo on first start, before any page reads it
    navigation.run()
except DatabaseUnavailable as error:
    # A short message instead of a stack trace; what was typed stays in the widgets' state.
    st.error(error.message(lang), icon="🔌")
    retry_until_reachable()

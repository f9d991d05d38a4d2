"""Per-run context for pages: the database engine (started once per process), the data version of this
run, the user's language and the page list."""
from __future__ import annotations

import runpy
import threading
from contextlib import contextmanager
from typing import Iterator

import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.runtime.pages_manager import PagesManager  # internal, hence the browser test that pins it
from sqlmodel import Session

from .. import db, store
from ..domain.roles import Actor, Role
from ..admin.demo import load_demo
from ..errors import DatabaseUnavailable
from ..i18n import LANGUAGES, t
from ..settings import PROJECT_ROOT, Settings, get_settings
from ..store import databases, schema

APP_SCRIPT = PROJECT_ROOT / "app.py"
LANG_KEY = "lang"
CHOICE_KEY = "lang_choice"
SIDEBAR_NAVIGATION = "client.showSidebarNavigation"


@st.cache_resource(show_spinner=False)
def _prepared_engine(url: str, load_demo_when_empty: bool) -> Engine:
    """Upgrade the schema and, on an empty database, load the demo: once per process and database."""
    schema.upgrade(url)
    engine = db.make_engine(url)
    if load_demo_when_empty:
        with db.session_scope(engine) as session:
            if not store.has_data(session):
                load_demo(session)
    return engine


def engine(settings: Settings | None = None) -> Engine:
    settings = settings or get_settings()
    with st.spinner(t("app.starting", current_language())):
        try:
            return _prepared_engine(settings.database_url, settings.demo_data)
        except Exception as error:  # not cached: the next run tries again
            if db.is_unavailable(error):
                raise DatabaseUnavailable("database_unreachable") from error
            raise


@contextmanager
def session() -> Iterator[Session]:
    """One session per user action (never kept in session_state).

    A database that is down or locked raises DatabaseUnavailable (an InputError): forms show it like
    any refused input and keep what was typed; the transaction was rolled back, so nothing is half-written.
    """
    try:
        with db.session_scope(engine()) as active:
            yield active
    except DatabaseUnavailable:
        forget_version()
        raise
    except Exception as error:
        forget_version()
        if db.is_unavailable(error):
            raise DatabaseUnavailable("database_busy" if db.is_busy(error) else "database_unreachable") from error
        raise
    forget_version()


# The data version (the cached reads' key, `kpi.ui.data`) read once per script run (per thread: each
# session's run has its own), not once per cached read. Any session() that ends (a write, or a read on a
# cache miss) forgets it, so a read after a write in the same run sees the new data.
_this_run = threading.local()


def start_run() -> None:
    """Called first thing in app.py: a new run reads the version afresh."""
    _this_run.version = None


def forget_version() -> None:
    _this_run.version = None


def data_version() -> str:
    version = getattr(_this_run, "version", None)
    if version is None:
        with session() as db:
            version = store.data_version(db)
        _this_run.version = version
    return version


def database_reachable() -> bool:
    try:
        return databases.reachable(engine())
    except Exception:  # the engine itself could not start: the database is still away
        return False


def current_language() -> str:
    """The user's choice, else ?lang=, else the browser's language if we have it, else the setting."""
    chosen = st.session_state.get(LANG_KEY)
    if chosen in LANGUAGES:
        return chosen
    from_query = st.query_params.get("lang")
    if from_query in LANGUAGES:
        return from_query
    browser = (st.context.locale or "")[:2].lower()
    if browser in LANGUAGES:
        return browser
    return get_settings().default_language


def language_switch() -> str:
    """A switch in the sidebar; returns the language for this run.

    The widget has its own key and copies its value to LANG_KEY, so pages can read the language
    before the switch is drawn and a link's ?lang= still counts until the user picks.
    """
    lang = current_language()

    def remember_choice() -> None:
        st.session_state[LANG_KEY] = st.session_state[CHOICE_KEY]

    st.sidebar.segmented_control(
        t("app.language", lang), options=list(LANGUAGES), default=lang, required=True, key=CHOICE_KEY,
        format_func=lambda code: t(f"languages.{code}", code), on_change=remember_choice)
    return current_language()


def leave_legacy_pages_mode(*, in_router: bool = False) -> None:
    """Call first in app.py (with in_router=True) and on every page, so app.py's st.navigation is in charge.

    Streamlit keeps a legacy mode for apps with a `pages/` folder: until some run in the process has
    called st.navigation, a run goes through an automatic navigation of its own, either the page of
    the URL alone (a link opened first after a restart: app.py skipped) or app.py under a second,
    alphabetical page list. Leaving the mode inside the same run (no rerun, so a click is not lost):
    app.py just carries on to its own st.navigation; a page run alone runs app.py, whose navigation
    runs this page again properly, and then stops.

    That automatic navigation lists the pages/ folder's file names, and a run that stops before app.py's
    st.navigation (a refusal, a sign-in) would leave them in the sidebar. So .streamlit/config.toml sets
    `client.showSidebarNavigation = false`, which hides that list, and this turns the option back on
    (it only decides whether a "sidebar" page list shows) before app.py's own list; refusals send a
    hidden list of their own (hide_page_list).
    """
    if st.get_option(SIDEBAR_NAVIGATION) is False:
        st.set_option(SIDEBAR_NAVIGATION, True)
    if not PagesManager.uses_pages_directory:
        return
    PagesManager.uses_pages_directory = False
    if in_router:
        return
    runpy.run_path(str(APP_SCRIPT), run_name="__main__")
    st.stop()


# The app's pages, for app.py's st.navigation and for the hidden list below: the file in pages/, the title's
# text key, the icon, the address (the first page is the default, at /), and the least role that sees it.
PAGES = (
    ("pages/scorecard.py", "app.page_scorecard", "📊", "scorecard", Role.VIEWER),
    ("pages/drilldown.py", "app.page_drilldown", "🔎", "drilldown", Role.VIEWER),
    ("pages/meeting.py", "app.page_meeting", "🖥️", "meeting", Role.VIEWER),
    ("pages/reviews.py", "app.page_reviews", "🗓️", "reviews", Role.VIEWER),
    ("pages/reports.py", "app.page_reports", "📄", "reports", Role.VIEWER),
    ("pages/targets.py", "app.page_targets", "🎯", "targets", Role.EDITOR),
    ("pages/data.py", "app.page_data_entry", "✏️", "data", Role.EDITOR),
    ("pages/import.py", "app.page_import", "📥", "import", Role.EDITOR),
    ("pages/catalogue.py", "app.page_catalogue", "🗂️", "catalogue", Role.ADMIN),
    ("pages/people.py", "app.page_people", "👥", "people", Role.ADMIN),
)


def page_list(actor: Actor, lang: str) -> list:
    """The pages this person's role uses (the store checks every write itself; this only leaves out the rest)."""
    return [st.Page(path, title=t(title, lang), icon=icon, url_path=url_path, default=index == 0)
            for index, (path, title, icon, url_path, role) in enumerate(PAGES) if actor.at_least(role)]


def _not_shown() -> None:
    """The page behind every address while the run stops before the page list (it is never run)."""


def hide_page_list(lang: str) -> None:
    """Before a refusal (or a sign-in) stops the run ahead of app.py's st.navigation: a list nobody sees.

    Else the sidebar would show Streamlit's legacy list of the pages/ folder's file names, which the first
    run after a start sends before app.py runs (see leave_legacy_pages_mode), to someone who may see no
    page at all. Every address is kept, hidden and titled as the sign-in, so the address opened stays as
    it is (no "page not found") and still leads to its page once the visitor is let in.
    """
    title = t("auth.title", lang)
    st.navigation([st.Page(_not_shown, title=title, url_path=url_path, default=index == 0)
                   for index, (_, _, _, url_path, _) in enumerate(PAGES)], position="hidden")

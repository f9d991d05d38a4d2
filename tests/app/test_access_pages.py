"""Sign-in and roles in the app (AppTest): each KPI_AUTH_MODE, the page list per role, write controls hidden
from viewers, and the refusals (local mode off loopback, a proxy header from an untrusted address)."""
from __future__ import annotations

import secrets as random_secrets

import pytest
from streamlit import config as st_config
from sqlmodel import Session

from kpi import db
from kpi.access import people
from kpi.settings import get_settings
from kpi.store import schema
from kpi.ui import auth

SECRET = random_secrets.token_urlsafe(32)
EDITOR_PAGES = ("Tavoitteet", "Tietojen syöttö", "Tuonti")
CLOSED_REVIEW = {"auth": {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": SECRET,
                          "client_id": "kpi", "client_secret": "x", "server_metadata_url":
                              "https://login.example.fi/.well-known/openid-configuration"}}


@pytest.fixture
def option():
    """Set Streamlit config options for one test and put them back afterwards."""
    saved = {}

    def set_option(name, value):
        saved.setdefault(name, st_config.get_option(name))
        st_config.set_option(name, value)

    yield set_option
    for name, value in saved.items():
        st_config.set_option(name, value)


@pytest.fixture
def signed_mode(monkeypatch, option):
    """KPI_AUTH_MODE=<mode> with a cookie secret that matches Streamlit's server.cookieSecret."""
    def use(mode: str, **env: str):
        monkeypatch.setenv("KPI_AUTH_MODE", mode)
        monkeypatch.setenv("KPI_COOKIE_SECRET", SECRET)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        option("server.cookieSecret", SECRET)
        option("server.address", "0.0.0.0")  # any address will do outside local mode
    return use


def add(login, role, *, password=None, scope=None, name=""):
    engine = db.make_engine(get_settings().database_url)
    with Session(engine) as session:
        people.add_person(session, login=login, role=role, password=password, scope_unit=scope, name=name,
                          by="test-admin")
        session.commit()
    engine.dispose()


def migrate():
    """The app's database, upgraded as the app's first run would (people can be added before it runs)."""
    schema.upgrade(get_settings().database_url)


def nav_titles(at):
    """The page list st.navigation was given in the last run (what the sidebar shows); [] when the run
    stopped before app.py's st.navigation: a refusal's hidden list (pages without a script) or, had it
    sent none, the pages/ folder's files and app.py itself."""
    pages = list(at._registered_pages.values())
    if any(info["script_path"].endswith("app.py") for info in pages):
        return []
    return [info["page_name"] for info in pages if info["script_path"]]


def only_a_hidden_page_list(at) -> bool:
    """The run's last st.navigation was a refusal's hidden list: every address, no page file behind any."""
    pages = list(at._registered_pages.values())
    return len(pages) == 10 and not any(info["script_path"] for info in pages)


def texts(at):
    return " ".join([e.value for e in at.error] + [e.value for e in at.warning] + [e.value for e in at.markdown]
                    + [e.value for e in at.title] + [e.value for e in at.caption] + [e.value for e in at.info])


def button_labels(at):
    return [b.label for b in at.button] + [b.label for b in at.get("form_submit_button")]


# --- local -------------------------------------------------------------------------------------------------

def test_local_mode_is_an_admin_with_every_page_including_people(app):
    at = app.run()
    assert not at.exception
    titles = nav_titles(at)
    assert {"Tuloskortti", "Tavoitteet", "Tuonti", "Henkilöt"} <= set(titles), titles


def test_local_mode_on_every_interface_refuses_to_start_and_reads_nothing(app, option):
    option("server.address", "0.0.0.0")
    at = app.run()
    assert not at.exception
    assert len(at.error) == 1
    assert "KPI_AUTH_MODE" in at.error[0].value and "KPI_COOKIE_SECRET" in at.error[0].value
    assert "127.0.0.1" in at.error[0].value and "0.0.0.0" in at.error[0].value
    assert not at.dataframe and not at.metric and not nav_titles(at)  # no page, no data
    assert only_a_hidden_page_list(at)  # not Streamlit's list of the pages/ files


def test_local_mode_with_an_empty_address_is_every_interface(app, option):
    option("server.address", "")
    at = app.run()
    assert "KPI_AUTH_MODE" in at.error[0].value


def test_a_mode_that_signs_in_needs_the_cookie_secret(app, monkeypatch, option):
    monkeypatch.setenv("KPI_AUTH_MODE", "password")
    monkeypatch.delenv("KPI_COOKIE_SECRET", raising=False)
    at = app.run()
    assert "KPI_COOKIE_SECRET" in at.error[0].value
    assert not nav_titles(at)
    monkeypatch.setenv("KPI_COOKIE_SECRET", SECRET)  # and it must equal server.cookieSecret
    option("server.cookieSecret", "something-else-entirely-0123456789")
    at = app.run()
    assert "server.cookieSecret" in at.error[0].value
    assert SECRET not in texts(at)  # the secret itself is never shown


# --- password ----------------------------------------------------------------------------------------------

def sign_in(at, login, password):
    at.text_input(key=auth.SIGN_IN + "login").input(login)
    at.text_input(key=auth.SIGN_IN + "password").input(password)
    at.button(key="auth_sign_in_submit").click()
    return at.run()


def test_password_sign_in_wrong_then_right_then_sign_out(app, signed_mode):
    signed_mode("password")
    migrate()
    add("anna", "editor", password="oikea-salasana-1", name="Anna Virtanen")
    at = app.run()
    assert not at.exception
    assert not nav_titles(at)  # the sign-in form instead of the pages
    assert at.text_input(key=auth.SIGN_IN + "password").proto.type == at.text_input(key=auth.SIGN_IN + "password").proto.PASSWORD

    at = sign_in(at, "anna", "väärä-salasana")
    assert at.error[0].value == "Väärä käyttäjätunnus tai salasana."
    at = sign_in(at, "nobody", "väärä-salasana")  # an unknown name reads the same: no hint which part was wrong
    assert at.error[0].value == "Väärä käyttäjätunnus tai salasana."
    assert not nav_titles(at)

    at = sign_in(at, "anna", "oikea-salasana-1")
    assert not at.exception
    titles = nav_titles(at)
    assert set(EDITOR_PAGES) <= set(titles) and "Henkilöt" not in titles
    assert any("Anna Virtanen" in m.value and "muokkaaja" in m.value for m in at.sidebar.markdown)
    assert at.session_state[auth.ACTOR_KEY].login == "anna"

    at.sidebar.button(key="auth_sign_out").click()
    at = at.run()
    assert not nav_titles(at)
    assert at.text_input(key=auth.SIGN_IN + "login") is not None
    events = [e.event for e in _log()]
    assert {"sign_in", "sign_in_failed", "sign_out"} <= set(events)


def test_password_throttled_account_gets_the_throttling_message(app, signed_mode):
    signed_mode("password")
    migrate()
    add("ville", "viewer", password="oikea-salasana-2")
    at = app.run()
    for _ in range(people.MAX_FAILURES):
        at = sign_in(at, "ville", "väärin")
    at = sign_in(at, "ville", "oikea-salasana-2")
    assert "minuutin" in at.error[0].value
    assert not nav_titles(at)


def test_an_unknown_name_reads_like_a_known_one_through_the_lock(app, signed_mode):
    signed_mode("password")
    migrate()
    add("ville", "viewer", password="oikea-salasana-2")
    at = app.run()
    for n in range(1, people.MAX_FAILURES + 3):
        at = sign_in(at, "ville", "väärin")
        known = [e.value for e in at.error]
        at = sign_in(at, "nobody", "väärin")
        assert [e.value for e in at.error] == known, n  # the same words, before the lock and after it
        assert ("minuutin" in known[0]) is (n > people.MAX_FAILURES), n
    assert not nav_titles(at)


def test_a_disabled_person_is_signed_out_at_the_next_click(app, signed_mode):
    signed_mode("password")
    migrate()
    add("kalle", "viewer", password="oikea-salasana-3")
    at = sign_in(app.run(), "kalle", "oikea-salasana-3")
    assert nav_titles(at)
    engine = db.make_engine(get_settings().database_url)
    with Session(engine) as session:
        people.disable_person(session, login="kalle", by="test-admin")
        session.commit()
    engine.dispose()
    at = at.run()
    assert not nav_titles(at)
    assert "ei ole enää käytössä" in at.error[0].value


def _log():
    engine = db.make_engine(get_settings().database_url)
    with Session(engine) as session:
        events = people.access_log(session)
    engine.dispose()
    return events


# --- oidc --------------------------------------------------------------------------------------------------

def oidc_app(app, signed_mode, email, **claims):
    signed_mode("oidc", KPI_OIDC_GROUP_ROLES='{"kpi-admins": "admin", "hr": "editor"}')
    app.secrets = dict(CLOSED_REVIEW)
    app.user = {"is_logged_in": True, "email": email, **claims}
    return app


def test_oidc_editor_sees_the_editing_pages_and_the_write_controls(app, signed_mode):
    migrate()
    add("hr.person@example.fi", "editor", name="HR Person")
    app.query_params.update({"indicator": "nps", "period": "2020", "unit": "TTH"})
    at = oidc_app(app, signed_mode, "HR.Person@example.fi").run()
    assert not at.exception
    titles = nav_titles(at)
    assert set(EDITOR_PAGES) <= set(titles) and "Henkilöt" not in titles
    at.switch_page("pages/drilldown.py").run()
    assert not at.exception
    assert at.text_area(key="drill_explanation_body") is not None
    assert at.button(key="drill_new_action_submit") is not None
    at.switch_page("pages/reviews.py").run()
    assert at.button(key="reviews_new_submit") is not None
    at.switch_page("pages/meeting.py").run()
    assert {"meeting_decision_submit", "meeting_review_start_submit", "meeting_action_submit"} <= keys(at)


def test_oidc_viewer_has_no_editing_pages_and_no_write_controls_on_the_drilldown(app, signed_mode):
    migrate()
    add("johtaja@example.fi", "viewer")
    app.query_params.update({"indicator": "nps", "period": "2020", "unit": "TTH"})
    at = oidc_app(app, signed_mode, "johtaja@example.fi").run()
    assert not at.exception
    titles = nav_titles(at)
    assert not set(EDITOR_PAGES) & set(titles) and "Tuloskortti" in titles
    at.switch_page("pages/drilldown.py").run()
    assert not at.exception
    assert at.title  # the drill-down drew
    labels = button_labels(at)
    assert not any(label in labels for label in ("Tallenna selvitys", "Lisää toimenpide", "Tallenna")), labels
    assert not at.text_area, "no explanation editor for a viewer"
    assert "drill_new_action_submit" not in keys(at)
    at.switch_page("pages/reviews.py").run()
    assert not at.exception and "reviews_new_submit" not in keys(at) and not at.text_area
    at.switch_page("pages/meeting.py").run()
    assert not at.exception
    assert not {"meeting_decision_submit", "meeting_review_start_submit", "meeting_action_submit"} & keys(at)


def keys(at):
    """The keys of every button drawn (form submits included)."""
    return {getattr(button, "key", None) for button in at.button}


def test_oidc_group_map_gives_a_role_to_someone_not_stored(app, signed_mode):
    migrate()
    at = oidc_app(app, signed_mode, "uusi@example.fi", groups=["hr"]).run()
    assert set(EDITOR_PAGES) <= set(nav_titles(at))


def test_oidc_unknown_email_gets_no_access_and_a_sign_out(app, signed_mode):
    migrate()
    at = oidc_app(app, signed_mode, "stranger@example.com", groups=["other"]).run()
    assert not at.exception
    assert not nav_titles(at)
    assert "stranger@example.com" in at.warning[0].value and "pääsyä" in at.warning[0].value
    assert at.button(key="auth_no_access_sign_out")
    assert any(e.event == "refused" and e.login == "stranger@example.com" for e in _log())


def test_oidc_signed_out_gets_a_sign_in_button(app, signed_mode):
    migrate()
    at = oidc_app(app, signed_mode, "x@example.fi")
    at.user = {"is_logged_in": False}
    at = at.run()
    assert at.button(key="auth_oidc_sign_in").label == "Kirjaudu"
    assert not nav_titles(at)


# --- proxy -------------------------------------------------------------------------------------------------

def test_proxy_header_from_an_untrusted_address_is_refused_and_logged(app, signed_mode, monkeypatch):
    signed_mode("proxy")
    migrate()
    add("anna@example.fi", "admin")
    monkeypatch.setattr(auth, "request_headers", lambda: {"X-Forwarded-Email": "anna@example.fi"})
    monkeypatch.setattr(auth, "client_address", lambda: "203.0.113.9")
    at = app.run()
    assert not at.exception
    assert not nav_titles(at)
    assert "kirjautumispalvelimen" in at.warning[0].value
    assert only_a_hidden_page_list(at)
    assert any(e.event == "refused" and "203.0.113.9" in e.detail for e in _log())


def test_proxy_header_from_the_trusted_proxy_signs_in(app, signed_mode, monkeypatch):
    signed_mode("proxy")
    migrate()
    add("anna@example.fi", "viewer")
    monkeypatch.setattr(auth, "request_headers", lambda: {"x-forwarded-email": "Anna@example.fi"})
    monkeypatch.setattr(auth, "client_address", lambda: "127.0.0.1")
    at = app.run()
    assert not at.exception
    titles = nav_titles(at)
    assert "Tuloskortti" in titles and not set(EDITOR_PAGES) & set(titles)


# --- admin: the People page --------------------------------------------------------------------------------

def test_people_page_adds_changes_and_disables_a_person_and_shows_the_log(app):
    at = app.run()
    at.switch_page("pages/people.py").run()
    assert not at.exception
    at.text_input(key="people_add_login").input("Liisa@Example.fi")
    at.text_input(key="people_add_name").input("Liisa")
    at.selectbox(key="people_add_role").select("editor")
    at.button(key="people_add_submit").click()
    at = at.run()
    assert not at.exception
    assert "liisa@example.fi" in at.success[0].value
    at.selectbox(key="people_change_who").select("liisa@example.fi")
    at = at.run()
    at.selectbox(key="people_change_role").select("admin")
    at.button(key="people_change_submit").click()
    at = at.run()
    assert not at.exception and at.success
    at.selectbox(key="people_state_who").select("liisa@example.fi")
    at = at.run()
    at.button(key="people_disable").click()
    at = at.run()
    assert not at.exception
    events = [e.event for e in _log()]
    assert {"person_added", "role_changed", "person_disabled"} <= set(events)
    table = at.dataframe[0].value
    assert "liisa@example.fi" in table.iloc[:, 0].tolist()

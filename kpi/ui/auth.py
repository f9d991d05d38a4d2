"""Who is signed in, per `KPI_AUTH_MODE`, and the screens that sign people in and out.

- local: nobody signs in; the OS account acts with full rights, and only while the server listens on a
  loopback address. Anywhere else the app refuses to start (a message on every page, nothing read).
- password: the app's own accounts (`python -m kpi users add`), a sign-in form instead of the pages.
- oidc: Streamlit's `st.login` / `st.user` with the provider in `.streamlit/secrets.toml` `[auth]`.
- proxy: a reverse proxy that signed the person in names them in a header; only from `trusted_proxies`.

`gate(lang)` is called by app.py before the page list: it returns the signed-in Actor or draws the
sign-in (or the refusal) and stops the run. The Actor is kept in session_state (server side only) and
looked up again on every run, so a disabled person or a changed role takes effect at their next click.
Nothing here prints or logs a secret: the cookie secret is a SecretStr and only compared.
Where the request comes from (its address, loopback or a trusted proxy's, its headers) is read in
kpi/ui/connection.py.
"""
from __future__ import annotations

import getpass
import logging
from typing import Iterable

import streamlit as st

from .. import writes
from ..domain.roles import Actor, Role
from ..errors import InputError
from ..i18n import t
from ..plain_text import escape_markdown
from ..settings import Settings, get_settings
from . import data_upkeep
from .connection import address_trusted, client_address, is_loopback, request_headers
from .context import current_language, hide_page_list, session

ACTOR_KEY = "auth_actor"          # the signed-in Actor (this browser session only)
LOGGED_KEY = "auth_logged"        # (mode, login) whose sign-in was written to the access log this session
SIGN_IN = "auth_sign_in_"         # the password form's fields and its message
MIN_SECRET = 16

log = logging.getLogger("kpi.auth")


# --- configuration -------------------------------------------------------------------------------------

def configuration_problem(settings: Settings, lang: str) -> str | None:
    """Why the app must not start as configured, in words that say what to set; None when it may."""
    if settings.auth_mode == "local":
        address = st.get_option("server.address")
        if not is_loopback(address):
            shown = address or t("auth.all_interfaces", lang)
            return t("auth.refuse_local", lang, address=shown)
        return None
    secret = settings.cookie_secret.get_secret_value() if settings.cookie_secret else ""
    if len(secret.strip()) < MIN_SECRET:
        return t("auth.refuse_no_secret", lang, mode=settings.auth_mode, length=MIN_SECRET)
    if str(st.get_option("server.cookieSecret") or "") != secret:
        return t("auth.refuse_secret_differs", lang)
    if settings.auth_mode == "oidc" and not _auth_secrets_present():
        return t("auth.refuse_no_oidc", lang)
    return None


def _auth_secrets_present() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


# --- who is signed in -----------------------------------------------------------------------------------

def local_actor() -> Actor:
    user = getpass.getuser()
    return Actor(login=f"local:{user}", role=Role.ADMIN, name=user)


def role_from_groups(groups: Iterable[str], settings: Settings, *, default: str = "none") -> Role | None:
    """The highest role the settings' group map gives these groups; else `default` ("none": no role)."""
    roles = [Role(settings.oidc_group_roles[g]) for g in groups if g in settings.oidc_group_roles]
    if roles:
        return max(roles, key=lambda role: role.rank)
    return None if default == "none" else Role(default)


def _groups(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.replace(";", ",").split(",") if part.strip())
    try:
        return tuple(str(item) for item in value)  # a list claim
    except TypeError:
        return (str(value),)


def _lookup(login: str, groups: tuple[str, ...], settings: Settings, *, default: str = "none") -> Actor | None:
    """The person's stored role and scope; else what the settings' group map gives; else None."""
    try:
        actor = data_upkeep.stored_actor(login, groups)
    except data_upkeep.AccessDenied:  # disabled: no group gives them a role back
        return None
    if actor is not None:
        return actor
    role = role_from_groups(groups, settings, default=default)
    return Actor(login=login.strip().lower(), role=role) if role is not None else None


def _log(login: str, event: str, detail: str = "") -> None:
    """One line in the access log; a database that is away must not stop a refusal from showing."""
    try:
        writes.log_access(session, login=login, event=event, detail=detail)
    except Exception:  # noqa: BLE001 - logged to the server log instead
        log.warning("could not write the access log: %s %s %s", event, login, detail)


def _log_once(mode: str, login: str, event: str, detail: str = "") -> None:
    """Sign-ins by oidc and proxy are seen on every run: log the first of each session only."""
    if st.session_state.get(LOGGED_KEY) != (mode, login, event):
        st.session_state[LOGGED_KEY] = (mode, login, event)
        _log(login, event, detail)


def signed_in_actor(settings: Settings | None = None) -> Actor | None:
    """The Actor of this browser session per the mode, without drawing anything; None if nobody (yet)."""
    settings = settings or get_settings()
    mode = settings.auth_mode
    if mode == "local":
        return local_actor() if is_loopback(st.get_option("server.address")) else None
    if mode == "password":
        kept = st.session_state.get(ACTOR_KEY)
        return kept if isinstance(kept, Actor) else None
    if mode == "oidc":
        if not _oidc_logged_in():
            return None
        login = str(st.user.get("email") or "")
        return _lookup(login, _groups(st.user.get(settings.oidc_group_claim)), settings,
                       default=settings.oidc_default_role) if login else None
    if mode == "proxy":
        login, groups, trusted = proxy_identity(settings)
        return _lookup(login, groups, settings) if login and trusted else None
    return None


def _oidc_logged_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except (AttributeError, KeyError):
        return False


def proxy_identity(settings: Settings) -> tuple[str, tuple[str, ...], bool]:
    """(login from the proxy's header, groups, whether the connection comes from a trusted proxy)."""
    headers = {name.lower(): value for name, value in request_headers().items()}
    login = (headers.get(settings.proxy_header.lower()) or "").strip()
    groups = _groups(headers.get(settings.proxy_groups_header.lower())) if settings.proxy_groups_header else ()
    return login, groups, address_trusted(client_address(), settings.trusted_proxies)


# --- the gate -------------------------------------------------------------------------------------------

def gate(lang: str, settings: Settings | None = None) -> Actor:
    """The signed-in Actor, kept for current_actor(); otherwise draw why not (or the sign-in) and stop."""
    settings = settings or get_settings()
    problem = configuration_problem(settings, lang)
    if problem:
        if not st.session_state.get("auth_refusal_logged"):
            st.session_state["auth_refusal_logged"] = True
            log.error("refusing to serve: %s", problem)
        st.session_state.pop(ACTOR_KEY, None)
        _hide_page_list(lang)
        st.error(problem, icon="🔒")
        st.stop()
    mode = settings.auth_mode
    if mode == "password" and not isinstance(st.session_state.get(ACTOR_KEY), Actor):
        _hide_page_list(lang)  # the sign-in form comes instead of the pages
    if mode == "local":
        actor = local_actor()
    elif mode == "password":
        actor = _password_gate(lang)
    elif mode == "oidc":
        actor = _oidc_gate(settings, lang)
    else:
        actor = _proxy_gate(settings, lang)
    st.session_state[ACTOR_KEY] = actor
    _account_box(actor, mode, lang)
    return actor


def _hide_page_list(lang: str) -> None:
    """Every run that stops here, before app.py's page list, sends a hidden one: no pages/ file names."""
    hide_page_list(lang)


def _no_access(lang: str, text: str, *, sign_out=None) -> None:
    _hide_page_list(lang)
    st.title(t("auth.title", lang))
    st.warning(text, icon="🚫")
    if sign_out is not None:
        st.button(t("auth.sign_out", lang), key="auth_no_access_sign_out", on_click=sign_out, icon="🚪")
    st.stop()


# password ---------------------------------------------------------------------------------------------

def _sign_in() -> None:
    lang = current_language()
    login = st.session_state.get(SIGN_IN + "login", "").strip()
    password = st.session_state.get(SIGN_IN + "password", "")
    st.session_state[SIGN_IN + "password"] = ""  # never kept beyond this callback
    try:
        actor = writes.sign_in(session, login=login, password=password)
    except InputError as error:
        key = getattr(error, "key", "")
        if key == "throttled":
            text = t("auth.throttled", lang)
        elif key in ("bad_password", "unknown_person", "disabled", "no_password"):
            text = t("auth.bad_credentials", lang)  # one message: which part was wrong is not told
        else:
            text = error.message(lang)
        st.session_state[SIGN_IN + "msg"] = text
        return
    st.session_state.pop(SIGN_IN + "msg", None)
    st.session_state[SIGN_IN + "login"] = ""
    st.session_state[ACTOR_KEY] = actor


def _sign_out_password() -> None:
    actor = st.session_state.pop(ACTOR_KEY, None)
    if isinstance(actor, Actor):
        _log(actor.login, "sign_out")
    st.session_state.pop(LOGGED_KEY, None)


def _password_gate(lang: str) -> Actor:
    kept = st.session_state.get(ACTOR_KEY)
    if isinstance(kept, Actor):
        # Looked up again on every run: a person disabled (or their role changed) meanwhile follows at once.
        fresh = _lookup(kept.login, (), get_settings())
        if fresh is not None:
            return fresh
        st.session_state.pop(ACTOR_KEY, None)
        st.session_state[SIGN_IN + "msg"] = t("auth.signed_out_no_access", lang)
    st.title(t("auth.title", lang))
    st.caption(t("auth.intro_password", lang))
    with st.container(width=480):  # a sign-in form as wide as a name, not the whole projector
        message = st.session_state.get(SIGN_IN + "msg")
        if message:
            st.error(message, icon="⛔")
        with st.form("auth_sign_in_form"):
            st.text_input(t("auth.login", lang), key=SIGN_IN + "login", autocomplete="username")
            st.text_input(t("auth.password", lang), key=SIGN_IN + "password", type="password",
                          autocomplete="current-password")
            st.form_submit_button(t("auth.sign_in", lang), key="auth_sign_in_submit", type="primary", icon="🔑",
                                  on_click=_sign_in)
    st.stop()
    raise AssertionError  # st.stop() does not return


# oidc -------------------------------------------------------------------------------------------------

def _login(provider: str | None) -> None:
    if provider:
        st.login(provider)
    else:
        st.login()


def _logout() -> None:
    st.session_state.pop(ACTOR_KEY, None)
    st.session_state.pop(LOGGED_KEY, None)
    st.logout()


def _oidc_gate(settings: Settings, lang: str) -> Actor:
    if not _oidc_logged_in():
        _hide_page_list(lang)
        st.title(t("auth.title", lang))
        st.caption(t("auth.intro_oidc", lang))
        st.button(t("auth.sign_in_oidc", lang), key="auth_oidc_sign_in", type="primary", icon="🔑",
                  on_click=_login, args=(settings.oidc_provider,))
        st.stop()
    login = str(st.user.get("email") or "")
    actor = signed_in_actor(settings) if login else None
    if actor is None:
        _log_once("oidc", login or "?", "refused", "no role")
        _no_access(lang, t("auth.no_access", lang, who=login or "?"), sign_out=_logout)
    _log_once("oidc", actor.login, "sign_in", "oidc")
    return actor


# proxy ------------------------------------------------------------------------------------------------

def _proxy_gate(settings: Settings, lang: str) -> Actor:
    login, _groups_, trusted = proxy_identity(settings)
    if not trusted:
        _log_once("proxy", login or "?", "refused", f"untrusted address {client_address() or '?'}")
        _no_access(lang, t("auth.proxy_untrusted", lang, header=settings.proxy_header))
    if not login:
        _log_once("proxy", "?", "refused", f"no {settings.proxy_header} header")
        _no_access(lang, t("auth.proxy_no_header", lang, header=settings.proxy_header))
    actor = signed_in_actor(settings)
    if actor is None:
        _log_once("proxy", login, "refused", "no role")
        _no_access(lang, t("auth.no_access", lang, who=login))
    _log_once("proxy", actor.login, "sign_in", "proxy")
    return actor


# the sidebar ------------------------------------------------------------------------------------------

def role_text(role: Role | str, lang: str) -> str:
    return t(f"auth.role_{Role(role).value}", lang)


def _account_box(actor: Actor, mode: str, lang: str) -> None:
    with st.sidebar:
        who = escape_markdown(actor.name or actor.login)
        st.markdown(f"👤 **{who}** · {role_text(actor.role, lang)}")
        if mode == "password":
            st.button(t("auth.sign_out", lang), key="auth_sign_out", on_click=_sign_out_password, icon="🚪")
        elif mode == "oidc":
            st.button(t("auth.sign_out", lang), key="auth_sign_out", on_click=_logout, icon="🚪")

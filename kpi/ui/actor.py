"""Who is acting in this run: the Actor the sign-in gate (`kpi.ui.auth`) resolved for this browser session.

Apart from `kpi.ui.context` because the gate itself reads the context (sessions, the language, the hidden
page list): here both are below, and neither imports this module.
"""
from __future__ import annotations

import streamlit as st

from ..domain.roles import Actor, Role
from ..settings import get_settings
from . import auth


def current_actor() -> Actor:
    """Who is acting: the Actor app.py's sign-in gate (kpi/ui/auth.py) resolved for this browser session.

    Pages pass it to the store (`actor=current_actor()`), which checks it before writing. Callbacks run
    before app.py, so they read the Actor of the previous run. Nobody signed in (a page or callback
    reached without the gate): local mode's account when that mode may serve, else a viewer with no
    name, whom the store refuses every write.
    """
    kept = st.session_state.get(auth.ACTOR_KEY)
    if isinstance(kept, Actor):
        return kept
    settings = get_settings()
    if settings.auth_mode == "local":
        actor = auth.signed_in_actor(settings)
        if actor is not None:
            return actor
    return Actor(login="anonymous", role=Role.VIEWER)

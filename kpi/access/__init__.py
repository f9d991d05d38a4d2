"""Who may do what: people, roles, scopes, sign-in, and the check every write path makes.

    from kpi.access import Actor, Role, AccessDenied, require, authenticate, actor_for

The store is loaded first, whole: its writers import `guard` for `require`, and `guard` writes refusals
through `kpi.store.access_log`. Loaded in this order, `guard` is never half-loaded when a store module
asks for it, whichever of the two packages a program imports first.
"""
from .. import store  # noqa: F401  (first: see the module text)
from .guard import ANY, AccessDenied, as_actor, require
from .people import (LOCK_SECONDS, MAX_FAILURES, access_log, actor_for, add_person, authenticate, disable_person,
                     enable_person, list_people, log_event, scope_ids, set_password, set_role)
from .roles import Actor, Role, trusted

__all__ = [
    "ANY", "AccessDenied", "Actor", "LOCK_SECONDS", "MAX_FAILURES", "Role", "access_log", "actor_for", "add_person",
    "as_actor", "authenticate", "disable_person", "enable_person", "list_people", "log_event", "require",
    "scope_ids", "set_password", "set_role", "trusted",
]

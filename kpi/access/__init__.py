"""Who may do what: people, roles, scopes, sign-in, and the check every write path makes.

    from kpi.access import Actor, Role, AccessDenied, require, authenticate, actor_for

The roles are a rule (`kpi.domain.roles`) and the check is the store's own (`kpi.store.guard`, which the
store's writers call before they write); this package is the people and their sign-in, on top of the store,
and hands on the roles and the check so callers need one import.
"""
from ..domain.roles import Actor, Role, trusted
from ..store.guard import ANY, AccessDenied, as_actor, require
from .people import (LOCK_SECONDS, MAX_FAILURES, access_log, actor_for, add_person, authenticate, disable_person,
                     enable_person, list_people, log_event, scope_ids, set_password, set_role)

__all__ = [
    "ANY", "AccessDenied", "Actor", "LOCK_SECONDS", "MAX_FAILURES", "Role", "access_log", "actor_for", "add_person",
    "as_actor", "authenticate", "disable_person", "enable_person", "list_people", "log_event", "require",
    "scope_ids", "set_password", "set_role", "trusted",
]

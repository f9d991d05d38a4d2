"""Who may do what: three roles, and an editor's part of the org-unit tree.

- viewer: reads every page and document; writes nothing.
- editor: targets, values, imports, explanations, corrective actions and review decisions, for the
  units in their scope (a unit and everything under it); an editor without a scope edits every unit,
  and only such an editor may edit organisation-wide targets.
- admin: everything, including indicators, the unit tree and people.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"viewer": 0, "editor": 1, "admin": 2}[self.value]


@dataclass(frozen=True)
class Actor:
    """The person acting, as resolved from the sign-in (or the command line's --user)."""
    login: str                                   # e-mail or user name; what the history records
    role: Role
    scope_unit_ids: frozenset[int] | None = None  # None: every unit; else the units (subtree) they may edit
    name: str = ""

    def at_least(self, role: Role) -> bool:
        return Role(self.role).rank >= Role(role).rank

    @property
    def can_write(self) -> bool:
        return self.at_least(Role.EDITOR)

    @property
    def is_admin(self) -> bool:
        return self.at_least(Role.ADMIN)

    def may_edit_unit(self, unit_id: int | None) -> bool:
        """`unit_id` None is the whole organisation: only editors without a scope (and admins)."""
        if not self.can_write:
            return False
        if self.is_admin or self.scope_unit_ids is None:
            return True
        return unit_id is not None and unit_id in self.scope_unit_ids

    def __str__(self) -> str:  # what goes into created_by / changed_by
        return self.login


def trusted(login: str) -> Actor:
    """An in-process caller with full rights: the demo loader, migrations, tests. Never built from a request."""
    return Actor(login=login, role=Role.ADMIN)

"""Org units: a tree (organisation -> division -> unit; an office's regions)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from sqlmodel import Session, select

from ..domain.roles import Actor, Role
from ..errors import InputError
from ..models import Named, OrgUnit, utc_now
from .guard import require
from .inputs import find_by_code_or_name, name_text, new_code_and_name


INDENT = "\u2003"  # an em space per tree level: a picker's option is plain text, so spaces show the tree


class UnitInfo(NamedTuple):
    """A unit as the tree holds it: plain data, not a database object. Pages keep the tree in
    Streamlit's cache, which unpickles it on every rerun; hundreds of ORM objects cost milliseconds
    each time, these tuples almost nothing."""
    id: int
    code: str
    name_fi: str
    name_en: str
    parent_id: int | None
    sort_order: int

    name_in = Named.name_in  # the models' rule (a NamedTuple takes no other base class)


@dataclass
class UnitTree:
    units: dict[str, UnitInfo]                   # by code
    children_of: dict[str, list[str]] = field(default_factory=dict)
    roots: list[str] = field(default_factory=list)

    def subtree(self, code: str) -> list[str]:
        """The unit and every unit below it."""
        found, seen, stack = [], set(), [code]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            found.append(current)
            stack.extend(reversed(self.children_of.get(current, [])))
        return found

    def depth_first(self) -> list[tuple[str, int]]:
        """(code, depth) in tree order, for pickers that indent."""
        ordered: list[tuple[str, int]] = []

        def walk(code: str, depth: int) -> None:
            ordered.append((code, depth))
            for child in self.children_of.get(code, []):
                walk(child, depth + 1)

        for root in self.roots:
            walk(root, 0)
        return ordered

    def name(self, code: str, lang: str) -> str:
        return self.units[code].name_in(lang)

    def indented_names(self, lang: str) -> dict[str, str]:
        """Every unit's name in tree order, indented by an em space a level: the unit pickers' labels."""
        return {code: INDENT * depth + self.name(code, lang) for code, depth in self.depth_first()}


def create_org_unit(session: Session, *, code: str, name_fi: str, name_en: str,
                    parent_code: str | None = None, sort_order: int = 0, actor: Actor | str) -> OrgUnit:
    """A new unit (admin only)."""
    require(session, actor, role=Role.ADMIN, action=f"create unit {code}")
    code = new_code_and_name(session, OrgUnit, name_text("code", code, limit=40), name_text("name_fi", name_fi, limit=200))
    name_en = name_text("name_en", name_en, limit=200)
    parent_id = get_unit(session, parent_code).id if parent_code else None
    unit = OrgUnit(code=code, name_fi=name_fi.strip(), name_en=name_en or name_fi.strip(),
                   parent_id=parent_id, sort_order=sort_order)
    session.add(unit)
    session.flush()
    return unit


def get_unit(session: Session, code_or_name: str) -> OrgUnit:
    """By code, or by exact Finnish or English name."""
    unit = find_by_code_or_name(session, OrgUnit, code_or_name)
    if unit is None:
        raise InputError("org_unit", code_or_name, "unknown_unit")
    return unit


def list_units(session: Session) -> list[OrgUnit]:
    return list(session.exec(select(OrgUnit).order_by(OrgUnit.sort_order, OrgUnit.code)))


def load_unit_tree(session: Session) -> UnitTree:
    units = [UnitInfo(u.id, u.code, u.name_fi, u.name_en, u.parent_id, u.sort_order) for u in list_units(session)]
    by_id = {u.id: u for u in units}
    tree = UnitTree(units={u.code: u for u in units})
    for unit in units:
        parent = by_id.get(unit.parent_id)
        if parent is None:
            tree.roots.append(unit.code)
        else:
            tree.children_of.setdefault(parent.code, []).append(unit.code)
    return tree


def subtree_ids(session: Session, *, unit_id: int) -> frozenset[int]:
    """The unit and every unit below it, as ids; none when no unit has the id (it was deleted)."""
    tree = load_unit_tree(session)
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        return frozenset()
    return frozenset(tree.units[code].id for code in tree.subtree(unit.code))


def update_org_unit(session: Session, *, code: str, name_fi: str | None = None, name_en: str | None = None,
                    parent_code: str | None | bool = False, sort_order: int | None = None,
                    actor: Actor | str) -> OrgUnit:
    """Rename or move a unit (admin only). `parent_code=None` makes it a top unit; False leaves the parent."""
    require(session, actor, role=Role.ADMIN, action=f"update unit {code}")
    unit = get_unit(session, code)
    if name_fi is not None:
        unit.name_fi = name_text("name_fi", name_fi, limit=200, required=True)
    if name_en is not None:
        unit.name_en = name_text("name_en", name_en, limit=200) or unit.name_fi
    if parent_code is not False:
        if parent_code is None:
            unit.parent_id = None
        else:
            parent = get_unit(session, parent_code)
            if parent.code in load_unit_tree(session).subtree(unit.code):
                raise InputError("parent", parent_code, "parent_inside_unit")  # a tree must not loop
            unit.parent_id = parent.id
    if sort_order is not None:
        unit.sort_order = sort_order
    unit.updated_at = utc_now()
    session.add(unit)
    session.flush()
    return unit

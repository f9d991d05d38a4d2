"""Corrective actions: what is done about a shortfall, by whom, by when, and how it is going.

Every change carries a note and is kept as an ActionChange. Open and in-progress actions come back at
every later review of the indicator until someone marks them done or dropped.
"""
from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session, select

from ..domain.roles import Actor
from ..domain.vocabulary import ActionState
from ..errors import InputError
from ..models import ActionChange, CorrectiveAction, Indicator, ReviewSession, Target, utc_now
from .guard import require
from .inputs import parse_date_field, parse_period_field, required_text
from .text_limits import within_limit

_TRACKED = ("title", "owner", "due_on", "state")
OPEN_STATES = tuple(s.value for s in ActionState if s.is_open)


def _state(value) -> str:
    try:
        return ActionState(str(value or "").strip()).value
    except ValueError:
        raise InputError("state", value, "not_one_of", choices=", ".join(s.value for s in ActionState)) from None


def _snapshot(action: CorrectiveAction) -> str:
    return json.dumps({name: getattr(action, name) for name in _TRACKED}, ensure_ascii=False, sort_keys=True,
                      default=str)


def create_action(session: Session, *, target_id: int, period: str, title: str, owner: str = "",
                  due_on=None, actor: Actor | str, review_id: int | None = None, note: str = "",
                  state: str = "open") -> CorrectiveAction:
    """A new action on a target: an editor whose scope holds the target's unit."""
    require(session, actor, action="create action")
    target = session.get(Target, target_id)
    if target is None:
        raise InputError("target", target_id, "unknown_target")
    actor = str(require(session, actor, unit_id=target.org_unit_id, action=f"create action on target {target_id}"))
    if review_id is not None and session.get(ReviewSession, review_id) is None:
        raise InputError("review", review_id, "unknown_review")
    within_limit("note", note)
    now = utc_now()
    action = CorrectiveAction(
        target_id=target_id, period=parse_period_field(period).code, title=required_text("title", title),
        owner=within_limit("owner", (owner or "").strip()), due_on=parse_date_field("due_on", due_on),
        state=_state(state), review_id=review_id, created_by=actor, created_at=now, updated_by=actor, updated_at=now)
    session.add(action)
    session.flush()
    session.add(ActionChange(action_id=action.id, changed_by=actor, changed_at=now, new_state=action.state,
                             note=note or "", new_values=_snapshot(action)))
    return action


def update_action(session: Session, *, action_id: int, expected_version: int, actor: Actor | str, note: str,
                  **changes) -> CorrectiveAction:
    """Change an action's state (or what, owner, due date); the note says what happened. An editor whose
    scope holds the unit of the action's target."""
    require(session, actor, action="update action")
    note = required_text("note", note)
    action = session.get(CorrectiveAction, action_id)
    if action is None:
        raise InputError("action", action_id, "unknown_action")
    target = session.get(Target, action.target_id)
    actor = str(require(session, actor, unit_id=target.org_unit_id if target else None,
                        action=f"update action {action_id}"))
    if action.version != expected_version:
        raise InputError("action", action.title, "stale_action", by=action.updated_by)
    before, old_state = _snapshot(action), action.state
    for name, raw in changes.items():
        if name not in _TRACKED:
            raise InputError(name, raw, "not_changeable")
        if name == "state":
            raw = _state(raw)
        elif name == "due_on":
            raw = parse_date_field("due_on", raw)
        elif name == "title":
            raw = required_text("title", raw)
        else:
            raw = within_limit("owner", (raw or "").strip())
        setattr(action, name, raw)
    action.updated_by, action.updated_at = actor, utc_now()
    session.add(action)
    session.flush()  # a concurrent save raises StaleDataError here
    session.add(ActionChange(action_id=action.id, changed_by=actor, changed_at=action.updated_at,
                             old_state=old_state, new_state=action.state, note=note, old_values=before,
                             new_values=_snapshot(action)))
    return action


def actions_for(session: Session, *, indicator_id: int | None = None, target_ids: list[int] | None = None,
                open_only: bool = False, review_id: int | None = None) -> list[tuple[CorrectiveAction, Target, Indicator]]:
    """Actions with their target and indicator, open ones first, then by due date."""
    query = (select(CorrectiveAction, Target, Indicator)
             .join(Target, Target.id == CorrectiveAction.target_id)
             .join(Indicator, Indicator.id == Target.indicator_id))
    if indicator_id is not None:
        query = query.where(Target.indicator_id == indicator_id)
    if target_ids is not None:
        query = query.where(CorrectiveAction.target_id.in_(target_ids or [-1]))
    if open_only:
        query = query.where(CorrectiveAction.state.in_(OPEN_STATES))
    if review_id is not None:  # raised in this review
        query = query.where(CorrectiveAction.review_id == review_id)
    rows = list(session.exec(query))
    return sorted(rows, key=lambda r: (r[0].state not in OPEN_STATES, r[0].due_on or date.max, r[0].id))


def is_overdue(action: CorrectiveAction, as_of: date) -> bool:
    return action.state in OPEN_STATES and action.due_on is not None and action.due_on < as_of


def list_action_changes(session: Session, action_id: int) -> list[ActionChange]:
    return list(session.exec(select(ActionChange).where(ActionChange.action_id == action_id)
                             .order_by(ActionChange.changed_at, ActionChange.id)))

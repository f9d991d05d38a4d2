"""Explanations of shortfalls: one per target and period, Markdown text, draft until the steering
group approves it. Every save keeps the text as a revision, so nothing said to the council is lost.

Changing an approved text makes it a draft again: what was approved is what stays on record as approved.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from ..domain.roles import Actor
from ..domain.vocabulary import ExplanationState
from ..errors import InputError
from ..models import Explanation, ExplanationRevision, Target, utc_now
from .guard import require
from .inputs import parse_period_field, required_text
from .text_limits import LIMITS, within_limit

BODY_LIMIT = LIMITS["body"]  # some pages of text; a pasted document is refused with a clear message


def get_explanation(session: Session, target_id: int, period: str) -> Explanation | None:
    return session.exec(select(Explanation).where(Explanation.target_id == target_id,
                                                  Explanation.period == period)).first()


def explanations_for(session: Session, target_ids: list[int]) -> dict[tuple[int, str], Explanation]:
    """Every explanation of these targets, keyed by (target id, period)."""
    if not target_ids:
        return {}
    found = session.exec(select(Explanation).where(Explanation.target_id.in_(target_ids)))
    return {(e.target_id, e.period): e for e in found}


def save_explanation(session: Session, *, target_id: int, period: str, body: str, actor: Actor | str,
                     expected_version: int | None, note: str = "") -> Explanation:
    """Write or rewrite the explanation. `expected_version` is the version the writer started from
    (None: they saw no explanation); a save over someone else's newer text is refused. An editor whose
    scope holds the target's unit."""
    require(session, actor, action="save explanation")
    target = session.get(Target, target_id)
    if target is None:
        raise InputError("target", target_id, "unknown_target")
    actor = str(require(session, actor, unit_id=target.org_unit_id, action=f"save explanation of target {target_id}"))
    code = parse_period_field(period).code
    text = required_text("body", body)
    within_limit("note", note)
    current = get_explanation(session, target_id, code)
    if current is None and expected_version is not None:
        raise InputError("explanation", code, "unknown_explanation")
    if current is not None and current.version != expected_version:
        raise InputError("explanation", code, "stale_explanation", by=current.updated_by)
    now = utc_now()
    if current is None:
        current = Explanation(target_id=target_id, period=code, body=text, author=actor, created_by=actor,
                              created_at=now, updated_by=actor, updated_at=now)
    elif current.body == text:
        return current  # nothing changed: no revision, approval stands
    else:
        current.body = text
        current.state = ExplanationState.DRAFT.value
        current.approved_by, current.approved_at = "", None
        current.updated_by, current.updated_at = actor, now
    session.add(current)
    session.flush()  # the version check runs here
    _keep_revision(session, current, actor, note)
    return current


def approve_explanation(session: Session, *, explanation_id: int, expected_version: int, actor: Actor | str,
                        note: str = "", approved_at: datetime | None = None) -> Explanation:
    """The steering group approved this text (the version the approver read). `approved_at`: when the
    group decided, if recorded later than that (default now). An editor whose scope holds the target's unit."""
    require(session, actor, action="approve explanation")
    within_limit("note", note)
    current = session.get(Explanation, explanation_id)
    if current is None:
        raise InputError("explanation", explanation_id, "unknown_explanation")
    target = session.get(Target, current.target_id)
    actor = str(require(session, actor, unit_id=target.org_unit_id if target else None,
                        action=f"approve explanation {explanation_id}"))
    if current.version != expected_version:
        raise InputError("explanation", current.period, "stale_explanation", by=current.updated_by)
    now = utc_now()
    current.state = ExplanationState.APPROVED.value
    current.approved_by, current.approved_at = actor, approved_at or now
    current.updated_by, current.updated_at = actor, now
    session.add(current)
    session.flush()
    _keep_revision(session, current, actor, note)
    return current


def _keep_revision(session: Session, explanation: Explanation, actor: str, note: str) -> None:
    count = len(list_explanation_revisions(session, explanation.id))
    session.add(ExplanationRevision(explanation_id=explanation.id, revision=count + 1, body=explanation.body,
                                    state=explanation.state, changed_by=actor, changed_at=explanation.updated_at,
                                    note=note or ""))


def list_explanation_revisions(session: Session, explanation_id: int) -> list[ExplanationRevision]:
    return list(session.exec(select(ExplanationRevision).where(ExplanationRevision.explanation_id == explanation_id)
                             .order_by(ExplanationRevision.revision)))

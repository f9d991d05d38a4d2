"""Review sessions: a steering-group meeting on a period, who attended, the targets discussed and the
decisions taken. The next review of an indicator starts from the last decisions on it."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from ..domain.roles import Actor
from ..errors import InputError
from ..models import Indicator, ReviewSession, ReviewTopic, Target, utc_now
from .guard import require
from .inputs import parse_date_field, parse_period_field, required_text
from .text_limits import within_limit


def create_review(session: Session, *, period: str, held_on, actor: Actor | str, title: str = "",
                  attendees: str = "", notes: str = "") -> ReviewSession:
    """A new review session (an editor: a review is the whole steering group's, not one unit's)."""
    actor = str(require(session, actor, action="create review"))
    now = utc_now()
    review = ReviewSession(period=parse_period_field(period).code,
                           held_on=parse_date_field("held_on", held_on, required=True),
                           title=within_limit("review_title", (title or "").strip()),
                           attendees=within_limit("attendees", _one_per_line(attendees)),
                           notes=within_limit("notes", (notes or "").strip()), created_by=actor, created_at=now,
                           updated_by=actor, updated_at=now)
    session.add(review)
    session.flush()
    return review


def _one_per_line(attendees) -> str:
    """Names typed on lines or separated by commas, stored one per line."""
    if isinstance(attendees, (list, tuple)):
        names = attendees
    else:
        names = str(attendees or "").replace(",", "\n").splitlines()
    return "\n".join(name.strip() for name in names if name.strip())


def get_review(session: Session, review_id: int) -> ReviewSession:
    review = session.get(ReviewSession, review_id)
    if review is None:
        raise InputError("review", review_id, "unknown_review")
    return review


def list_reviews(session: Session, period: str | None = None) -> list[ReviewSession]:
    """Newest meeting first."""
    query = select(ReviewSession)
    if period:
        query = query.where(ReviewSession.period == period)
    return list(session.exec(query.order_by(ReviewSession.held_on.desc(), ReviewSession.id.desc())))


def record_decision(session: Session, *, review_id: int, target_id: int, period: str, decision: str,
                    actor: Actor | str, recorded_at: datetime | None = None) -> ReviewTopic:
    """The target was discussed in the review, and this was decided. An editor whose scope holds the
    target's unit. `recorded_at`: when, if not now (the demo's decisions were made at their meetings)."""
    require(session, actor, action="record decision")
    get_review(session, review_id)
    target = session.get(Target, target_id)
    if target is None:
        raise InputError("target", target_id, "unknown_target")
    actor = str(require(session, actor, unit_id=target.org_unit_id, action=f"record decision on target {target_id}"))
    topic = ReviewTopic(review_id=review_id, target_id=target_id, period=parse_period_field(period).code,
                        decision=required_text("decision", decision), recorded_by=actor,
                        recorded_at=recorded_at or utc_now())
    session.add(topic)
    session.flush()
    return topic


def review_topics(session: Session, review_id: int) -> list[tuple[ReviewTopic, Target, Indicator]]:
    query = (select(ReviewTopic, Target, Indicator).join(Target, Target.id == ReviewTopic.target_id)
             .join(Indicator, Indicator.id == Target.indicator_id)
             .where(ReviewTopic.review_id == review_id).order_by(ReviewTopic.recorded_at, ReviewTopic.id))
    return list(session.exec(query))


def decisions_on_indicator(session: Session, indicator_id: int, *, exclude_review: int | None = None,
                           limit: int = 10) -> list[tuple[ReviewTopic, ReviewSession, Target]]:
    """The latest decisions on any target of the indicator, newest meeting first: where the next
    review of it starts."""
    query = (select(ReviewTopic, ReviewSession, Target)
             .join(ReviewSession, ReviewSession.id == ReviewTopic.review_id)
             .join(Target, Target.id == ReviewTopic.target_id)
             .where(Target.indicator_id == indicator_id))
    if exclude_review is not None:
        query = query.where(ReviewTopic.review_id != exclude_review)
    query = query.order_by(ReviewSession.held_on.desc(), ReviewTopic.id.desc()).limit(limit)
    return list(session.exec(query))

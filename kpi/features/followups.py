"""What a shortfall carries into the meeting: its explanation, the corrective actions still open, and
the decisions taken on it before. Read by the scorecard, the drill-down, meeting mode and the documents.

Open actions belong to the indicator, not to one period: an action raised for 2020 comes back at every
later review of that indicator until someone closes it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from .. import store
from ..domain.explanations import needs_explanation
from ..domain.vocabulary import ExplanationState
from ..models import Explanation
from .scorecard import ScorecardRow


@dataclass(frozen=True)
class ActionView:
    id: int
    version: int
    target_id: int
    indicator: str            # indicator code
    indicator_name: str
    target_period: str        # the period of the target it is tied to
    period: str               # the period whose shortfall raised it
    title: str
    owner: str
    due_on: date | None
    state: str                # ActionState value
    overdue: bool
    updated_by: str


@dataclass(frozen=True)
class ExplanationView:
    id: int
    version: int
    target_id: int
    period: str
    body: str                 # Markdown written by a person: show it with HTML escaped (kpi.presentation.safe_text)
    state: str                # ExplanationState value
    author: str
    approved_by: str
    approved_at: str | None   # ISO date
    updated_by: str
    updated_at: str           # ISO date and time (UTC)

    @property
    def approved(self) -> bool:
        return self.state == ExplanationState.APPROVED


@dataclass(frozen=True)
class DecisionView:
    review_id: int
    held_on: date
    review_title: str
    period: str
    decision: str
    recorded_by: str


def explanation_view(explanation: Explanation | None) -> ExplanationView | None:
    if explanation is None:
        return None
    return ExplanationView(
        id=explanation.id, version=explanation.version, target_id=explanation.target_id, period=explanation.period,
        body=explanation.body, state=explanation.state, author=explanation.author,
        approved_by=explanation.approved_by,
        approved_at=explanation.approved_at.date().isoformat() if explanation.approved_at else None,
        updated_by=explanation.updated_by, updated_at=explanation.updated_at.isoformat(timespec="minutes"))


def missing_explanations(session: Session, rows: list[ScorecardRow]) -> list[ScorecardRow]:
    """The binding misses among `rows` with no approved explanation for the period shown."""
    wanted = [row for row in rows if needs_explanation(row.binding, row.status)]
    found = store.explanations_for(session, [row.target_id for row in wanted])
    return [row for row in wanted
            if not ((e := found.get((row.target_id, row.period))) and e.state == ExplanationState.APPROVED)]


def explanation_for(session: Session, target_id: int, period: str) -> ExplanationView | None:
    return explanation_view(store.get_explanation(session, target_id, period))


def actions_of(session: Session, *, as_of: date, lang: str, indicator_codes: list[str] | None = None,
               target_ids: list[int] | None = None, open_only: bool = False,
               review_id: int | None = None) -> list[ActionView]:
    """Corrective actions of these indicators (or targets), open ones first and then by due date."""
    rows = []
    codes = None if indicator_codes is None else set(indicator_codes)
    for action, target, indicator in store.actions_for(session, target_ids=target_ids, open_only=open_only,
                                                         review_id=review_id):
        if codes is not None and indicator.code not in codes:
            continue
        rows.append(ActionView(
            id=action.id, version=action.version, target_id=target.id, indicator=indicator.code,
            indicator_name=indicator.name_in(lang), target_period=target.period,
            period=action.period, title=action.title, owner=action.owner, due_on=action.due_on, state=action.state,
            overdue=store.is_overdue(action, as_of), updated_by=action.updated_by))
    return rows


def open_actions_for_rows(session: Session, rows: list[ScorecardRow], *, as_of: date,
                          lang: str) -> list[ActionView]:
    """Open and in-progress actions on the indicators the scorecard shows, overdue ones first."""
    found = actions_of(session, as_of=as_of, lang=lang, indicator_codes=sorted({row.indicator for row in rows}),
                       open_only=True)
    return sorted(found, key=lambda a: (not a.overdue, a.due_on or date.max, a.id))


def earlier_decisions(session: Session, indicator_code: str, *, exclude_review: int | None = None,
                      limit: int = 5) -> list[DecisionView]:
    """The latest decisions on the indicator, newest meeting first: where its next review starts."""
    indicator = store.get_indicator(session, indicator_code)
    return [DecisionView(review_id=review.id, held_on=review.held_on, review_title=review.title, period=topic.period,
                         decision=topic.decision, recorded_by=topic.recorded_by)
            for topic, review, _target in store.decisions_on_indicator(session, indicator.id,
                                                                         exclude_review=exclude_review, limit=limit)]

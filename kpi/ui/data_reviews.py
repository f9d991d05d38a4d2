"""What a review holds, read for the pages: cached per process and keyed by the data version, as `kpi.ui.data`.

The review pages and meeting mode read reviews only through here (and `kpi.ui.data.reviews`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import streamlit as st

from ..features import followups
from .. import store
from ..errors import InputError
from ..features.followups import ActionView, DecisionView
from ..settings import get_settings
from . import data
from .context import session

@dataclass(frozen=True)
class ReviewDetail:
    id: int
    period: str
    held_on: date
    title: str
    attendees: tuple[str, ...]
    notes: str
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class TopicView:
    """A target discussed in a review and what was decided on it."""
    target_id: int
    indicator: str
    indicator_name: str
    org_unit_id: int | None
    target_period: str
    period: str
    decision: str
    recorded_by: str
    recorded_at: datetime


@st.cache_data(show_spinner=False, max_entries=200)
def _review(url: str, version: str, review_id: int) -> ReviewDetail | None:
    with session() as db:
        try:
            review = store.get_review(db, review_id)
        except InputError:
            return None
        return ReviewDetail(id=review.id, period=review.period, held_on=review.held_on, title=review.title,
                            attendees=tuple(name for name in review.attendees.splitlines() if name.strip()),
                            notes=review.notes, created_by=review.created_by, created_at=review.created_at)


def review_detail(review_id: int) -> ReviewDetail | None:
    return _review(get_settings().database_url, data.data_version(), review_id)


@st.cache_data(show_spinner=False, max_entries=200)
def _topics(url: str, version: str, review_id: int, lang: str) -> list[TopicView]:
    with session() as db:
        return [TopicView(target_id=target.id, indicator=indicator.code,
                          indicator_name=indicator.name_in(lang),
                          org_unit_id=target.org_unit_id, target_period=target.period, period=topic.period,
                          decision=topic.decision, recorded_by=topic.recorded_by, recorded_at=topic.recorded_at)
                for topic, target, indicator in store.review_topics(db, review_id)]


def review_topics(review_id: int, lang: str) -> list[TopicView]:
    """The targets discussed in the review with their decisions, in the order they were recorded."""
    return _topics(get_settings().database_url, data.data_version(), review_id, lang)


@st.cache_data(show_spinner=False, max_entries=200)
def _review_actions(url: str, version: str, review_id: int, lang: str, today: date) -> list[ActionView]:
    with session() as db:
        return followups.actions_of(db, as_of=today, lang=lang, review_id=review_id)


def review_actions(review_id: int, lang: str) -> list[ActionView]:
    """The corrective actions raised in the review (CorrectiveAction.review_id), open ones first."""
    return _review_actions(get_settings().database_url, data.data_version(), review_id, lang, date.today())


@st.cache_data(show_spinner=False, max_entries=500)
def _earlier(url: str, version: str, indicator: str, exclude_review: int | None) -> list[DecisionView]:
    with session() as db:
        return followups.earlier_decisions(db, indicator, exclude_review=exclude_review)


def earlier_decisions(indicator: str, exclude_review: int | None) -> list[DecisionView]:
    """The latest decisions on the indicator, newest meeting first, without those of `exclude_review`
    (the review being held): where this review of it starts."""
    if exclude_review is None:
        return data.earlier_decisions(indicator)
    return _earlier(get_settings().database_url, data.data_version(), indicator, exclude_review)

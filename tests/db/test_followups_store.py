"""Explanations, corrective actions and review sessions in the store, and what kpi.features.followups reads from
them: on SQLite and PostgreSQL. A refused write writes nothing; every write changes the data version."""
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from kpi import db, store
from kpi.features import followups
from kpi.admin.demo import load_demo
from kpi.domain.explanations import needs_explanation
from kpi.domain.periods import parse_period
from kpi.errors import InputError
from kpi.models import (ActionChange, CorrectiveAction, Explanation, ExplanationRevision, ReviewSession,
                        ReviewTopic)
from kpi.features.scorecard import build_scorecard

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 23)


@pytest.fixture
def engine(migrated_engine):
    """A fresh database with the demo, each test its own: these tests write."""
    with db.session_scope(migrated_engine) as session:
        load_demo(session)
    return migrated_engine


def target_id(engine, indicator: str = "nps", unit: str | None = "TTH", period: str = "2020") -> int:
    with db.session_scope(engine) as session:
        return store.find_target(session, indicator, unit, period).id


def count(engine, model) -> int:
    with db.session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def version(engine) -> str:
    with db.session_scope(engine) as session:
        return store.data_version(session)


def refused(engine, write, key: str) -> InputError:
    """The write raises InputError(key) and leaves the data version (so every table) as it was."""
    before = version(engine)
    with pytest.raises(InputError) as caught:
        with db.session_scope(engine) as session:
            write(session)
    assert caught.value.key == key
    assert version(engine) == before
    return caught.value


def written(engine, write):
    """The write's result (read inside its session), checking that the data version changed."""
    before = version(engine)
    with db.session_scope(engine) as session:
        result = write(session)
        values = {name: getattr(result, name) for name in ("id", "version", "state")
                  if hasattr(result, name)} if result is not None else None
    assert version(engine) != before
    return values


# --- explanations ---------------------------------------------------------------------------------------------

def test_an_explanation_is_saved_with_its_revisions_and_a_rewrite_of_an_approved_text_is_a_draft(engine):
    tid = target_id(engine, period="2020")
    first = written(engine, lambda s: store.save_explanation(
        s, target_id=tid, period="2020-Q1", body="Q1: **koronan** uudelleenjärjestely.", actor="hr",
        expected_version=None))
    assert first["state"] == "draft"
    approved = written(engine, lambda s: store.approve_explanation(
        s, explanation_id=first["id"], expected_version=first["version"], actor="johtoryhmä", note="§ 5"))
    assert approved["state"] == "approved" and approved["version"] == first["version"] + 1
    rewritten = written(engine, lambda s: store.save_explanation(
        s, target_id=tid, period="2020-Q1", body="Q1: uudelleenjärjestely ja etäpalvelut.", actor="hr",
        expected_version=approved["version"], note="täydennys"))
    assert rewritten["state"] == "draft"

    with db.session_scope(engine) as session:
        current = store.get_explanation(session, tid, "2020-Q1")
        assert (current.approved_by, current.approved_at) == ("", None)
        revisions = store.list_explanation_revisions(session, current.id)
        assert [(r.revision, r.state, r.changed_by, r.note) for r in revisions] == [
            (1, "draft", "hr", ""), (2, "approved", "johtoryhmä", "§ 5"), (3, "draft", "hr", "täydennys")]
        assert revisions[0].body == "Q1: **koronan** uudelleenjärjestely."


def test_a_save_from_a_stale_version_is_refused_and_nothing_is_written(engine):
    tid = target_id(engine)
    with db.session_scope(engine) as session:
        current = store.get_explanation(session, tid, "2020")  # the demo's approved explanation
        stale, body = current.version, current.body
    written(engine, lambda s: store.save_explanation(s, target_id=tid, period="2020", body=body + "\n\nLisäys.",
                                                     actor="toinen", expected_version=stale))
    revisions = count(engine, ExplanationRevision)
    error = refused(engine, lambda s: store.save_explanation(s, target_id=tid, period="2020", body="Minun tekstini",
                                                             actor="hr", expected_version=stale),
                    "stale_explanation")
    assert error.params["by"] == "toinen"
    assert count(engine, ExplanationRevision) == revisions
    # Someone saw no explanation, but there is one now: refused as well.
    refused(engine, lambda s: store.save_explanation(s, target_id=tid, period="2020", body="Uusi", actor="hr",
                                                     expected_version=None), "stale_explanation")
    refused(engine, lambda s: store.approve_explanation(s, explanation_id=current.id, expected_version=stale,
                                                        actor="johtoryhmä"), "stale_explanation")


def test_an_empty_explanation_or_an_unknown_target_is_refused(engine):
    tid = target_id(engine)
    before = count(engine, Explanation)
    refused(engine, lambda s: store.save_explanation(s, target_id=tid, period="2020-Q2", body="  \n ", actor="hr",
                                                     expected_version=None), "required")
    refused(engine, lambda s: store.save_explanation(s, target_id=999_999, period="2020", body="x", actor="hr",
                                                     expected_version=None), "unknown_target")
    refused(engine, lambda s: store.save_explanation(s, target_id=tid, period="kevät", body="x", actor="hr",
                                                     expected_version=None), "bad_period")
    assert count(engine, Explanation) == before


def test_saving_the_same_text_again_changes_nothing(engine):
    tid = target_id(engine)
    with db.session_scope(engine) as session:
        current = store.get_explanation(session, tid, "2020")
        current_version, body = current.version, current.body
    before = version(engine)
    with db.session_scope(engine) as session:
        same = store.save_explanation(session, target_id=tid, period="2020", body=body, actor="hr",
                                      expected_version=current_version)
        assert (same.state, same.version) == ("approved", current_version)
    assert version(engine) == before


# --- corrective actions ---------------------------------------------------------------------------------------

def test_an_action_is_created_and_moved_on_with_a_note_and_its_history_keeps_old_and_new_state(engine):
    tid = target_id(engine)
    created = written(engine, lambda s: store.create_action(
        s, target_id=tid, period="2020", title="Chat-viiveen viikkoseuranta", owner="Asiakaspalvelupäällikkö",
        due_on="31.3.2027", actor="hr", note="johtoryhmä 23.11."))
    assert created["state"] == "open"
    moved = written(engine, lambda s: store.update_action(
        s, action_id=created["id"], expected_version=created["version"], actor="pp", note="aloitettu",
        state="in_progress"))
    done = written(engine, lambda s: store.update_action(
        s, action_id=created["id"], expected_version=moved["version"], actor="pp", note="valmis",
        state="done", due_on="2027-02-28"))
    assert done["state"] == "done"
    with db.session_scope(engine) as session:
        action = session.get(CorrectiveAction, created["id"])
        assert (action.due_on, action.updated_by) == (date(2027, 2, 28), "pp")
        history = store.list_action_changes(session, created["id"])
        assert [(h.old_state, h.new_state, h.note, h.changed_by) for h in history] == [
            ("", "open", "johtoryhmä 23.11.", "hr"), ("open", "in_progress", "aloitettu", "pp"),
            ("in_progress", "done", "valmis", "pp")]
        assert '"due_on": "2027-03-31"' in history[2].old_values and '"due_on": "2027-02-28"' in history[2].new_values


def test_an_action_change_without_a_note_a_bad_state_or_from_a_stale_version_is_refused(engine):
    tid = target_id(engine)
    created = written(engine, lambda s: store.create_action(s, target_id=tid, period="2020", title="Seuranta",
                                                            actor="hr"))
    changes = count(engine, ActionChange)
    refused(engine, lambda s: store.update_action(s, action_id=created["id"], expected_version=created["version"],
                                                  actor="pp", note=" ", state="done"), "required")
    error = refused(engine, lambda s: store.update_action(s, action_id=created["id"],
                                                          expected_version=created["version"], actor="pp",
                                                          note="x", state="finished"), "not_one_of")
    assert "in_progress" in error.params["choices"]
    refused(engine, lambda s: store.update_action(s, action_id=created["id"], expected_version=created["version"],
                                                  actor="pp", note="x", created_by="me"), "not_changeable")
    written(engine, lambda s: store.update_action(s, action_id=created["id"], expected_version=created["version"],
                                                  actor="toinen", note="aloitettu", state="in_progress"))
    error = refused(engine, lambda s: store.update_action(s, action_id=created["id"],
                                                          expected_version=created["version"], actor="pp",
                                                          note="valmis", state="done"), "stale_action")
    assert error.params["by"] == "toinen"
    assert count(engine, ActionChange) == changes + 1
    with db.session_scope(engine) as session:
        assert session.get(CorrectiveAction, created["id"]).state == "in_progress"


def test_an_action_without_a_title_or_with_a_bad_date_or_state_is_refused(engine):
    tid = target_id(engine)
    before = count(engine, CorrectiveAction)
    refused(engine, lambda s: store.create_action(s, target_id=tid, period="2020", title=" ", actor="hr"), "required")
    refused(engine, lambda s: store.create_action(s, target_id=tid, period="2020", title="x", due_on="31.2.2027",
                                                  actor="hr"), "bad_date")
    refused(engine, lambda s: store.create_action(s, target_id=tid, period="2020", title="x", state="maybe",
                                                  actor="hr"), "not_one_of")
    refused(engine, lambda s: store.create_action(s, target_id=tid, period="2020", title="x", review_id=999_999,
                                                  actor="hr"), "unknown_review")
    assert count(engine, CorrectiveAction) == before


def test_an_open_or_in_progress_action_past_its_due_date_is_overdue(engine):
    action = CorrectiveAction(target_id=1, period="2020", title="x", due_on=date(2021, 9, 30), state="open")
    assert store.is_overdue(action, date(2021, 10, 1))
    assert not store.is_overdue(action, date(2021, 9, 30))  # due today: not yet
    action.state = "in_progress"
    assert store.is_overdue(action, date(2021, 10, 1))
    for closed in ("done", "dropped"):
        action.state = closed
        assert not store.is_overdue(action, date(2030, 1, 1))
    action.state, action.due_on = "open", None
    assert not store.is_overdue(action, date(2030, 1, 1))


# --- review sessions ------------------------------------------------------------------------------------------

def test_a_review_is_created_with_attendees_one_per_line(engine):
    created = written(engine, lambda s: store.create_review(
        s, period="Q3/2026", held_on="14.10.2026", title="  Johtoryhmä  ", actor="hr",
        attendees="Virastopäällikkö, HR-johtaja\n\n Talousjohtaja ", notes="Esityslista"))
    with db.session_scope(engine) as session:
        review = store.get_review(session, created["id"])
        assert (review.period, review.held_on, review.title, review.attendees, review.created_by) == (
            "2026-Q3", date(2026, 10, 14), "Johtoryhmä", "Virastopäällikkö\nHR-johtaja\nTalousjohtaja", "hr")
        assert [r.period for r in store.list_reviews(session)] == ["2026-Q3", "2020"]  # newest meeting first
        assert [r.period for r in store.list_reviews(session, "2020")] == ["2020"]


@pytest.mark.parametrize("held_on,key", [("31.2.2026", "bad_date"), ("huomenna", "bad_date"), ("", "required")])
def test_a_review_with_a_bad_date_is_refused(engine, held_on, key):
    refused(engine, lambda s: store.create_review(s, period="2026", held_on=held_on, actor="hr"), key)
    assert count(engine, ReviewSession) == 1


def test_a_review_with_a_bad_period_is_refused(engine):
    refused(engine, lambda s: store.create_review(s, period="kevät 2026", held_on="2026-11-23", actor="hr"),
            "bad_period")
    assert count(engine, ReviewSession) == 1


def test_decisions_are_recorded_and_the_latest_meeting_comes_first_without_the_one_being_held(engine):
    nps_2020, nps_2026 = target_id(engine, period="2020"), target_id(engine, period="2026")
    held = written(engine, lambda s: store.create_review(s, period="2026-Q3", held_on="2026-10-14", actor="hr"))
    later = written(engine, lambda s: store.create_review(s, period="2026", held_on="2026-11-23", actor="hr"))
    written(engine, lambda s: store.record_decision(s, review_id=held["id"], target_id=nps_2026, period="2026-Q3",
                                                    decision="Chat-viive seurantaan.", actor="hr"))
    written(engine, lambda s: store.record_decision(s, review_id=later["id"], target_id=nps_2026, period="2026",
                                                    decision="Ensimmäinen.", actor="hr"))
    written(engine, lambda s: store.record_decision(s, review_id=later["id"], target_id=nps_2020, period="2020",
                                                    decision="Toinen.", actor="hr"))
    with db.session_scope(engine) as session:
        nps = store.get_indicator(session, "nps").id
        found = [(review.held_on, topic.decision) for topic, review, _ in store.decisions_on_indicator(session, nps)]
        assert found[:2] == [(date(2026, 11, 23), "Toinen."), (date(2026, 11, 23), "Ensimmäinen.")]
        assert [decision for _, decision in found[2:]][0] == "Chat-viive seurantaan."
        assert found[-1][0] == date(2021, 2, 23)  # the demo's review
        without = [topic.decision for topic, _, _ in store.decisions_on_indicator(session, nps,
                                                                                  exclude_review=later["id"])]
        assert without[0] == "Chat-viive seurantaan." and "Toinen." not in without
        assert [(t.decision, i.code) for t, _, i in store.review_topics(session, later["id"])] == [
            ("Ensimmäinen.", "nps"), ("Toinen.", "nps")]
        views = followups.earlier_decisions(session, "nps", exclude_review=later["id"])
        assert [(v.held_on, v.period) for v in views] == [(date(2026, 10, 14), "2026-Q3"), (date(2021, 2, 23), "2020")]
        other = store.get_indicator(session, "job_satisfaction").id
        assert store.decisions_on_indicator(session, other) == []


def test_a_decision_needs_text_a_known_review_and_target(engine):
    tid = target_id(engine)
    with db.session_scope(engine) as session:
        review_id = store.list_reviews(session)[0].id
    before = count(engine, ReviewTopic)
    refused(engine, lambda s: store.record_decision(s, review_id=review_id, target_id=tid, period="2020",
                                                    decision="  ", actor="hr"), "required")
    refused(engine, lambda s: store.record_decision(s, review_id=999_999, target_id=tid, period="2020",
                                                    decision="x", actor="hr"), "unknown_review")
    refused(engine, lambda s: store.record_decision(s, review_id=review_id, target_id=999_999, period="2020",
                                                    decision="x", actor="hr"), "unknown_target")
    assert count(engine, ReviewTopic) == before


# --- what kpi.features.followups reads ---------------------------------------------------------------------------------

def test_the_approved_nps_2020_explanation_is_not_missing_but_an_unexplained_quarter_is(engine):
    with db.session_scope(engine) as session:
        year = build_scorecard(session, parse_period("2020"), as_of=TODAY)
        assert [r.indicator for r in year if needs_explanation(r.binding, r.status)] == ["nps"]
        assert followups.missing_explanations(session, year) == []
        quarter = build_scorecard(session, parse_period("2020-Q1"), as_of=TODAY)
        assert [(r.indicator, r.period) for r in followups.missing_explanations(session, quarter)] == [
            ("nps", "2020-Q1")]
        view = followups.explanation_for(session, next(r.target_id for r in year if r.indicator == "nps"), "2020")
        assert view.approved and view.approved_by == "Työterveysliikelaitoksen johtokunta"
    # A draft is not enough: the quarter stays missing until the steering group approves it.
    tid = target_id(engine)
    draft = written(engine, lambda s: store.save_explanation(s, target_id=tid, period="2020-Q1", body="Korona.",
                                                             actor="hr", expected_version=None))
    with db.session_scope(engine) as session:
        assert len(followups.missing_explanations(session, build_scorecard(session, parse_period("2020-Q1"),
                                                                           as_of=TODAY))) == 1
    written(engine, lambda s: store.approve_explanation(s, explanation_id=draft["id"],
                                                        expected_version=draft["version"], actor="johtoryhmä"))
    with db.session_scope(engine) as session:
        assert followups.missing_explanations(session, build_scorecard(session, parse_period("2020-Q1"),
                                                                       as_of=TODAY)) == []


def test_the_open_nps_actions_of_2020_come_back_in_2026_overdue_first(engine):
    with db.session_scope(engine) as session:
        rows = build_scorecard(session, parse_period("2026"), as_of=TODAY)
        found = followups.open_actions_for_rows(session, rows, as_of=TODAY, lang="fi")
    assert [(a.indicator, a.period, a.state, a.due_on) for a in found] == [
        ("nps", "2020", "in_progress", date(2021, 6, 30)), ("nps", "2020", "open", date(2021, 9, 30)),
        ("nps", "2020", "in_progress", date(2021, 12, 31))]
    assert all(a.overdue for a in found)
    assert found[1].title.startswith("Asiakaspalautteen kerääminen")
    # Before they fell due, none was overdue; the one done is never among them.
    with db.session_scope(engine) as session:
        early = followups.open_actions_for_rows(session, rows, as_of=date(2021, 7, 1), lang="en")
    assert [a.overdue for a in early] == [True, False, False]
    assert early[0].indicator_name == "Customer Net Promoter Score (NPS)"


def test_an_action_not_overdue_comes_after_the_overdue_ones(engine):
    tid = target_id(engine, period="2026")
    written(engine, lambda s: store.create_action(s, target_id=tid, period="2026", title="Uusi", due_on="2027-01-31",
                                                  actor="hr"))
    with db.session_scope(engine) as session:
        rows = build_scorecard(session, parse_period("2026"), as_of=TODAY)
        found = followups.open_actions_for_rows(session, rows, as_of=TODAY, lang="fi")
    assert [a.title for a in found][-1] == "Uusi" and not found[-1].overdue and len(found) == 4


# --- demo load --replace clears the new tables -----------------------------------------------------------------

def kpi(url: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, KPI_DATABASE_URL=url, KPI_DEFAULT_LANGUAGE="en")
    return subprocess.run([sys.executable, "-m", "kpi", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=180)


def test_demo_load_and_then_replace_leaves_exactly_the_demo_follow_ups(migrated_engine):
    url = migrated_engine.url.render_as_string(hide_password=False)
    assert kpi(url, "demo", "load").returncode == 0
    demo = {model: count(migrated_engine, model) for model in (Explanation, ExplanationRevision, CorrectiveAction,
                                                               ActionChange, ReviewSession, ReviewTopic)}
    assert (demo[Explanation], demo[CorrectiveAction], demo[ReviewSession], demo[ReviewTopic]) == (1, 6, 1, 1)
    tid = target_id(migrated_engine)
    with db.session_scope(migrated_engine) as session:
        review = store.create_review(session, period="2026", held_on="2026-11-23", actor="hr")
        store.record_decision(session, review_id=review.id, target_id=tid, period="2020", decision="x", actor="hr")
        store.create_action(session, target_id=tid, period="2020", title="y", actor="hr", review_id=review.id)
        store.save_explanation(session, target_id=tid, period="2020-Q1", body="z", actor="hr", expected_version=None)

    refused_load = kpi(url, "demo", "load")
    assert refused_load.returncode == 2 and "--replace" in refused_load.stderr
    replaced = kpi(url, "demo", "load", "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert {model: count(migrated_engine, model) for model in demo} == demo

"""Meeting mode's follow-ups: for the target shown, its explanation's state, the open corrective actions of
its indicator (overdue first) and the decisions of earlier reviews; the review being held, chosen or
started; a decision or a new corrective action recorded without leaving the screen. On the demo data."""
from datetime import date

from sqlmodel import select

from kpi import store
from tests.app.helpers import other_session
from kpi.models import CorrectiveAction, ReviewTopic




def open_meeting(app, lang: str = "fi", **params):
    app.run()
    if lang != "fi":
        app.session_state["lang"] = lang
    app.switch_page("pages/meeting.py")
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def popover(app, name: str):
    """The popover with the key meeting_<name>."""
    return next(node for node in _walk(app.main) if getattr(node, "type", None) == "popover"
                and node.proto.id.endswith(f"-meeting_{name}"))


def label(app, name: str) -> str:
    return popover(app, name).proto.popover.label


def texts(block) -> str:
    """Every markdown, caption and alert text inside a block, one per line."""
    return "\n".join(str(node.value) for node in _walk(block)
                     if getattr(node, "type", None) in ("markdown", "caption", "alert", "error", "success",
                                                        "warning", "info")
                     or type(node).__name__ in ("Markdown", "Caption", "Error", "Success", "Warning", "Info"))


def heading(app) -> str:
    return app.header[0].value


def counter(app) -> str:
    return next(m.value for m in app.markdown if "text-align:center" in m.value)


def demo_review_id() -> int:
    with other_session() as session:
        return store.list_reviews(session, "2020")[0].id


def start_review(app, held_on: str = "", attendees: str = "Puheenjohtaja\nHR-johtaja"):
    if held_on:
        app.text_input(key="meeting_review_start_held_on").set_value(held_on)
    app.text_area(key="meeting_review_start_attendees").set_value(attendees)
    app.button(key="meeting_review_start_submit").click().run()
    assert not app.exception
    return app


def record_decision(app, text: str):
    app.text_area(key="meeting_decision_text").set_value(text)
    app.button(key="meeting_decision_submit").click().run()
    assert not app.exception
    return app


def topics() -> list[ReviewTopic]:
    with other_session() as session:
        return list(session.exec(select(ReviewTopic).order_by(ReviewTopic.id)))


def actions() -> list[CorrectiveAction]:
    with other_session() as session:
        return list(session.exec(select(CorrectiveAction).order_by(CorrectiveAction.id)))


# --- what the target carries into the meeting -----------------------------------------------------------------

def test_the_2020_nps_screen_shows_the_approved_explanation_the_open_actions_and_the_earlier_decision(app):
    open_meeting(app, period="2020")
    assert heading(app) == "Asiakkaiden nettosuositteluindeksi (NPS)"
    assert label(app, "explanation") == "✅ Selvitys hyväksytty"
    assert popover(app, "explanation").proto.popover.type == "secondary"
    assert "Koko vuoden 2020 NPS-tulos oli **67**" in texts(popover(app, "explanation"))

    # Three of the six demo actions are still open (two in progress): every one is past its 2021 due date.
    assert label(app, "actions") == "📌 Toimenpiteitä auki: 3 · ⏰ 3 myöhässä"
    shown = texts(popover(app, "actions"))
    assert "Asiakaspalautteen kerääminen myös koronatestauksesta" in shown
    assert "⏰ **Myöhässä** · 📌 Avoin" in shown and "⏰ **Myöhässä** · 🔄 Käynnissä" in shown
    assert "Asiakasviestinnän täsmentäminen" not in shown  # done: it does not come back

    assert label(app, "earlier") == "🗳️ Aiemmat päätökset: 1"
    earlier = texts(popover(app, "earlier"))
    assert "**23.2.2021**" in earlier and "Johtokunta merkitsi tiedoksi" in earlier
    assert label(app, "session") == "🗓️ Ei katselmusta"


def test_the_actions_overdue_come_first(app):
    open_meeting(app, period="2020")
    lines = [line for line in texts(popover(app, "actions")).splitlines() if line.startswith("- ")]
    due = [line.split("määräaika ")[1].split(" ·")[0] for line in lines]
    assert due == ["30.6.2021", "30.9.2021", "31.12.2021"]  # all overdue today: then by due date


def test_a_binding_miss_without_an_approved_explanation_is_marked_missing(app):
    open_meeting(app, period="2020-Q1")  # the quarter's NPS 61 is not explained (the year's is)
    assert heading(app) == "Asiakkaiden nettosuositteluindeksi (NPS)"
    assert label(app, "explanation") == "❗ Selvitys puuttuu"
    assert popover(app, "explanation").proto.popover.type == "primary"
    assert "valtuustolle annetaan" in texts(popover(app, "explanation"))


def test_a_target_that_needs_no_explanation_says_there_is_none(app):
    open_meeting(app, period="2020")
    app.button(key="meeting_next").click().run()
    assert heading(app) == "Työtyytyväisyys (VMBaro, 1–5)"
    assert label(app, "explanation") == "➖ Ei selvitystä"
    assert label(app, "actions") == "📌 Ei avoimia toimenpiteitä"
    assert label(app, "earlier") == "🗳️ Aiemmat päätökset: 0"


def test_2026_brings_back_the_open_actions_of_2020_and_its_decision(app):
    open_meeting(app, period="2026")
    assert heading(app) == "Asiakkaiden nettosuositteluindeksi (NPS)"
    assert label(app, "actions") == "📌 Toimenpiteitä auki: 3 · ⏰ 3 myöhässä"
    assert "jaksolta 2020" in texts(popover(app, "actions"))
    assert label(app, "earlier") == "🗳️ Aiemmat päätökset: 1"
    assert "Johtokunta merkitsi tiedoksi" in texts(popover(app, "earlier"))


# --- the review being held ------------------------------------------------------------------------------------

def test_a_decision_needs_a_review_session_first(app):
    open_meeting(app, period="2020")
    assert "Valitse tai aloita ensin katselmus" in texts(popover(app, "record"))
    assert app.button(key="meeting_decision_submit").disabled


def test_choosing_the_demo_review_leaves_its_own_decision_out_of_the_earlier_ones(app):
    open_meeting(app, period="2020")
    app.selectbox(key="meeting_review_pick").set_value(demo_review_id()).run()
    assert label(app, "session") == "🗓️ Katselmus 23.2.2021"
    assert label(app, "earlier") == "🗳️ Aiemmat päätökset: 0"
    assert label(app, "record") == "✍️ Kirjaa · 1 päätetty"
    assert "Johtokunta merkitsi tiedoksi" in texts(popover(app, "record"))
    assert app.query_params["review"] == str(demo_review_id())


def test_a_reviews_link_opens_its_period_with_the_review_chosen(app):
    app.run()  # the first run creates the database
    open_meeting(app, period="2020", review=str(demo_review_id()))
    assert label(app, "session") == "🗓️ Katselmus 23.2.2021"


def test_starting_a_review_with_a_bad_date_is_refused_and_nothing_is_written(app):
    open_meeting(app, period="2020")
    start_review(app, held_on="31.2.2026")
    assert any("ei ole päivämäärä" in e.value for e in app.error)
    with other_session() as session:
        assert len(store.list_reviews(session)) == 1
    assert label(app, "session") == "🗓️ Ei katselmusta"


def test_a_decision_recorded_in_a_new_review_is_written_and_the_target_stays_on_screen(app):
    open_meeting(app, period="2020")
    app.button(key="meeting_next").click().run()
    assert heading(app) == "Työtyytyväisyys (VMBaro, 1–5)" and ">2 / 5<" in counter(app)
    start_review(app)  # the date defaults to today
    with other_session() as session:
        held = store.list_reviews(session, "2020")[0]
        assert (held.held_on, held.attendees) == (date.today(), "Puheenjohtaja\nHR-johtaja")
    assert label(app, "session") == f"🗓️ Katselmus {date.today().day}.{date.today().month}.{date.today().year}"

    record_decision(app, "VMBaro-kysely uusitaan **keväällä**; <script>alert(1)</script>")
    topic = topics()[-1]
    assert (topic.review_id, topic.period) == (held.id, "2020")
    assert topic.decision.startswith("VMBaro-kysely uusitaan")
    with other_session() as session:
        assert store.get_target(session, topic.target_id)[1].code == "job_satisfaction"
    # The same target, the same place; the decision shows where it was typed, its form is empty again.
    assert heading(app) == "Työtyytyväisyys (VMBaro, 1–5)" and ">2 / 5<" in counter(app)
    assert label(app, "record") == "✍️ Kirjaa · 1 päätetty"
    recorded = texts(popover(app, "record"))
    assert "Päätös kirjattu." in recorded and "VMBaro-kysely uusitaan **keväällä**" in recorded
    assert app.text_area(key="meeting_decision_text").value == ""
    typed_html = [m for m in app.markdown if "<script>alert(1)</script>" in m.value]
    assert typed_html and not any(m.allow_html for m in typed_html)  # shown as the characters typed


def test_an_empty_decision_is_refused_and_nothing_is_written(app):
    open_meeting(app, period="2020")
    app.selectbox(key="meeting_review_pick").set_value(demo_review_id()).run()
    before = len(topics())
    record_decision(app, "   ")
    assert any("pakollinen" in e.value for e in app.error)
    assert len(topics()) == before


def test_a_new_action_recorded_in_the_review_is_written_and_shows_among_the_open_ones(app):
    open_meeting(app, period="2020")
    app.selectbox(key="meeting_review_pick").set_value(demo_review_id()).run()
    app.button(key="meeting_next").click().run()
    app.button(key="meeting_next").click().run()
    shown = heading(app)
    assert ">3 / 5<" in counter(app) and label(app, "actions") == "📌 Ei avoimia toimenpiteitä"

    app.text_input(key="meeting_action_title").set_value("Kustannusten kuukausiseuranta johtoryhmään")
    app.text_input(key="meeting_action_owner").set_value("Talouspäällikkö")
    app.date_input(key="meeting_action_due").set_value(date(2027, 3, 31))
    app.button(key="meeting_action_submit").click().run()
    assert not app.exception

    action = actions()[-1]
    assert (action.title, action.owner, action.due_on, action.state, action.review_id, action.period) == (
        "Kustannusten kuukausiseuranta johtoryhmään", "Talouspäällikkö", date(2027, 3, 31), "open",
        demo_review_id(), "2020")
    assert heading(app) == shown and ">3 / 5<" in counter(app)
    assert label(app, "actions") == "📌 Toimenpiteitä auki: 1"
    assert "Kustannusten kuukausiseuranta johtoryhmään" in texts(popover(app, "actions"))


def test_an_action_without_a_title_is_refused_and_nothing_is_written(app):
    open_meeting(app, period="2020")
    before = len(actions())
    app.button(key="meeting_action_submit").click().run()
    assert app.error and len(actions()) == before


def test_next_and_previous_still_walk_the_agenda_after_a_save(app):
    open_meeting(app, period="2020")
    app.selectbox(key="meeting_review_pick").set_value(demo_review_id()).run()
    record_decision(app, "Seurataan neljännesvuosittain.")
    assert ">1 / 5<" in counter(app)
    app.button(key="meeting_next").click().run()
    assert ">2 / 5<" in counter(app)
    app.button(key="meeting_previous").click().run()
    assert ">1 / 5<" in counter(app) and label(app, "record") == "✍️ Kirjaa · 2 päätetty"


# --- in English -----------------------------------------------------------------------------------------------

def test_meeting_follow_ups_read_in_english(app):
    open_meeting(app, lang="en", period="2020")
    assert heading(app) == "Customer Net Promoter Score (NPS)"
    assert label(app, "explanation") == "✅ Explanation approved"
    assert label(app, "actions") == "📌 Open actions: 3 · ⏰ 3 overdue"
    assert "⏰ **Overdue** · 📌 Open" in texts(popover(app, "actions"))
    assert label(app, "earlier") == "🗳️ Earlier decisions: 1"
    assert "**23 Feb 2021**" in texts(popover(app, "earlier"))
    assert label(app, "session") == "🗓️ No review chosen"

    start_review(app, held_on="2026-11-20")
    assert label(app, "session") == "🗓️ Review 20 Nov 2026"
    record_decision(app, "Follow the chat delay monthly.")
    assert topics()[-1].decision == "Follow the chat delay monthly."
    assert heading(app) == "Customer Net Promoter Score (NPS)"
    assert "Decision recorded." in texts(popover(app, "record"))


def test_a_missing_explanation_reads_in_english(app):
    open_meeting(app, lang="en", period="2020-Q1")
    assert label(app, "explanation") == "❗ Explanation missing"


def test_a_review_of_the_period_held_today_is_the_one_chosen_unless_none_is_picked(app):
    app.run()
    with other_session() as session:
        today = store.create_review(session, period="2020", held_on=date.today(), actor="hr",
                                    title="Johtoryhmä").id
    open_meeting(app, period="2020")
    assert app.selectbox(key="meeting_review_pick").value == today
    app.selectbox(key="meeting_review_pick").set_value(0).run()
    assert label(app, "session") == "🗓️ Ei katselmusta"
    app.button(key="meeting_next").click().run()
    assert label(app, "session") == "🗓️ Ei katselmusta"

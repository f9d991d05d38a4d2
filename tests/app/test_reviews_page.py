"""The reviews page: the review sessions newest first, recording one (a bad date or period refused with a
message, nothing written), and for the opened review its attendees, the targets discussed with their
decisions, the corrective actions raised in it and the link to meeting mode. On the demo data."""
from datetime import date

from kpi import store
from tests.app.helpers import other_session




def open_page(app, lang: str = "fi"):
    app.run()
    if lang != "fi":
        app.session_state["lang"] = lang
    app.switch_page("pages/reviews.py")
    app.run()
    assert not app.exception
    return app


def listed(app) -> list[dict]:
    return app.dataframe[0].value.to_dict("records")


def fill(app, **values):
    for name, value in values.items():
        key = f"reviews_new_{name}"
        widget = next(w for kind in ("text_input", "text_area") for w in getattr(app, kind) if w.key == key)
        widget.set_value(value)


def submit(app):
    app.button(key="reviews_new_submit").click().run()
    assert not app.exception
    return app


def reviews():
    with other_session() as session:
        return store.list_reviews(session)


def demo_review_id() -> int:
    return reviews()[0].id


def action_rows(app) -> list[dict]:
    """The actions listed under the opened review (kpi.ui.shortfall_widgets.show_actions: a table)."""
    shown = [*app.table, *app.dataframe[1:]]
    return shown[-1].value.to_dict("records") if shown else []


def page_text(app) -> str:
    return "\n".join([m.value for m in app.markdown] + [c.value for c in app.caption])


def test_the_demo_review_is_listed_with_its_date_period_and_title_and_opens_first(app):
    open_page(app)
    assert app.title[0].value == "Katselmukset"
    assert app.selectbox(key="reviews_open").value == demo_review_id()
    assert listed(app) == [{"Päivä": "23.2.2021", "Jakso": "2020",
                            "Otsikko": "Työterveysliikelaitoksen johtokunta: vuoden 2020 sitovat tavoitteet"}]


def test_the_opened_review_shows_attendees_decisions_actions_and_the_meeting_link(app):
    open_page(app)
    review_id = demo_review_id()
    app.selectbox(key="reviews_open").set_value(review_id).run()
    assert app.subheader[0].value == "Työterveysliikelaitoksen johtokunta: vuoden 2020 sitovat tavoitteet"
    assert "Katsottu jakso 2020 · kokous 23.2.2021 · kirjannut demo" in page_text(app)
    text = page_text(app)
    assert "- Johtokunnan puheenjohtaja\n- Johtokunnan jäsenet\n- Toimitusjohtaja (esittelijä)" in text
    assert "**Asiakkaiden nettosuositteluindeksi (NPS) · Työterveys Helsinki (liikelaitos) · 2020**" in text
    assert "Johtokunta merkitsi tiedoksi sitovan toiminnallisen tavoitteen" in text
    assert "Tässä katselmuksessa ei ole sovittu korjaavia toimenpiteitä." in text
    link = next(link for link in app.get("page_link") if link.value == "Avaa kokoustila jaksolle 2020")
    assert link.proto.query_string == f"period=2020&review={review_id}"

    # An action raised in the review (meeting mode stores it so) is listed with it; others are not.
    with other_session() as session:
        target = store.find_target(session, "nps", "TTH", "2020")
        store.create_action(session, target_id=target.id, period="2020", title="Chat-viiveen viikkoseuranta",
                            owner="Asiakaspalvelupäällikkö", due_on="31.3.2027", actor="hr", review_id=review_id)
    app.run()
    actions = action_rows(app)
    assert [a["Toimenpide"] for a in actions] == ["Chat-viiveen viikkoseuranta"]
    assert actions[0]["Mittari"] == "Asiakkaiden nettosuositteluindeksi (NPS)"


def test_creating_a_review_saves_it_and_opens_it(app):
    open_page(app)
    today = date.today()
    assert app.text_input(key="reviews_new_held_on").value == f"{today.day}.{today.month}.{today.year}"
    fill(app, period="2026-Q3", held_on="14.10.2026", title="Johtoryhmä, Q3-katsaus",
         attendees="Virastopäällikkö\nHR-johtaja, Talousjohtaja", notes="Esityslista liitteenä.")
    submit(app)
    assert [e.value for e in app.error] == []
    assert "Katselmus 14.10.2026 tallennettu." in [s.value for s in app.success]
    saved = reviews()
    assert len(saved) == 2
    new = next(r for r in saved if r.period == "2026-Q3")
    assert (new.held_on, new.title, new.attendees, new.notes) == (
        date(2026, 10, 14), "Johtoryhmä, Q3-katsaus", "Virastopäällikkö\nHR-johtaja\nTalousjohtaja",
        "Esityslista liitteenä.")
    # Newest first; the new one is opened; the form is empty again.
    assert [row["Päivä"] for row in listed(app)] == ["14.10.2026", "23.2.2021"]
    assert app.selectbox(key="reviews_open").value == new.id
    assert app.subheader[0].value == "Johtoryhmä, Q3-katsaus"
    assert "- Virastopäällikkö\n- HR-johtaja\n- Talousjohtaja" in page_text(app)
    assert app.text_input(key="reviews_new_title").value == ""


def test_a_bad_date_is_refused_with_a_message_and_nothing_is_written(app):
    open_page(app)
    fill(app, period="2026", held_on="31.2.2026", title="Ei tallennu")
    submit(app)
    assert any("Kokouspäivä" in e.value and "ei ole päivämäärä" in e.value for e in app.error)
    assert len(reviews()) == 1
    assert app.text_input(key="reviews_new_title").value == "Ei tallennu"  # what was typed stays


def test_a_bad_period_is_refused_with_a_message_and_nothing_is_written(app):
    open_page(app)
    fill(app, period="kevät", held_on="2026-11-23")
    submit(app)
    assert any("ei ole tunnistettava jakso" in e.value for e in app.error)
    assert len(reviews()) == 1


def test_the_reviews_page_reads_in_english(app):
    open_page(app, lang="en")
    assert app.title[0].value == "Reviews"
    assert listed(app)[0]["Date"] == "23 Feb 2021"
    assert app.text_input(key="reviews_new_held_on").value == date.today().isoformat()
    fill(app, period="2026", held_on="30.2.2026")
    submit(app)
    assert any("Meeting date" in e.value and "is not a date" in e.value for e in app.error)
    fill(app, held_on="2026-11-20", title="Steering group")
    submit(app)
    assert "Review of 20 Nov 2026 saved." in [s.value for s in app.success]
    assert app.subheader[0].value == "Steering group"
    assert "No decisions have been recorded in this review yet." in page_text(app)
    assert any(link.value == "Open meeting mode on 2026" for link in app.get("page_link"))

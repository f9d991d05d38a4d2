"""The drill-down's shortfall section as HR and the steering group use it: the explanation beside the
automatic analysis, writing and approving it, a second writer's save refused without losing anyone's text,
and the indicator's corrective actions added and moved on. On SQLite and PostgreSQL."""
from datetime import date

import pytest

from kpi import store
from tests.app.helpers import other_session

EDITOR, NEW, UPDATE = "drill_explanation", "drill_new_action", "drill_update_action"


@pytest.fixture
def app(app_on_each_backend):
    return app_on_each_backend




def nps_target(period: str = "2020") -> int:
    with other_session() as session:
        return next(target.id for target, indicator, _ in store.list_targets(session)
                    if indicator.code == "nps" and target.period == period)


def stored_explanation(period: str):
    """(body, state, version) of NPS's explanation for the period, or None."""
    with other_session() as session:
        found = store.get_explanation(session, nps_target(), period)
        return None if found is None else (found.body, found.state, found.version)


def open_drilldown(app, lang="fi", **params):
    app.run()
    if lang != "fi":
        app.session_state["lang"] = lang
    app.switch_page("pages/drilldown.py")
    for key, value in ({"indicator": "nps", "period": "2020", "unit": "TTH"} | params).items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def submit(app, button: str):
    app.button(key=button).click().run()
    assert not app.exception
    return app


def write(app, text: str, note: str = ""):
    app.text_area(key=f"{EDITOR}_body").set_value(text)
    app.text_input(key=f"{EDITOR}_note").set_value(note)
    return submit(app, f"{EDITOR}_save")


def markdown(app) -> list[str]:
    return [m.value for m in app.markdown]


def action_rows(app) -> list[dict]:
    """Every action table on the page (open ones, then done or dropped), as records."""
    return [record for table in app.table if {"Toimenpide", "Action"} & set(table.value.columns)
            for record in table.value.to_dict("records")]


def test_nps_2020_shows_its_approved_explanation_beside_the_analysis(app):
    open_drilldown(app)
    assert any(text.startswith("Koko vuoden 2020 NPS-tulos oli **67**") for text in markdown(app))
    state = next(text for text in markdown(app) if "Ohjausryhmän hyväksymä" in text)
    assert state.startswith("**✅ Ohjausryhmän hyväksymä (Työterveysliikelaitoksen johtokunta, ")
    assert "kirjoittanut Työterveys Helsinki / toimitusjohtaja" in state
    analysis = next(text for text in markdown(app) if text.startswith("- Vuoden 2020 tulos 67"))
    assert "2020-Q1" in analysis  # the quarter that pulled the year down
    assert not app.warning        # explained: no "missing" warning


def test_nps_2020_lists_its_actions_open_first_with_the_overdue_ones_marked(app):
    open_drilldown(app)
    rows = action_rows(app)
    assert len(rows) == 6
    assert [row["Tila"] for row in rows[:3]] == ["🔄 Käynnissä", "📌 Avoin", "🔄 Käynnissä"]
    assert rows[1]["Määräpäivä"] == "⏰ 30.9.2021 · myöhässä"
    assert all(row["Tila"] == "✔️ Tehty" for row in rows[3:])
    assert rows[3]["Määräpäivä"] == "31.3.2021"  # done: never overdue


def test_the_section_reads_in_english(app):
    open_drilldown(app, lang="en")
    assert [s.value for s in app.subheader][:3] == ["Explanation", "Automatic analysis", "Corrective actions"]
    assert any("Approved by the steering group" in text for text in markdown(app))
    assert action_rows(app)[1]["Due"] == "⏰ 30 Sep 2021 · overdue"


def test_an_unexplained_binding_miss_warns_and_offers_the_analysis_as_starting_text(app):
    open_drilldown(app, period="2020-Q1")
    assert app.warning[0].value.startswith("Selvitys puuttuu")
    assert app.text_area(key=f"{EDITOR}_body").value.startswith("- Neljänneksen 2020-Q1 tulos 61")


def test_a_written_explanation_is_saved_as_a_draft_and_shown(app):
    open_drilldown(app, period="2020-Q1")
    write(app, "Q1:n tulos 61 johtui **koronan** alusta.", note="ensimmäinen versio")
    assert app.success[0].value == "Selvitys tallennettu (luonnos)."
    assert stored_explanation("2020-Q1") == ("Q1:n tulos 61 johtui **koronan** alusta.", "draft", 1)
    app.run()  # and still there on the next run
    assert "Q1:n tulos 61 johtui **koronan** alusta." in markdown(app)
    assert any(text.startswith("**📝 Luonnos, ei vielä hyväksytty**") for text in markdown(app))
    assert not app.warning
    revisions = next(table.value for table in app.table if "Nro" in table.value.columns)
    assert revisions.to_dict("records")[0]["Huomautus"] == "ensimmäinen versio"


@pytest.mark.parametrize("typed", ["", "   \n  "])
def test_an_empty_explanation_is_refused_and_nothing_is_written(app, typed):
    open_drilldown(app, period="2020-Q1")
    write(app, typed)
    assert app.error[0].value == "Selvitys (tyhjä): pakollinen tieto puuttuu"
    assert stored_explanation("2020-Q1") is None
    assert app.warning[0].value.startswith("Selvitys puuttuu")


def test_approving_a_draft_makes_it_approved(app):
    open_drilldown(app, period="2020-Q1")
    write(app, "Koronan alku.")
    app.text_input(key=f"{EDITOR}_approve_note").set_value("kokous 12.3.2021")
    submit(app, f"{EDITOR}_approve")
    assert app.success[0].value == "Selvitys hyväksytty."
    assert stored_explanation("2020-Q1")[1] == "approved"
    assert any(text.startswith("**✅ Ohjausryhmän hyväksymä (local:") for text in markdown(app))
    assert not [b for b in app.button if b.key == f"{EDITOR}_approve"]  # nothing left to approve


def test_rewriting_the_approved_explanation_makes_it_a_draft_again(app):
    open_drilldown(app)
    body = app.text_area(key=f"{EDITOR}_body").value
    assert body.startswith("Koko vuoden 2020 NPS-tulos")  # the form starts from the current text
    write(app, body + "\n\nLisäys.", note="lisäys")
    assert stored_explanation("2020")[1:] == ("draft", 3)
    assert any(text.startswith("**📝 Luonnos") for text in markdown(app))
    assert any(b.key == f"{EDITOR}_approve" for b in app.button)  # to be approved again


def test_a_second_writers_save_is_refused_with_their_text_shown_and_mine_kept(app):
    open_drilldown(app, period="2020-Q1")  # the form is loaded with no explanation there
    with other_session() as session:     # meanwhile someone else writes one
        store.save_explanation(session, target_id=nps_target(), period="2020-Q1", body="Heidän tekstinsä.",
                               actor="hr.ben", expected_version=None)
    write(app, "Minun tekstini.")
    [message] = [e.value for e in app.error]
    assert message.startswith("Ei tallennettu: hr.ben muutti selvitystä sillä välin")
    assert "Heidän tekstinsä." in markdown(app)                          # their text, shown
    assert app.text_area(key=f"{EDITOR}_body").value == "Minun tekstini."  # mine, kept
    assert stored_explanation("2020-Q1") == ("Heidän tekstinsä.", "draft", 1)

    # Having read theirs, the user keeps their own text and saves it over version 1.
    submit(app, f"{EDITOR}_keep_mine")
    assert app.text_area(key=f"{EDITOR}_body").value == "Minun tekstini."
    write(app, "Minun tekstini.")
    assert not app.error
    assert stored_explanation("2020-Q1") == ("Minun tekstini.", "draft", 2)


def test_after_a_refused_save_their_text_can_be_taken_into_the_form(app):
    open_drilldown(app, period="2020-Q1")
    with other_session() as session:
        store.save_explanation(session, target_id=nps_target(), period="2020-Q1", body="Heidän tekstinsä.",
                               actor="hr.ben", expected_version=None)
    write(app, "Minun tekstini.")
    submit(app, f"{EDITOR}_take_theirs")
    assert not app.error
    assert app.text_area(key=f"{EDITOR}_body").value == "Heidän tekstinsä."


def test_a_new_action_appears_in_the_list(app):
    open_drilldown(app)
    app.text_input(key=f"{NEW}_title").set_value("Palautekysely etäpalveluihin")
    app.text_input(key=f"{NEW}_owner").set_value("Laatupäällikkö")
    app.date_input(key=f"{NEW}_due").set_value(date(2027, 3, 31))
    submit(app, f"{NEW}_submit")
    assert app.success[0].value == "Toimenpide lisätty: Palautekysely etäpalveluihin"
    added = next(row for row in action_rows(app) if row["Toimenpide"] == "Palautekysely etäpalveluihin")
    assert added == {"Tila": "📌 Avoin", "Toimenpide": "Palautekysely etäpalveluihin",
                     "Vastuuhenkilö": "Laatupäällikkö", "Määräpäivä": "31.3.2027", "Jakso": "2020"}
    assert app.text_input(key=f"{NEW}_title").value == ""  # the form is ready for the next one


def test_an_action_without_a_title_is_refused(app):
    open_drilldown(app)
    submit(app, f"{NEW}_submit")
    assert app.error[0].value == "Toimenpide (tyhjä): pakollinen tieto puuttuu"
    assert len(action_rows(app)) == 6


def overdue_action_id() -> int:
    with other_session() as session:
        return next(action.id for action, _, _ in store.actions_for(session) if action.state == "open")


def test_changing_an_actions_state_needs_a_note(app):
    open_drilldown(app)
    app.selectbox(key=f"{UPDATE}_action").set_value(overdue_action_id())
    app.selectbox(key=f"{UPDATE}_state").set_value("done")
    submit(app, f"{UPDATE}_submit")
    assert app.error[0].value == "Huomautus (tyhjä): pakollinen tieto puuttuu"
    assert [row["Tila"] for row in action_rows(app)].count("✔️ Tehty") == 3

    app.selectbox(key=f"{UPDATE}_state").set_value("done")
    app.text_input(key=f"{UPDATE}_note").set_value("Palautetta kerätään 1.10.2021 alkaen.")
    submit(app, f"{UPDATE}_submit")
    assert app.success[0].value == "Toimenpide päivitetty."
    done = next(row for row in action_rows(app) if row["Toimenpide"].startswith("Asiakaspalautteen kerääminen"))
    assert done["Tila"] == "✔️ Tehty" and done["Määräpäivä"] == "30.9.2021"  # no longer overdue
    with other_session() as session:
        action_id = next(action.id for action, _, _ in store.actions_for(session)
                         if action.title.startswith("Asiakaspalautteen kerääminen"))
        change = store.list_action_changes(session, action_id)[-1]
        assert (change.old_state, change.new_state, change.note) == ("open", "done",
                                                                      "Palautetta kerätään 1.10.2021 alkaen.")


def test_a_period_no_target_judges_has_nothing_to_explain(app):
    open_drilldown(app, indicator="job_referrals", period="2021", unit="TE-UUSI")
    assert "Mikään tavoite ei arvioi tätä jaksoa, joten selitettävää ei ole." in [c.value for c in app.caption]
    assert not [a for a in app.text_area if a.key == f"{EDITOR}_body"]
    assert not [b for b in app.button if b.key == f"{NEW}_submit"]

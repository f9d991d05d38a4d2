"""The scorecard's follow-ups as the steering group reads them: beside the summary, the binding misses that
still lack an approved explanation (each a link to its drill-down); under the table, the open corrective
actions on the indicators shown, overdue ones first. In Finnish and English, on SQLite and PostgreSQL."""
from datetime import date

import pytest

from kpi import store
from tests.app.helpers import other_session

NPS_FI, NPS_EN = "Asiakkaiden nettosuositteluindeksi (NPS)", "Customer Net Promoter Score (NPS)"


@pytest.fixture
def app(app_on_each_backend):
    return app_on_each_backend




def nps_target() -> int:
    with other_session() as session:
        return next(target.id for target, indicator, _ in store.list_targets(session)
                    if indicator.code == "nps" and target.period == "2020")


def rewrite_the_2020_explanation(app) -> None:
    """Someone edits the approved NPS 2020 text: it is a draft again, so no longer approved."""
    app.run()  # the first run creates the database and loads the demo
    with other_session() as session:
        current = store.get_explanation(session, nps_target(), "2020")
        store.save_explanation(session, target_id=current.target_id, period="2020", body=current.body + " Lisäys.",
                               actor="hr.ann", expected_version=current.version)


def open_scorecard(app, period: str, lang: str = "fi"):
    app.run()
    if lang != "fi":
        app.session_state["lang"] = lang
    app.selectbox(key="scorecard_period").set_value(period).run()
    assert not app.exception
    return app


def missing_links(app) -> list[tuple[str, str]]:
    """(label, query string) of each link to a drill-down of a missing explanation."""
    return [(link.proto.label, link.proto.query_string) for link in app.get("page_link")
            if link.proto.page == "drilldown"]


def actions(app):
    [table] = app.table
    return table.value.to_dict("records")


def texts(app) -> list[str]:
    return [m.value for m in app.markdown] + [c.value for c in app.caption]


def test_2020_lists_the_open_nps_actions_all_overdue_in_finnish(app):
    open_scorecard(app, "2020")
    assert "**Avoimet korjaavat toimenpiteet (3, myöhässä 3)**" in texts(app)
    rows = actions(app)
    assert [(row["Tila"], row["Määräpäivä"]) for row in rows] == [
        ("🔄 Käynnissä", "⏰ 30.6.2021 · myöhässä"), ("📌 Avoin", "⏰ 30.9.2021 · myöhässä"),
        ("🔄 Käynnissä", "⏰ 31.12.2021 · myöhässä")]
    assert {row["Mittari"] for row in rows} == {NPS_FI}


def test_2020_has_no_missing_explanation_because_nps_is_approved(app):
    open_scorecard(app, "2020")
    assert missing_links(app) == []
    assert "✅ Jokaisella toteutumatta jääneellä sitovalla tavoitteella on hyväksytty selvitys." in texts(app)


@pytest.mark.parametrize("lang, heading, label, unit, overdue", [
    ("fi", "**❗ Puuttuvat selvitykset (1)**", f"{NPS_FI} · 2020", "Työterveys Helsinki (liikelaitos)",
     "⏰ 30.9.2021 · myöhässä"),
    ("en", "**❗ Missing explanations (1)**", f"{NPS_EN} · 2020", "Occupational Health Helsinki",
     "⏰ 30 Sep 2021 · overdue"),
])
def test_a_rewritten_unapproved_explanation_puts_nps_2020_on_the_missing_list(app, lang, heading, label, unit,
                                                                               overdue):
    rewrite_the_2020_explanation(app)
    open_scorecard(app, "2020", lang)
    assert heading in texts(app)
    assert missing_links(app) == [(label, "indicator=nps&period=2020&unit=TTH")]
    assert unit in texts(app)
    assert overdue in [row["Määräpäivä" if lang == "fi" else "Due"] for row in actions(app)]


def test_each_unexplained_quarter_of_a_binding_year_target_is_missing(app):
    open_scorecard(app, "2020-Q1")
    assert missing_links(app) == [(f"{NPS_FI} · 2020-Q1", "indicator=nps&period=2020-Q1&unit=TTH")]


def test_approving_the_explanation_in_the_drilldown_removes_it_from_the_missing_list(app):
    rewrite_the_2020_explanation(app)
    open_scorecard(app, "2020")
    assert len(missing_links(app)) == 1
    app.switch_page("pages/drilldown.py")
    app.query_params.update(indicator="nps", period="2020", unit="TTH")
    app.run()
    app.button(key="drill_explanation_approve").click().run()
    assert app.success[0].value == "Selvitys hyväksytty."
    app.switch_page("pages/scorecard.py")
    app.query_params.clear()
    app.query_params["period"] = "2020"
    app.run()
    assert not app.exception
    assert app.selectbox(key="scorecard_period").value == "2020"
    assert missing_links(app) == []


def test_overdue_actions_come_before_ones_still_in_time(app):
    app.run()
    with other_session() as session:
        store.create_action(session, target_id=nps_target(), period="2020", title="Uusi kysely", owner="Laatu",
                            due_on=date(2099, 1, 31), actor="hr.ann")
    open_scorecard(app, "2020")
    rows = actions(app)
    assert "**Avoimet korjaavat toimenpiteet (4, myöhässä 3)**" in texts(app)
    assert (rows[-1]["Toimenpide"], rows[-1]["Määräpäivä"]) == ("Uusi kysely", "31.1.2099")


def test_the_filters_apply_to_the_follow_ups_too(app):
    open_scorecard(app, "2020")
    app.selectbox(key="scorecard_timing").set_value("leading").run()  # NPS is lagging: headcount stays
    assert not app.table
    assert "**Avoimet korjaavat toimenpiteet**" in texts(app)
    assert "Näytetyillä mittareilla ei ole avoimia korjaavia toimenpiteitä." in texts(app)


def test_the_table_stays_the_one_grid_on_the_page(app):
    open_scorecard(app, "2020")
    assert len(app.dataframe) == 1  # the follow-ups are static tables and links, the scorecard the only grid


def test_a_long_missing_list_names_the_first_eight_and_counts_the_rest(app):
    """A city misses dozens of binding targets: the box stays readable on a projector."""
    app.run()
    with other_session() as session:
        for n in range(11):
            code = f"NEW-{n:02d}"
            store.create_org_unit(session, code=code, name_fi=f"Yksikkö {n}", name_en=f"Unit {n}",
                                  parent_code="TTH", actor="test")
            store.add_measurement(session, indicator="nps", org_unit=code, period="2020", numerator=10,
                                  denominator=100, actor="test")
            store.create_target(session, indicator="nps", org_unit=code, period="2020", comparator="ge",
                                threshold=70, binding=True, actor="test")
    open_scorecard(app, "2020", "en")
    assert "**❗ Missing explanations (11)**" in texts(app)
    assert len(missing_links(app)) == 8
    assert "… and 3 more: the table shows them with binding targets only." in texts(app)

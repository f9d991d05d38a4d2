"""The targets page as HR uses it: the list, creating a target, changing one with a reason, a second
editor's save refused, retiring, and the history of it all. The app starts on the demo data."""

import pytest

from kpi import store
from tests.app.helpers import other_session

NBSP = "\u00a0"
DEMO_TARGETS = 61




def target_id(indicator: str, period: str) -> int:
    with other_session() as session:
        return next(target.id for target, found, _ in store.list_targets(session)
                    if found.code == indicator and target.period == period)


def saved(indicator: str, period: str):
    with other_session() as session:
        return next(target for target, found, _ in store.list_targets(session)
                    if found.code == indicator and target.period == period)


def count_targets() -> int:
    with other_session() as session:
        return len(store.list_targets(session))


def open_page(app, lang: str = "fi"):
    app.run()
    if lang != "fi":
        app.session_state["lang"] = lang
    app.switch_page("pages/targets.py")
    app.run()
    assert not app.exception
    return app


def listed(app):
    return app.dataframe[0].value


def fill(app, prefix: str, **values):
    """Set the form's fields by name (targets_<prefix>_<name>), whatever kind of widget each is."""
    for name, value in values.items():
        key = f"targets_{prefix}_{name}"
        widget = next(w for kind in ("selectbox", "text_input", "text_area", "checkbox", "radio")
                      for w in getattr(app, kind) if w.key == key)
        widget.set_value(value)


def submit(app, form: str):
    app.button(key=f"targets_{form}_submit").click().run()
    assert not app.exception
    return app


def open_target(app, indicator: str, period: str):
    app.selectbox(key="targets_open").set_value(target_id(indicator, period)).run()
    assert not app.exception


def errors(app):
    return [e.value for e in app.error]


def history(app):
    return "\n".join(m.value for m in app.markdown)


def test_the_list_shows_every_demo_target_as_the_scorecard_writes_it(app):
    table = listed(open_page(app))
    assert len(table) == DEMO_TARGETS
    assert list(table.columns) == ["Mittari", "Yksikkö", "Tavoitejakso", "Tavoite", "Vaara-alue", "Sitova",
                                   "Vastuuhenkilö", "Pois käytöstä alkaen"]
    rows = {(r["Mittari"], r["Tavoitejakso"]): r for r in table.to_dict("records")}
    headcount = rows[("Henkilöstömäärä kauden lopussa", "2020")]
    assert (headcount["Tavoite"], headcount["Vaara-alue"], headcount["Sitova"]) == ("320–345", f"2{NBSP}%", "")
    nps = rows[("Asiakkaiden nettosuositteluindeksi (NPS)", "2020")]
    assert (nps["Tavoite"], nps["Vaara-alue"], nps["Sitova"], nps["Yksikkö"]) == ("≥ 70", "3", "Kyllä",
                                                                                 "Työterveys Helsinki (liikelaitos)")
    assert rows[("Sairauspoissaolopäivät / htv", "2024")]["Tavoite"] == "≤ 10,5"
    assert rows[("Työtyytyväisyys (VMBaro, 1–5)", "2021")]["Vaara-alue"] == "0,05"
    assert "2011-06-15..2012-06-15" in set(table["Tavoitejakso"])


@pytest.mark.parametrize("filters, expected", [
    ({"targets_f_indicator": "nps"}, 8),
    ({"targets_f_unit": "TE-UUSI"}, 4),
    ({"targets_f_period": "2020-Q1"}, 7),                     # the 2020 year targets overlap the quarter
    ({"targets_f_period": "2011-12"}, 1),                     # inside the council's one-year window
    ({"targets_f_indicator": "nps", "targets_f_period": "2019-01-01..2020-06-30"}, 2),
    ({"targets_f_unit": ""}, 0),                              # the whole organisation has no targets of its own
])
def test_the_list_filters_by_indicator_unit_and_period(app, filters, expected):
    open_page(app)
    for key, value in filters.items():
        (app.selectbox if key != "targets_f_period" else app.text_input)(key=key).set_value(value)
    app.run()
    assert len(listed(app)) == expected


def test_the_binding_filter_keeps_the_binding_targets_or_the_others(app):
    open_page(app)
    app.segmented_control(key="targets_f_binding").set_value("yes").run()
    assert set(listed(app)["Sitova"]) == {"Kyllä"} and len(listed(app)) == 16
    app.segmented_control(key="targets_f_binding").set_value("no").run()
    assert set(listed(app)["Sitova"]) == {""} and len(listed(app)) == DEMO_TARGETS - 16


def test_a_target_created_through_the_form_is_listed_and_opened_with_its_history(app):
    open_page(app)
    fill(app, "new", indicator="nps", org_unit="TTH", period="2027", comparator="ge", threshold="72,5",
         band="2", binding=True, owner="Toimitusjohtaja", rationale="Uusi strategia", reason="hallituksen päätös")
    submit(app, "new")
    assert not errors(app)
    assert count_targets() == DEMO_TARGETS + 1
    assert app.success[0].value.startswith("Tavoite luotu: Asiakkaiden nettosuositteluindeksi (NPS) · "
                                           "Työterveys Helsinki (liikelaitos) · 2027, ≥ 72,5")
    row = listed(app)[listed(app)["Tavoitejakso"] == "2027"].iloc[0]
    assert (row["Tavoite"], row["Vaara-alue"], row["Sitova"]) == ("≥ 72,5", "2", "Kyllä")
    created = saved("nps", "2027")
    assert (created.threshold, created.binding, created.owner) == (72.5, True, "Toimitusjohtaja")
    assert created.created_by.startswith("local:")  # current_actor(): no sign-in in tests
    assert app.selectbox(key="targets_open").value == created.id
    assert app.text_input(key="targets_new_threshold").value == ""        # the form is ready for the next one
    assert "Tavoitearvo: 72,5" in history(app) and "*Syy:* hallituksen päätös" in history(app)


@pytest.mark.parametrize("typed, message", [
    ({"indicator": "headcount", "org_unit": "VIRASTO", "period": "2027", "comparator": "between",
      "threshold": "350", "threshold_upper": "340"}, "Yläraja ”340"),
    ({"indicator": "nps", "org_unit": "TTH", "period": "2027-Q5", "threshold": "70"},
     "Jakso ”2027-Q5”: ei ole tunnistettava jakso"),
    ({"indicator": "nps", "org_unit": "TTH", "period": "2027", "threshold": "seitsemänkymmentä"},
     "Tavoitearvo ”seitsemänkymmentä”: ei ole luku"),
    ({"indicator": "nps", "org_unit": "TTH", "period": "2027", "threshold": "170"},
     "Tavoitearvo ”170"),
    ({"indicator": "nps", "org_unit": "TTH", "period": "2020", "threshold": "75"},
     "mittarilla nps on jo tavoite tälle yksikölle ja jaksolle"),
    ({"org_unit": "TTH", "period": "2027", "threshold": "75"}, "Mittari (tyhjä): pakollinen tieto puuttuu"),
])
def test_a_bad_target_is_refused_with_the_field_and_value_named_and_nothing_written(app, typed, message):
    open_page(app)
    fill(app, "new", **typed)
    submit(app, "new")
    assert any(message in text for text in errors(app)), errors(app)
    assert count_targets() == DEMO_TARGETS
    assert app.text_input(key="targets_new_period").value == typed["period"]      # nothing typed is lost
    assert app.text_input(key="targets_new_threshold").value == typed["threshold"]


def test_changing_a_threshold_with_a_reason_is_kept_in_the_history(app):
    open_page(app)
    open_target(app, "nps", "2020")
    assert app.text_input(key="targets_edit_threshold").value == "70"
    fill(app, "edit", threshold="72", reason="valtuuston päätös 12.3.")
    submit(app, "edit")
    assert not errors(app) and app.success[0].value == "Muutos tallennettu (versio 2)."
    assert saved("nps", "2020").threshold == 72
    text = history(app)
    assert "**Muutettu**" in text and "- Tavoitearvo: 70 → 72" in text
    assert "*Syy:* valtuuston päätös 12.3." in text
    assert text.index("Muutettu") < text.index("Luotu")                       # newest first
    assert app.text_input(key="targets_edit_reason").value == ""                 # ready for the next change
    assert "≥ 72" in set(listed(app)["Tavoite"])


def test_a_change_without_a_reason_is_refused_and_keeps_what_was_typed(app):
    open_page(app)
    open_target(app, "nps", "2020")
    fill(app, "edit", threshold="75")
    submit(app, "edit")
    assert errors(app) == ["Muutoksen syy (tyhjä): pakollinen tieto puuttuu"]
    assert saved("nps", "2020").threshold == 70 and saved("nps", "2020").version == 1
    assert app.text_input(key="targets_edit_threshold").value == "75"


def test_a_save_that_changes_nothing_writes_nothing(app):
    open_page(app)
    open_target(app, "nps", "2020")
    fill(app, "edit", threshold="70,0", reason="tarkistus")
    submit(app, "edit")
    assert app.info[0].value == "Mikään kenttä ei muuttunut, joten mitään ei tallennettu."
    assert saved("nps", "2020").version == 1


def test_a_second_editors_save_is_refused_and_the_current_values_are_shown(app):
    open_page(app)
    open_target(app, "nps", "2020")  # the form is loaded from version 1
    nps = target_id("nps", "2020")
    with other_session() as session:   # meanwhile another editor saves
        store.update_target(session, target_id=nps, expected_version=1, actor="hr.ben", reason="board",
                            threshold=72, owner="Talousjohtaja")
    fill(app, "edit", threshold="75", reason="oma muutos")
    submit(app, "edit")
    [message] = errors(app)
    assert message.startswith("Muutostasi ei tallennettu: hr.ben tallensi tämän tavoitteen")
    assert "Mitään ei kirjoitettu yli." in message
    assert app.table[0].value.to_dict("records") == [
        {"Kenttä": "Tavoitearvo", "Sinun arvosi": "75", "Tallennettu nyt": "72"},
        {"Kenttä": "Vastuuhenkilö", "Sinun arvosi": "Toimitusjohtaja", "Tallennettu nyt": "Talousjohtaja"},
    ]
    current = saved("nps", "2020")
    assert (current.threshold, current.owner, current.version) == (72, "Talousjohtaja", 2)
    assert app.text_input(key="targets_edit_threshold").value == "75"   # the user's value is still there
    assert app.text_input(key="targets_edit_reason").value == "oma muutos"

    # Taking the current values in, the user makes the change again and it is saved on top of version 2.
    app.button(key="targets_reload").click().run()
    assert not app.table and app.text_input(key="targets_edit_threshold").value == "72"
    assert app.text_input(key="targets_edit_owner").value == "Talousjohtaja"
    fill(app, "edit", threshold="75")
    submit(app, "edit")
    assert not errors(app)
    current = saved("nps", "2020")
    assert (current.threshold, current.owner, current.version) == (75, "Talousjohtaja", 3)
    assert "Tavoitearvo: 72 → 75" in history(app) and "Tavoitearvo: 70 → 72" in history(app)


def test_retiring_a_target_marks_it_in_the_list_and_in_the_history(app):
    open_page(app)
    open_target(app, "nps", "2026")
    fill(app, "retire", period="2026-Q3", reason="korvataan asiakaskokemusindeksillä")
    submit(app, "retire")
    assert not errors(app) and app.success[0].value == "Tavoite poistettu käytöstä 1.7.2026 alkaen."
    row = listed(app)[listed(app)["Tavoitejakso"] == "2026"]
    row = row[row["Mittari"] == "Asiakkaiden nettosuositteluindeksi (NPS)"].iloc[0]
    assert row["Pois käytöstä alkaen"] == "1.7.2026"
    assert "**Poistettu käytöstä**" in history(app)
    assert "Pois käytöstä alkaen: – → 1.7.2026" in history(app)
    assert "*Syy:* korvataan asiakaskokemusindeksillä" in history(app)
    assert count_targets() == DEMO_TARGETS     # kept, not deleted


def test_a_retirement_outside_the_targets_period_is_refused(app):
    open_page(app)
    open_target(app, "nps", "2026")
    fill(app, "retire", period="2027", reason="x")
    submit(app, "retire")
    assert errors(app) == ["Lakkaa olemasta voimassa jaksosta ”2027”: "
                           "pitää alkaa tavoitteen jakson 2026 sisällä (ei sen ensimmäisenä päivänä)"]
    assert saved("nps", "2026").retired_from is None


def test_the_page_reads_in_english(app):
    open_page(app, "en")
    assert app.title[0].value == "Targets"
    assert list(listed(app).columns)[:4] == ["Indicator", "Unit", "Target period", "Target"]
    assert "Customer Net Promoter Score (NPS)" in set(listed(app)["Indicator"])
    assert "2%" in set(listed(app)["At-risk band"])
    open_target(app, "sick_leave_days_per_fte", "2024")
    assert app.text_input(key="targets_edit_threshold").value == "10.5"
    fill(app, "edit", threshold="10.2")
    submit(app, "edit")
    assert errors(app) == ["Reason for the change (empty): is required"]
    fill(app, "edit", reason="board decision")
    submit(app, "edit")
    assert "- Threshold: 10.5 → 10.2" in history(app) and "*Reason:* board decision" in history(app)
    assert [tab.label for tab in app.tabs] == ["✏️ Selected target", "➕ New target"]


def test_opening_another_target_loads_its_values_and_an_empty_reason(app):
    open_page(app)
    open_target(app, "nps", "2020")
    fill(app, "edit", threshold="75", reason="kesken")
    app.run()
    open_target(app, "sick_leave_days_per_fte", "2024")
    assert app.text_input(key="targets_edit_threshold").value == "10,5"
    assert app.selectbox(key="targets_edit_comparator").value == "le"
    assert app.text_input(key="targets_edit_reason").value == ""
    assert app.subheader[0].value == "Sairauspoissaolopäivät / htv · Esimerkkivirasto (synteettinen) · 2024"

"""Data entry as HR uses it: a grid of values checked before anything is saved, each value's history, and
export buttons. Grid edits are driven the way AppTest allows: the editor's edit state is put into
session_state before run()."""
import os

from sqlmodel import select

from kpi import db, store
from kpi.models import Indicator, Measurement, OrgUnit

REASON = "Korjattu palautetiedoista"


def open_grid(app, indicator, period=None, *, lang=None):
    app.run()
    if lang:
        app.session_state["lang"] = lang
    app.switch_page("pages/data.py").run()
    app.selectbox(key="entry_indicator").set_value(indicator).run()
    if period:
        app.selectbox(key="entry_period").set_value(period).run()
    assert not app.exception
    return app


def grid(app):
    return app.data_editor[0]


def edit(app, rows: dict[int, dict]):
    app.session_state[grid(app).key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    app.run()
    assert not app.exception


def reason(app, text=REASON):
    next(w for w in app.text_input if w.key.startswith("entry_reason")).input(text)
    app.run()


def save(app):
    app.button(key="entry_save").click().run()
    assert not app.exception


def engine():
    return db.make_engine(os.environ["KPI_DATABASE_URL"])


def stored(indicator, unit, period) -> Measurement | None:
    with db.session_scope(engine()) as session:
        return session.exec(select(Measurement).join(Indicator).join(OrgUnit).where(
            Indicator.code == indicator, OrgUnit.code == unit, Measurement.period == period)).first()


def row_of(app, label) -> int:
    return [value.strip() for value in grid(app).value["row"]].index(label)


def test_the_grid_lists_the_units_that_report_the_indicator(app):
    open_grid(app, "tyodesign_referrals", "2021-12")
    table = grid(app).value
    assert [v.strip() for v in table["row"]] == ["Uudenmaan TE-toimisto", "Helsingin alue", "Läntinen alue",
                                                  "Keskinen alue", "Itäinen alue"]
    assert list(table["value"][1:]) == [36, 23, 21, 15]
    assert list(table.columns) == ["row", "value", "comment"]  # a count: no numerator, denominator or weight
    app.toggle(key="entry_all_units").set_value(True).run()
    assert len(grid(app).value) == 11


def test_a_ratio_indicator_has_numerator_and_denominator_columns(app):
    open_grid(app, "nps", "2020-Q1")
    table = grid(app).value
    assert list(table.columns) == ["row", "value", "numerator", "denominator", "comment"]
    assert (table["value"][0], table["numerator"][0], table["denominator"][0]) == (61, 488, 800)


def test_a_value_saved_with_a_reason_shows_in_the_drilldown_and_the_scorecard(app):
    open_grid(app, "nps", "2020-Q1")
    edit(app, {0: {"numerator": 520}})
    assert any(c.value.startswith("Muutettuja rivejä: 1") for c in app.caption)
    reason(app)
    save(app)
    assert app.success[0].value == "Tallennettu: 0 uutta, 1 muutettua ja 0 poistettua arvoa."
    assert (stored("nps", "TTH", "2020-Q1").value, stored("nps", "TTH", "2020-Q1").numerator) == (65, 520)
    assert grid(app).value["value"][0] == 65  # the grid reloads the saved value

    app.switch_page("pages/drilldown.py")
    for key, value in dict(indicator="nps", period="2020-Q1", unit="TTH").items():
        app.query_params[key] = value
    app.run()
    assert next(m.value for m in app.markdown if m.value.startswith("### ")) == (
        "### ❌ Ei saavutettu: 65 · tavoite ≥ 70 · ero −5")

    app.switch_page("pages/scorecard.py").run()
    app.selectbox(key="scorecard_period").set_value("2020").run()
    table = app.dataframe[0].value
    assert table.loc[table["Mittari"].str.startswith("Asiakkaiden"), "Toteuma"].tolist() == ["68"]  # 3181/4700


def test_an_out_of_range_value_refuses_the_whole_save_and_names_the_row(app):
    open_grid(app, "tyodesign_referrals", "2021-12")
    edit(app, {row_of(app, "Helsingin alue"): {"value": 40}, row_of(app, "Itäinen alue"): {"value": -5}})
    assert "Itäinen alue" in app.warning[0].value  # shown as soon as it is typed
    reason(app)
    save(app)
    problem = app.error[0].value
    assert problem.startswith("Mitään ei tallennettu.")
    assert "Rivi ”Itäinen alue”: arvo ”\u22125”: mittarin sallittu vaihteluväli on 0…∞" in problem
    assert "Helsingin alue" not in problem
    assert stored("tyodesign_referrals", "TE-HKI", "2021-12").value == 36  # the good row was not written either
    assert stored("tyodesign_referrals", "TE-ITA", "2021-12").value == 15
    assert any(c.value.startswith("Muutettuja rivejä: 2") for c in app.caption)  # the typed values stay in the grid


def test_a_save_without_a_reason_is_refused(app):
    open_grid(app, "nps", "2020-Q1")
    edit(app, {0: {"numerator": 520}})
    save(app)
    assert "Muutoksen syy (tyhjä): pakollinen tieto puuttuu" in app.error[0].value
    assert stored("nps", "TTH", "2020-Q1").numerator == 488


def test_the_history_of_a_value_shows_old_to_new_who_and_why(app):
    open_grid(app, "nps", "2020-Q1")
    edit(app, {0: {"numerator": 520}})
    reason(app)
    save(app)
    history = app.dataframe[-1].value
    assert list(history.columns) == ["Aika", "Kuka", "Toimenpide", "Muutos (vanha → uusi)", "Syy"]
    newest = history.iloc[0]
    assert (newest["Toimenpide"], newest["Muutos (vanha → uusi)"], newest["Syy"]) == (
        "Muutettu", "arvo 61 → 65; osoittaja 488 → 520", REASON)
    assert newest["Kuka"].startswith("local:")
    assert history.iloc[-1]["Toimenpide"] == "Lisätty" and history.iloc[-1]["Kuka"] == "demo"


def test_an_edit_made_from_stale_values_is_refused_and_nothing_is_written(app):
    open_grid(app, "nps", "2020-Q1")
    with db.session_scope(engine()) as session:  # someone else saves while the grid is open
        store.save_measurement(session, indicator="nps", org_unit="TTH", period="2020-Q1", numerator=500,
                               denominator=800, actor="hr.bertta", reason="toinen korjaus", replace=True)
    edit(app, {0: {"numerator": 520}})
    reason(app)
    save(app)
    assert "joku muu (hr.bertta) on muuttanut arvoa sillä välin" in app.error[0].value
    assert "Hylkää muutokset" in app.info[-1].value
    assert stored("nps", "TTH", "2020-Q1").numerator == 500
    app.button(key="entry_discard").click().run()
    assert grid(app).value["numerator"][0] == 500  # discarding loads the current values


def test_clearing_a_value_deletes_it_and_its_history_stays(app):
    open_grid(app, "nps", "2020-Q1")
    edit(app, {0: {"value": None, "numerator": None, "denominator": None}})
    reason(app, "Väärä yksikkö")
    save(app)
    assert app.success[0].value == "Tallennettu: 0 uutta, 0 muutettua ja 1 poistettua arvoa."
    assert stored("nps", "TTH", "2020-Q1") is None
    history = app.dataframe[-1].value
    assert (history.iloc[0]["Toimenpide"], history.iloc[0]["Syy"]) == ("Poistettu", "Väärä yksikkö")


def test_edits_are_kept_across_reruns_and_a_visit_to_another_page(app):
    open_grid(app, "nps", "2020-Q1")
    edit(app, {0: {"numerator": 520}})
    reason(app, "kesken")
    assert app.selectbox(key="entry_indicator").disabled  # unsaved edits lock the choice of grid
    app.switch_page("pages/scorecard.py").run()
    app.switch_page("pages/data.py").run()
    assert grid(app).value["numerator"][0] == 520
    assert any(c.value.startswith("Muutettuja rivejä: 1") for c in app.caption)
    assert app.selectbox(key="entry_indicator").value == "nps"
    reason(app)
    save(app)
    assert stored("nps", "TTH", "2020-Q1").numerator == 520


def test_one_unit_across_the_periods_of_a_year(app):
    open_grid(app, "nps")
    app.segmented_control(key="entry_mode").set_value("periods").run()
    app.selectbox(key="entry_unit").set_value("TTH").run()
    app.number_input(key="entry_year").set_value(2020).run()
    assert app.selectbox(key="entry_grain").value == "quarter"  # NPS is stored by quarter
    table = grid(app).value
    assert list(table["row"]) == ["2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4"]
    assert list(table["denominator"]) == [800, 1100, 1300, 1500]
    edit(app, {3: {"numerator": 1050}})
    reason(app)
    save(app)
    assert stored("nps", "TTH", "2020-Q4").value == 70


def test_export_offers_values_and_targets_as_csv_and_excel(app):
    open_grid(app, "nps", "2020-Q1")
    assert [b.label for b in app.get("download_button")] == [
        "Arvot (CSV)", "Arvot (Excel)", "Tavoitteet (CSV)", "Tavoitteet (Excel)"]


def test_the_page_reads_in_english(app):
    open_grid(app, "tyodesign_referrals", "2021-12", lang="en")
    assert app.title[0].value == "Data entry"
    edit(app, {row_of(app, "Eastern region"): {"value": -5}})
    save(app)
    assert "Row “Eastern region”: value “\u22125”: the indicator's valid range is 0 to ∞" in app.error[0].value
    assert "Reason for the change (empty): is required" in app.error[0].value
    assert [b.label for b in app.get("download_button")][0] == "Values (CSV)"

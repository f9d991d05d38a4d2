"""The drill-down as the steering group opens it from a row or a meeting link."""


def open_link(app, **params):
    app.switch_page("pages/drilldown.py")
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def verdict(app):
    return next(m.value for m in app.markdown if m.value.startswith("### "))


def captions(app):
    return [c.value for c in app.caption]


def test_a_link_opens_nps_2020_with_67_against_70_not_met(app):
    app.run()
    open_link(app, indicator="nps", period="2020", unit="TTH")
    assert app.title[0].value == "Asiakkaiden nettosuositteluindeksi (NPS)"
    assert verdict(app) == "### ❌ Ei saavutettu: 67 · tavoite ≥ 70 · ero −3"


def test_the_rule_that_combined_the_year_is_stated_in_words(app):
    app.run()
    open_link(app, indicator="nps", period="2020", unit="TTH")
    rule = app.info[0].value
    assert "3\u202f149 / 4\u202f700 × 100 = 67" in rule and "keskiarvoa ei käytetä" in rule


def test_the_year_is_split_into_its_quarters_with_q1_at_61(app):
    app.run()
    open_link(app, indicator="nps", period="2020", unit="TTH")
    assert "2020-Q1: 61 · 2020-Q2: 69 · 2020-Q3: 69 · 2020-Q4: 67" in captions(app)
    assert len(app.get("vega_lite_chart")) == 2  # the history and the quarters (TTH has no child units)


def test_choosing_a_quarter_shows_that_quarter_against_the_year_target(app):
    app.run()
    open_link(app, indicator="nps", period="2020", unit="TTH")
    app.selectbox(key="drill_period").set_value("2020-Q1").run()
    assert verdict(app) == "### ❌ Ei saavutettu: 61 · tavoite ≥ 70 · ero −9"


def test_sick_leave_is_split_by_division_each_against_the_target(app):
    app.run()
    open_link(app, indicator="sick_leave_days_per_fte", period="2021", unit="VIRASTO")
    assert "Palvelut: 13,3\u00a0pv/htv · Hallinto: 9,6\u00a0pv/htv" in captions(app)
    assert len(app.get("vega_lite_chart")) == 3
    assert verdict(app).startswith("### ❌ Ei saavutettu: 12,3")


def test_the_stored_values_are_listed_with_their_sources(app):
    app.run()
    open_link(app, indicator="nps", period="2020", unit="TTH")
    table = app.dataframe[0].value
    assert list(table["Jakso"]) == ["2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4"]
    assert list(table["Nimittäjä"]) == ["800", "1\u202f100", "1\u202f300", "1\u202f500"]
    assert "Paino" not in table.columns  # NPS has no weights: the empty column is left out
    assert list(table["Synteettinen"]) == ["", "Kyllä", "Kyllä", ""]


def test_the_drilldown_reads_in_english(app):
    app.run()
    app.session_state["lang"] = "en"
    open_link(app, indicator="training_useful_share", period="2021")
    assert app.title[0].value == "Found the training useful"
    assert verdict(app) == "### ✅ Met: 73\u00a0% · target ≥ 70 · gap +3"


def test_an_indicator_without_a_target_still_shows_its_values(app):
    app.run()
    open_link(app, indicator="job_referrals", period="2021")
    assert "232" in next(m.value for m in app.markdown if m.value.startswith("### "))
    assert "Tälle jaksolle ei ole tavoitetta." in captions(app)

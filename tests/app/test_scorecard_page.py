"""The scorecard page as the steering group uses it: pick a period and a unit, read the status."""


def table(at):
    [frame] = at.dataframe
    return frame.value


def type_period(at, text):
    """A period not among the offered ones, as a link brings it (typing one is a browser test)."""
    at.query_params["period"] = text
    at.run()


def column(at, name):
    return list(table(at)[name])


def test_the_app_starts_on_an_empty_database_and_shows_the_demo_scorecard(app):
    app.run()
    assert not app.exception
    assert app.title[0].value == "Tuloskortti"
    assert app.selectbox(key="scorecard_period").value == "2026"  # the newest period with data
    assert len(table(app)) > 0


def test_choosing_2020_shows_nps_67_not_met_and_calls_out_the_binding_miss(app):
    app.run()
    app.selectbox(key="scorecard_period").set_value("2020").run()
    frame = table(app)
    nps = frame[frame["Mittari"].str.contains("NPS")].iloc[0]
    assert nps["Toteuma"] == "67" and nps["Tavoite"] == "≥ 70" and nps["Tila"] == "❌ Ei saavutettu"
    assert nps["Sitova"] == "Kyllä" and nps["Ero"] == "−3"
    assert "Sitovia tavoitteita saavuttamatta: 1" in app.warning[0].value
    assert app.markdown[0].value.startswith("**")  # the summary line
    assert "1 ei saavutettu" not in app.markdown[0].value  # 2020 misses more than NPS alone


def test_the_summary_line_counts_every_status(app):
    app.run()
    app.selectbox(key="scorecard_period").set_value("2021").run()
    statuses = column(app, "Tila")
    summary = app.markdown[0].value
    assert f"{statuses.count('✅ Saavutettu')} saavutettu" in summary
    assert f"{statuses.count('❌ Ei saavutettu')} ei saavutettu" in summary


def test_choosing_a_unit_narrows_the_scorecard_to_it(app):
    app.run()
    app.selectbox(key="scorecard_period").set_value("2021").run()
    app.selectbox(key="scorecard_unit").set_value("TE-UUSI").run()
    assert set(column(app, "Yksikkö")) == {"Uudenmaan TE-toimisto"}


def test_switching_to_english_translates_the_page_and_the_numbers(app):
    app.run()
    app.selectbox(key="scorecard_period").set_value("2021").run()
    app.session_state["lang"] = "en"
    app.run()
    assert app.title[0].value == "Scorecard"
    frame = table(app)
    sick = frame[frame["Indicator"] == "Sick-leave days per FTE"].iloc[0]
    assert sick["Actual"] == "12.3\u00a0days/FTE" and sick["Status"] == "❌ Not met"


def test_finnish_numbers_use_a_decimal_comma(app):
    app.run()
    app.selectbox(key="scorecard_period").set_value("2021").run()
    frame = table(app)
    sick = frame[frame["Mittari"] == "Sairauspoissaolopäivät / htv"].iloc[0]
    assert sick["Toteuma"] == "12,3\u00a0pv/htv" and sick["Tavoite"] == "≤ 11,0"


def test_a_period_that_does_not_parse_gets_a_clear_message(app):
    type_period(app, "vuosi 2020")
    assert not app.exception
    assert "vuosi 2020" in app.warning[0].value and not app.dataframe


def test_a_date_range_shows_the_targets_set_for_it(app):
    type_period(app, "2011-06-15..2012-06-15")
    assert column(app, "Mittari") == ["Henkilöstön tavoitettavuus ja palveluhenkisyys (arvio 1–5)"]


def test_a_link_with_a_period_and_unit_opens_that_view(app):
    app.query_params["period"] = "2020-Q1"
    app.query_params["unit"] = "TTH"
    app.run()
    assert app.selectbox(key="scorecard_period").value == "2020-Q1"
    assert column(app, "Toteuma") == ["61"]


def test_with_demo_data_switched_off_an_empty_database_says_there_is_nothing_yet(app, monkeypatch):
    monkeypatch.setenv("KPI_DEMO_DATA", "false")
    app.run()
    assert not app.exception and not app.dataframe
    assert "ei vielä ole mittaritietoja" in app.info[0].value and "demo load" in app.info[0].value


def test_binding_only_keeps_just_the_binding_targets(app):
    app.run()
    app.selectbox(key="scorecard_period").set_value("2020").run()
    app.toggle(key="scorecard_binding_only").set_value(True).run()
    assert set(column(app, "Sitova")) == {"Kyllä"} and len(column(app, "Sitova")) == 2


def test_a_theme_filter_keeps_just_that_theme(app):
    app.run()
    app.selectbox(key="scorecard_period").set_value("2021").run()
    app.selectbox(key="scorecard_theme").set_value("employment").run()
    assert set(column(app, "Yksikkö")) == {"Uudenmaan TE-toimisto"}
    assert "Työnantajien hakusanamerkinnät" in column(app, "Mittari")


def test_leading_indicators_can_be_shown_alone(app):
    app.run()
    app.selectbox(key="scorecard_period").set_value("2021").run()
    app.selectbox(key="scorecard_timing").set_value("leading").run()
    names = column(app, "Mittari")
    assert "TyöDesign-valmennukseen ohjatut" in names and "Sairauspoissaolopäivät / htv" not in names


def test_each_row_shows_the_change_from_the_previous_period_and_a_trend(app):
    app.run()
    app.selectbox(key="scorecard_period").set_value("2021").run()
    frame = table(app)
    nps = frame[frame["Mittari"].str.contains("NPS")].iloc[0]
    assert nps["Muutos edellisestä"] == "▲ +4 (parempi)"  # 67 in 2020, 71 in 2021
    assert [round(value) for value in nps["Kehitys"]][-2:] == [67, 71]


def test_the_running_year_is_marked_to_date(app):
    app.run()  # the newest period, 2026, is still running
    assert all(value.endswith("*") for value in column(app, "Toteuma"))
    assert "kertymä" in app.caption[-1].value

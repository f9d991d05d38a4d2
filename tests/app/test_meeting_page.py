"""Meeting mode: the misses in order, one per screen, with next and previous."""


def open_meeting(app, **params):
    app.run()
    app.switch_page("pages/meeting.py")
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def counter(app):
    return next(m.value for m in app.markdown if "/" in m.value and "text-align:center" in m.value)


def heading(app):
    return app.header[0].value


def test_the_agenda_starts_with_the_binding_miss_and_counts_the_items(app):
    open_meeting(app, period="2020")
    assert heading(app) == "Asiakkaiden nettosuositteluindeksi (NPS)"
    assert ">1 / 5<" in counter(app)
    assert app.button(key="meeting_previous").disabled


def test_next_and_previous_walk_the_agenda_in_order_misses_before_risks(app):
    open_meeting(app, period="2020")
    seen = [heading(app)]
    for _ in range(4):
        app.button(key="meeting_next").click().run()
        seen.append(heading(app))
    assert seen == ["Asiakkaiden nettosuositteluindeksi (NPS)", "Työtyytyväisyys (VMBaro, 1–5)",
                    "Työterveyshuollon nettokustannus / htv", "Sairauspoissaolopäivät / htv", "Työtapaturmat"]
    assert ">5 / 5<" in counter(app) and app.button(key="meeting_next").disabled
    app.button(key="meeting_previous").click().run()
    assert heading(app) == "Sairauspoissaolopäivät / htv" and ">4 / 5<" in counter(app)


def test_each_screen_shows_the_actual_the_target_and_the_gap_in_large_figures(app):
    open_meeting(app, period="2020")
    assert [m.value for m in app.metric] == ["67", "≥ 70", "−3"]
    assert len(app.get("vega_lite_chart")) == 1


def test_a_link_opens_a_given_target_on_the_agenda(app):
    open_meeting(app, period="2020", indicator="sick_leave_days_per_fte", unit="VIRASTO")
    assert heading(app) == "Sairauspoissaolopäivät / htv" and ">4 / 5<" in counter(app)


def test_a_period_with_nothing_to_discuss_says_so(app):
    open_meeting(app, period="2018")
    assert "käsiteltävää ei ole" in app.success[0].value


def test_meeting_mode_reads_in_english(app):
    app.session_state["lang"] = "en"
    open_meeting(app, period="2021")
    assert heading(app) == "Employer keyword markings"
    assert app.button(key="meeting_next").label == "Next →"

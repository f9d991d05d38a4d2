"""The indicator catalogue and the org-unit tree as an admin keeps them: lists, create, edit, move."""
import os


from kpi import db, store

NEW = "+"


def open_page(app, lang=None):
    app.run()
    if lang:
        app.session_state["lang"] = lang
    app.switch_page("pages/catalogue.py").run()
    assert not app.exception
    return app


def fill(app, prefix, **values):
    for name, value in values.items():
        key = f"{prefix}_{name}"
        widget = next(w for kind in ("text_input", "text_area", "number_input", "selectbox", "radio")
                      for w in getattr(app, kind) if w.key == key)
        widget.set_value(value)


def submit(app, key):
    app.button(key=key).click().run()
    assert not app.exception


def indicators():
    with db.session_scope(db.make_engine(os.environ["KPI_DATABASE_URL"])) as session:
        return {i.code: i for i in store.list_indicators(session)}


def unit_tree():
    with db.session_scope(db.make_engine(os.environ["KPI_DATABASE_URL"])) as session:
        return store.load_unit_tree(session)


def test_the_indicator_list_shows_rules_and_classification(app):
    open_page(app)
    table = app.dataframe[0].value
    nps = table[table["Tunnus"] == "nps"].iloc[0]
    assert (nps["Suunta"], nps["Yhdistäminen"], nps["Sallittu vaihteluväli"], nps["Ennakoiva / tulos"],
            nps["Määrällinen / laadullinen"], nps["Teema"]) == (
        "Suurempi on parempi", "Summien suhde × 100", "−100…100", "Tulos", "Määrällinen", "Asiakaskokemus")
    sick = table[table["Tunnus"] == "sick_leave_days_per_fte"].iloc[0]
    assert (sick["Mittayksikkö"], sick["Sallittu vaihteluväli"], sick["Desimaalit"]) == ("pv/htv", "0,0…365,0", 1)


def test_an_admin_creates_an_indicator(app):
    open_page(app)
    fill(app, "cat_ind_+", code="absence_share", name_fi="Poissaolojen osuus", name_en="Share of absences",
         unit_label="%", direction="lower", aggregation="ratio", scale=100.0, min_value=0.0, max_value=100.0,
         decimals=1, timing="leading", theme="wellbeing")
    submit(app, "cat_ind_submit")
    assert app.success[0].value == "Mittari absence_share lisättiin."
    created = indicators()["absence_share"]
    assert (created.name_en, created.direction, created.aggregation, created.scale, created.min_value,
            created.max_value, created.decimals, created.timing, created.nature, created.theme) == (
        "Share of absences", "lower", "ratio", 100, 0, 100, 1, "leading", "quantitative", "wellbeing")
    assert "absence_share" in list(app.dataframe[0].value["Tunnus"])
    assert app.selectbox(key="cat_indicator").value == "absence_share"  # the form now edits it
    assert app.text_input(key="cat_ind_absence_share_code").disabled


def test_a_duplicate_code_is_refused_naming_the_field_and_the_typed_values_stay(app):
    open_page(app)
    fill(app, "cat_ind_+", code="nps", name_fi="Toinen NPS")
    submit(app, "cat_ind_submit")
    assert app.error[0].value == "Ei tallennettu: tunnus ”nps”: tunnus on jo käytössä"
    assert app.text_input(key="cat_ind_+_name_fi").value == "Toinen NPS"
    assert indicators()["nps"].name_fi == "Asiakkaiden nettosuositteluindeksi (NPS)"


def test_a_missing_name_and_a_lowest_value_above_the_highest_are_refused(app):
    open_page(app)
    fill(app, "cat_ind_+", code="new_one")
    submit(app, "cat_ind_submit")
    assert app.error[0].value == "Ei tallennettu: nimi (suomi) (tyhjä): pakollinen tieto puuttuu"
    fill(app, "cat_ind_+", name_fi="Uusi", min_value=50.0, max_value=10.0)
    submit(app, "cat_ind_submit")
    assert app.error[0].value == "Ei tallennettu: suurin sallittu arvo ”10”: alaraja 50 on suurempi kuin yläraja"
    assert "new_one" not in indicators()


def test_editing_an_indicator_changes_it_but_not_its_code(app):
    open_page(app)
    app.selectbox(key="cat_indicator").set_value("job_referrals").run()
    assert app.text_input(key="cat_ind_job_referrals_code").disabled
    assert app.text_input(key="cat_ind_job_referrals_name_en").value == "Job referrals (clients with a diagnosis)"
    fill(app, "cat_ind_job_referrals", name_en="Job referrals", decimals=0, max_value=10000.0)
    submit(app, "cat_ind_submit")
    assert app.success[0].value == "Mittarin job_referrals muutokset tallennettiin."
    changed = indicators()["job_referrals"]
    assert (changed.name_en, changed.max_value, changed.aggregation) == ("Job referrals", 10000, "sum")


def test_a_unit_is_created_under_a_parent_and_moved(app):
    open_page(app)
    fill(app, "cat_unit_+", code="TE-POHJ", name_fi="Pohjoinen alue", name_en="Northern region", parent="TE-UUSI",
         sort_order=5)
    submit(app, "cat_unit_submit")
    assert app.success[0].value == "Yksikkö TE-POHJ lisättiin."
    assert unit_tree().children_of["TE-UUSI"][-1] == "TE-POHJ"
    tree_table = app.dataframe[1].value
    assert tree_table["Yksikkö"].tolist()[7] == "\u2003Pohjoinen alue"  # indented under the TE office

    assert app.selectbox(key="cat_unit").value == "TE-POHJ"
    fill(app, "cat_unit_TE-POHJ", parent="VIRASTO")
    submit(app, "cat_unit_submit")
    assert app.success[0].value == "Yksikön TE-POHJ muutokset tallennettiin."
    assert "TE-POHJ" in unit_tree().children_of["VIRASTO"]


def test_a_unit_is_not_offered_itself_or_its_own_sub_units_as_parent(app):
    open_page(app)
    app.selectbox(key="cat_unit").set_value("TE-UUSI").run()
    options = app.selectbox(key="cat_unit_TE-UUSI_parent").options
    assert not any(name.strip() in ("Uudenmaan TE-toimisto", "Helsingin alue", "Itäinen alue") for name in options)
    assert "\u2003Palvelut" in options


def test_the_page_reads_in_english(app):
    open_page(app, lang="en")
    assert app.title[0].value == "Indicators and units"
    table = app.dataframe[0].value
    assert table[table["Code"] == "nps"].iloc[0]["Combining"] == "Ratio of totals × 100"
    fill(app, "cat_ind_+", code="x")
    submit(app, "cat_ind_submit")
    assert app.error[0].value == "Not saved: name (Finnish) (empty): is required"

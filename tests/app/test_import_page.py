"""The import page as HR uses it, through the router: upload, preview with every error, save, the log."""
import os

import pytest
from sqlalchemy import func
from sqlmodel import select

from kpi import db
from kpi.i18n import t
from kpi.models import ImportLog, Measurement

GOOD = "mittari;yksikkö;jakso;arvo\nemployer_markings;TE-UUSI;2021;45\ntyodesign_referrals;TE-ITA;2022-01;7\n"
BAD = "mittari;yksikkö;jakso;arvo\nemployer_markings;TE-UUSI;2021;45\nnsp;TTH;2021;4\nnps;TTH;2021-Q1;120\n"


@pytest.fixture
def page(app):
    """The app (the `app` fixture: a fresh database with the demo), opened on the import page."""
    app.run()
    app.switch_page("pages/import.py").run()
    assert not app.exception
    app.url = os.environ["KPI_DATABASE_URL"]
    return app


def count(url: str, model) -> int:
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as session:
            return session.exec(select(func.count()).select_from(model)).one()
    finally:
        engine.dispose()


def upload(at, text: str, name: str = "arvot.csv", encoding: str = "utf-8"):
    at.file_uploader(key="import_file_0").set_value((name, text.encode(encoding), "text/csv"))
    at.run()
    assert not at.exception
    return at


def table(at, column: str):
    """The table that has this column (AppTest does not expose a dataframe's key)."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def metrics(at) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def test_the_page_opens_in_finnish_with_the_uploader_the_replace_choice_and_an_empty_log(page):
    assert page.title[0].value == "Tuo arvoja tiedostosta"
    assert page.file_uploader(key="import_file_0").label == "Tiedosto"
    assert page.checkbox(key="import_replace_0").label == "Korvaa jo tallennetut arvot"
    assert "Suurin sallittu tiedostokoko on 20 Mt." in [c.value for c in page.caption]
    assert "Tiedostoja ei ole vielä tuotu." in [c.value for c in page.caption]


def test_a_file_with_errors_shows_every_error_and_the_save_button_stays_disabled(page):
    upload(page, BAD, encoding="cp1252")
    assert metrics(page) == {"Rivejä": "3", "Uusia": "1", "Muuttuu": "0", "Ennallaan": "0", "Virheellisiä": "2"}
    assert page.error[0].value.startswith("Tiedostossa on virheitä: 2.")
    errors = table(page, "Syy")
    assert list(errors.columns) == ["Rivi", "Sarake", "Arvo", "Syy"]
    assert errors.values.tolist() == [
        ["3", "mittari", "nsp", "tuntematon mittari (anna tunnus tai tarkka nimi)"],
        ["4", "arvo", "120", t("errors.outside_valid_range", "fi", low="\u2212100", high="100")],
    ]
    assert page.button(key="import_confirm").disabled
    assert count(page.url, Measurement) == 362


def test_a_clean_file_previews_then_saves_and_the_log_shows_it(page):
    upload(page, GOOD)
    assert metrics(page)["Uusia"] == "2" and page.success[0].value.startswith("Tiedosto on kunnossa")
    sample = table(page, "Mitä tapahtuu")
    assert sample["Mitä tapahtuu"].tolist() == ["uusi arvo", "uusi arvo"]
    button = page.button(key="import_confirm")
    assert not button.disabled and button.label == "Tallenna arvot (2)"
    button.click().run()
    assert not page.exception
    assert page.success[0].value == "Tuonti tallennettu (arvot.csv): uusia arvoja 2, muutettuja 0, ennallaan 0."
    assert count(page.url, Measurement) == 364
    log = table(page, "Tarkiste (SHA-256)")
    assert log[["Tiedosto", "Tila", "Rivejä", "Uusia"]].values.tolist() == [["arvot.csv", "Tallennettu", 2, 2]]
    assert page.file_uploader(key="import_file_1").value is None  # emptied for the next file


def test_a_change_to_a_stored_value_needs_the_replace_choice(page):
    upload(page, "indicator,org_unit,period,value\nemployer_markings,TE-HKI,2021,6\n")
    assert table(page, "Syy")["Syy"][0].startswith("jaksolle 2021 on jo tallennettu arvo 4, tiedostossa 6;")
    page.checkbox(key="import_replace_0").check().run()
    assert metrics(page)["Muuttuu"] == "1" and not page.button(key="import_confirm").disabled
    assert table(page, "Mitä tapahtuu")["Mitä tapahtuu"].tolist() == ["muuttuu 4 → 6"]
    page.button(key="import_confirm").click().run()
    assert "muutettuja 1" in page.success[0].value
    assert count(page.url, ImportLog) == 1
    assert page.checkbox(key="import_replace_1").value is False  # the next file does not replace unless asked


def test_a_file_already_stored_has_nothing_to_save(page):
    upload(page, "mittari;yksikkö;jakso;arvo\nemployer_markings;TE-HKI;2021;4\n")
    assert metrics(page)["Ennallaan"] == "1" and page.info[0].value.startswith("Kaikki tiedoston arvot")
    assert page.button(key="import_confirm").disabled


def test_the_page_reads_in_english(app):
    app.run()
    app.session_state["lang"] = "en"
    app.switch_page("pages/import.py").run()
    upload(app, BAD)
    assert app.title[0].value == "Import values from a file"
    assert table(app, "Reason")["Reason"].tolist()[0] == "unknown indicator (give its code or exact name)"


# --- zip bombs: refused at once in the app server, nothing written ----------------------------------

@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    from tests.import_bombs import BOMBS

    folder = tmp_path_factory.mktemp("bombs")
    return {name: make(folder / f"{name}.xlsx").read_bytes() for name, make in BOMBS.items()}


@pytest.mark.parametrize("shape,let_through", [
    ("one_cell", False), ("shared_strings", False), ("row_flood", False), ("wide_columns", False),
    ("valid_rows", False), ("one_cell", True), ("wide_columns", True)])
def test_a_zip_bomb_is_refused_on_the_page_naming_the_limit_and_nothing_is_written(page, bombs, shape, let_through,
                                                                                   monkeypatch):
    from tests.import_bombs import LET_THROUGH, WHILE_PARSING

    if let_through:  # the zip's directory let through: the limits met while parsing hold on their own
        for name, value in LET_THROUGH.items():
            monkeypatch.setenv(name, value)
    page.file_uploader(key="import_file_0").set_value(
        (f"{shape}.xlsx", bombs[shape], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    page.run(timeout=30)
    assert not page.exception
    assert page.error[0].value.startswith("Tiedostossa on virheitä: 1.")
    (reason,) = table(page, "Syy")["Syy"].tolist()
    setting = WHILE_PARSING[shape] if let_through else "KPI_IMPORT_MAX_UNCOMPRESSED_MB"
    assert setting in reason and len(reason) < 300
    assert page.button(key="import_confirm").disabled
    assert count(page.url, Measurement) == 362 and count(page.url, ImportLog) == 0

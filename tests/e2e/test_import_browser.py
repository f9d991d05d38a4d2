"""Importing in a real browser: upload a file, read the preview, save, and see the scorecard change."""
import pytest

pytestmark = pytest.mark.browser

NEW_2021 = "mittari;yksikkö;jakso;arvo;kommentti\nemployer_markings;TE-UUSI;2021;45;koko toimisto\n"
BROKEN = "mittari;yksikkö;jakso;arvo\nemployer_markings;TE-UUSI;2021;45\nnsp;TTH;2021;4\n"


def employer_row(page) -> str:
    rows = page.get_by_test_id("stDataFrame").locator("table tr")
    rows.nth(1).wait_for(state="attached")  # the grid draws on a canvas; this table is its text twin
    texts = [rows.nth(i).text_content() for i in range(rows.count())]
    return next(text for text in texts if "Työnantajien hakusanamerkinnät" in text)


def open_import_page(page, served_app):
    page.goto(served_app + "/")  # a first visit through the router, as a person arrives
    page.get_by_role("heading", name="Tuloskortti").wait_for()
    page.goto(served_app + "/import")
    page.get_by_role("heading", name="Tuo arvoja tiedostosta").wait_for()


def choose_file(page, tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    page.get_by_role("heading", name=f"Esikatselu: {name}").wait_for()


def test_a_broken_file_shows_its_errors_and_cannot_be_saved(page, served_app, tmp_path):
    open_import_page(page, served_app)
    choose_file(page, tmp_path, "virheet.csv", BROKEN, "cp1252")
    page.get_by_text("Tiedostossa on virheitä: 1.").wait_for()
    errors = page.get_by_test_id("stDataFrame").first.locator("table tr")
    errors.nth(1).wait_for(state="attached")
    assert "nsp" in errors.nth(1).text_content() and "tuntematon mittari" in errors.nth(1).text_content()
    assert page.get_by_role("button", name="Tallenna arvot (1)").is_disabled()
    assert page.get_by_test_id("stException").count() == 0


def test_upload_preview_save_and_the_scorecard_shows_the_new_value(page, served_app, tmp_path):
    page.goto(served_app + "/?period=2021")
    before = employer_row(page)
    assert "12" in before and "Ei saavutettu" in before

    open_import_page(page, served_app)
    choose_file(page, tmp_path, "tyonantajat.csv", NEW_2021)
    page.get_by_text("Tiedosto on kunnossa. Tarkista rivit ja tallenna.").wait_for()
    page.get_by_role("button", name="Tallenna arvot (1)").click()
    page.get_by_text("Tuonti tallennettu (tyonantajat.csv): uusia arvoja 1, muutettuja 0, ennallaan 0.").wait_for()
    log = page.get_by_test_id("stDataFrame").filter(has_text="tyonantajat.csv").locator("table tr")
    log.nth(1).wait_for(state="attached")  # the import log's row
    assert "Tallennettu" in log.nth(1).text_content()

    page.goto(served_app + "/?period=2021")
    page.get_by_role("heading", name="Tuloskortti").wait_for()
    after = employer_row(page)
    assert "45" in after and "Saavutettu" in after and "Ei saavutettu" not in after
    assert page.get_by_test_id("stException").count() == 0

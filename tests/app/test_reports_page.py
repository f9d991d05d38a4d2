"""The Documents page: choose, build (with its steps shown), download; in Finnish and in English."""
import io

from docx import Document
from openpyxl import load_workbook


def open_documents(app, **params):
    app.run()
    app.switch_page("pages/reports.py")
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def build(app):
    app.button(key="reports_build").click().run()
    assert not app.exception
    return app


def downloads(app):
    return app.get("download_button")


def built_report(app):
    return app.session_state["reports_result"][1]


def test_the_page_offers_three_documents_in_finnish(app):
    open_documents(app)
    assert app.title[0].value == "Asiakirjat"
    assert app.radio(key="reports_kind").options == [
        "Selvitys toteutumatta jääneistä sitovista tavoitteista (Word)", "Katsausaineisto kokoukseen (Word)",
        "Tuloskortti taulukkona (Excel)"]
    assert "Asiakirjan kieli: Suomi" in [c.value for c in app.caption]
    assert len(downloads(app)) == 0


def test_the_binding_statement_offers_years_only_and_first_the_newest_that_has_ended(app):
    open_documents(app)
    years = app.selectbox(key="reports_year")
    assert all(len(option) == 4 and option.isdigit() for option in years.options)
    assert years.value == "2025"


def test_building_the_2020_statement_gives_a_download_of_the_docx(app):
    open_documents(app)
    app.selectbox(key="reports_year").set_value("2020").run()
    build(app)
    [button] = downloads(app)
    assert button.proto.label == "Lataa sitovat-tavoitteet-2020.docx"
    [status] = app.get("status")   # the steps, shown while it was built, stay listed under "ready"
    assert status.label.startswith("Asiakirja valmis (") and [m.value for m in status.markdown] == [
        "Luetaan tuloskortti", "Kootaan 1/1: Asiakkaiden nettosuositteluindeksi (NPS) (kaavio, selvitys, toimenpiteet)",
        "Kirjoitetaan tiedosto"]
    assert any("Mukana (1): Asiakkaiden nettosuositteluindeksi (NPS)" in c.value for c in app.caption)
    doc = Document(io.BytesIO(built_report(app).content))
    assert doc.paragraphs[0].text == "Vuoden 2020 sitovan toiminnallisen tavoitteen toteutumatta jääminen"
    assert len(doc.inline_shapes) == 2


def test_the_document_follows_the_language_chosen_in_the_app(app):
    app.session_state["lang"] = "en"
    open_documents(app)
    assert app.title[0].value == "Documents"
    app.radio(key="reports_kind").set_value("scorecard").run()
    app.selectbox(key="reports_period").set_value("2020").run()
    build(app)
    assert downloads(app)[0].proto.label == "Download scorecard-2020.xlsx"
    sheet = load_workbook(io.BytesIO(built_report(app).content)).active
    assert sheet.title == "Scorecard 2020" and sheet["A2"].value == "Not met"


def test_the_review_pack_for_a_quarter(app):
    open_documents(app, kind="review-pack", period="2020-Q3")
    assert app.radio(key="reports_kind").value == "review-pack"
    assert app.selectbox(key="reports_period").value == "2020-Q3"
    build(app)
    assert downloads(app)[0].proto.label == "Lataa katsaus-2020-Q3.docx"
    doc = Document(io.BytesIO(built_report(app).content))
    assert doc.paragraphs[0].text == "Neljännesvuosikatsaus 2020-Q3"


def test_a_quarter_asked_for_the_binding_statement_is_refused_with_a_message(app):
    open_documents(app, period="2020-Q1")   # a link (or a typed period) may name any period
    assert app.selectbox(key="reports_year").value == "2020-Q1"
    build(app)
    assert "”2020-Q1” ei ole vuosi" in app.error[0].value
    assert len(downloads(app)) == 0


def test_a_changed_choice_hides_the_download_of_the_earlier_one(app):
    open_documents(app)
    app.selectbox(key="reports_year").set_value("2020").run()
    build(app)
    assert len(downloads(app)) == 1
    app.selectbox(key="reports_year").set_value("2021").run()
    assert len(downloads(app)) == 0

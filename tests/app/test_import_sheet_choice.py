"""The import page's sheet choice: shown for a workbook of several sheets only, "automatic" by default
(the first sheet with a header), and the preview follows the sheet chosen."""
import io

import openpyxl

from tests.app.test_import_page import metrics, page  # noqa: F401 - the page fixture and its helpers

HEADER = ["mittari", "yksikkö", "jakso", "arvo"]


def workbook(*sheets) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TWO = workbook(("Ohjeet", [["Täytä taulukko Arvot"]]),
               ("Arvot", [["Arvot 2021"], HEADER, ["employer_markings", "TE-UUSI", 2021, 45]]),
               ("Uudet", [HEADER, ["employer_markings", "TE-UUSI", 2022, 3], ["employer_markings", "TE-ITA", 2022, 4]]))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send(at, name: str, content: bytes, kind: str):
    at.file_uploader(key="import_file_0").set_value((name, content, kind))
    at.run()
    assert not at.exception
    return at


def test_a_workbook_of_several_sheets_offers_the_sheet_automatic_first_and_the_preview_follows_it(page):
    send(page, "arvot.xlsx", TWO, XLSX)
    choice = page.selectbox(key="import_sheet_0")
    assert choice.label == "Taulukko" and choice.value is None
    assert choice.options == ["automaattinen (ensimmäinen taulukko, jossa sarakkeet ovat)", "Ohjeet", "Arvot", "Uudet"]
    assert metrics(page)["Rivejä"] == "1"  # automatic: "Arvot", below its title
    choice.set_value("Uudet").run()
    assert metrics(page)["Rivejä"] == "2"
    choice = page.selectbox(key="import_sheet_0")
    choice.set_value("Ohjeet").run()
    assert page.error[0].value.startswith("Tiedostossa on virheitä: 1.")


def test_a_csv_or_a_workbook_of_one_sheet_has_no_sheet_choice(page):
    send(page, "arvot.csv", b"mittari;yksikk\xc3\xb6;jakso;arvo\nemployer_markings;TE-UUSI;2021;45\n", "text/csv")
    assert not page.selectbox
    send(page, "yksi.xlsx", workbook(("Arvot", [HEADER, ["employer_markings", "TE-UUSI", 2021, 45]])), XLSX)
    assert not [box for box in page.selectbox if box.key == "import_sheet_0"]

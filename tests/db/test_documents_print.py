"""The documents as they come out of a printer: each DOCX and the XLSX built from the demo, converted to PDF by
headless LibreOffice and read back with `pdftotext`. Page numbers and the running header on every page, no
word of a table broken, no heading left alone at the foot of a page, the charts' alternative text, the
document language and the spreadsheet's print settings. On SQLite and PostgreSQL."""
import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook

from kpi import db
from kpi.domain.periods import parse_period
from kpi.reports import build_report

AS_OF = date(2026, 11, 23)
# (kind, period, language): the statement in both languages, the review pack whose second section's
# heading used to stand alone at the foot of page 2, the scorecard sheet.
DOCUMENTS = [("binding-statement", "2020", "fi"), ("binding-statement", "2020", "en"),
             ("review-pack", "2020", "fi"), ("review-pack", "2020", "en"), ("scorecard", "2020", "fi")]
DOCX = [document for document in DOCUMENTS if document[0] != "scorecard"]
PAGE_WORDS = {"fi": "Sivu {page} / {pages}", "en": "Page {page} of {pages}"}


def pdf_pages(pdf, *, layout: bool = True) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: apt-get install poppler-utils")
    text = subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]   # the text ends with a form feed after the last page


@pytest.fixture(scope="module")
def printed(demo_db_url, libreoffice, tmp_path_factory):
    """(kind, period, lang) -> (the document's bytes, its PDF's path), built once per backend."""
    engine = db.make_engine(demo_db_url)
    folder = tmp_path_factory.mktemp("print")
    made = {}
    for kind, period, lang in DOCUMENTS:
        with db.session_scope(engine) as session:
            report = build_report(session, kind, parse_period(period), as_of=AS_OF, lang=lang)
        path = folder / f"{lang}-{report.file_name}"
        path.write_bytes(report.content)
        made[kind, period, lang] = report.content, libreoffice(path, "pdf")
    engine.dispose()
    return made


def words(text: str) -> list[str]:
    return text.split()   # also at a no-break space: pdftotext writes it as a plain space


def body_blocks(document) -> list[tuple[str, str]]:
    """(style name or "table", text) of the body in order; a table's text is its first cell's."""
    blocks = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            paragraph = Paragraph(element, document)
            blocks.append((paragraph.style.name, paragraph.text))
        elif element.tag == qn("w:tbl"):
            blocks.append(("table", Table(element, document).rows[0].cells[0].text))
    return blocks


def page_finder(pages: list[str]):
    """A function giving the page (1-based) of the next occurrence of a text, reading on from the last found."""
    flat = [" ".join(page.split()) for page in pages]
    cursor = [0, 0]   # page index, offset

    def find(text: str) -> int | None:
        needle = " ".join(text.split())[:30]
        for index in range(cursor[0], len(flat)):
            start = cursor[1] if index == cursor[0] else 0
            found = flat[index].find(needle, start)
            if found >= 0:
                cursor[:] = [index, found + len(needle)]
                return index + 1
        return None
    return find


@pytest.mark.parametrize("kind,period,lang", DOCUMENTS)
def test_every_page_says_its_number_of_the_total_in_the_document_language(printed, kind, period, lang):
    _content, pdf = printed[kind, period, lang]
    pages = pdf_pages(pdf)
    for number, page in enumerate(pages, start=1):
        assert PAGE_WORDS[lang].format(page=number, pages=len(pages)) in page, (number, page[-300:])


@pytest.mark.parametrize("kind,period,lang", DOCX)
def test_every_page_is_headed_by_the_title_and_date(printed, kind, period, lang):
    content, pdf = printed[kind, period, lang]
    title = Document(io.BytesIO(content)).core_properties.title
    day = "23.11.2026" if lang == "fi" else "2026-11-23"
    for page in pdf_pages(pdf):
        first_line = next(line for line in page.splitlines() if line.strip())
        assert " ".join(first_line.split()) == f"{title} · {day}"


@pytest.mark.parametrize("kind,period,lang", DOCX)
def test_no_word_in_a_table_breaks_across_lines(printed, kind, period, lang):
    content, pdf = printed[kind, period, lang]
    printed_words = {word for page in pdf_pages(pdf) for word in words(page)}
    document = Document(io.BytesIO(content))
    table_words = {word for table in document.tables for row in table.rows for cell in row.cells
                   for word in words(cell.text)}
    assert table_words and table_words <= printed_words, sorted(table_words - printed_words)


@pytest.mark.parametrize("kind,period,lang", DOCX)
def test_no_heading_is_left_at_the_foot_of_a_page_without_what_follows_it(printed, kind, period, lang):
    content, pdf = printed[kind, period, lang]
    blocks = [(style, text) for style, text in body_blocks(Document(io.BytesIO(content))) if text.strip()]
    find = page_finder(pdf_pages(pdf, layout=False))
    pages = [find(text) for _style, text in blocks]
    followed = [(text, page, next_text, next_page) for (style, text), page, (_style, next_text), next_page
                in zip(blocks, pages, blocks[1:], pages[1:]) if style.startswith("Heading")]
    assert len(followed) >= 5 and all(page for _text, page, _next, _page in followed)
    assert [(text, next_text) for text, page, next_text, next_page in followed if next_page != page] == []


@pytest.mark.parametrize("kind,period,lang", DOCX)
def test_every_chart_says_in_words_what_it_shows_and_its_numbers(printed, kind, period, lang):
    content, _pdf = printed[kind, period, lang]
    document = Document(io.BytesIO(content))
    assert document.inline_shapes
    for shape in document.inline_shapes:
        properties = shape._inline.docPr
        assert properties.get("title") and properties.get("descr")
    # The NPS by year, in both documents: 72 in 2019 (met), 67 in 2020 (not met), against ≥ 70.
    nps_years = [shape._inline.docPr.get("descr") for shape in document.inline_shapes
                 if "2019: 72" in shape._inline.docPr.get("descr")]
    assert len(nps_years) == 1
    if lang == "fi":
        assert nps_years[0] == ("Viivakaavio: Asiakkaiden nettosuositteluindeksi (NPS), Työterveys Helsinki "
                                "(liikelaitos), jaksoittain. 2019: 72 (saavutettu); 2020: 67 (ei saavutettu). "
                                "Tavoite ≥ 70.")
    else:
        assert nps_years[0].startswith("Line chart: Customer Net Promoter Score (NPS), Occupational Health")
        assert nps_years[0].endswith("by period. 2019: 72 (met); 2020: 67 (not met). Target ≥ 70.")


def test_the_statements_quarter_chart_names_each_quarters_figure(printed):
    content, _pdf = printed["binding-statement", "2020", "fi"]
    quarters = Document(io.BytesIO(content)).inline_shapes[0]._inline.docPr.get("descr")
    assert "2020-Q1: 61 (ei saavutettu); 2020-Q2: 69 (ei saavutettu)" in quarters


@pytest.mark.parametrize("kind,period,lang", DOCX)
def test_the_document_is_in_its_language_with_words_own_heading_styles(printed, kind, period, lang):
    content, _pdf = printed[kind, period, lang]
    document = Document(io.BytesIO(content))
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == {"fi": "fi-FI", "en": "en-GB"}[lang]
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert {p.style.style_id for p in headings} >= {"Heading1", "Heading2"}
    assert all(p.style.builtin for p in headings)
    paragraphs = document.paragraphs
    for before, caption in zip(paragraphs, paragraphs[1:]):
        if caption.style.name == "Caption":   # the chart above its caption stays on the caption's page
            assert before.paragraph_format.keep_with_next and before._p.xpath(".//w:drawing")


def test_the_scorecard_sheet_prints_landscape_one_page_wide_with_its_header_on_each_page(printed):
    content, pdf = printed["scorecard", "2020", "fi"]
    sheet = load_workbook(io.BytesIO(content)).active
    setup = sheet.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1" and sheet.freeze_panes == "A2"
    assert all(cell.alignment.wrap_text for cell in sheet[1])
    assert {cell.font.name for row in sheet.iter_rows() for cell in row} == {"Calibri"}
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width > height
    pages = pdf_pages(pdf)
    assert len(pages) == 1   # 15 columns and 7 rows: one page wide, and here one page long
    # The wrapped header ("Kesken: tiedot päivään") fits its row: its last line comes before the first target.
    lines = pages[0].splitlines()
    header_end = max(index for index, line in enumerate(lines) if "päivään" in line)
    first_row = next(index for index, line in enumerate(lines) if "Ei saavutettu" in line)
    assert header_end < first_row and "päivään" not in lines[first_row]
    assert all(word in words(pages[0]) for cell in sheet[1] for word in words(cell.value))

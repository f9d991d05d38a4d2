"""Documents built from the demo data, opened again as the council and the steering group would open them:
the DOCX with python-docx, the XLSX with openpyxl. On SQLite and PostgreSQL."""
import dataclasses
import io
import zipfile
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from kpi import db, store
from kpi.admin.demo import load_demo
from kpi.domain.periods import parse_period
from kpi.reports import ReportError, build_report, file_name
from kpi.reports.markdown_docx import add_markdown
from kpi.reports.scorecard_xlsx import scorecard_workbook
from kpi.features.scorecard import build_scorecard

AS_OF = date(2026, 11, 23)
PNG = b"\x89PNG\r\n\x1a\n"
NPS_FI = "Asiakkaiden nettosuositteluindeksi (NPS)"


def build(engine, kind: str, period: str, lang: str = "fi", unit: str | None = None):
    with db.session_scope(engine) as session:
        return build_report(session, kind, parse_period(period), unit_code=unit, as_of=AS_OF, lang=lang)


def opened(report) -> Document:
    return Document(io.BytesIO(report.content))


def paragraphs(doc, style: str | None = None) -> list[str]:
    return [p.text for p in doc.paragraphs if style is None or p.style.name == style]


def table_with_header(doc, first_cell: str) -> list[list[str]]:
    for table in doc.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows[0][0] == first_cell:
            return rows
    raise AssertionError(f"no table starting with {first_cell!r}")


def text_of(doc) -> str:
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(paragraphs(doc) + cells)


def image_blobs(doc) -> list[bytes]:
    blobs = []
    for shape in doc.inline_shapes:
        relation = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        blobs.append(doc.part.related_parts[relation].blob)
    return blobs


# --- the statement of unmet binding targets ---

def test_the_2020_statement_follows_the_source_document_with_one_section_for_the_nps_miss(demo_engine):
    report = build(demo_engine, "binding-statement", "2020")
    doc = opened(report)
    assert paragraphs(doc, "Title") == ["Vuoden 2020 sitovan toiminnallisen tavoitteen toteutumatta jääminen"]
    assert paragraphs(doc, "Heading 1") == ["Päätösehdotus", "Esittelijän perustelut"]
    assert any("päättää merkitä tiedoksi vuoden 2020 sitovan toiminnallisen tavoitteen" in p for p in paragraphs(doc))
    assert paragraphs(doc, "Heading 2") == [f"1. {NPS_FI} – Työterveys Helsinki (liikelaitos)"]
    assert any("sitovana tavoitteena oli" in p and "≥ 70" in p and "tulos oli 67" in p and "−3" in p
               for p in paragraphs(doc))
    assert report.covers == [f"{NPS_FI} – Työterveys Helsinki (liikelaitos)"]
    assert report.file_name == "sitovat-tavoitteet-2020.docx"


def test_the_quarterly_table_shows_61_69_69_67_and_the_cumulative_year(demo_engine):
    doc = opened(build(demo_engine, "binding-statement", "2020"))
    assert table_with_header(doc, "Jakso") == [
        ["Jakso", "Toteuma", "Tavoite", "Tila"],
        ["2020-Q1", "61", "≥ 70", "Ei saavutettu"], ["2020-Q2", "69", "≥ 70", "Ei saavutettu"],
        ["2020-Q3", "69", "≥ 70", "Ei saavutettu"], ["2020-Q4", "67", "≥ 70", "Ei saavutettu"],
        ["Koko vuosi 2020", "67", "≥ 70", "Ei saavutettu"]]
    # The year is all the year's responses, not the mean of the quarters (66.5): the document says how.
    assert any("3\u202f149 / 4\u202f700 × 100 = 67" in p for p in paragraphs(doc))


def test_the_statement_carries_the_approved_explanation_with_its_bold_and_bullets(demo_engine):
    doc = opened(build(demo_engine, "binding-statement", "2020"))
    bullets = paragraphs(doc, "List Bullet")
    assert len(bullets) == 3 and any("koronavirustilanteen" in b for b in bullets)
    bold = [run.text for p in doc.paragraphs for run in p.runs if run.bold]
    assert "Q1 NPS = 61" in bold and "67" in bold and "Syyt" in bold
    assert not any("**" in p for p in paragraphs(doc))
    assert any("Hyväksynyt Työterveysliikelaitoksen johtokunta" in p for p in paragraphs(doc))


def test_the_statement_lists_every_corrective_action_with_its_state_and_overdue_mark(demo_engine):
    doc = opened(build(demo_engine, "binding-statement", "2020"))
    actions = table_with_header(doc, "Toimenpide")[1:]
    assert len(actions) == 6
    assert sorted(row[3] for row in actions) == sorted(
        ["Tehty"] * 3 + ["Käynnissä – myöhässä"] * 2 + ["Avoin – myöhässä"])
    chat = next(row for row in actions if row[0] == "Hoitochatin vastausviiveen seurannan tehostaminen")
    assert chat[1:] == ["Asiakaspalvelupäällikkö", "31.3.2021", "Tehty"]


def test_the_statement_embeds_the_charts_as_png_images(demo_engine):
    doc = opened(build(demo_engine, "binding-statement", "2020"))
    blobs = image_blobs(doc)
    assert len(blobs) == 2   # the quarters of 2020, and the years
    assert all(blob.startswith(PNG) for blob in blobs)


def test_the_statement_reads_in_english(demo_engine):
    report = build(demo_engine, "binding-statement", "2020", lang="en")
    doc = opened(report)
    assert paragraphs(doc, "Title") == ["Binding operational target for 2020 not met"]
    assert paragraphs(doc, "Heading 1") == ["Decision proposal", "Presenter's reasoning"]
    assert table_with_header(doc, "Period")[1] == ["2020-Q1", "61", "≥ 70", "Not met"]
    assert table_with_header(doc, "Period")[-1] == ["Whole year 2020", "67", "≥ 70", "Not met"]
    states = [row[3] for row in table_with_header(doc, "Action")[1:]]
    assert states.count("Done") == 3 and states.count("In progress – overdue") == 2
    assert states.count("Open – overdue") == 1
    assert "Q1 NPS = 61" in text_of(doc)  # the explanation is kept as written (in Finnish)
    assert report.file_name == "binding-targets-2020.docx"


def test_a_year_with_no_unmet_binding_target_gets_a_document_that_says_so(demo_engine):
    report = build(demo_engine, "binding-statement", "2021")
    doc = opened(report)
    assert report.covers == []
    assert paragraphs(doc, "Title") == ["Vuoden 2021 sitovien toiminnallisten tavoitteiden toteutuminen"]
    assert "Vuodelta 2021 ei ole toteutumatta jääneitä sitovia tavoitteita." in paragraphs(doc)
    assert paragraphs(doc, "Heading 2") == [] and len(doc.inline_shapes) == 0
    assert "Päätösehdotus" not in paragraphs(doc)


def test_the_statement_covers_a_year_only(demo_engine):
    with pytest.raises(ReportError) as refused:
        build(demo_engine, "binding-statement", "2020-Q1")
    assert refused.value.message("fi") == (
        "Selvitys sitovista tavoitteista laaditaan vuodelta: ”2020-Q1” ei ole vuosi (esim. 2020).")


def test_an_unknown_kind_is_refused(demo_engine):
    with pytest.raises(ReportError) as refused:
        build(demo_engine, "memo", "2020")
    assert "binding-statement, review-pack, scorecard" in refused.value.message("en")


# --- the review pack ---

def test_the_review_pack_opens_with_the_scorecard_in_words_and_figures(demo_engine):
    doc = opened(build(demo_engine, "review-pack", "2020"))
    assert paragraphs(doc, "Title") == ["Vuosikatsaus 2020"]
    rows = table_with_header(doc, "Tila")
    assert rows[0] == ["Tila", "Mittari", "Yksikkö", "Toteuma", "Tavoite", "Ero", "Sitova"]
    assert rows[1] == ["Ei saavutettu", NPS_FI, "Työterveys Helsinki (liikelaitos)", "67", "≥ 70", "−3", "Kyllä"]
    vmbaro = next(row for row in rows if row[1].startswith("Työtyytyväisyys"))
    assert vmbaro[3:6] == ["3,54", "≥ 3,60", "−0,06"]
    assert [row[0] for row in rows[1:]].count("Vaarassa") == 1
    assert not any(icon in text_of(doc) for icon in ("✅", "⚠️", "❌", "⭕"))
    assert "2 saavutettu · 1 vaarassa · 4 ei saavutettu · 0 ei tietoa" in paragraphs(doc)


def test_the_review_pack_has_a_section_per_miss_and_risk_in_meeting_order(demo_engine):
    report = build(demo_engine, "review-pack", "2020")
    doc = opened(report)
    headings = paragraphs(doc, "Heading 2")
    assert len(headings) == 5 and headings[0].startswith(f"1. {NPS_FI}")
    assert headings[-1].startswith("5. Työtapaturmat")
    assert len(doc.inline_shapes) == 5 and all(blob.startswith(PNG) for blob in image_blobs(doc))
    assert "Ei saavutettu · toteuma 67 · tavoite ≥ 70 · ero −3 · sitova" in paragraphs(doc)


def test_the_review_pack_gives_the_analysis_the_explanation_and_the_open_actions_marked_overdue(demo_engine):
    doc = opened(build(demo_engine, "review-pack", "2020"))
    headings = paragraphs(doc, "Heading 3")
    assert "Automaattinen analyysi" in headings and "Selvitys" in headings
    assert "Avoimet toimenpiteet (3 myöhässä)" in headings
    assert any("2020-Q1" in b and "61" in b for b in paragraphs(doc, "List Bullet"))  # the analysis names Q1
    assert any("koronavirustilanteen" in b for b in paragraphs(doc, "List Bullet"))   # the explanation
    open_actions = table_with_header(doc, "Toimenpide")[1:]
    assert sorted(row[3] for row in open_actions) == ["Avoin – myöhässä", "Käynnissä – myöhässä",
                                                      "Käynnissä – myöhässä"]


def test_the_review_pack_reads_in_english_with_english_numbers(demo_engine):
    report = build(demo_engine, "review-pack", "2020-Q3", lang="en")
    doc = opened(report)
    assert paragraphs(doc, "Title") == ["Quarterly review 2020-Q3"]
    assert table_with_header(doc, "Status")[1][:5] == ["Not met", "Customer Net Promoter Score (NPS)",
                                                       "Occupational Health Helsinki", "69", "≥ 70"]
    sick_leave = next(r for r in table_with_header(doc, "Status") if r[1] == "Sick-leave days per FTE")
    assert sick_leave[3].startswith("8.4") and sick_leave[4] == "≤ 11.0" and sick_leave[5] == "+2.6"
    assert "Open actions (3 overdue)" in paragraphs(doc, "Heading 3")
    assert report.file_name == "review-2020-Q3.docx"


# --- the scorecard spreadsheet ---

def sheet_rows(report):
    book = load_workbook(io.BytesIO(report.content))
    sheet = book.active
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_scorecard_spreadsheet_holds_statuses_in_words_and_figures_as_numbers(demo_engine):
    report = build(demo_engine, "scorecard", "2020")
    sheet, rows = sheet_rows(report)
    assert sheet.title == "Tuloskortti 2020" and report.file_name == "tuloskortti-2020.xlsx"
    header = rows[0]
    assert header[:3] == ["Tila", "Mittari", "Mittarin tunnus"]
    records = [dict(zip(header, row)) for row in rows[1:]]
    assert len(records) == 7
    nps = records[0]
    assert (nps["Tila"], nps["Mittarin tunnus"], nps["Yksikön tunnus"], nps["Toteuma"], nps["Tavoite"],
            nps["Tavoitearvo"], nps["Ero"], nps["Sitova"]) == ("Ei saavutettu", "nps", "TTH", 67, "≥ 70", 70, -3,
                                                               "Kyllä")
    vmbaro = next(r for r in records if r["Mittarin tunnus"] == "job_satisfaction")
    assert vmbaro["Toteuma"] == pytest.approx(3.54) and vmbaro["Tavoite"] == "≥ 3,60"
    column = header.index("Toteuma") + 1
    assert sheet.cell(records.index(vmbaro) + 2, column).number_format == "0.00"
    assert sorted({r["Tila"] for r in records}) == ["Ei saavutettu", "Saavutettu", "Vaarassa"]


def test_the_scorecard_spreadsheet_reads_in_english_and_narrows_to_a_unit(demo_engine):
    report = build(demo_engine, "scorecard", "2020", lang="en", unit="TTH")
    sheet, rows = sheet_rows(report)
    assert sheet.title == "Scorecard 2020" and report.file_name == "scorecard-2020-TTH.xlsx"
    assert len(rows) == 2 and rows[1][:2] == ["Not met", "Customer Net Promoter Score (NPS)"]


def test_formula_looking_text_in_the_spreadsheet_stays_text():
    row = dataclasses.replace(_sample_row(), indicator_name='=HYPERLINK("http://evil.example","click")',
                              org_unit_name="+SUM(A1:A2)", indicator="@cmd")
    book = load_workbook(io.BytesIO(scorecard_workbook([row], "2020", "fi")))
    values = [cell.value for cell in book.active[2]]
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in values
    assert "'+SUM(A1:A2)" in values and "'@cmd" in values
    assert all(cell.data_type != "f" for cell in book.active[2])
    assert -3 in values  # numbers, negative ones too, stay numbers


def _sample_row():
    from kpi.features.scorecard import ScorecardRow

    return ScorecardRow(
        indicator="nps", indicator_name="NPS", org_unit="TTH", org_unit_name="TTH", period="2020",
        target_period="2020", actual=67.0, comparator="ge", target=70.0, target_upper=None, status="not_met",
        gap=-3.0, gap_relative=-0.04, binding=True, complete=True, running=False, data_through="2020-12-31",
        unit_label="", decimals=0, values_combined=4, problem=None, target_id=1, theme="customer",
        timing="lagging", previous_actual=None, change=None, change_is_better=None, trend=())


# --- documents from data people typed ---

@pytest.fixture
def demo_copy(migrated_engine):
    """A demo database of this test's own, which it may change."""
    with db.session_scope(migrated_engine) as session:
        load_demo(session)
    return migrated_engine


def test_each_unmet_binding_target_gets_its_own_section(demo_copy):
    with db.session_scope(demo_copy) as session:
        target = store.find_target(session, "sick_leave_days_per_fte", "VIRASTO", "2020")
        store.update_target(session, target_id=target.id, expected_version=target.version, actor="test",
                            reason="made binding for the test", binding=True)
    report = build(demo_copy, "binding-statement", "2020")
    doc = opened(report)
    assert paragraphs(doc, "Title") == ["Vuoden 2020 sitovien toiminnallisten tavoitteiden toteutumatta jääminen"]
    assert [h.split(" – ")[0] for h in paragraphs(doc, "Heading 2")] == [f"1. {NPS_FI}",
                                                                         "2. Sairauspoissaolopäivät / htv"]
    assert "Selvitystä ei ole vielä kirjoitettu." in paragraphs(doc)       # the new miss has none yet
    assert "Korjaavia toimenpiteitä ei ole kirjattu." in paragraphs(doc)
    assert any("12,0\u00a0pv/htv" in p and "≤ 11,0\u00a0pv/htv" in p for p in paragraphs(doc))


def test_html_in_an_explanation_comes_out_as_the_characters_typed(demo_copy):
    body = ("Selitys <script>alert(1)</script> ja <img src=x onerror=alert(2)>\n\n"
            "- kohta **lihava**\n\n![seuranta](http://tracker.example/p.png)")
    with db.session_scope(demo_copy) as session:
        target = store.find_target(session, "nps", "TTH", "2020")
        current = store.get_explanation(session, target.id, "2020")
        store.save_explanation(session, target_id=target.id, period="2020", body=body, actor="test",
                               expected_version=current.version)
    report = build(demo_copy, "binding-statement", "2020")
    doc = opened(report)
    assert "Selitys <script>alert(1)</script> ja <img src=x onerror=alert(2)>" in paragraphs(doc)
    assert "seuranta (http://tracker.example/p.png)" in paragraphs(doc)   # an image is only named
    assert any("Luonnos" in p for p in paragraphs(doc))                    # the changed text is a draft again
    xml = zipfile.ZipFile(io.BytesIO(report.content)).read("word/document.xml").decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xml and "<script" not in xml
    assert "http://tracker.example" not in zipfile.ZipFile(io.BytesIO(report.content)).read(
        "word/_rels/document.xml.rels").decode("utf-8")


def test_a_formula_typed_as_a_unit_name_is_neutralised_in_the_spreadsheet(demo_copy):
    with db.session_scope(demo_copy) as session:
        store.update_org_unit(session, code="TTH", name_fi='=HYPERLINK("http://evil.example","Avaa")', actor="test")
    sheet, rows = sheet_rows(build(demo_copy, "scorecard", "2020"))
    assert rows[1][3] == '\'=HYPERLINK("http://evil.example","Avaa")'
    assert sheet.cell(2, 4).data_type == "s"


# --- the Markdown converter ---

def converted(text: str) -> Document:
    doc = Document()
    add_markdown(doc, text, heading_level=3)
    return doc


@pytest.mark.parametrize("text,style,expected", [
    ("# Otsikko", "Heading 3", "Otsikko"),
    ("## Alaotsikko ##", "Heading 4", "Alaotsikko"),
    ("1. eka\n2. toka", "List Number", "toka"),
    ("- kohta\n  jatkuu", "List Bullet", "kohta jatkuu"),
    ("  - sisempi", "List Bullet 2", "sisempi"),
    ("> lainaus", "Quote", "lainaus"),
    ("[linkki](https://example.org)", "Normal", "linkki (https://example.org)"),
    (r"\*ei kursiivia\*", "Normal", "*ei kursiivia*"),
    ("ohjaus\x00merkki\x0b pois", "Normal", "ohjausmerkki pois"),
])
def test_markdown_becomes_word_paragraphs(text, style, expected):
    doc = converted(text)
    assert expected in [p.text for p in doc.paragraphs if p.style.name == style]


def test_markdown_bold_and_italic_become_runs_and_a_single_line_break_stays():
    doc = converted("**lihava** ja *kursiivi* ja __myös__\nseuraava rivi\n\nuusi kappale")
    first, second = doc.paragraphs
    assert [(r.text, bool(r.bold), bool(r.italic)) for r in first.runs if r.text.strip()] == [
        ("lihava", True, False), (" ja ", False, False), ("kursiivi", False, True), (" ja ", False, False),
        ("myös", True, False), ("seuraava rivi", False, False)]
    assert "\n" in first.text and second.text == "uusi kappale"


@pytest.mark.parametrize("shape", ["[a](", "[", "_a ", "**a ", "*a ", "`a ", "[a](<"])
def test_a_pathological_explanation_becomes_word_paragraphs_in_linear_time(shape):
    """An explanation of 20 000 characters (its limit) goes into every document built from it: its inline
    marks are found in a time that grows with its length, not its square."""
    import time

    def seconds(length):
        text = shape * (length // len(shape))
        times = []
        for _ in range(3):  # the best of three: a busy machine (CI runs servers beside it) adds only noise
            started = time.perf_counter()
            converted(text)
            times.append(time.perf_counter() - started)
        return min(times)

    small, large = seconds(5_000), seconds(20_000)
    assert large < 8 * small + 0.3, (small, large)  # four times the text: quadratic would be 16 times


def test_file_names_name_the_kind_in_the_language_the_period_and_the_unit():
    assert file_name("binding-statement", parse_period("2020"), "TTH", "fi") == "sitovat-tavoitteet-2020-TTH.docx"
    assert file_name("review-pack", parse_period("Q3/2020"), None, "en") == "review-2020-Q3.docx"
    assert file_name("scorecard", parse_period("2011-06-15..2012-06-15"), None, "fi") == (
        "tuloskortti-2011-06-15_2012-06-15.xlsx")


def test_the_scorecard_rows_and_the_document_agree(demo_engine):
    """The spreadsheet is the scorecard: the same rows, in the same order, as build_scorecard gives."""
    with db.session_scope(demo_engine) as session:
        rows = build_scorecard(session, parse_period("2020"), as_of=AS_OF, lang="fi")
    _sheet, cells = sheet_rows(build(demo_engine, "scorecard", "2020"))
    assert [(row[2], row[4]) for row in cells[1:]] == [(row.indicator, row.org_unit) for row in rows]


def test_the_target_equal_to_zero_is_text_in_the_spreadsheet_not_a_formula(demo_engine, tmp_path, libreoffice):
    """"= 0" (zero fatal accidents) as written: openpyxl would store it as the formula =0 and Excel show 0."""
    report = build(demo_engine, "scorecard", "2020")
    sheet, rows = sheet_rows(report)
    header = rows[0]
    fatal = next(row for row in rows[1:] if row[header.index("Mittarin tunnus")] == "fatal_accidents")
    assert fatal[header.index("Tavoite")] == "= 0"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    saved = tmp_path / report.file_name
    saved.write_bytes(report.content)
    as_calc_shows = libreoffice(saved, "csv:Text - txt - csv (StarCalc):44,34,76").read_text(encoding="utf-8")
    line = next(line for line in as_calc_shows.splitlines() if ",fatal_accidents," in line)
    assert ",= 0," in line

"""What only a browser shows: the served app renders, rows open the drill-down, charts draw,
meeting mode steps, the language switch and a typed period work."""
import pytest

pytestmark = pytest.mark.browser


def open_scorecard(page, url, query=""):
    page.goto(url + query)
    page.get_by_role("heading", name="Tuloskortti").wait_for()
    page.get_by_text("saavutettu ·").first.wait_for()


def choose_period(page, text):
    box = page.get_by_test_id("stSelectbox").first
    box.click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def table_rows(page):
    """The scorecard's rows as text, from the grid's accessible table."""
    rows = page.get_by_test_id("stDataFrame").locator("table tr")
    rows.nth(1).wait_for(state="attached")  # the grid draws on a canvas; this table is its text twin
    return [rows.nth(i).text_content() for i in range(rows.count())]


def test_the_served_app_opens_on_the_scorecard_with_the_demo_data(page, served_app):
    open_scorecard(page, served_app)
    page.get_by_test_id("stDataFrame").wait_for()
    assert page.get_by_test_id("stException").count() == 0


def test_the_2020_nps_row_reads_67_against_70_not_met_and_binding(page, served_app):
    open_scorecard(page, served_app, "/?period=2020")
    page.get_by_text("Sitovia tavoitteita saavuttamatta: 1").wait_for()
    first = table_rows(page)[1]
    for text in ("❌ Ei saavutettu", "Asiakkaiden nettosuositteluindeksi (NPS)", "67", "≥ 70", "−3", "Kyllä"):
        assert text in first


def test_clicking_the_nps_row_opens_its_drilldown_with_the_chart_and_q1_at_61(page, served_app):
    open_scorecard(page, served_app, "/?period=2020")
    table = page.get_by_test_id("stDataFrame")
    table_rows(page)
    box = table.bounding_box()
    page.mouse.click(box["x"] + 17, box["y"] + 35 + 17)  # the first row's selection box
    page.get_by_text("Ei saavutettu: 67 · tavoite ≥ 70 · ero −3").wait_for()
    page.get_by_text("2020-Q1: 61 · 2020-Q2: 69").wait_for()
    charts = page.get_by_test_id("stVegaLiteChart")
    charts.first.locator("canvas, svg").first.wait_for()
    assert charts.count() >= 2


def test_meeting_mode_steps_through_the_agenda(page, served_app):
    page.goto(served_app + "/meeting?period=2020")
    page.get_by_text("1 / 5").wait_for()
    page.get_by_role("heading", name="Asiakkaiden nettosuositteluindeksi (NPS)").wait_for()
    page.get_by_role("button", name="Seuraava →").click()
    page.get_by_text("2 / 5").wait_for()
    page.get_by_role("heading", name="Työtyytyväisyys (VMBaro, 1–5)").wait_for()
    page.get_by_role("button", name="← Edellinen").click()
    page.get_by_text("1 / 5").wait_for()


def test_meeting_mode_fits_a_1280_by_720_projector_without_scrolling(page, served_app):
    page.goto(served_app + "/meeting?period=2020")
    page.get_by_text("1 / 5").wait_for()
    page.get_by_test_id("stVegaLiteChart").first.locator("canvas, svg").first.wait_for()
    page.wait_for_timeout(500)
    scroller = page.get_by_test_id("stMain")
    overflow = scroller.evaluate("node => node.scrollHeight - node.clientHeight")
    assert overflow <= 0


def test_typing_a_date_range_that_is_not_offered_still_works(page, served_app):
    open_scorecard(page, served_app)
    choose_period(page, "2011-06-15..2012-06-15")
    page.get_by_text("0 saavutettu · 1 vaarassa · 0 ei saavutettu · 0 ei tietoa").wait_for()


def test_the_language_switch_turns_the_page_english(page, served_app):
    open_scorecard(page, served_app)
    page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Scorecard").wait_for()
    assert page.get_by_text("Org unit").count() >= 1


@pytest.mark.parametrize("link,shows", [
    ("/drilldown?indicator=nps&period=2020&unit=TTH", "Ei saavutettu: 67"),
    ("/data", "Tietojen syöttö"),
])
def test_a_link_opened_first_after_a_restart_still_gets_the_whole_app(browser, fresh_served_app, link, shows):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fi-FI")
    tab = context.new_page()
    tab.goto(fresh_served_app + link)
    tab.get_by_text(shows).first.wait_for(timeout=30_000)
    # app.py ran: its language switch is in the (folded) sidebar
    tab.get_by_test_id("stSidebar").get_by_text("Kieli").wait_for(state="attached", timeout=15_000)
    assert tab.get_by_text("Page not found").count() == 0
    context.close()


def test_clicking_a_quarter_bar_narrows_the_drilldown_to_that_quarter(page, served_app):
    page.goto(served_app + "/drilldown?indicator=nps&period=2020&unit=TTH")
    page.get_by_text("Ei saavutettu: 67 · tavoite ≥ 70 · ero −3").wait_for()
    bar = page.get_by_test_id("stVegaLiteChart").nth(1).locator("[aria-label^='label: 2020-Q1;']").first
    bar.click()
    page.get_by_text("Ei saavutettu: 61 · tavoite ≥ 70 · ero −9").wait_for()
    assert "period=2020-Q1" in page.url  # the narrowed view is a link too

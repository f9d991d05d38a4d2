"""What only a browser shows: the served app renders, a typed period is understood, the language switch."""
import pytest

pytestmark = pytest.mark.browser


def open_scorecard(page, url):
    page.goto(url)
    page.get_by_role("heading", name="Tuloskortti").wait_for()
    page.get_by_text("saavutettu ·").first.wait_for()


def choose_period(page, text):
    box = page.get_by_test_id("stSelectbox").first
    box.click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_the_served_app_opens_on_the_scorecard_with_the_demo_data(page, served_app):
    open_scorecard(page, served_app)
    page.get_by_test_id("stDataFrame").wait_for()
    assert page.get_by_test_id("stException").count() == 0


def test_typing_2020_shows_the_binding_nps_miss(page, served_app):
    open_scorecard(page, served_app)
    choose_period(page, "2020")
    page.get_by_text("Sitovia tavoitteita saavuttamatta: 1").wait_for()


def test_typing_a_date_range_that_is_not_offered_still_works(page, served_app):
    open_scorecard(page, served_app)
    choose_period(page, "2011-06-15..2012-06-15")
    page.get_by_text("0 saavutettu · 1 vaarassa · 0 ei saavutettu · 0 ei tietoa").wait_for()


def test_the_language_switch_turns_the_page_english(page, served_app):
    open_scorecard(page, served_app)
    page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Scorecard").wait_for()
    assert page.get_by_text("Org unit").count() >= 1


def test_a_link_opened_first_after_a_restart_still_gets_the_whole_app(browser, fresh_served_app):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fi-FI")
    tab = context.new_page()
    tab.goto(fresh_served_app + "/scorecard?period=2020")
    tab.get_by_text("Sitovia tavoitteita saavuttamatta: 1").wait_for(timeout=30_000)
    assert tab.get_by_test_id("stSidebar").get_by_text("Kieli").count() == 1  # app.py ran: the switch is there
    context.close()

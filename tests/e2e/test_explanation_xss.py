"""What only a browser can prove: an explanation holding HTML is shown as the characters typed. Nothing runs
(no dialog opens), no element is injected, and a Markdown image loads nothing from outside the meeting room."""
import pytest

pytestmark = pytest.mark.browser

HOSTILE = "Syy: <img src=x onerror=alert(1)> ja <script>alert(2)</script> loppu."
IMAGE = "![seurantapikseli](https://tracker.example/pixel.gif)"


def write_explanation(page, url, text):
    """On the drill-down of an unexplained binding miss (NPS 2020-Q1: 61 against ≥ 70), write and save."""
    page.goto(url + "/drilldown?indicator=nps&period=2020-Q1&unit=TTH")
    page.get_by_text("Selvitys puuttuu").wait_for()
    page.get_by_text("Tallennetut arvot").wait_for()  # the whole page is drawn before anything is typed
    page.get_by_text("Kirjoita selvitys").click()
    box = page.get_by_role("textbox", name="Selvitys (Markdown)")
    box.fill(text)
    page.get_by_role("button", name="Tallenna").click()
    page.get_by_text("Selvitys tallennettu (luonnos).").wait_for()


def test_html_in_an_explanation_is_shown_as_text_and_never_runs(page, served_app):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    outside = []
    page.on("request", lambda request: outside.append(request.url) if "127.0.0.1" not in request.url else None)

    write_explanation(page, served_app, f"{HOSTILE}\n\n{IMAGE}")

    shown = page.get_by_test_id("stMarkdownContainer").locator("p").filter(has_text="Syy:").first
    shown.wait_for()
    assert shown.is_visible() and shown.inner_text() == HOSTILE  # the characters typed, as text
    page.get_by_text("seurantapikseli (https://tracker.example/pixel.gif)").wait_for()
    page.wait_for_timeout(1000)                             # time for an injected handler to have fired
    assert dialogs == []
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("img[onerror]").count() == 0
    assert page.locator("script").evaluate_all("els => els.filter(e => e.textContent.includes('alert')).length") == 0
    assert page.locator('img[src*="tracker.example"]').count() == 0
    assert outside == []
    assert page.get_by_test_id("stException").count() == 0

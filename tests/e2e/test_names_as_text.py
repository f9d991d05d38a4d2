"""Names are text: indicator and unit names and a unit label holding Markdown images (inline, titled,
reference, inside a link, protocol-relative) load nothing from another host on any page, and show as the
characters typed."""
from __future__ import annotations

import pytest

from kpi import db, store
from kpi.admin.demo import load_demo
from kpi.store import schema

pytestmark = pytest.mark.browser

EVIL = "evil.example"
NAMES = {
    "indicator": f"NPS ![a](http://{EVIL}/inline.png)",
    "other_indicator": f"Sairauspoissaolot ![b](http://{EVIL}/titled.png \"t\")",
    "unit": f"Työterveys [![c](//{EVIL}/in-link.png)](http://{EVIL})",
    "other_unit": "Virasto ![d][r] :red[punainen] # otsikko",
    "label": f"![e](//{EVIL}/l.png)",
    "action": f"Seuranta ![f](http://{EVIL}/action.png)",   # an action's title and owner: st.table cells
}
PAGES = ["/?period=2020", "/?period=2020&unit=TTH", "/drilldown?indicator=nps&period=2020&unit=TTH",
         "/drilldown?indicator=sick_leave_days_per_fte&period=2021", "/meeting?period=2020", "/reports", "/targets",
         "/data", "/catalogue", "/reviews"]


@pytest.fixture
def hostile_names(tmp_path):
    """The demo in the database `fresh_served_app` will serve (tmp_path), with the names above."""
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    schema.upgrade(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        load_demo(session)
    with db.session_scope(engine) as session:
        store.update_indicator(session, code="nps", name_fi=NAMES["indicator"], unit_label=NAMES["label"],
                               actor="test")
        store.update_indicator(session, code="sick_leave_days_per_fte", name_fi=NAMES["other_indicator"], actor="test")
        store.update_org_unit(session, code="TTH", name_fi=NAMES["unit"], actor="test")
        store.update_org_unit(session, code="VIRASTO", name_fi=NAMES["other_unit"], actor="test")
        target = store.find_target(session, "nps", "TTH", "2020")
        store.create_action(session, target_id=target.id, period="2020", title=NAMES["action"],
                            owner=NAMES["action"], actor="test")
    engine.dispose()


def test_no_page_loads_anything_from_another_host_and_names_show_as_typed(browser, hostile_names, fresh_served_app):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(30_000)
    outside = []
    page.on("request", lambda request: outside.append(request.url) if EVIL in request.url else None)
    for path in PAGES:
        page.goto(fresh_served_app + path)
        page.get_by_test_id("stApp").wait_for()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)  # the page's fragments and charts are drawn
        images = page.locator(f'img[src*="{EVIL}"]')
        assert images.count() == 0, (path, images.evaluate_all("els => els.map(e => e.closest(\"[data-testid]\").getAttribute(\"data-testid\") + \": \" + e.parentElement.outerHTML.slice(0, 300))"))
        links = page.locator(f'a[href*="{EVIL}"]')
        assert links.count() == 0, (path, links.evaluate_all("els => els.map(e => e.outerHTML)"))
        assert page.locator("[data-testid=stMarkdownContainer] h1, [data-testid=stMarkdownContainer] h2")\
            .filter(has_text="otsikko").count() == 0, path
    assert outside == []
    page.goto(fresh_served_app + "/drilldown?indicator=nps&period=2020&unit=TTH")
    title = page.locator("h1").filter(has_text="NPS").first
    title.wait_for()
    # The characters typed (a word joiner, invisible, keeps "http://" from being turned into a link).
    assert title.inner_text().replace("\u2060", "") == NAMES["indicator"]
    caption = page.get_by_test_id("stCaptionContainer").filter(has_text="Työterveys").first
    assert caption.inner_text().replace("\u2060", "").startswith(NAMES["unit"])
    context.close()

"""What a refused visitor's browser shows of the page list: Streamlit's automatic list names the pages/
folder's files ("app", "catalogue", "data", ...); nothing of it may show, not even for a moment."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = sorted(["app"] + [path.stem for path in (ROOT / "pages").glob("*.py")])

# Added to a browser context before the first page loads: remembers every page-list link ever drawn.
WATCH_PAGE_LIST = """
window.__pageLinks = [];
new MutationObserver(() => {
  for (const link of document.querySelectorAll('[data-testid=stSidebarNav] a, [data-testid=stSidebarNavLink]')) {
    const text = link.textContent.trim();
    if (!window.__pageLinks.includes(text)) window.__pageLinks.push(text);
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def assert_no_page_files(tab) -> None:
    """No page-list link now or ever since the page loaded (WATCH_PAGE_LIST), and no file name as a word."""
    assert tab.locator("[data-testid=stSidebarNav] a, [data-testid=stSidebarNavLink]").count() == 0
    assert tab.evaluate("window.__pageLinks") == []
    text = tab.locator("body").inner_text()
    shown = [name for name in PAGE_FILES if re.search(rf"\b{name}\b", text)]
    assert not shown, f"page file names on a refused visitor's screen: {shown}"

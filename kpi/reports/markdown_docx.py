"""The Markdown people write in explanations, as Word paragraphs, from markdown-it-py's token stream.

What the explanation editor offers is what is converted: paragraphs (a single line break stays a line
break, as in the text box), `#` headings, `-`/`*`/`+` bullet lists, `1.` numbered lists, `>` quotes,
**bold**, *italic*, `code`, links (written out as "text (address)") and backslash escapes. The parser's
other rules are switched off, so anything else is kept as the characters typed. HTML in the text is text
too: python-docx escapes it into the XML, so `<script>` in an explanation prints as `<script>` and runs
nowhere. Images become their alt text and address (kpi.presentation.safe_text) before parsing, so a document never
fetches anything. That image filter stays hand-written: the pages show the same text with st.markdown, so
it must hand back Markdown, and markdown-it-py parses Markdown but cannot write its tokens back as Markdown.
"""
from __future__ import annotations

from docx.document import Document
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..presentation.safe_text import safe_markdown
from .common import clean

# CommonMark, less what the editor does not offer: indented and fenced code, HTML, link reference
# definitions, underlined (setext) headings, images (already text), <autolinks> and &entities; stay typed.
_PARSER = MarkdownIt("commonmark", {"html": False}).disable(
    ["code", "fence", "html_block", "reference", "lheading", "image", "autolink", "html_inline", "entity"])
_PARSER.normalizeLink = lambda url: url   # the address as written, not percent-encoded
_LISTS = {"bullet_list_open": "List Bullet", "ordered_list_open": "List Number"}


def add_markdown(document: Document, text: str, *, heading_level: int = 3) -> None:
    """Append `text` to `document`; its `#` headings start at `heading_level` (below the section's own)."""
    source = safe_markdown(clean(text or "")).replace("\r\n", "\n").replace("\r", "\n")
    lines = source.split("\n")
    lists: list[str] = []           # the styles of the lists the next item is in, innermost last
    quotes = 0
    item: Paragraph | None = None   # the list item whose first paragraph is still to come
    style = "Normal"
    for token in _PARSER.parse(source):
        kind = token.type
        if kind in _LISTS:
            lists.append(_LISTS[kind])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            indent = _indent(lines[token.map[0]]) if token.map else 0
            second = len(lists) >= 2 or indent >= 2
            item = document.add_paragraph(style=lists[-1] + (" 2" if second else ""))
        elif kind == "list_item_close":
            item = None
        elif kind == "blockquote_open":
            quotes += 1
        elif kind == "blockquote_close":
            quotes -= 1
        elif kind == "heading_open":
            style = f"Heading {min(heading_level + int(token.tag[1:]) - 1, 9)}"
        elif kind == "inline":
            if item is not None:   # an item's first paragraph is the item; its lines join with a space
                add_inline(item, token.children or [], joined=" ")
                item = None
            else:
                paragraph_style = style if style != "Normal" else ("Quote" if quotes else None)
                add_inline(document.add_paragraph(style=paragraph_style), token.children or [])
            style = "Normal"


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())


def add_inline(paragraph: Paragraph, tokens: list[Token], *, joined: str | None = None) -> None:
    """Runs for a paragraph's inline tokens: bold and italic may nest; a line break stays one (or becomes
    `joined`); a link's address follows its text."""
    bold = italic = 0
    links: list[str] = []
    for token in tokens:
        kind = token.type
        if kind == "text":
            if token.content:
                _run(paragraph, token.content, bold, italic)
        elif kind == "code_inline":
            _run(paragraph, token.content, bold, italic).font.name = "Consolas"
        elif kind in ("softbreak", "hardbreak"):
            if joined is None:
                paragraph.add_run().add_break()
            else:
                _run(paragraph, joined, bold, italic)
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            links.append(str(token.attrs.get("href") or ""))
        elif kind == "link_close":
            url = links.pop() if links else ""
            if url:
                _run(paragraph, f" ({url})", bold, italic)
        elif token.content:   # anything else the parser gives: its characters
            _run(paragraph, token.content, bold, italic)


def _run(paragraph: Paragraph, text: str, bold: int, italic: int):
    run = paragraph.add_run(text)
    run.bold = bool(bold) or None
    run.italic = bool(italic) or None
    return run

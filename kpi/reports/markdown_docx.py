"""The Markdown people write in explanations, as Word paragraphs: a small converter, not a full parser.

What the explanation editor offers is what is converted: paragraphs (a single line break stays a line
break, as in the text box), `#` headings, `-`/`*`/`+` bullet lists, `1.` numbered lists, `>` quotes,
**bold**, *italic*, `code`, links (written out as "text (address)") and backslash escapes. Anything else
is kept as the characters typed. HTML in the text is text too: python-docx escapes it into the XML, so
`<script>` in an explanation prints as `<script>` and runs nowhere. Images become their alt text and
address (kpi.safe_text), so a document never fetches anything.
"""
from __future__ import annotations

import re

from docx.document import Document
from docx.text.paragraph import Paragraph

from ..safe_text import safe_markdown
from .common import clean

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^(\s*)\d{1,9}[.)]\s+(.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")

# Inline marks, first match wins: escapes, code, links, bold, italic. Every span is bounded (a link's text
# stops at the next bracket, its address at a parenthesis, emphasis after 500 characters): unbounded, a pasted
# "[a](" * 5000 or "_a " * 6000 took seconds per paragraph, in every document built from it.
_INLINE = re.compile(
    r"\\(?P<escaped>[\\`*_{}\[\]()#+\-.!<>~|$=])"
    r"|`(?P<code>[^`]{1,2000})`"
    r"|\[(?P<link_text>[^\]\[]{1,2000})\]\((?P<link_url>[^()\s]{0,2000})(?:\s+\"[^\"]{0,2000}\")?\)"
    r"|(?P<bold_mark>\*\*|__)(?P<bold>(?=\S).{1,500}?(?<=\S))(?P=bold_mark)"
    r"|\*(?P<italic>(?=[^\s*]).{0,500}?(?<=[^\s*]))\*"
    r"|(?<![\w])_(?P<italic_u>(?=[^\s_]).{0,500}?(?<=[^\s_]))_(?![\w])"
)


def add_markdown(document: Document, text: str, *, heading_level: int = 3) -> None:
    """Append `text` to `document`; its `#` headings start at `heading_level` (below the section's own)."""
    lines = safe_markdown(clean(text or "")).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraph: Paragraph | None = None   # the paragraph (or list item) later lines continue
    for line in lines:
        if not line.strip():
            paragraph = None
            continue
        if match := _HEADING.match(line):
            level = min(heading_level + len(match.group(1)) - 1, 9)
            add_inline(document.add_paragraph(style=f"Heading {level}"), match.group(2))
            paragraph = None
        elif _RULE.match(line):
            paragraph = None
        elif match := _BULLET.match(line):
            style = "List Bullet 2" if len(match.group(1).expandtabs(4)) >= 2 else "List Bullet"
            paragraph = document.add_paragraph(style=style)
            add_inline(paragraph, match.group(2))
        elif match := _NUMBERED.match(line):
            style = "List Number 2" if len(match.group(1).expandtabs(4)) >= 2 else "List Number"
            paragraph = document.add_paragraph(style=style)
            add_inline(paragraph, match.group(2))
        elif match := _QUOTE.match(line):
            if paragraph is not None and paragraph.style.name == "Quote":
                paragraph.add_run().add_break()
            else:
                paragraph = document.add_paragraph(style="Quote")
            add_inline(paragraph, match.group(1))
        elif paragraph is not None and paragraph.style.name.startswith("List") and line[:1].isspace():
            add_inline(paragraph, " " + line.strip())   # an indented line continues the list item
        elif paragraph is not None and not paragraph.style.name.startswith("List"):
            paragraph.add_run().add_break()             # a single line break, as typed
            add_inline(paragraph, line.strip())
        else:
            paragraph = document.add_paragraph()
            add_inline(paragraph, line.strip())


def add_inline(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False) -> None:
    """Runs for one line of Markdown: bold and italic may nest; everything else is literal text."""
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            _run(paragraph, text[position:match.start()], bold, italic)
        if match.group("escaped") is not None:
            _run(paragraph, match.group("escaped"), bold, italic)
        elif match.group("code") is not None:
            run = _run(paragraph, match.group("code"), bold, italic)
            run.font.name = "Consolas"
        elif match.group("link_text") is not None:
            url = match.group("link_url")
            _run(paragraph, match.group("link_text") + (f" ({url})" if url else ""), bold, italic)
        elif match.group("bold") is not None:
            add_inline(paragraph, match.group("bold"), bold=True, italic=italic)
        else:
            add_inline(paragraph, match.group("italic") or match.group("italic_u"), bold=bold, italic=True)
        position = match.end()
    if position < len(text):
        _run(paragraph, text[position:], bold, italic)


def _run(paragraph: Paragraph, text: str, bold: bool, italic: bool):
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    return run

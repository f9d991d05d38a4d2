"""Text people wrote (explanations, decisions, action titles, review notes), made safe to show.

Streamlit's `st.markdown` escapes HTML unless `unsafe_allow_html=True`, which the app never passes
with user text; `<script>` and `<img onerror>` therefore show as the characters typed. What Markdown
itself can still do is load a remote image (a tracking pixel, an outbound request from the meeting
room), so images become their alt text and address, shown as text.

Every Markdown image starts with the two characters `![` side by side (inline `![a](u "t")`, reference
`![a][r]`, collapsed `![a][]`, shortcut `![a]`, inside a link or not). So the last step puts a backslash
between every `!` and `[` left in the result: whatever the first step recognised or missed, no image
can remain. The first step only makes the common forms read well ("alt (address)").

Both steps are single passes over the text (brackets and parentheses are paired once, up front, with
a stack), so the time grows with the length of the text. A backtracking regex did not: `"![a]("`
repeated 2 400 times took minutes and froze every session on the server.
"""
from __future__ import annotations


def safe_markdown(text: str | None) -> str:
    """User Markdown with images turned into text; everything else is left to the escaping renderer."""
    text = text or ""
    if "![" not in text:
        return text
    return _images_as_text(text).replace("![", "!\\[")


def _images_as_text(text: str) -> str:
    """`![alt](address "title")` as "alt (address)", `![alt][ref]` and `![alt][]` as "alt"; the alt
    text of an image inside another image's alt text is converted too. Anything else is kept as is."""
    bracket_pair = _pairs(text, "[", "]")
    paren_pair = _pairs(text, "(", ")")
    out: list[str] = []
    closing: list[tuple[int, str, int]] = []   # images whose alt text is being copied: (its "]", tail, resume at)
    copied_from = i = 0
    n = len(text)
    while i < n:
        if closing and i == closing[-1][0]:     # the end of an alt text: its address, then past the image
            _, tail, resume = closing.pop()
            out += [text[copied_from:i], tail]
            copied_from = i = resume
            continue
        if text.startswith("![", i) and not _escaped(text, i):
            image = _image_at(text, i, bracket_pair, paren_pair)
            limit = closing[-1][0] if closing else n
            if image is not None and image[1] <= limit:   # an image inside an alt text ends inside it
                out.append(text[copied_from:i])
                closing.append((bracket_pair[i + 1], image[0], image[1]))
                copied_from = i = i + 2
                continue
        i += 1
    out.append(text[copied_from:])
    return "".join(out)


def _image_at(text: str, i: int, bracket_pair: dict[int, int], paren_pair: dict[int, int]
              ) -> tuple[str, int] | None:
    """For the `![` at `i`: what follows its alt text in the shown text, and where the image ends."""
    alt_end = bracket_pair.get(i + 1)
    if alt_end is None:
        return None
    after = alt_end + 1
    if after < len(text) and text[after] == "(" and after in paren_pair:
        end = paren_pair[after]
        return f" ({_address(text[after + 1:end])})", end + 1
    if after < len(text) and text[after] == "[" and after in bracket_pair:
        return "", bracket_pair[after] + 1        # a reference image: its alt text only
    return None


def _address(inside: str) -> str:
    """The address in `(address "title")` or `(<address> 'title')`, without the title."""
    inside = inside.strip()
    if inside.startswith("<") and ">" in inside:
        return inside[1:inside.index(">")]
    return inside.split(None, 1)[0] if inside else ""


def _pairs(text: str, opening: str, closing: str) -> dict[int, int]:
    """Where each unescaped `opening` is closed, paired like nested brackets; unclosed ones are left out."""
    pairs: dict[int, int] = {}
    open_at: list[int] = []
    for position, char in enumerate(text):
        if char == opening and not _escaped(text, position):
            open_at.append(position)
        elif char == closing and open_at and not _escaped(text, position):
            pairs[open_at.pop()] = position
    return pairs


def _escaped(text: str, position: int) -> bool:
    """True when an odd number of backslashes stands right before `position`."""
    count = 0
    while position - count - 1 >= 0 and text[position - count - 1] == "\\":
        count += 1
    return count % 2 == 1

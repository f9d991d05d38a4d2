"""Names and labels people typed, shown as the characters they typed: never read as Markdown, never a
character that stops a renderer.

Three uses:
- `escape_markdown`: a name (indicator, unit, unit label, file, person) put into anything Streamlit renders
  as Markdown (titles, captions, link labels, messages). A backslash before each character that can open
  Markdown (every image and link needs `[`, a colour `:red[`, math `$`, an autolink `<`; emphasis, code,
  tables, strikethrough, a bare address GFM would link) and before a heading's or list's first character
  leaves nothing to be read as
  Markdown; the text looks exactly as typed, and parentheses, dots and dashes inside it stay unescaped,
  so the same text in an explanation the user edits stays readable.
- `drawable`: text handed to a renderer that cannot take every code point (vl-convert aborts the process
  on some control characters; XML 1.0 holds none of them). Applied to whatever is drawn, stored or not.
- `name_problem`: the store's check on a new or changed name, so such text is refused at the door.
- `formula_guarded` / `formula_unguarded`: text written into a spreadsheet export with a leading `'` so it
  is not run as a formula, and that `'` taken off again when the file is imported back (as a spreadsheet
  does when it reads the cell), so an exported comment "=x" comes back as "=x".
"""
from __future__ import annotations

import re

_MARKDOWN_OPENERS = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#!|~$"})
_LINE_START = re.compile(r"^([-+*]|\d{1,9}[.)])(?=\s|$)")  # a list item: "-", "+", "*", "1." or "1)" then a space
# "http://…" and "www.…" in text: GFM links them after the escapes are read, so a backslash cannot stop it;
# an invisible word joiner (U+2060) inside the pattern does, and the text still reads as typed.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9]:)(?=//)|(?<=\bwww)(?=\.)")
_LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029]+")

# Control characters (C0, DEL, C1), surrogates, the line and paragraph separators and the non-characters
# (U+FDD0..U+FDEF and the last two code points of every plane). Tab and newline too: a name is one line.
_NOT_DRAWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)
# Text of several lines (an explanation, a note) keeps its line breaks and tabs.
_NOT_DRAWABLE_MULTILINE = re.compile(_NOT_DRAWABLE.pattern.replace("\x00-\x1f", "\x00-\x08\x0b\x0c\x0e-\x1f"))


def escape_markdown(text: str | None) -> str:
    """One line of people's text (a name, a reason) as Markdown that shows exactly those characters."""
    line = _LINE_BREAKS.sub(" ", drawable(text, multiline=True)).strip().translate(_MARKDOWN_OPENERS)
    line = _AUTOLINK.sub("\u2060", line)
    return _LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], line)


def drawable(text: str | None, *, multiline: bool = False) -> str:
    """`text` without the characters a chart or document renderer cannot take. A name's line breaks and
    tabs become spaces; with `multiline` they stay."""
    text = str(text or "")
    if multiline:
        return _NOT_DRAWABLE_MULTILINE.sub("", text)
    return _NOT_DRAWABLE.sub("", text.replace("\t", " ").replace("\n", " "))


def drawable_strings(value):
    """Every string inside a chart specification (dicts and lists of JSON values) made drawable."""
    if isinstance(value, str):
        return drawable(value)
    if isinstance(value, dict):
        return {drawable(key): drawable_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [drawable_strings(item) for item in value]
    return value


def name_problem(text: str) -> str | None:
    """Why `text` cannot be a name or label (an error key under [errors]), or None when it can."""
    return "control_character" if _NOT_DRAWABLE.search(text or "") else None


# A text cell that begins with one of these is run as a formula by Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_guarded(text: str) -> str:
    """Text a spreadsheet will not run as a formula: a leading `'` before =, +, -, @, tab or CR."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def formula_unguarded(text: str) -> str:
    """`formula_guarded` undone: one leading `'` dropped where it guards a formula start, nothing else."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text

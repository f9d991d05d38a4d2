"""Column widths for a document's tables, from what the columns hold: no word broken inside a word.

Word and LibreOffice break a word in the middle when a fixed column is narrower than it
("Asiakaspalvelupäällik|kö"). So each column gets at least its longest word, and the rest of the text
width goes to the columns whose text is longest. Widths are estimated from DejaVu Sans Bold's advance
widths: the widest of the fonts a document may print in (LibreOffice falls back to DejaVu Sans where Calibri
is not installed; Calibri and its metric twin Carlito are narrower), so the estimate errs on the safe side.
"""
from __future__ import annotations

import re

# DejaVu Sans Bold advance widths in em, by group; every other character counts as DEFAULT_EM.
_EM = {**dict.fromkeys("ijlIJ/' ", 0.35), **dict.fromkeys(".,:;-·()!f", 0.45),
       **dict.fromkeys("rt–*\"_", 0.5), **dict.fromkeys("csz?", 0.6), **dict.fromkeys("akvxyLäå", 0.65),
       **dict.fromkeys("GUDHNOQÖw≥≤=+−&", 0.9), **dict.fromkeys("mMW—%", 1.1)}
DEFAULT_EM = 0.72
REGULAR = 0.93            # regular text is this much narrower than bold
CELL_PADDING_CM = 0.5     # Table Grid's 0.19 cm each side, and a little for rounding
CM_PER_PT = 2.54 / 72
# Where a line may break: a space (not the no-break space between a number and its unit).
_BREAK = re.compile(r"[ \t\n]+")


def text_cm(text: str, font_pt: float, *, bold: bool = False) -> float:
    """The printed width of `text` on one line."""
    ems = sum(_EM.get(char, DEFAULT_EM) for char in text)
    return ems * font_pt * CM_PER_PT * (1 if bold else REGULAR)


def _longest_word_cm(text: str, font_pt: float, bold: bool) -> float:
    return max((text_cm(word, font_pt, bold=bold) for word in _BREAK.split(text)), default=0.0)


def column_widths(header: list[str], rows: list[list[str]], *, text_width_cm: float, font_pt: float,
                  bold_rows: tuple[int, ...] = ()) -> list[float]:
    """Widths in cm that add up to `text_width_cm`: each column at least its longest word (header bold),
    the space left shared by how much longer each column's longest text is than that."""
    lines = [(header, True)] + [(values, index in bold_rows) for index, values in enumerate(rows)]
    least = [CELL_PADDING_CM] * len(header)
    natural = [CELL_PADDING_CM] * len(header)
    for values, bold in lines:
        for column, text in enumerate(values[:len(header)]):
            text = str(text)
            least[column] = max(least[column], _longest_word_cm(text, font_pt, bold) + CELL_PADDING_CM)
            natural[column] = max(natural[column], text_cm(text, font_pt, bold=bold) + CELL_PADDING_CM)
    if sum(least) >= text_width_cm:
        # Even the longest words do not fit side by side: shrink them alike (a word will break).
        return [width * text_width_cm / sum(least) for width in least]
    wanted = [max(full - low, 0.0) for full, low in zip(natural, least)]
    spare = text_width_cm - sum(least)
    if sum(wanted) <= spare:
        # Every cell fits on one line: the rest of the width shared alike, so the table spans the page.
        extra = (spare - sum(wanted)) / len(header)
        return [low + want + extra for low, want in zip(least, wanted)]
    return [low + spare * want / sum(wanted) for low, want in zip(least, wanted)]

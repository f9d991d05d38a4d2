"""When a value in a file is the value already stored: the import's "unchanged" or "would change".

A value makes a round trip through a spreadsheet: exported, opened in Excel or LibreOffice Calc, saved,
imported back. The spreadsheet keeps 15 significant digits (a stored 467.2578890097932 comes back as
467.257889009793), and the person reads the value at the indicator's decimals. So:

- a ratio given by its parts is the same when its numerator, denominator and weight are: its value
  follows from them (`check_value`), and comparing the value too would call two readings of the same
  parts different where they straddle a rounding boundary;
- any other number is the same when it reads the same at the indicator's decimals (what every screen
  and document shows), or when the two differ only past a spreadsheet's 15 significant digits;
- a part (numerator, denominator, weight) is the same when it agrees to 15 significant digits: parts are
  counts and totals as typed, kept exactly;
- a comment the file leaves empty keeps the stored one.
"""
from __future__ import annotations

from typing import NamedTuple

from .evaluate import round_half_up

SPREADSHEET_DIGITS = 15  # what Excel and Calc keep of a number


class Numbers(NamedTuple):
    """A measurement's numbers as the import compares them: value, numerator, denominator, weight."""
    value: float | None
    numerator: float | None
    denominator: float | None
    weight: float | None


def same_number(a: float | None, b: float | None) -> bool:
    """Equal to a spreadsheet's 15 significant digits (None only equals None)."""
    if a is None or b is None:
        return a is None and b is None
    return a == b or _digits(a) == _digits(b)


def same_at_decimals(a: float | None, b: float | None, decimals: int) -> bool:
    """The same number as people read it at `decimals` (half up, as `evaluate` rounds), or the same
    to a spreadsheet's precision."""
    if same_number(a, b):
        return True
    if a is None or b is None:
        return False
    return round_half_up(float(a), decimals) == round_half_up(float(b), decimals)


def same_values(new: Numbers, stored: Numbers, decimals: int, *, new_comment: str | None = None,
                stored_comment: str = "") -> bool:
    """Whether writing `new` over `stored` would change nothing (see the module text)."""
    if not (same_number(new.weight, stored.weight) and (new_comment is None or new_comment == stored_comment)):
        return False
    if new.numerator is not None or stored.numerator is not None:
        return same_number(new.numerator, stored.numerator) and same_number(new.denominator, stored.denominator)
    return same_number(new.denominator, stored.denominator) and same_at_decimals(new.value, stored.value, decimals)


def _digits(number: float) -> str:
    return format(float(number), f".{SPREADSHEET_DIGITS - 1}e")

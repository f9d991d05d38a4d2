"""Translation catalogue (Finnish default, English) and number formatting for the chosen language.

Every user-facing text is a key in kpi/locales/<lang>/*.toml; `t("scorecard.title", lang)` reads it.
A missing key shows as the key itself, and a test keeps the two catalogues' keys identical.
"""
from __future__ import annotations

import math
from decimal import Decimal
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

from .domain.evaluate import round_half_up

LANGUAGES = ("fi", "en")
DEFAULT_LANGUAGE = "fi"
MINUS = "\u2212"
_LOCALES = Path(__file__).resolve().parent / "locales"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every kpi/locales/<lang>/*.toml merged: one file per area, so areas can grow side by side."""
    merged: dict[str, str] = {}
    for path in sorted((_LOCALES / lang).glob("*.toml")):
        with open(path, "rb") as handle:
            merged.update(_flatten(tomllib.load(handle)))
    return merged


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    text = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).get(key, key)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def plural(key: str, n: float, lang: str = DEFAULT_LANGUAGE, *, decimals: int = 0, **params: Any) -> str:
    """`key.one` or `key.other` by the number as it is shown: "1 piste", "3 pistettä", "1,0 pistettä".

    Both languages have these two forms (CLDR): "one" is exactly 1 written without decimals. A catalogue
    that gives only `key.other` uses it for every count.
    """
    shown = Decimal(f"{abs(round_half_up(float(n), decimals)):.{decimals}f}")
    form = _locale(lang).plural_form(shown)
    text = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    return t(f"{key}.{form}" if f"{key}.{form}" in text else f"{key}.other", lang, **params)


def format_number(value: float | None, decimals: int = 0, lang: str = DEFAULT_LANGUAGE, *,
                  signed: bool = False) -> str:
    """67.5 -> "67,5" in Finnish, "67.5" in English; thousands grouped (Finnish: narrow no-break space)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    # Rounded here (half up, as the targets are judged) and handed over as the decimal digits Python
    # writes for it, so Babel's own half-even rounding never applies; Babel groups and puts in the
    # locale's symbols. The sign is ours: none for a value that rounds to zero, "+" when asked.
    rounded = round_half_up(float(value), decimals)
    locale = _locale(lang)
    text = _pattern(decimals).apply(Decimal(f"{abs(rounded):.{decimals}f}"), locale)
    if lang == "fi":
        # CLDR groups Finnish with a no-break space; the app writes the narrower U+202F (as Finnish
        # typography sets it), which a number never breaks at either.
        text = text.replace("\u00a0", "\u202f")
    sign = ""
    if rounded < 0:
        # U+2212 in both languages (CLDR gives English the hyphen-minus): a figure reads the same in
        # either, and a line is not broken after a hyphen that stands for a minus.
        sign = MINUS
    elif signed and rounded > 0:
        sign = "+"
    return sign + text


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse("fi" if lang == "fi" else "en")   # any other language reads as English, as before


@cache
def _pattern(decimals: int) -> NumberPattern:
    """Grouped thousands and exactly `decimals` decimals, in the locale's symbols."""
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals > 0 else ""))


def format_percent(value: float | None, decimals: int = 0, lang: str = DEFAULT_LANGUAGE) -> str:
    number = format_number(value, decimals, lang)
    if number == "–":
        return number
    return number + ("\u00a0%" if lang == "fi" else "%")

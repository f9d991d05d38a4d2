"""Translation catalogue (Finnish default, English) and number formatting for the chosen language.

Every user-facing text is a key in kpi/locales/<lang>/*.toml; `t("scorecard.title", lang)` reads it.
A missing key shows as the key itself, and a test keeps the two catalogues' keys identical.
"""
from __future__ import annotations

import math
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from .domain.evaluate import round_half_up

LANGUAGES = ("fi", "en")
DEFAULT_LANGUAGE = "fi"
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


def format_number(value: float | None, decimals: int = 0, lang: str = DEFAULT_LANGUAGE, *,
                  signed: bool = False) -> str:
    """67.5 -> "67,5" in Finnish, "67.5" in English; thousands grouped (Finnish: narrow no-break space)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    rounded = round_half_up(float(value), decimals)
    text = f"{abs(rounded):,.{decimals}f}"
    if lang == "fi":
        text = text.replace(",", "\u202f").replace(".", ",")
    sign = ""
    if rounded < 0:
        sign = "−" if lang == "fi" else "-"
    elif signed and rounded > 0:
        sign = "+"
    return sign + text


def format_percent(value: float | None, decimals: int = 0, lang: str = DEFAULT_LANGUAGE) -> str:
    number = format_number(value, decimals, lang)
    if number == "–":
        return number
    return number + ("\u00a0%" if lang == "fi" else "%")

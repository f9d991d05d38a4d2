"""How results read on screen and paper: status icons and words, target text, unit labels.

Shared by the pages and the command line so a status looks the same everywhere. Status is always an
icon and a word as well as a colour, so it survives a greyscale projector.
"""
from __future__ import annotations

import pandas as pd

from ..domain.vocabulary import Comparator, Status
from ..i18n import format_number, t

STATUS_ICON = {Status.MET: "✅", Status.AT_RISK: "⚠️", Status.NOT_MET: "❌", Status.NO_DATA: "⭕"}
# Colour-blind-safe pair (blue/orange family) plus grey; the icon and word carry the meaning anyway.
STATUS_COLOUR = {Status.MET: "#1a7f37", Status.AT_RISK: "#b58100", Status.NOT_MET: "#c62828", Status.NO_DATA: "#6e7781"}


def status_label(status: str, lang: str) -> str:
    return f"{STATUS_ICON[Status(status)]} {t(f'status.{status}', lang)}"


def target_text(comparator: str, threshold: float, upper: float | None, decimals: int, lang: str) -> str:
    low = format_number(threshold, decimals, lang)
    if Comparator(comparator) is Comparator.BETWEEN:
        return f"{low}–{format_number(upper, decimals, lang)}"
    return f"{Comparator(comparator).symbol} {low}"


def unit_label(label: str, lang: str) -> str:
    """Translate a stored unit label such as "pv/htv" (days per FTE); unknown labels show as stored."""
    if not label:
        return ""
    key = f"unit_labels.{label}"
    text = t(key, lang)
    return label if text == key else text


def value_text(value: float | None, decimals: int, label: str, lang: str) -> str:
    number = format_number(value, decimals, lang)
    suffix = unit_label(label, lang)
    if value is None or not suffix:
        return number
    return f"{number}\u00a0{suffix}"


def change_text(row, lang: str) -> str:
    """"▲ +2 (better)": the arrow gives the direction of the number, the word whether that is good."""
    if row.change is None:
        return ""
    signed = format_number(row.change, row.decimals, lang, signed=True)
    if signed.lstrip("+−-") == format_number(0, row.decimals, lang):
        return f"= ({t('change.same', lang)})"
    arrow = "▲" if row.change > 0 else "▼"
    if row.change_is_better is None:
        return f"{arrow} {signed}"
    return f"{arrow} {signed} ({t('change.better' if row.change_is_better else 'change.worse', lang)})"


def scorecard_frame(rows, lang: str) -> pd.DataFrame:
    """The scorecard as a table of display strings (and the trend as numbers), columns in the user's language."""
    records = []
    for row in rows:
        actual = value_text(row.actual, row.decimals, row.unit_label, lang)
        if row.running and row.actual is not None:
            actual += " *"
        records.append({
            t("scorecard.col_status", lang): status_label(row.status, lang),
            t("scorecard.col_indicator", lang): row.indicator_name,
            t("scorecard.col_unit", lang): row.org_unit_name,
            t("scorecard.col_actual", lang): actual,
            t("scorecard.col_target", lang): target_text(row.comparator, row.target, row.target_upper,
                                                         row.decimals, lang),
            t("scorecard.col_gap", lang): format_number(row.gap, row.decimals, lang, signed=True),
            t("scorecard.col_change", lang): change_text(row, lang),
            t("scorecard.col_trend", lang): [v for v in row.trend if v is not None],
            t("scorecard.col_binding", lang): t("scorecard.yes", lang) if row.binding else "",
            t("scorecard.col_period", lang): row.target_period,
        })
    frame = pd.DataFrame.from_records(records)
    # The target's own period only says something when it differs (a year target judging a quarter).
    if all(row.target_period == row.period for row in rows):
        frame = frame.drop(columns=[t("scorecard.col_period", lang)], errors="ignore")
    return frame

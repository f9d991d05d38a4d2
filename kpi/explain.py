"""The rule that combined a figure, said in words: "NPS for 2020 is computed from all responses…".

Plain text from the catalogue, so the steering group reads the same sentence in either language.
"""
from __future__ import annotations

from .domain.rollup import Rollup
from .domain.vocabulary import Aggregation
from .i18n import format_number, t
from .models import Indicator


def explain_rollup(indicator: Indicator, result: Rollup, period: str, unit_name: str, lang: str) -> str:
    name = indicator.name_in(lang)
    value = format_number(result.value, indicator.decimals, lang)
    common = dict(name=name, period=period, unit=unit_name, value=value, count=len(result.parts))
    if result.problem:
        problem = result.problem
        return t(f"rollup.{problem.key}", lang, unit=problem.unit, period=problem.period)
    if not result.parts:
        return t("explain.no_data", lang, **common)
    if len(result.parts) == 1:
        return t("explain.single", lang, stored=result.parts[0].period.code, **common)
    aggregation = Aggregation(indicator.aggregation)
    if aggregation is Aggregation.RATIO_OF_TOTALS:
        return t("explain.ratio", lang, numerator=format_number(result.numerator, 2 if result.numerator % 1 else 0, lang),
                 denominator=format_number(result.denominator, 2 if result.denominator % 1 else 0, lang),
                 scale="" if indicator.scale == 1 else f" × {format_number(indicator.scale, 0, lang)}", **common)
    if aggregation is Aggregation.WEIGHTED_MEAN:
        return t("explain.weighted_mean", lang, weight=format_number(result.weight, 0, lang), **common)
    if aggregation is Aggregation.LAST_VALUE:
        return t("explain.last", lang, through=result.data_through.isoformat(), **common)
    return t("explain.sum", lang, **common)

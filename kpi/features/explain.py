"""The rule that combined a figure, said in words: "NPS for 2020 is computed from all responses…".

Plain text from the catalogue, so the steering group reads the same sentence in either language. Which
sentence applies is the domain's rule (`kpi.domain.rollup_explained`); this module only words it.
"""
from __future__ import annotations

from ..domain.rollup import Rollup
from ..domain.rollup_explained import Combined, HowCombined, how_combined
from ..i18n import format_number, t
from ..models import Indicator


def explain_rollup(indicator: Indicator, result: Rollup, period: str, unit_name: str, lang: str) -> str:
    """The sentence for a stored indicator's rolled-up figure."""
    return in_words(how_combined(indicator.aggregation, result), name=indicator.name_in(lang),
                    decimals=indicator.decimals, scale=indicator.scale, period=period, unit_name=unit_name,
                    lang=lang)


def in_words(how: HowCombined, *, name: str, decimals: int, scale: float, period: str, unit_name: str,
             lang: str) -> str:
    if how.way is Combined.PROBLEM:
        return t(f"rollup.{how.problem.key}", lang, unit=how.problem.unit, period=how.problem.period)
    common = dict(name=name, period=period, unit=unit_name, value=format_number(how.value, decimals, lang),
                  count=how.count)
    if how.way is Combined.SINGLE:
        return t("explain.single", lang, stored=how.stored, **common)
    if how.way is Combined.RATIO:
        return t("explain.ratio", lang, numerator=_total(how.numerator, lang), denominator=_total(how.denominator, lang),
                 scale="" if scale == 1 else f" × {format_number(scale, 0, lang)}", **common)
    if how.way is Combined.WEIGHTED_MEAN:
        return t("explain.weighted_mean", lang, weight=format_number(how.weight, 0, lang), **common)
    if how.way is Combined.LAST:
        return t("explain.last", lang, through=how.through.isoformat(), **common)
    return t(f"explain.{how.way.value}", lang, **common)  # no_data, sum


def _total(value: float, lang: str) -> str:
    """A total as written: whole numbers without decimals, others with two."""
    return format_number(value, 2 if value % 1 else 0, lang)

"""The automatic analysis in words: deterministic Finnish and English sentences (Markdown, no HTML)
from a `kpi.features.analysis_results.ShortfallAnalysis`. The arithmetic lives in `kpi.features.analysis`; this is only wording."""
from __future__ import annotations

from .analysis_results import Contribution, Pace, ShortfallAnalysis
from ..domain.evaluate import TargetRule, round_half_up, signed_gap
from ..domain.periods import PeriodKind, parse_period
from ..domain.vocabulary import Aggregation, Comparator
from ..i18n import format_number, format_percent, plural, t
from ..models import Indicator
from ..plain_text import escape_markdown
from ..presentation.present import target_text, unit_label, value_text


def analysis_markdown(analysis: ShortfallAnalysis, indicator: Indicator, lang: str) -> str:
    """The analysis as a Markdown list: the starting text offered for a new explanation."""
    return "\n".join(f"- {line}" for line in analysis_text(analysis, indicator, lang))


def analysis_text(analysis: ShortfallAnalysis, indicator: Indicator, lang: str) -> list[str]:
    """The analysis in sentences (Markdown, no HTML), one per bullet, numbers as the language writes them.

    A shortfall: the result against the target, the part and the unit that pulled it down most, the other
    parts below, the parts without data. A period under way: what the rest must reach, and the projection.
    Met: one line. Always the trend last.
    """
    words = _Words(indicator, lang)
    lines = [_headline(analysis, words)]
    if analysis.shortfall:
        lines += _part_lines(analysis.by_part, analysis.main_part, words, units=False)
        lines += _part_lines(analysis.by_unit, analysis.main_unit, words, units=True)
        missing = _without_data(analysis)
        if missing:
            lines.append(t("analysis.no_data_parts", lang, parts=words.join(missing)))
    if analysis.pace is not None and analysis.threshold is not None:
        lines += _pace_lines(analysis, analysis.pace, words)
    if len(analysis.trend) > 1:
        lines.append(t("analysis.trend", lang, series=_trend_text(analysis.trend, words)))
    return lines


class _Words:
    """Numbers, targets and units written for one indicator in one language."""

    def __init__(self, indicator: Indicator, lang: str):
        self.indicator, self.lang, self.decimals = indicator, lang, indicator.decimals
        self.aggregation = Aggregation(indicator.aggregation)

    def number(self, value: float | None, *, signed: bool = False) -> str:
        return format_number(value, self.decimals, self.lang, signed=signed)

    def value(self, value: float | None) -> str:
        # The unit label is typed by people and this text is Markdown: escaped (a label "$" would open math).
        return escape_markdown(value_text(value, self.decimals, self.indicator.unit_label, self.lang))

    def target(self, analysis: ShortfallAnalysis) -> str:
        text = target_text(analysis.comparator, analysis.threshold, analysis.threshold_upper, self.decimals, self.lang)
        suffix = unit_label(self.indicator.unit_label, self.lang)
        return f"{text}\u00a0{suffix}" if suffix else text

    def amount(self, gap: float, *, signed: bool = False) -> str:
        """A gap in words: "3 pistettä", "1 percentage point", "0,8 pv/htv", signed "−9 pistettä". Never a
        bare number, which would stand beside the target's ("≥ 70 3"), and never the org-unit word."""
        size = gap if signed else abs(gap)
        number = self.number(size, signed=signed)
        label = self.indicator.unit_label
        if label == "%":
            return plural("analysis.amount_points", size, self.lang, decimals=self.decimals, amount=number)
        if label:
            return f"{number}\u00a0{escape_markdown(unit_label(label, self.lang))}"
        return plural("analysis.amount_plain", size, self.lang, decimals=self.decimals, amount=number)

    def weight(self, weight: float | None) -> str | None:
        """"800 vastausta", "450 htv", "weight 66"; None where parts have no weight worth saying."""
        if weight is None or self.aggregation not in (Aggregation.RATIO_OF_TOTALS, Aggregation.WEIGHTED_MEAN):
            return None
        places = 0 if abs(weight) >= 100 or float(weight).is_integer() else 1
        number = format_number(weight, places, self.lang)
        if self.aggregation is Aggregation.WEIGHTED_MEAN:
            return number  # the weight has no name of its own (respondents, hours…)
        noun = self._denominator_noun()
        if noun:
            return f"{number}\u00a0{noun}"
        return plural("analysis.weight_responses", weight, self.lang, decimals=places, weight=number)

    def _denominator_noun(self) -> str | None:
        """The denominator's unit from a label such as "pv/htv" (days per FTE): "htv" / "FTE"."""
        label = unit_label(self.indicator.unit_label, self.lang)
        return label.rsplit("/", 1)[1] if "/" in label else None

    def join(self, items: list[str]) -> str:
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {t('analysis.and', self.lang)} {items[-1]}"

    def list_separator(self) -> str:
        # "10,5, 11,2" would read as four numbers: Finnish decimals are listed with a slash.
        return " / " if (self.lang == "fi" and self.decimals) else ", "


def _result_words(period_code: str, lang: str) -> str:
    """"Vuoden 2020 tulos" / "The 2020 result", by the kind of period."""
    kind = parse_period(period_code).kind
    if kind is PeriodKind.YEAR:
        return t("analysis.result_year", lang, period=period_code)
    if kind is PeriodKind.QUARTER:
        return t("analysis.result_quarter", lang, period=period_code)
    if kind is PeriodKind.MONTH:
        return t("analysis.result_month", lang, period=period_code)
    if kind is PeriodKind.DAY:
        return t("analysis.result_day", lang, period=period_code)
    return t("analysis.result_range", lang, period=period_code)


def _headline(analysis: ShortfallAnalysis, words: _Words) -> str:
    lang = words.lang
    common = dict(result=_result_words(analysis.period, lang), actual=words.value(analysis.actual),
                  through=analysis.data_through.isoformat() if analysis.data_through else "")
    if analysis.actual is None:
        if analysis.problem:
            return t(f"rollup.{analysis.problem}", lang, unit=analysis.unit_key, period=analysis.period)
        return t("analysis.no_data", lang, **common)
    if analysis.threshold is None:
        return t("analysis.no_target", lang, **common)
    target = words.target(analysis)
    if analysis.shortfall:
        amount = words.amount(analysis.gap)
        if analysis.running:
            return t("analysis.short_so_far", lang, target=target, amount=amount, **common)
        return t("analysis.short", lang, target=target, amount=amount, **common)
    if analysis.running:
        return t("analysis.met_so_far", lang, target=target, **common)
    return t("analysis.met", lang, target=target, **common)


def _part_lines(parts: list[Contribution], main: Contribution | None, words: _Words, *, units: bool) -> list[str]:
    """The part that pulled most, then the others below their target. Nothing to say with fewer than two
    parts with data: a single quarter or unit is the whole."""
    if main is None or sum(p.actual is not None for p in parts) < 2:
        return []
    lang = words.lang
    even = words.aggregation is Aggregation.SUM or (units and words.aggregation is Aggregation.LAST_VALUE)
    common = dict(part=escape_markdown(main.label), actual=words.value(main.actual), gap=words.amount(main.gap, signed=True),
                  even=words.value(main.reference))
    if even:
        text = t("analysis.main_unit_even" if units else "analysis.main_part_even", lang, **common)
    else:
        text = t("analysis.main_unit" if units else "analysis.main_part", lang, **common)
    weight = words.weight(main.weight)
    if weight:
        text += t("analysis.weighing", lang, weight=weight)
    if main.share is not None:
        text += t("analysis.share", lang, share=format_percent(main.share * 100, 0, lang))
    lines = [text + "."]
    # "2020-Q2: 68 (−2)": the colon keeps a quarter's digits from running into its value.
    others = [f"{escape_markdown(p.label)}: {words.value(p.actual)} ({words.number(p.gap, signed=True)})"
              for p in parts if p.below and p is not main]
    if others:
        key = "analysis.also_below_units" if units else "analysis.also_below"
        separator = "; " if words.list_separator() != ", " else ", "  # items hold decimal commas
        lines.append(t(key, lang, parts=separator.join(others)))
    return lines


def _without_data(analysis: ShortfallAnalysis) -> list[str]:
    """Sub-periods without data, except those still to come in a running period (the pace covers them)."""
    to_come = set(analysis.pace.remaining) if analysis.pace else set()
    if analysis.running and analysis.pace is None and analysis.data_through:
        to_come = {p.key for p in analysis.by_part if parse_period(p.key).start > analysis.data_through}
    return [escape_markdown(p.label) for p in analysis.by_part if p.actual is None and p.key not in to_come]


def _pace_lines(analysis: ShortfallAnalysis, pace: Pace, words: _Words) -> list[str]:
    lang = words.lang
    common = dict(target=words.target(analysis), period=analysis.period,
                  remaining=words.join(pace.remaining), required=words.value(pace.required))
    lines = []
    if pace.secured:
        lines.append(t("analysis.pace_secured", lang, **common))
    elif pace.required is not None:
        need = _need_word(pace.comparator, lang)
        if pace.method == "last_value":
            text = t("analysis.pace_last", lang, need=need, **common)
        else:
            text = t("analysis.pace", lang, need=need, **common)
            weight = words.weight(pace.expected_weight)
            if weight:
                text += t("analysis.pace_weight", lang, weight=weight, per=_per_word(pace.remaining[0], lang))
        text += "."
        if pace.reachable is False:
            text += " " + t("analysis.unreachable", lang, range=_valid_range(words))
        lines.append(text)
    if pace.projection is not None:
        lines.append(t("analysis.projection", lang, period=analysis.period, projection=words.value(pace.projection),
                       method=_method_words(pace.method, lang),
                       verdict=_projection_verdict(analysis, pace.projection, words)))
    return lines


def _need_word(comparator: str | None, lang: str) -> str:
    if comparator == Comparator.LE.value:
        return t("analysis.need_at_most", lang)
    if comparator == Comparator.EQ.value:
        return t("analysis.need_exactly", lang)
    return t("analysis.need_at_least", lang)


def _per_word(sub_period: str, lang: str) -> str:
    kind = parse_period(sub_period).kind
    if kind is PeriodKind.QUARTER:
        return t("analysis.per_quarter", lang)
    if kind is PeriodKind.MONTH:
        return t("analysis.per_month", lang)
    return t("analysis.per_period", lang)


def _method_words(method: str, lang: str) -> str:
    if method == "ratio_to_date":
        return t("analysis.method_ratio_to_date", lang)
    if method == "mean_to_date":
        return t("analysis.method_mean_to_date", lang)
    if method == "run_rate":
        return t("analysis.method_run_rate", lang)
    return t("analysis.method_last_value", lang)


def _projection_verdict(analysis: ShortfallAnalysis, projection: float, words: _Words) -> str:
    rule = TargetRule(Comparator(analysis.comparator), analysis.threshold, analysis.threshold_upper)
    gap = round_half_up(signed_gap(rule, round_half_up(projection, words.decimals))[0], words.decimals)
    met = gap == 0 if rule.comparator is Comparator.EQ else gap >= 0
    return t("analysis.projection_met" if met else "analysis.projection_missed", words.lang)


def _valid_range(words: _Words) -> str:
    low, high = words.indicator.min_value, words.indicator.max_value
    if low is not None and high is not None:
        return f"{words.number(low)}…{words.number(high)}"
    if low is not None:
        return f"≥ {words.number(low)}"
    return f"≤ {words.number(high)}"


def _trend_text(trend: list[tuple[str, float | None]], words: _Words) -> str:
    """"2016–2019: 71, 72, 70, 70; 2020: 67"."""
    *earlier, (last_code, last_value) = trend
    current = f"{last_code}: {words.number(last_value)}"
    if not earlier:
        return current
    label = earlier[0][0] if len(earlier) == 1 else f"{earlier[0][0]}–{earlier[-1][0]}"
    values = words.list_separator().join(words.number(v) for _, v in earlier)
    return f"{label}: {values}; {current}"

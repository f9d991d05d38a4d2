"""The automatic analysis on the demo data reads the Occupational Health NPS case as the documents do."""
import csv
import re
from datetime import date

import pytest

from kpi import db, store
from kpi.features.analysis import build_analysis
from kpi.features.analysis_text import analysis_text
from kpi.features.scorecard import build_scorecard
from kpi.admin.demo import DEMO_DIR
from kpi.domain.periods import parse_period

AS_OF = date(2026, 11, 23)  # 2026 is under way: Q1–Q3 reported, Q4 to come


def _analysis(engine, period, unit=None, indicator="nps"):
    with db.session_scope(engine) as session:
        return build_analysis(session, indicator, parse_period(period), unit_code=unit, as_of=AS_OF, lang="en")


def _demo_nps(periods):
    """(numerator, denominator) of TTH's NPS in the demo CSV for the given quarters."""
    with open(DEMO_DIR / "measurements.csv", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle)
                if r["indicator"] == "nps" and r["org_unit"] == "TTH" and r["period"] in periods]
    assert sorted(r["period"] for r in rows) == sorted(periods)
    return [(float(r["numerator"]), float(r["denominator"])) for r in rows]


@pytest.mark.parametrize("unit", [None, "TTH"])  # without a unit: the unit the NPS targets are set for
def test_the_2020_shortfall_is_put_down_to_the_first_quarter(demo_engine, unit):
    analysis = _analysis(demo_engine, "2020", unit)
    assert analysis.unit_key == "TTH"
    assert (analysis.actual, analysis.threshold, analysis.gap, analysis.status) == (67, 70, -3, "not_met")
    main = analysis.main_part
    assert (main.key, main.actual, main.gap, main.weight) == ("2020-Q1", 61, -9, 800)
    # 800 × (61 − 70) / 4700 responses of the year; its share of the −14100 / 4700 pull down.
    assert main.effect == pytest.approx(-7200 / 4700)
    assert main.share == pytest.approx(7200 / 14100)
    assert sum(p.effect for p in analysis.by_part) == pytest.approx(-3)
    assert analysis.pace is None


def test_the_2020_text_names_the_first_quarter_in_both_languages(demo_engine):
    with db.session_scope(demo_engine) as session:
        indicator = store.get_indicator(session, "nps")
        analysis = build_analysis(session, "nps", parse_period("2020"), as_of=AS_OF, lang="fi")
    assert analysis_text(analysis, indicator, "fi")[1].startswith("Eniten tulosta laski 2020-Q1: 61 (\u22129 pistettä tavoitteesta)")
    assert analysis_text(analysis, indicator, "en")[1].startswith("2020-Q1 pulled the result down most: 61 (\u22129 points")


def test_the_running_year_says_what_the_fourth_quarter_must_reach(demo_engine):
    analysis = _analysis(demo_engine, "2026")
    parts = _demo_nps(["2026-Q1", "2026-Q2", "2026-Q3"])
    numerator = sum(n for n, _ in parts)
    denominator = sum(d for _, d in parts)
    expected_responses = denominator / 3                      # the mean quarter so far
    # (N·100 + v·R) / (D + R) = 70  ⇒  v = (70 (D + R) − 100 N) / R
    needed = (70 * (denominator + expected_responses) - 100 * numerator) / expected_responses
    pace = analysis.pace
    assert analysis.running and pace.remaining == ["2026-Q4"]
    assert pace.required == pytest.approx(needed)
    assert pace.expected_weight == pytest.approx(expected_responses)
    assert pace.projection == pytest.approx(numerator * 100 / denominator)
    assert (pace.method, pace.reachable) == ("ratio_to_date", True)
    # Reaching `needed` from the expected responses lands exactly on 70.
    assert (numerator * 100 + needed * expected_responses) / (denominator + expected_responses) == pytest.approx(70)


def test_a_period_without_a_target_gives_no_analysis(demo_engine):
    assert _analysis(demo_engine, "2018") is None  # the NPS floor is set from 2019 on


# Two numbers with only a space between ("≥ 70 3"): a Finnish thousands group is joined by U+202F, so
# "42 941" is one number. A hyphen before a digit is a minus sign the app should write as U+2212.
RUN_TOGETHER = re.compile(r"\d[ \u00a0]+[+\u2212-]?\d")
HYPHEN_MINUS = re.compile(r"(?<![\w])-\d")
GAP_IN_UNITS = re.compile(r"\d[ \u00a0]+(yksikk|units?\b)", re.IGNORECASE)


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_every_demo_analysis_reads_right(demo_engine, lang):
    """Every target the demo misses or has at risk, each year and quarter: no numbers run together, no gap in
    the org-unit word, one minus sign."""
    lines = []
    with db.session_scope(demo_engine) as session:
        for code in [str(year) for year in range(2019, 2027)] + [f"2020-Q{q}" for q in range(1, 5)]:
            period = parse_period(code)
            for row in build_scorecard(session, period, as_of=AS_OF, lang=lang):
                if row.status not in ("not_met", "at_risk"):
                    continue
                analysis = build_analysis(session, row.indicator, period, unit_code=row.org_unit, as_of=AS_OF,
                                          lang=lang)
                lines += analysis_text(analysis, store.get_indicator(session, row.indicator), lang)
    assert len(lines) > 20, "the demo should have shortfalls to analyse"
    assert [line for line in lines if RUN_TOGETHER.search(line) or HYPHEN_MINUS.search(line)
            or GAP_IN_UNITS.search(line)] == []

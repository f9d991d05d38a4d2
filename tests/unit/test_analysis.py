"""The automatic shortfall analysis, checked against hand calculations written out beside each test."""
from datetime import date

import pytest

from kpi.features.analysis import analyse
from kpi.features.analysis_text import analysis_markdown, analysis_text
from kpi.domain.periods import Period
from kpi.domain.rollup import Observation
from kpi.models import Indicator, Target

NNBSP, NBSP, MINUS = "\u202f", "\u00a0", "\u2212"
ENDED = date(2027, 3, 1)  # every period of 2020 and 2026 has ended by then


def _indicator(code="nps", aggregation="ratio", direction="higher", scale=100.0, decimals=0, min_value=-100.0,
               max_value=100.0, unit_label=""):
    return Indicator(code=code, name_fi=code, name_en=code, direction=direction, aggregation=aggregation,
                     scale=scale, decimals=decimals, min_value=min_value, max_value=max_value, unit_label=unit_label)


def _target(period: Period, comparator="ge", threshold=70.0, upper=None, band=None):
    return Target(indicator_id=1, org_unit_id=1, period=period.code, period_kind=period.kind.value,
                  period_start=period.start, period_end=period.end, comparator=comparator, threshold=threshold,
                  threshold_upper=upper, band=band, band_kind="abs", binding=True)


def _quarters(year, unit="TTH", **by_quarter):
    """Observations for the quarters named q1..q4: a (numerator, denominator) pair, or a plain value."""
    found = []
    for name, given in by_quarter.items():
        period = Period.quarter(year, int(name[1]))
        if isinstance(given, tuple):
            found.append(Observation(unit, period, None, numerator=given[0], denominator=given[1]))
        else:
            found.append(Observation(unit, period, given))
    return found


def _analyse(indicator, target, observations, period, *, unit="TTH", children=None, as_of=ENDED, names=None):
    return analyse(indicator, target, observations, unit, children or {}, period, as_of, names or {})


# --- NPS 2020: a ratio of totals over quarters ------------------------------------------------------------

NPS_2020 = _quarters(2020, q1=(488, 800), q2=(759, 1100), q3=(897, 1300), q4=(1005, 1500))


def test_the_quarter_that_pulled_a_ratio_down_most_is_named_with_its_effect_and_share():
    # Year: (488 + 759 + 897 + 1005) / (800 + 1100 + 1300 + 1500) × 100 = 3149 / 4700 × 100 = 67.0; 67 − 70 = −3.
    # Effect of a quarter = (Nᵢ·100 − 70·Dᵢ) / ΣD:
    #   Q1 (48800 − 56000) / 4700 = −7200 / 4700 = −1.532   (61 against 70: −9, 800 responses)
    #   Q2 (75900 − 77000) / 4700 = −1100 / 4700 = −0.234   (69: −1)
    #   Q3 (89700 − 91000) / 4700 = −1300 / 4700 = −0.277   (69: −1)
    #   Q4 (100500 − 105000) / 4700 = −4500 / 4700 = −0.957 (67: −3)
    # Together −14100 / 4700 = −3, the year's gap. Q1's share: 7200 / 14100 = 51.1 %; Q4's 4500 / 14100 = 31.9 %.
    result = _analyse(_indicator(), _target(Period.year(2020)), NPS_2020, Period.year(2020))
    assert (result.actual, result.threshold, result.gap, result.status) == (67, 70, -3, "not_met")
    main = result.main_part
    assert (main.key, main.actual, main.gap, main.weight, main.below) == ("2020-Q1", 61, -9, 800, True)
    assert main.effect == pytest.approx(-7200 / 4700)
    assert main.share == pytest.approx(7200 / 14100)
    effects = [p.effect for p in result.by_part]
    assert effects == pytest.approx([-7200 / 4700, -1100 / 4700, -1300 / 4700, -4500 / 4700])
    assert sum(effects) == pytest.approx(-3)
    assert [p.share for p in result.by_part] == pytest.approx([7200 / 14100, 1100 / 14100, 1300 / 14100,
                                                               4500 / 14100])
    assert [p.gap for p in result.by_part] == [-9, -1, -1, -3]
    assert result.pace is None and result.by_unit == [] and result.main_unit is None


def test_a_quarter_that_pulled_up_gets_no_share_and_the_shares_of_the_others_add_up_to_one():
    # Q1 61 (800), Q2 80 (1000: 800/1000): year (488 + 800) / 1800 = 71.56 → 72, met.
    # Effects: Q1 (48800 − 56000) / 1800 = −4.0, Q2 (80000 − 70000) / 1800 = +5.56. Q1 holds all of the pull down.
    observations = _quarters(2020, q1=(488, 800), q2=(800, 1000))
    result = _analyse(_indicator(), _target(Period.year(2020)), observations, Period.year(2020))
    q1, q2 = result.by_part[:2]
    assert (q1.effect, q2.effect) == (pytest.approx(-4.0), pytest.approx(10000 / 1800))
    assert (q1.share, q2.share) == (pytest.approx(1.0), None)
    assert result.status == "met" and result.main_part.key == "2020-Q1"


def test_the_finnish_text_names_the_figures_as_a_finnish_reader_writes_them():
    result = _analyse(_indicator(), _target(Period.year(2020)), NPS_2020, Period.year(2020))
    lines = analysis_text(result, _indicator(), "fi")
    assert lines[0] == "Vuoden 2020 tulos 67 jäi 3 pistettä tavoitteesta ≥ 70."
    assert lines[1] == (f"Eniten tulosta laski 2020-Q1: 61 ({MINUS}9 pistettä tavoitteesta), painona 800 vastausta; "
                        f"sen osuus vajeesta 51{NBSP}%.")
    assert f"2020-Q4: 67 ({MINUS}3)" in lines[2]
    assert all("<" not in line for line in lines)  # Markdown, no HTML


def test_the_english_text_says_the_same():
    result = _analyse(_indicator(), _target(Period.year(2020)), NPS_2020, Period.year(2020))
    lines = analysis_text(result, _indicator(), "en")
    assert lines[0] == "The 2020 result of 67 missed the target ≥ 70 by 3 points."
    assert lines[1] == (f"2020-Q1 pulled the result down most: 61 ({MINUS}9 points against the target), weighing 800 responses; "
                        "its share of the shortfall 51%.")


def test_the_markdown_is_a_list_of_the_sentences():
    result = _analyse(_indicator(), _target(Period.year(2020)), NPS_2020, Period.year(2020))
    markdown = analysis_markdown(result, _indicator(), "fi")
    assert markdown.splitlines() == [f"- {line}" for line in analysis_text(result, _indicator(), "fi")]


def test_the_trend_gives_the_same_period_in_earlier_years_oldest_first():
    # 2019 from one quarter 720/1000 = 72; 2018 has nothing, so the trend starts at 2019.
    observations = NPS_2020 + _quarters(2019, q2=(720, 1000))
    result = _analyse(_indicator(), _target(Period.year(2020)), observations, Period.year(2020))
    assert result.trend == [("2019", 72), ("2020", 67)]
    assert analysis_text(result, _indicator(), "en")[-1] == "Year by year — 2019: 72; 2020: 67."


def test_a_longer_trend_is_written_as_a_span_and_the_chosen_year():
    observations = NPS_2020 + [o for y, v in ((2016, 71), (2017, 72), (2018, 70), (2019, 70))
                               for o in _quarters(y, q1=(v * 10, 1000))]
    result = _analyse(_indicator(), _target(Period.year(2020)), observations, Period.year(2020))
    assert result.trend == [("2016", 71), ("2017", 72), ("2018", 70), ("2019", 70), ("2020", 67)]
    assert analysis_text(result, _indicator(), "fi")[-1] == "Kehitys vuosittain — 2016–2019: 71, 72, 70, 70; 2020: 67."


def test_a_quarter_without_data_is_listed_but_not_blamed():
    # Q3 missing. Year (488 + 759 + 1005) / (800 + 1100 + 1500) = 2252 / 3400 = 66.2 → 66.
    # Effects over ΣD = 3400: Q1 −7200 / 3400, Q2 −1100 / 3400, Q4 −4500 / 3400; together −12800 / 3400 = −3.76.
    observations = _quarters(2020, q1=(488, 800), q2=(759, 1100), q4=(1005, 1500))
    result = _analyse(_indicator(), _target(Period.year(2020)), observations, Period.year(2020))
    q3 = result.by_part[2]
    assert (q3.key, q3.actual, q3.weight, q3.gap, q3.effect, q3.share, q3.below) == (
        "2020-Q3", None, None, None, None, None, False)
    assert sum(p.effect for p in result.by_part if p.effect is not None) == pytest.approx(2252 / 34 - 70)
    assert result.main_part.key == "2020-Q1"
    assert "Ei tietoja: 2020-Q3." in analysis_text(result, _indicator(), "fi")
    assert "No data: 2020-Q3." in analysis_text(result, _indicator(), "en")


def test_a_value_stored_for_the_whole_year_is_not_split_into_empty_quarters():
    observations = [Observation("TTH", Period.year(2020), None, numerator=3149, denominator=4700)]
    result = _analyse(_indicator(), _target(Period.year(2020)), observations, Period.year(2020))
    assert (result.actual, result.by_part, result.main_part) == (67, [], None)


# --- lower is better: sick-leave days per FTE by unit ----------------------------------------------------

SICK_LEAVE = _indicator("sick_leave", direction="lower", scale=1.0, decimals=1, min_value=0.0, max_value=365.0,
                        unit_label="pv/htv")
AGENCY = {"AG": ["SERV", "ADMIN"]}
AGENCY_NAMES = {"SERV": "Palvelut", "ADMIN": "Hallinto"}


def test_a_ceiling_by_unit_weighs_each_unit_by_its_ftes():
    # Services 1200 days / 100 FTE = 12.0, Administration 450 / 50 = 9.0. Agency 1650 / 150 = 11.0 against ≤ 10.5:
    # gap 10.5 − 11.0 = −0.5. Effects (the sign flips for a ceiling): −(Nᵢ − 10.5·Dᵢ) / ΣD
    #   Services −(1200 − 1050) / 150 = −1.0; Administration −(450 − 525) / 150 = +0.5; together −0.5.
    observations = [Observation("SERV", Period.year(2021), None, numerator=1200, denominator=100),
                    Observation("ADMIN", Period.year(2021), None, numerator=450, denominator=50)]
    result = _analyse(SICK_LEAVE, _target(Period.year(2021), "le", 10.5), observations, Period.year(2021),
                      unit="AG", children=AGENCY, names=AGENCY_NAMES)
    assert (result.actual, result.gap) == (11.0, -0.5)
    serv, admin = result.by_unit
    assert (serv.label, serv.actual, serv.weight, serv.gap, serv.below) == ("Palvelut", 12.0, 100, -1.5, True)
    assert (admin.actual, admin.weight, admin.gap, admin.below) == (9.0, 50, 1.5, False)
    assert (serv.effect, admin.effect) == (pytest.approx(-1.0), pytest.approx(0.5))
    assert (serv.share, admin.share) == (pytest.approx(1.0), None)
    assert result.main_unit.key == "SERV" and result.by_part == []
    fi = analysis_text(result, SICK_LEAVE, "fi")
    # A number and its unit are held together with a no-break space.
    assert fi[0] == f"Vuoden 2021 tulos 11,0{NBSP}pv/htv jäi 0,5{NBSP}pv/htv tavoitteesta ≤ 10,5{NBSP}pv/htv."
    assert fi[1] == (f"Yksiköistä eniten tulosta laski Palvelut: 12,0{NBSP}pv/htv ({MINUS}1,5{NBSP}pv/htv tavoitteesta), "
                     f"painona 100{NBSP}htv; sen osuus vajeesta 100{NBSP}%.")
    en = analysis_text(result, SICK_LEAVE, "en")
    assert en[1].startswith(f"Of the units, Palvelut pulled the result down most: 12.0{NBSP}days/FTE ({MINUS}1.5{NBSP}days/FTE against "
                            "the target)")
    assert f"weighing 100{NBSP}FTE" in en[1]


# --- a count: sum against an even pace --------------------------------------------------------------------

REFERRALS = _indicator("referrals", aggregation="sum", scale=1.0, min_value=0.0, max_value=None)


def test_a_sum_compares_each_quarter_with_an_even_share_of_the_target():
    # 40 + 60 + 80 + 100 = 280 against ≥ 300: gap −20. Even pace 300 / 4 = 75 a quarter:
    #   Q1 40 − 75 = −35, Q2 −15, Q3 +5, Q4 +25 (together −20). Shares among the two below: 35 / 50, 15 / 50.
    observations = _quarters(2021, unit="TE", q1=40, q2=60, q3=80, q4=100)
    result = _analyse(REFERRALS, _target(Period.year(2021), "ge", 300), observations, Period.year(2021), unit="TE")
    assert (result.actual, result.gap) == (280, -20)
    assert [p.reference for p in result.by_part] == [75, 75, 75, 75]
    assert [p.gap for p in result.by_part] == [-35, -15, 5, 25]
    assert [p.effect for p in result.by_part] == pytest.approx([-35, -15, 5, 25])
    assert [p.share for p in result.by_part] == [pytest.approx(0.7), pytest.approx(0.3), None, None]
    assert result.main_part.key == "2021-Q1"
    fi = analysis_text(result, REFERRALS, "fi")
    assert fi[1] == f"Eniten tulosta laski 2021-Q1: 40, tasaiseen tahtiin 75 verrattuna {MINUS}35 pistettä; sen osuus vajeesta 70{NBSP}%."
    assert analysis_text(result, REFERRALS, "en")[1] == (
        f"2021-Q1 pulled the result down most: 40, {MINUS}35 points against an even pace of 75; its share of the "
        "shortfall 70%.")


def test_an_exact_target_of_zero_blames_the_quarters_with_accidents():
    # "= 0" fatal accidents: 0 + 1 + 0 + 1 = 2, gap −|2 − 0| = −2. Above the value counts like a ceiling:
    # effects −(vᵢ − 0 / 4) = 0, −1, 0, −1; shares 1/2 each; the first of the two is named.
    fatal = _indicator("fatal", aggregation="sum", direction="lower", scale=1.0, min_value=0.0, max_value=None)
    observations = _quarters(2021, unit="AG", q1=0, q2=1, q3=0, q4=1)
    result = _analyse(fatal, _target(Period.year(2021), "eq", 0), observations, Period.year(2021), unit="AG")
    assert result.gap == -2
    assert [p.effect for p in result.by_part] == [0, -1, 0, -1]
    assert [p.share for p in result.by_part] == [None, 0.5, None, 0.5]
    assert result.main_part.key == "2021-Q2"


# --- weighted mean ----------------------------------------------------------------------------------------

SATISFACTION = _indicator("satisfaction", aggregation="weighted_mean", scale=1.0, decimals=2, min_value=1.0,
                          max_value=5.0)


def test_a_weighted_mean_weighs_each_unit_by_its_respondents():
    # A 3.40 (150 respondents), B 3.90 (50): (510 + 195) / 200 = 3.525 → shown 3.53; gap 3.53 − 3.60 = −0.07.
    # Effects wᵢ(vᵢ − 3.6) / 200: A 150 × −0.2 / 200 = −0.15, B 50 × 0.3 / 200 = +0.075; together −0.075.
    observations = [Observation("A", Period.year(2021), 3.4, weight=150),
                    Observation("B", Period.year(2021), 3.9, weight=50)]
    result = _analyse(SATISFACTION, _target(Period.year(2021), "ge", 3.6), observations, Period.year(2021),
                      unit="AG", children={"AG": ["A", "B"]})
    assert (result.actual, result.gap) == (3.53, -0.07)
    a, b = result.by_unit
    assert (a.effect, b.effect) == (pytest.approx(-0.15), pytest.approx(0.075))
    assert (a.weight, a.gap, a.share, b.share) == (150, -0.2, pytest.approx(1.0), None)
    fi = analysis_text(result, SATISFACTION, "fi")
    assert fi[0] == "Vuoden 2021 tulos 3,53 jäi 0,07 pistettä tavoitteesta ≥ 3,60."
    assert f"A: 3,40 ({MINUS}0,20 pistettä tavoitteesta), painona 150" in fi[1]


def test_a_running_weighted_mean_needs_the_rest_to_make_up_the_difference():
    # Q1 3.40 and Q2 3.50, 100 respondents each: mean 3.45 over W = 200. Two quarters to come at about 100 each,
    # R = 200: v = (3.6 × (200 + 200) − 3.45 × 200) / 200 = (1440 − 690) / 200 = 3.75.
    observations = [Observation("A", Period.quarter(2026, 1), 3.4, weight=100),
                    Observation("A", Period.quarter(2026, 2), 3.5, weight=100)]
    result = _analyse(SATISFACTION, _target(Period.year(2026), "ge", 3.6), observations, Period.year(2026),
                      unit="A", as_of=date(2026, 7, 15))
    pace = result.pace
    assert pace.remaining == ["2026-Q3", "2026-Q4"]
    assert (pace.required, pace.expected_weight, pace.projection) == (pytest.approx(3.75), 100, pytest.approx(3.45))
    assert (pace.method, pace.reachable, pace.secured) == ("mean_to_date", True, False)


# --- a running year: the pace still needed ----------------------------------------------------------------

RUNNING = date(2026, 11, 23)


def test_a_running_ratio_gives_what_the_last_quarter_must_reach_and_a_projection():
    # Q1 600/1000 = 60, Q2 780/1200 = 65, Q3 880/1100 = 80: N = 2260, D = 3300; to date 68.48 → 68.
    # The remaining quarter is assumed to bring the mean so far, R = 3300 / 3 = 1100 responses:
    #   v = (70 × (3300 + 1100) − 100 × 2260) / 1100 = (308000 − 226000) / 1100 = 74.545…
    # Check: 74.545… × 1100 / 100 = 820 more; (2260 + 820) / 4400 × 100 = 70. The projection at the rate so far
    # is the year-to-date ratio 2260 / 3300 × 100 = 68.48.
    observations = _quarters(2026, q1=(600, 1000), q2=(780, 1200), q3=(880, 1100))
    result = _analyse(_indicator(), _target(Period.year(2026)), observations, Period.year(2026), as_of=RUNNING)
    pace = result.pace
    assert result.running and result.actual == 68 and result.data_through == date(2026, 9, 30)
    assert pace.remaining == ["2026-Q4"]
    assert pace.required == pytest.approx(82000 / 1100)
    assert pace.expected_weight == pytest.approx(1100)
    assert pace.projection == pytest.approx(2260 / 3300 * 100)
    assert (pace.method, pace.reachable, pace.secured, pace.comparator) == ("ratio_to_date", True, False, "ge")
    assert result.by_part[3].actual is None  # the quarter still to come is not blamed
    fi = analysis_text(result, _indicator(), "fi")
    assert fi[0] == "Vuoden 2026 tulos tähän mennessä (2026-09-30 asti) on 68 ja jää 2 pistettä tavoitteesta ≥ 70."
    assert (f"Jotta tavoite ≥ 70 täyttyisi jaksolla 2026, tarvitaan ajalta 2026-Q4 keskimäärin vähintään 75, "
            f"kun oletetaan noin 1{NNBSP}100 vastausta neljännestä kohden kuten tähän asti.") in fi
    assert ("Ennuste jaksolle 2026: 68 (loput samalla tasolla kuin tähän asti); tavoite jäisi saavuttamatta."
            in fi)
    assert not any(line.startswith("Ei tietoja") for line in fi)
    en = analysis_text(result, _indicator(), "en")
    assert ("To reach ≥ 70 for 2026, 2026-Q4 must average at least 75, assuming about 1,100 responses per quarter "
            "as so far.") in en
    assert "Projection for 2026: 68 (the rest at the rate so far); the target would be missed." in en


def test_a_pace_beyond_the_valid_range_is_flagged_unreachable():
    # Q1 0/1000, Q2 100/1000, Q3 100/1000: N = 200, D = 3000, R = 1000:
    #   v = (70 × 4000 − 100 × 200) / 1000 = (280000 − 20000) / 1000 = 260 > 100, the top of NPS.
    observations = _quarters(2026, q1=(0, 1000), q2=(100, 1000), q3=(100, 1000))
    result = _analyse(_indicator(), _target(Period.year(2026)), observations, Period.year(2026), as_of=RUNNING)
    assert result.pace.required == pytest.approx(260)
    assert result.pace.reachable is False
    assert any("ei ole enää saavutettavissa" in line and "−100…100" in line
               for line in analysis_text(result, _indicator(), "fi"))
    assert any("can no longer be reached" in line for line in analysis_text(result, _indicator(), "en"))


def test_a_running_sum_needs_the_rest_of_the_target_spread_over_the_quarters_to_come():
    # 50 + 70 = 120 by the end of June against ≥ 300: Q3 and Q4 need (300 − 120) / 2 = 90 each.
    # Run rate: 120 over two quarters → 120 × 4 / 2 = 240 for the year.
    observations = _quarters(2026, unit="TE", q1=50, q2=70)
    result = _analyse(REFERRALS, _target(Period.year(2026), "ge", 300), observations, Period.year(2026), unit="TE",
                      as_of=date(2026, 8, 1))
    pace = result.pace
    assert (pace.remaining, pace.required, pace.projection, pace.method) == (
        ["2026-Q3", "2026-Q4"], 90, 240, "run_rate")
    assert pace.expected_weight is None
    en = analysis_text(result, REFERRALS, "en")
    assert "To reach ≥ 300 for 2026, 2026-Q3 and 2026-Q4 must average at least 90." in en
    assert "Projection for 2026: 240 (the total so far scaled to the whole period); the target would be missed." in en


def test_a_sum_already_past_its_floor_is_secured():
    observations = _quarters(2026, unit="TE", q1=200, q2=150)
    result = _analyse(REFERRALS, _target(Period.year(2026), "ge", 300), observations, Period.year(2026), unit="TE",
                      as_of=date(2026, 8, 1))
    assert (result.pace.required, result.pace.secured, result.pace.reachable) == (-25, True, True)
    assert result.status == "met"
    assert analysis_text(result, REFERRALS, "fi")[0] == (
        "Vuoden 2026 tulos tähän mennessä (2026-06-30 asti) on 350 ja täyttää tavoitteen ≥ 300.")


def test_a_stock_must_itself_reach_the_target_at_the_end_of_the_period():
    # Headcount within 320–345: 350 at the end of June (above the range). The year-end reading must be at most 345.
    headcount = _indicator("headcount", aggregation="last", direction="range", scale=1.0, min_value=0.0,
                           max_value=None)
    observations = _quarters(2026, unit="AG", q1=340, q2=350)
    result = _analyse(headcount, _target(Period.year(2026), "between", 320, upper=345), observations,
                      Period.year(2026), unit="AG", as_of=date(2026, 8, 1))
    assert result.gap == -5
    # Over time the latest reading is the result: Q2 carries the whole gap, Q1 moved nothing.
    assert [p.effect for p in result.by_part[:2]] == [0, -5]
    assert result.main_part.key == "2026-Q2"
    pace = result.pace
    assert (pace.required, pace.comparator, pace.projection, pace.method) == (345, "le", 350, "last_value")
    assert any(line.startswith("To reach 320–345 for 2026, the reading at the period's end must be at most 345")
               for line in analysis_text(result, headcount, "en"))


def test_a_range_met_inside_has_no_shortfall_to_share_out():
    headcount = _indicator("headcount", aggregation="last", direction="range", scale=1.0, min_value=0.0,
                           max_value=None)
    observations = _quarters(2021, unit="AG", q1=350, q4=330)
    result = _analyse(headcount, _target(Period.year(2021), "between", 320, upper=345), observations,
                      Period.year(2021), unit="AG")
    assert (result.actual, result.status) == (330, "met")
    assert all(p.effect is None and p.share is None for p in result.by_part)
    assert analysis_text(result, headcount, "en") == ["The 2021 result of 330 meets the target 320–345."]


# --- met, no target, no data ------------------------------------------------------------------------------

def test_a_met_target_is_one_line_and_the_trend():
    observations = _quarters(2021, q1=(750, 1000)) + _quarters(2020, q1=(700, 1000))
    result = _analyse(_indicator(), _target(Period.year(2021)), observations, Period.year(2021))
    assert analysis_text(result, _indicator(), "fi") == [
        "Vuoden 2021 tulos 75 täyttää tavoitteen ≥ 70.", "Kehitys vuosittain — 2020: 70; 2021: 75."]
    assert analysis_text(result, _indicator(), "en")[0] == "The 2021 result of 75 meets the target ≥ 70."


def test_without_a_target_the_parts_are_still_split_but_nothing_is_judged():
    result = _analyse(_indicator(), None, NPS_2020, Period.year(2020))
    assert (result.actual, result.threshold, result.gap, result.status, result.pace) == (67, None, None, None, None)
    assert [(p.actual, p.weight, p.gap, p.effect) for p in result.by_part][0] == (61, 800, None, None)
    assert analysis_text(result, _indicator(), "en") == ["The 2020 result is 67; no target applies."]


def test_no_data_says_so():
    result = _analyse(_indicator(), _target(Period.year(2020)), [], Period.year(2020))
    assert (result.actual, result.status, result.by_part, result.main_part) == (None, "no_data", [], None)
    assert analysis_text(result, _indicator(), "fi") == ["Vuoden 2020 tulos: ei tietoja."]

"""Sentences that read right in Finnish and English: one and many, no two numbers run together, a gap in
points (or the indicator's own unit) and never in the org-unit word, one minus sign, and error messages
that start with a capital letter and name an empty value as empty."""
import re
import string
from pathlib import Path

import pytest

from kpi.domain.shortfall import Contribution
from kpi.errors import DatabaseUnavailable, InputError
from kpi.features.analysis_results import ShortfallAnalysis
from kpi.features.analysis_text import analysis_text
from kpi.i18n import LANGUAGES, MINUS, catalogue, format_number, plural, t
from kpi.models import Indicator
from kpi.reports.binding_statement import count_sentence
from kpi.store.guard import ACCESS_KEYS, AccessDenied

NBSP = "\u00a0"
ROOT = Path(__file__).resolve().parents[2]

# Two numbers with only a space between ("≥ 70 3"): a Finnish thousands group is joined by U+202F, so
# "42 941" is one number; a regular or no-break space between digits is two.
RUN_TOGETHER = re.compile(r"\d[ \u00a0]+[+\u2212-]?\d")
HYPHEN_MINUS = re.compile(r"(?<![\w])-\d")          # "-3"; "2020-Q1" and "2026-09-30" are not minus signs
GAP_IN_UNITS = re.compile(r"\d[ \u00a0]+(yksikk|units?\b)", re.IGNORECASE)  # "3 yksikköä": the org-unit word


def indicator(unit_label="", decimals=0):
    return Indicator(code="x", name_fi="x", name_en="x", direction="higher", aggregation="ratio", scale=100.0,
                     decimals=decimals, min_value=-100.0, max_value=100.0, unit_label=unit_label)


def shortfall(gap, *, threshold=70.0, parts=(), running=False):
    return ShortfallAnalysis(indicator_code="x", period="2020", unit_key="TTH", actual=threshold + gap,
                             threshold=threshold, gap=gap, status="not_met", by_part=list(parts),
                             main_part=parts[0] if parts else None, by_unit=[], main_unit=None, pace=None, trend=[],
                             comparator="ge", running=running)


def part(key, actual, gap, weight=None):
    return Contribution(key=key, label=key, actual=actual, weight=weight, gap=gap, effect=gap, share=None,
                        below=gap < 0, reference=70.0)


def check_reads_right(sentence: str) -> None:
    assert not RUN_TOGETHER.search(sentence), sentence
    assert not HYPHEN_MINUS.search(sentence), sentence
    assert not GAP_IN_UNITS.search(sentence), sentence


# --- the analysis: the result against the target --------------------------------------------------------

@pytest.mark.parametrize("gap, label, decimals, lang, expected", [
    (-1, "", 0, "fi", "Vuoden 2020 tulos 69 jäi 1 piste tavoitteesta ≥ 70."),
    (-3, "", 0, "fi", "Vuoden 2020 tulos 67 jäi 3 pistettä tavoitteesta ≥ 70."),
    (-0.5, "", 1, "fi", "Vuoden 2020 tulos 69,5 jäi 0,5 pistettä tavoitteesta ≥ 70,0."),
    (-1, "", 1, "fi", "Vuoden 2020 tulos 69,0 jäi 1,0 pistettä tavoitteesta ≥ 70,0."),   # "1,0" is not one
    (-1, "", 0, "en", "The 2020 result of 69 missed the target ≥ 70 by 1 point."),
    (-3, "", 0, "en", "The 2020 result of 67 missed the target ≥ 70 by 3 points."),
    (-0.5, "", 1, "en", "The 2020 result of 69.5 missed the target ≥ 70.0 by 0.5 points."),
    (-1, "%", 0, "fi", f"Vuoden 2020 tulos 69{NBSP}% jäi 1 prosenttiyksikkö tavoitteesta ≥ 70{NBSP}%."),
    (-3, "%", 0, "fi", f"Vuoden 2020 tulos 67{NBSP}% jäi 3 prosenttiyksikköä tavoitteesta ≥ 70{NBSP}%."),
    (-1, "%", 0, "en", f"The 2020 result of 69{NBSP}% missed the target ≥ 70{NBSP}% by 1 percentage point."),
    (-3, "%", 0, "en", f"The 2020 result of 67{NBSP}% missed the target ≥ 70{NBSP}% by 3 percentage points."),
    (-2, "pv/htv", 0, "fi", f"Vuoden 2020 tulos 68{NBSP}pv/htv jäi 2{NBSP}pv/htv tavoitteesta ≥ 70{NBSP}pv/htv."),
])
def test_a_shortfall_says_its_size_in_points_or_the_indicators_unit(gap, label, decimals, lang, expected):
    [headline] = analysis_text(shortfall(gap), indicator(label, decimals), lang)
    assert headline == expected
    check_reads_right(headline)


@pytest.mark.parametrize("gap, lang, expected", [
    (-1, "fi", "Vuoden 2020 tulos tähän mennessä ( asti) on 69 ja jää 1 piste tavoitteesta ≥ 70."),
    (-2, "en", "The 2020 result so far (through ) is 68, 2 points short of the target ≥ 70."),
])
def test_a_running_shortfall_says_its_size_the_same_way(gap, lang, expected):
    assert analysis_text(shortfall(gap, running=True), indicator(), lang)[0] == expected


# --- the analysis: the part that pulled the result down -----------------------------------------------

@pytest.mark.parametrize("gap, weight, lang, expected", [
    (0, 1, "fi", "Eniten tulosta laski Q1: 70 (0 pistettä tavoitteesta), painona 1 vastaus."),
    (-1, 800, "fi", f"Eniten tulosta laski Q1: 69 ({MINUS}1 piste tavoitteesta), painona 800 vastausta."),
    (-9, 800, "fi", f"Eniten tulosta laski Q1: 61 ({MINUS}9 pistettä tavoitteesta), painona 800 vastausta."),
    (0, 1, "en", "Q1 pulled the result down most: 70 (0 points against the target), weighing 1 response."),
    (-1, 800, "en", f"Q1 pulled the result down most: 69 ({MINUS}1 point against the target), weighing 800 responses."),
    (-9, 800, "en", f"Q1 pulled the result down most: 61 ({MINUS}9 points against the target), weighing 800 responses."),
])
def test_the_part_that_pulled_the_result_down_says_its_gap_in_words(gap, weight, lang, expected):
    parts = (part("Q1", 70 + gap, gap, weight), part("Q2", 71, 1, weight))
    lines = analysis_text(shortfall(-1, parts=parts), indicator(), lang)
    assert lines[1] == expected
    for line in lines:
        check_reads_right(line)


@pytest.mark.parametrize("lang, expected", [
    ("fi", f"Tavoitetason alle jäivät myös: Q2: 68 ({MINUS}2), Q3: 69 ({MINUS}1)."),
    ("en", f"Also below the target level: Q2: 68 ({MINUS}2), Q3: 69 ({MINUS}1)."),
])
def test_the_other_parts_below_keep_a_quarters_digits_apart_from_its_value(lang, expected):
    parts = (part("Q1", 61, -9), part("Q2", 68, -2), part("Q3", 69, -1))
    lines = analysis_text(shortfall(-4, parts=parts), indicator(), lang)
    assert lines[2] == expected
    check_reads_right(lines[2])


# --- the statement of binding targets ------------------------------------------------------------------

@pytest.mark.parametrize("total, unmet, lang, expected", [
    (2, 0, "fi", "Vuodelta 2020 ei ole toteutumatta jääneitä sitovia tavoitteita."),
    (1, 1, "fi", "Vuodelle 2020 oli asetettu yksi sitova tavoite, ja se jäi toteutumatta."),
    (3, 1, "fi", "Vuoden 2020 sitovia tavoitteita oli 3, joista toteutumatta jäi 1."),
    (3, 2, "fi", "Vuoden 2020 sitovia tavoitteita oli 3, joista toteutumatta jäi 2."),
    (2, 0, "en", "No binding target for 2020 was missed."),
    (1, 1, "en", "There was one binding target for 2020, and it was not met."),
    (3, 1, "en", "There were 3 binding targets for 2020; 1 of them was not met."),
    (3, 2, "en", "There were 3 binding targets for 2020; 2 of them were not met."),
])
def test_the_statement_counts_its_unmet_targets_in_one_and_many(total, unmet, lang, expected):
    assert count_sentence("2020", total, unmet, lang) == expected


# --- the scorecard's summary: labels with counts, which read the same for one and many ------------------

@pytest.mark.parametrize("counts, lang, expected", [
    ((0, 1, 3, 0), "fi", "0 saavutettu · 1 vaarassa · 3 ei saavutettu · 0 ei tietoa"),
    ((0, 1, 3, 0), "en", "0 met · 1 at risk · 3 not met · 0 no data"),
])
def test_the_scorecard_summary_reads_for_zero_one_and_many(counts, lang, expected):
    met, at_risk, not_met, no_data = (format_number(n, 0, lang) for n in counts)
    assert t("scorecard.summary", lang, met=met, at_risk=at_risk, not_met=not_met, no_data=no_data) == expected


# --- numbers and forms --------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_minus_sign_in_both_languages(lang):
    assert format_number(-3, 0, lang) == f"{MINUS}3"
    assert format_number(-3, 0, lang, signed=True) == f"{MINUS}3"


@pytest.mark.parametrize("n, decimals, form", [(0, 0, "other"), (1, 0, "one"), (1, 1, "other"), (0.5, 1, "other"),
                                               (2, 0, "other"), (-1, 0, "one"), (0.96, 0, "one")])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_plural_form_follows_the_number_as_it_is_shown(n, decimals, form, lang):
    assert plural("analysis.amount_plain", n, lang, decimals=decimals, amount="N") == \
        catalogue(lang)[f"analysis.amount_plain.{form}"].format(amount="N")


PLURAL_KEY = re.compile(r"""\bplural\(\s*["']([a-z_]+\.[a-z_.]+)["']""")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_plural_the_code_names_has_both_forms(lang):
    keys = {key for path in [*ROOT.glob("kpi/**/*.py"), *ROOT.glob("pages/*.py")]
            for key in PLURAL_KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(keys) >= 4, "the scan should find the plurals of the analysis and the statement"
    assert sorted(f"{key}.{form}" for key in keys for form in ("one", "other")
                  if f"{key}.{form}" not in catalogue(lang)) == []


# --- error messages ------------------------------------------------------------------------------------

def _sample_params(text: str) -> dict[str, object]:
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return {name: (3 if name == "limit" else "x") for name in names - {"value"}}


def _error_keys(lang: str) -> list[str]:
    return sorted(key.removeprefix("errors.") for key in catalogue(lang)
                  if key.startswith("errors.") and not key.startswith("errors.template"))


def _error(key: str, value: object, lang: str) -> InputError:
    if key in ACCESS_KEYS:
        return AccessDenied(key, **_sample_params(catalogue(lang)[f"errors.{key}"]))
    if key.startswith("database_"):
        return DatabaseUnavailable(key)
    return InputError("code", value, key, **_sample_params(catalogue(lang)[f"errors.{key}"]))


@pytest.mark.parametrize("value", ["abc", "", None, -5.0])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_error_message_starts_with_a_capital_letter(lang, value):
    keys = _error_keys(lang)
    assert len(keys) > 40, "the scan should find the catalogue's errors"
    lower = [message for key in keys if not (message := _error(key, value, lang).message(lang))[:1].isupper()]
    assert lower == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_error_message_names_an_empty_value_as_empty(lang):
    for key in _error_keys(lang):
        message = _error(key, "", lang).message(lang)
        assert "””" not in message and "“”" not in message, message


@pytest.mark.parametrize("value, lang, expected", [
    ("", "fi", "Tunnus (tyhjä): pakollinen tieto puuttuu"),
    ("  ", "en", "Code (empty): is required"),
    ("nps", "fi", "Tunnus ”nps”: pakollinen tieto puuttuu"),
    (-5.0, "en", f"Code “{MINUS}5”: is required"),
])
def test_an_error_message_reads_as_a_sentence(value, lang, expected):
    assert InputError("code", value, "required").message(lang) == expected


def test_after_a_lead_in_the_field_keeps_its_small_letter():
    assert InputError("code", "", "required").inline("fi") == "tunnus (tyhjä): pakollinen tieto puuttuu"

"""Numbers as a Finnish or English reader expects them, and the two catalogues kept in step."""
import re

import pytest

from kpi.i18n import LANGUAGES, catalogue, format_number, format_percent, t

NNBSP = "\u202f"   # narrow no-break space: Finnish thousands separator
MINUS = "\u2212"   # the minus sign, in both languages
NBSP = "\u00a0"    # no-break space before the Finnish per cent sign


@pytest.mark.parametrize(
    "value, decimals, fi, en",
    [
        (67.5, 1, "67,5", "67.5"),
        (67, 0, "67", "67"),
        (67, 1, "67,0", "67.0"),               # the indicator's decimals are always shown
        (1200, 0, f"1{NNBSP}200", "1,200"),
        (1234567.891, 2, f"1{NNBSP}234{NNBSP}567,89", "1,234,567.89"),
        (999.5, 0, f"1{NNBSP}000", "1,000"),   # rounding can add a group
        (-3, 0, f"{MINUS}3", f"{MINUS}3"),        # one minus sign (U+2212) in both
        (-1234.5, 1, f"{MINUS}1{NNBSP}234,5", f"{MINUS}1,234.5"),
        (-0.4, 0, "0", "0"),                   # rounds to zero: no "minus zero"
        # Half rounds up, as on paper, not to even.
        (66.5, 0, "67", "67"),
        (0.5, 0, "1", "1"),
        (2.5, 0, "3", "3"),
        (2.675, 2, "2,68", "2.68"),            # 2.675 is 2.67499… in binary; still 2.68
        (1.005, 2, "1,01", "1.01"),
        (72.72727, 1, "72,7", "72.7"),
    ],
)
def test_a_number_is_written_as_a_finnish_or_english_reader_expects(value, decimals, fi, en):
    assert format_number(value, decimals, "fi") == fi
    assert format_number(value, decimals, "en") == en


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("missing", [None, float("nan")], ids=["None", "NaN"])
def test_a_missing_number_shows_as_a_dash(missing, lang):
    assert format_number(missing, 1, lang) == "–"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_missing_percent_shows_as_a_dash_without_a_per_cent_sign(lang):
    assert format_percent(None, 1, lang) == "–"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_nan_percent_shows_as_a_dash_like_a_nan_number(lang):
    assert format_percent(float("nan"), 1, lang) == "–"


@pytest.mark.parametrize(
    "value, fi, en",
    [
        (3, "+3", "+3"),        # a change against the last period
        (0, "0", "0"),          # no change has no sign
        (0.2, "0", "0"),        # rounds to no change
        (-3, f"{MINUS}3", f"{MINUS}3"),
    ],
)
def test_a_signed_number_shows_a_plus_for_an_increase(value, fi, en):
    assert format_number(value, 0, "fi", signed=True) == fi
    assert format_number(value, 0, "en", signed=True) == en


def test_without_signed_a_positive_number_has_no_plus():
    assert format_number(3, 0, "en") == "3"


def test_the_default_language_is_finnish():
    assert format_number(67.5, 1) == "67,5"


@pytest.mark.parametrize(
    "value, decimals, fi, en",
    [
        (72.727, 1, f"72,7{NBSP}%", "72.7%"),   # 80 of 110 respondents
        (73, 0, f"73{NBSP}%", "73%"),
        (100, 0, f"100{NBSP}%", "100%"),
    ],
)
def test_a_percent_follows_each_languages_convention(value, decimals, fi, en):
    assert format_percent(value, decimals, "fi") == fi
    assert format_percent(value, decimals, "en") == en


# --- the catalogues ----------------------------------------------------------------------------

def test_the_finnish_and_english_catalogues_have_exactly_the_same_keys():
    fi, en = catalogue("fi"), catalogue("en")
    assert sorted(fi.keys() - en.keys()) == []
    assert sorted(en.keys() - fi.keys()) == []
    assert len(fi) > 50, "the catalogues should hold the app's texts"


def _placeholders(text):
    return sorted(set(re.findall(r"\{(\w*)\}", text)))


def test_each_text_takes_the_same_placeholders_in_both_languages():
    # A Finnish text without {count} would silently drop the number the English one shows.
    fi, en = catalogue("fi"), catalogue("en")
    differing = {key: (_placeholders(fi[key]), _placeholders(en[key]))
                 for key in fi.keys() & en.keys() if _placeholders(fi[key]) != _placeholders(en[key])}
    assert differing == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_text_is_left_empty(lang):
    assert [key for key, text in catalogue(lang).items() if not text.strip()] == []


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("fi", "Jaksolle 2020-Q1 ei ole voimassa olevia tavoitteita."),
        ("en", "No targets apply to 2020-Q1."),
    ],
)
def test_t_fills_in_the_parameters(lang, expected):
    assert t("scorecard.no_targets", lang, period="2020-Q1") == expected


def test_t_fills_in_several_parameters():
    text = t("scorecard.summary", "en", met=3, at_risk=1, not_met=2, no_data=0)
    assert text == "3 met · 1 at risk · 2 not met · 0 no data"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unknown_key_shows_as_the_key_itself(lang):
    assert t("scorecard.no_such_text", lang) == "scorecard.no_such_text"
    assert t("scorecard.no_such_text", lang, count=3) == "scorecard.no_such_text"


def test_a_missing_parameter_leaves_the_text_unfilled_rather_than_failing():
    assert t("scorecard.no_targets", "en", wrong_name="x") == "No targets apply to {period}."


def test_an_unknown_language_falls_back_to_finnish():
    assert t("status.met", "sv") == t("status.met", "fi") == "Saavutettu"


@pytest.mark.parametrize("lang, word", [("fi", "Saavutettu"), ("en", "Met")])
def test_t_reads_the_chosen_languages_catalogue(lang, word):
    assert t("status.met", lang) == word

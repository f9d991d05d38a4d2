"""People's Markdown made safe to show: images become text (no request leaves the meeting room), and
everything else, HTML included, is left for Streamlit's escaping renderer to show as typed."""
import pytest

from kpi.safe_text import safe_markdown


@pytest.mark.parametrize("typed, shown", [
    ("![logo](https://tracker.example/p.gif)", "logo (https://tracker.example/p.gif)"),
    ('![pixel](https://tracker.example/p.gif "title")', "pixel (https://tracker.example/p.gif)"),
    ("![](http://x/y.png)", " (http://x/y.png)"),
    ("before ![a](u1) middle ![b](u2) after", "before a (u1) middle b (u2) after"),
    ("![ref image][logo]", "ref image"),
    ("line 1\n\n![chart](https://x/c.png)\n- bullet", "line 1\n\nchart (https://x/c.png)\n- bullet"),
])
def test_an_image_becomes_its_alt_text_and_address(typed, shown):
    assert safe_markdown(typed) == shown


@pytest.mark.parametrize("typed", [
    "Koko vuoden 2020 NPS-tulos oli **67**, tavoite vähintään 70.",
    "**Syyt**\n- korona\n- etäpalvelut\n\n1. yksi\n2. kaksi",
    "[HEL 2021-000692](https://paatokset.hel.fi/)",            # a link is text the reader chooses to follow
    "<img src=x onerror=alert(1)>",                            # HTML: escaped by st.markdown, left as typed
    "<script>alert(2)</script>",
    "a < b > c & d",
    "Huutomerkki! [ei kuva](https://example.org)",
])
def test_text_without_images_is_left_as_typed(typed):
    assert safe_markdown(typed) == typed


@pytest.mark.parametrize("empty", ["", None])
def test_nothing_stays_nothing(empty):
    assert safe_markdown(empty) == ""


def test_no_image_syntax_survives_in_a_long_mixed_text():
    text = "\n".join(f"Rivi {n}: ![kuva {n}](https://example.org/{n}.png) ja **lihava**" for n in range(50))
    assert "![" not in safe_markdown(text)
    assert "kuva 49 (https://example.org/49.png)" in safe_markdown(text)


@pytest.mark.parametrize("typed", [
    "![alt [with] brackets](https://tracker.example/p.gif)",   # balanced brackets in the alt text
    "![logo]\n\n[logo]: https://tracker.example/p.gif",        # a shortcut reference image
])
def test_no_image_form_survives(typed):
    assert "![" not in safe_markdown(typed)

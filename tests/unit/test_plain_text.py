"""Names shown as typed: escaped for Markdown, cleaned for renderers, checked by the store."""
import re

import pytest

from kpi.plain_text import drawable, drawable_strings, escape_markdown, name_problem

PAYLOADS = [
    "![a](http://evil.example/p.png)", "![a][r]\n\n[r]: http://evil.example/p.png", "![a](http://e.example/p \"t\")",
    "[![a](http://evil.example/p.png)](http://evil.example)", "![a](//evil.example/p.png)", "![a](<http://e/p>)",
    "# Otsikko", "| a | b |\n|---|---|", ":red[punainen]", "$x^2$", "**lihava** _kursiivi_ ~~yli~~ `koodi`",
    "<http://evil.example>", "- lista", "1. kohta", "> lainaus",
]


def _unescaped(text: str, character: str) -> bool:
    """Is `character` somewhere in `text` without a backslash before it?"""
    return re.search(rf"(?<!\\){re.escape(character)}", text) is not None


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_markdown_opener_survives_escaping(payload):
    shown = escape_markdown(payload)
    assert "\n" not in shown
    for opener in "[]!<>#|$*_~`":
        assert not _unescaped(shown, opener), (payload, shown)
    assert not re.match(r"[-+*] |\d+[.)] ", shown)


@pytest.mark.parametrize("name", ["Työterveys Helsinki (liikelaitos)", "Sairauspoissaolot pv/htv", "12.0 NPS",
                                  "Uusimaa – Länsi", "Kela I / Kela II -suhde", "5 % tavoite"])
def test_ordinary_names_are_left_as_typed(name):
    assert escape_markdown(name) == name


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029",
                                       "\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\U0010ffff", "\ud800"])
def test_every_character_a_renderer_cannot_take_is_removed_and_refused_in_a_name(character):
    assert drawable(f"x{character}y") == "xy"
    assert name_problem(f"x{character}y") == "control_character"
    assert drawable_strings({"title": [f"a{character}"], f"k{character}": 1.5}) == {"title": ["a"], "k": 1.5}


def test_a_description_keeps_its_lines_and_tabs():
    assert drawable("rivi 1\nrivi 2\tsarake\x1b", multiline=True) == "rivi 1\nrivi 2\tsarake"
    assert drawable("rivi 1\nrivi 2\tsarake") == "rivi 1 rivi 2 sarake"


@pytest.mark.parametrize("name", ["Työterveys (TTH)", "NPS", "€/htv", "≥ 70 %", "👥 henkilöstö", "Åbo Akademi"])
def test_ordinary_names_pass_the_store_check(name):
    assert name_problem(name) is None and drawable(name) == name

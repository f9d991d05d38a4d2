"""Every catalogue key the code names exists in Finnish and in English, and so do the dynamic ones."""
import ast
import re
from pathlib import Path

import pytest

from kpi.domain.vocabulary import Status
from kpi.i18n import LANGUAGES, catalogue

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*ROOT.glob("kpi/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""")


def _literal_keys() -> set[str]:
    keys = set()
    for path in SOURCES:
        keys |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    return keys


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_named_in_the_code_is_in_the_catalogue(lang):
    missing = sorted(_literal_keys() - catalogue(lang).keys())
    assert not missing


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_status_has_a_word(lang):
    assert all(f"status.{status.value}" in catalogue(lang) for status in Status)


def _input_errors() -> list[tuple[str, str]]:
    """(field, reason) of every InputError(field, value, reason) raised with literal names."""
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "InputError" and len(node.args) >= 3:
                field, _value, reason = node.args[:3]
                found.append((getattr(field, "value", None), getattr(reason, "value", None)))
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_input_error_names_a_field_and_reason_in_the_catalogue(lang):
    errors = _input_errors()
    assert len(errors) > 20, "the scan should find the store's InputErrors"
    texts = catalogue(lang)
    missing = sorted({f"fields.{f}" for f, _ in errors if isinstance(f, str) and f"fields.{f}" not in texts}
                     | {f"errors.{r}" for _, r in errors if isinstance(r, str) and f"errors.{r}" not in texts})
    assert not missing

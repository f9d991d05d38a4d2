"""The error every write path raises for bad input: which field, which value, and why.

`key` names a message under [errors] in the translation catalogue, so the same error reads in
Finnish in the app and in English on the command line.
"""
from __future__ import annotations

from typing import Any

from .i18n import MINUS, format_number, t  # i18n imports no kpi module but the domain's


class InputError(ValueError):
    def __init__(self, field: str, value: Any, key: str, **params: Any):
        self.field = field
        self.value = value
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        """The message standing alone: "Tunnus ”nps”: tunnus on jo käytössä"."""
        # After a file and row the message reads as after any lead-in, and the file name as it is written:
        # "measurements.csv:3: jakso ”2020-Q9”: …".
        # Subclasses word themselves through `inline`, so the standing-alone form goes through it too.
        return self.inline(lang) if self.params.get("where") else capitalised(self.inline(lang))

    def inline(self, lang: str) -> str:
        where = self.params.get("where")
        return f"{where}: {self._text(lang)}" if where else self._text(lang)

    def _text(self, lang: str) -> str:
        """The message as it reads after a lead-in ("Row 3: value “x”: …"): the field name as written."""
        params = {name: _shown(value, lang) for name, value in self.params.items()}
        if isinstance(self.params.get("limit"), int):  # "at most 2 000 characters", grouped as the count beside it
            params["limit"] = format_number(self.params["limit"], 0, lang)
        reason = t(f"errors.{self.key}", lang, value=_shown(self.value, lang), **params)
        # An empty value is named as empty: "Tunnus (tyhjä): …", not "tunnus ””: …".
        template = "errors.template_empty" if _is_empty(self.value) else "errors.template"
        return t(template, lang, field=t(f"fields.{self.field}", lang), value=_shown(self.value, lang), reason=reason)


def capitalised(text: str) -> str:
    """A message starts with a capital letter; the field names in the catalogue are lower case, as they
    also stand inside sentences."""
    return text[:1].upper() + text[1:]


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Any, lang: str) -> Any:
    """A number as people write it: 70.0 -> "70", 10.5 -> "10,5" in Finnish, -5.0 -> "−5" (the minus sign
    U+2212 in both languages, as `format_number` writes it); anything else unchanged."""
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        text = f"{value:g}" if abs(value) < 1e15 else repr(value)
        text = text.replace("-", MINUS, 1) if text.startswith("-") else text
        return text.replace(".", ",") if lang == "fi" else text
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return MINUS + str(-value)
    return value


class DatabaseUnavailable(InputError):
    """The database cannot be reached (`database_unreachable`) or another writer holds it too long
    (`database_busy`). An InputError, so every form that shows input errors shows this too and keeps
    what the user typed; nothing was written."""

    def __init__(self, key: str):
        super().__init__("database", "", key)

    def inline(self, lang: str) -> str:
        return t(f"errors.{self.key}", lang)

"""The error every write path raises for bad input: which field, which value, and why.

`key` names a message under [errors] in the translation catalogue, so the same error reads in
Finnish in the app and in English on the command line.
"""
from __future__ import annotations

from typing import Any

from .i18n import format_number, t  # i18n imports no kpi module but the domain's


class InputError(ValueError):
    def __init__(self, field: str, value: Any, key: str, **params: Any):
        self.field = field
        self.value = value
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        params = {name: _shown(value, lang) for name, value in self.params.items()}
        if isinstance(self.params.get("limit"), int):  # "at most 2 000 characters", grouped as the count beside it
            params["limit"] = format_number(self.params["limit"], 0, lang)
        reason = t(f"errors.{self.key}", lang, value=_shown(self.value, lang), **params)
        text = t("errors.template", lang, field=t(f"fields.{self.field}", lang), value=_shown(self.value, lang),
                 reason=reason)
        where = self.params.get("where")  # file and row, when the input came from a file
        return f"{where}: {text}" if where else text


def _shown(value: Any, lang: str) -> Any:
    """A number as people write it: 70.0 -> "70", 10.5 -> "10,5" in Finnish; anything else unchanged."""
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        text = f"{value:g}" if abs(value) < 1e15 else repr(value)
        return text.replace(".", ",") if lang == "fi" else text
    return value


class DatabaseUnavailable(InputError):
    """The database cannot be reached (`database_unreachable`) or another writer holds it too long
    (`database_busy`). An InputError, so every form that shows input errors shows this too and keeps
    what the user typed; nothing was written."""

    def __init__(self, key: str):
        super().__init__("database", "", key)

    def message(self, lang: str) -> str:
        return t(f"errors.{self.key}", lang)

"""Documents for the steering group and the council: built in memory, then downloaded or written.

- `binding-statement` (DOCX): the statement of a year's unmet binding targets, one section per target.
- `review-pack` (DOCX): the review of a period: scorecard, then each miss and risk with chart, analysis,
  explanation and open actions.
- `scorecard` (XLSX): the scorecard as a spreadsheet.

`build_report` is the one entry point; the Documents page and `python -m kpi report` both call it. It
reads the database through the same functions as the pages, in the language given, and returns bytes:
nothing is written anywhere until the caller has the whole document.

The builders (python-docx, openpyxl, Altair, vl-convert) are imported when a document is built, so
`python -m kpi` and the pages that only name the kinds do not pay for them.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from sqlmodel import Session

from ..domain.periods import Period
from ..i18n import t

__all__ = ["KINDS", "Report", "ReportError", "build_report", "file_name"]

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# kind -> (module with build(), file extension, MIME type)
_BUILDERS = {
    "binding-statement": ("binding_statement", "docx", DOCX_MIME),
    "review-pack": ("review_pack", "docx", DOCX_MIME),
    "scorecard": ("scorecard_xlsx", "xlsx", XLSX_MIME),
}
KINDS = tuple(_BUILDERS)

Progress = Callable[[str], None]


class ReportError(Exception):
    """A document that cannot be made as asked; `message(lang)` says why in one line."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key, self.params = key, params

    def message(self, lang: str) -> str:
        return t(f"reports.errors.{self.key}", lang, **self.params)


@dataclass(frozen=True)
class Report:
    kind: str
    content: bytes
    file_name: str
    mime: str
    covers: list[str] = field(default_factory=list)   # "indicator – unit" of each target section or row


def build_report(session: Session, kind: str, period: Period, *, unit_code: str | None = None,
                 as_of: date | None = None, lang: str = "fi", on_step: Progress | None = None) -> Report:
    """Build one document in memory. `on_step` hears each step in words (the page shows them)."""
    if kind not in _BUILDERS:
        raise ReportError("unknown_kind", kind=kind, kinds=", ".join(KINDS))
    module, _extension, mime = _BUILDERS[kind]
    builder = importlib.import_module(f"{__name__}.{module}").build
    content, covers = builder(session, period, unit_code=unit_code, as_of=as_of or date.today(), lang=lang,
                              on_step=on_step or (lambda _text: None))
    return Report(kind=kind, content=content, file_name=file_name(kind, period, unit_code, lang), mime=mime,
                  covers=covers)


def file_name(kind: str, period: Period, unit_code: str | None, lang: str) -> str:
    """"sitovat-tavoitteet-2020-TTH.docx": the kind in the language, the period, the unit if one was chosen."""
    _module, extension, _mime = _BUILDERS[kind]
    stem = t(f"reports.file.{kind.replace('-', '_')}", lang)
    parts = [stem, period.code.replace("..", "_")] + ([unit_code] if unit_code else [])
    name = "-".join(re.sub(r"[^\w.-]+", "_", part) for part in parts)
    return f"{name}.{extension}"

"""Pieces two documents share: a target's chart, its explanation and its corrective actions."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from docx.document import Document
from docx.shared import Cm

from ..i18n import t
from ..scorecard import ScorecardRow
from .chart_images import series_png
from .common import TargetSection, action_state, add_note, add_table, add_text, date_text
from .markdown_docx import add_markdown

PICTURE_WIDTH = Cm(15.5)


def add_picture(document: Document, points, row: ScorecardRow, lang: str, caption: str) -> None:
    if not any(p.actual is not None for p in points):
        return
    image = series_png(points, lang=lang, decimals=row.decimals, unit_label=row.unit_label)
    if image is None:
        add_note(document, t("reports.chart_failed", lang))
        return
    document.add_picture(BytesIO(image), width=PICTURE_WIDTH)
    add_text(document, caption, "Caption")


def add_explanation(document: Document, section: TargetSection, lang: str) -> None:
    """Who wrote it and whether the steering group approved it, then the text as written."""
    explanation = section.explanation
    if explanation is None:
        add_note(document, t("reports.explanation_missing", lang), size_pt=10)
        return
    if explanation.approved:
        approved_on = date_text(date.fromisoformat(explanation.approved_at), lang) if explanation.approved_at else "–"
        add_note(document, t("reports.explanation_approved", lang, author=explanation.author or "–",
                             by=explanation.approved_by or "–", date=approved_on))
    else:
        add_note(document, t("reports.explanation_draft", lang, author=explanation.author or "–"), size_pt=10)
    add_markdown(document, explanation.body, heading_level=4)


def add_actions(document: Document, section: TargetSection, lang: str, *, empty_key: str) -> None:
    if not section.actions:
        add_note(document, t(empty_key, lang), size_pt=10)
        return
    add_table(document, [t("reports.col_action", lang), t("reports.col_owner", lang), t("reports.col_due", lang),
                         t("reports.col_state", lang)],
              [[a.title, a.owner or "–", date_text(a.due_on, lang), action_state(a, lang)] for a in section.actions],
              widths_cm=[7.6, 3.5, 2.5, 3])

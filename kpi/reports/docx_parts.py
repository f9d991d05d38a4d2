"""Pieces two documents share: a target's chart, its explanation and its corrective actions."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from docx.document import Document
from docx.shared import Cm
from docx.text.paragraph import Paragraph

from ..i18n import t
from ..presentation.present import target_text, value_text
from ..features.scorecard import ScorecardRow
from ..features.views import Point
from .chart_images import series_png
from .common import TargetSection, action_state, add_note, add_table, add_text, clean, date_text
from .markdown_docx import add_markdown

PICTURE_WIDTH = Cm(15.5)


def add_picture(document: Document, points: list[Point], row: ScorecardRow, lang: str, caption: str, *,
                into: Paragraph | None = None) -> None:
    """The chart, with its alternative text (what it shows and its numbers, for a screen reader and for
    Word's accessibility check), then its caption on the same page. `into` puts the chart in that paragraph,
    under its text: LibreOffice carries a heading along to the next page with the paragraph after it, but
    not along a chain of paragraphs each kept with the next (the review pack's heading stayed behind alone
    at the foot of a page, its figures line and chart on the next)."""
    if not any(p.actual is not None for p in points):
        return
    image = series_png(points, lang=lang, decimals=row.decimals, unit_label=row.unit_label)
    if image is None:
        add_note(document, t("reports.chart_failed", lang))
        return
    # In `into` the chart needs no line break: 15.5 cm wide in a 16.6 cm column, it always wraps under the text.
    paragraph = into if into is not None else document.add_paragraph()
    shape = paragraph.add_run().add_picture(BytesIO(image), width=PICTURE_WIDTH)
    # python-docx has no API for it: Word reads a picture's alternative text from wp:docPr.
    properties = shape._inline.docPr
    properties.set("title", clean(caption))
    properties.set("descr", chart_description(points, row, lang))
    paragraph.paragraph_format.keep_with_next = True   # the caption stays under its chart
    add_text(document, caption, "Caption")


def chart_description(points: list[Point], row: ScorecardRow, lang: str) -> str:
    """"Viivakaavio: NPS jaksoittain. 2019: 72 (saavutettu); 2020: 67 (ei saavutettu). Tavoite ≥ 70.":
    the chart in words, each point's value and status, and the target once when it is the same for all."""
    targets = {target_text(p.comparator, p.threshold, p.threshold_upper, row.decimals, lang)
               for p in points if p.threshold is not None and p.comparator}
    one_target = len(targets) == 1

    def point_words(point: Point) -> str:
        value = value_text(point.actual, row.decimals, row.unit_label, lang)
        notes = [] if one_target or point.threshold is None or not point.comparator else [
            t("reports.alt.target", lang, target=target_text(point.comparator, point.threshold,
                                                             point.threshold_upper, row.decimals, lang))]
        if point.status:
            notes.append(t(f"status.{point.status}", lang).lower())
        if point.running:
            notes.append(t("reports.alt.running", lang))
        return f"{point.label}: {value}" + (f" ({', '.join(notes)})" if notes else "")

    words = t("reports.alt.chart", lang, name=row.indicator_name, unit=row.org_unit_name,
              points="; ".join(point_words(point) for point in points))
    if one_target:
        words += " " + t("reports.alt.target_all", lang, target=targets.pop())
    return clean(words)


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
              [[a.title, a.owner or "–", date_text(a.due_on, lang), action_state(a, lang)] for a in section.actions])

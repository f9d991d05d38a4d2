"""The quarterly review pack (DOCX): circulated before the meeting, kept after it.

The scorecard first (status in words, so it prints in black and white), then every target not met or
at risk in the meeting's order (binding misses, other misses, at risk): its figures, chart, the automatic
analysis, the explanation and the corrective actions still open, overdue ones marked.
"""
from __future__ import annotations

from datetime import date

from docx.document import Document
from sqlmodel import Session

from ..domain.explanations import needs_explanation
from ..domain.periods import Period, PeriodKind
from ..i18n import format_number, t
from ..presentation.present import target_text, value_text
from ..features.scorecard import ScorecardRow, agenda, build_scorecard, summarise
from . import Progress
from .common import (TargetSection, add_heading, add_note, add_table, add_text, clean, date_text, gather_section,
                     new_document, to_bytes)
from .docx_parts import add_actions, add_explanation, add_picture
from .markdown_docx import add_markdown


def build(session: Session, period: Period, *, unit_code: str | None, as_of: date, lang: str,
          on_step: Progress) -> tuple[bytes, list[str]]:
    """The document and the names of the targets discussed in it (one section each)."""
    on_step(t("reports.step_scorecard", lang))
    rows = build_scorecard(session, period, unit_code=unit_code, as_of=as_of, lang=lang)
    items = agenda(rows)
    sections = []
    for number, row in enumerate(items, start=1):
        on_step(t("reports.step_target", lang, name=row.indicator_name, number=number, total=len(items)))
        sections.append(gather_section(session, row, period, as_of=as_of, lang=lang, open_actions_only=True,
                                       with_analysis=True))
    on_step(t("reports.step_write", lang))
    document = new_document(_title(period, lang), lang, dated=as_of)
    scope = scope_name(rows, unit_code, lang)
    add_note(document, t("reports.made_on", lang, date=date_text(as_of, lang), scope=scope), italic=False,
             size_pt=10)

    add_heading(document, t("reports.review.scorecard_heading", lang), level=1)
    if rows:
        counts = {key: format_number(value, 0, lang) for key, value in summarise(rows).items()}
        add_text(document, t("scorecard.summary", lang, **counts))
        if summarise(rows)["binding_not_met"]:
            add_text(document, t("scorecard.binding_unmet", lang, count=counts["binding_not_met"]))
        scorecard_table(document, rows, lang)
        if any(row.running for row in rows):
            add_note(document, t("scorecard.running_note", lang))
    else:
        add_text(document, t("scorecard.no_targets", lang, period=period.code))

    add_heading(document, t("reports.review.shortfalls_heading", lang), level=1)
    if not sections:
        add_text(document, t("reports.review.nothing", lang, period=period.code))
    for number, section in enumerate(sections, start=1):
        _section(document, section, number, lang)
    return to_bytes(document), [f"{row.indicator_name} – {row.org_unit_name}" for row in items]


def _title(period: Period, lang: str) -> str:
    if period.kind is PeriodKind.QUARTER:
        return t("reports.review.title_quarter", lang, period=period.code)
    if period.kind is PeriodKind.YEAR:
        return t("reports.review.title_year", lang, period=period.code)
    return t("reports.review.title_other", lang, period=period.code)


def scope_name(rows: list[ScorecardRow], unit_code: str | None, lang: str) -> str:
    """What the document covers: the chosen unit (its name as the scorecard gives it), or every unit."""
    if unit_code:
        named = next((row.org_unit_name for row in rows if row.org_unit == unit_code), None)
        return named or unit_code
    return t("scorecard.all_units", lang)


def _actual(row: ScorecardRow, lang: str) -> str:
    text = value_text(row.actual, row.decimals, row.unit_label, lang)
    return text + " *" if row.running and row.actual is not None else text


def scorecard_table(document: Document, rows: list[ScorecardRow], lang: str) -> None:
    add_table(document,
              [t("scorecard.col_status", lang), t("scorecard.col_indicator", lang), t("scorecard.col_unit", lang),
               t("scorecard.col_actual", lang), t("scorecard.col_target", lang), t("scorecard.col_gap", lang),
               t("scorecard.col_binding", lang)],
              [[t(f"status.{row.status}", lang), row.indicator_name, row.org_unit_name, _actual(row, lang),
                target_text(row.comparator, row.target, row.target_upper, row.decimals, lang),
                format_number(row.gap, row.decimals, lang, signed=True),
                t("scorecard.yes", lang) if row.binding else ""] for row in rows], font_pt=9)


def _section(document: Document, section: TargetSection, number: int, lang: str) -> None:
    row, view = section.row, section.view
    add_heading(document, f"{number}. {row.indicator_name} – {row.org_unit_name}", level=2)
    figures = [t(f"status.{row.status}", lang),
               t("reports.review.actual", lang, value=_actual(row, lang)),
               t("reports.review.target", lang,
                 value=target_text(row.comparator, row.target, row.target_upper, row.decimals, lang)),
               t("reports.review.gap", lang, value=format_number(row.gap, row.decimals, lang, signed=True))]
    if row.binding:
        figures.append(t("reports.review.binding", lang))
    line = document.add_paragraph()
    line.paragraph_format.keep_with_next = True   # the figures stay on the page of their chart
    line.add_run(clean(" · ".join(figures))).bold = True
    add_picture(document, view.series, row, lang, t("reports.chart_series", lang, name=row.indicator_name),
                into=line)
    add_note(document, view.rule_text)
    if section.analysis:
        add_heading(document, t("reports.review.analysis_heading", lang), level=3)
        add_markdown(document, section.analysis, heading_level=4)
    if section.explanation is not None or needs_explanation(row.binding, row.status):
        add_heading(document, t("reports.explanation_heading", lang), level=3)
        add_explanation(document, section, lang)
    overdue = sum(action.overdue for action in section.actions)
    heading = t("reports.review.open_actions_heading", lang)
    if overdue:
        heading += " " + t("reports.review.overdue_count", lang, count=format_number(overdue, 0, lang))
    add_heading(document, heading, level=3)
    add_actions(document, section, lang, empty_key="reports.review.no_open_actions")

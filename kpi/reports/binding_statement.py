"""The statement of unmet binding targets for a year, as the council receives it (DOCX).

It follows the board's own document (HEL 2021-000692, seeds/000): a title "Vuoden 2020 sitovan
toiminnallisen tavoitteen toteutumatta jääminen", a decision proposal, and the presenter's reasoning:
why a statement is made at all, then per target the target and the actual, how the year went quarter by
quarter (table and chart), the explanation the steering group approved and the corrective actions.
A year with no unmet binding target still gets a document that says so: "nothing to report" is also
an answer the council may ask for.
"""
from __future__ import annotations

from datetime import date

from docx.document import Document
from sqlmodel import Session

from ..domain.explanations import needs_explanation
from ..domain.periods import Period, PeriodKind
from ..i18n import format_number, plural, t
from ..presentation.present import target_text, value_text
from ..presentation.present import unit_label as unit_text
from ..features.scorecard import ScorecardRow, build_scorecard
from . import Progress, ReportError
from .common import (TargetSection, add_heading, add_note, add_table, add_text, date_text, gather_section,
                     new_document, to_bytes)
from .docx_parts import add_actions, add_explanation, add_picture


def build(session: Session, period: Period, *, unit_code: str | None, as_of: date, lang: str,
          on_step: Progress) -> tuple[bytes, list[str]]:
    """The document and the names of the targets it covers (one section each)."""
    if period.kind is not PeriodKind.YEAR:
        raise ReportError("year_only", period=period.code)
    year = period.code
    on_step(t("reports.step_scorecard", lang))
    rows = build_scorecard(session, period, unit_code=unit_code, as_of=as_of, lang=lang)
    binding = [row for row in rows if row.binding]
    unmet = [row for row in binding if needs_explanation(row.binding, row.status)]
    sections = []
    for number, row in enumerate(unmet, start=1):
        on_step(t("reports.step_target", lang, name=row.indicator_name, number=number, total=len(unmet)))
        sections.append(gather_section(session, row, period, as_of=as_of, lang=lang, open_actions_only=False,
                                       with_analysis=False))
    on_step(t("reports.step_write", lang))
    many = len(unmet) > 1
    if unmet:
        title = t("reports.binding.title_many" if many else "reports.binding.title_one", lang, year=year)
    else:
        title = t("reports.binding.title_none", lang, year=year)
    document = new_document(title, lang, dated=as_of)
    units = sorted({row.org_unit_name for row in (unmet or binding)})
    add_note(document, t("reports.made_on", lang, date=date_text(as_of, lang),
                         scope=", ".join(units) or t("units.whole", lang)), italic=False, size_pt=10)

    if unmet:
        add_heading(document, t("reports.binding.proposal_heading", lang), level=1)
        add_text(document, t("reports.binding.proposal_many" if many else "reports.binding.proposal_one",
                                 lang, year=year))
    add_heading(document, t("reports.binding.reasoning_heading", lang), level=1)
    add_text(document, t("reports.binding.reasoning_rule", lang))
    add_text(document, count_sentence(year, len(binding), len(unmet), lang))
    if binding:
        _binding_table(document, binding, lang)
    for number, section in enumerate(sections, start=1):
        _section(document, section, number, year, lang)
    return to_bytes(document), [f"{row.indicator_name} – {row.org_unit_name}" for row in unmet]


def count_sentence(year: str, total: int, unmet: int, lang: str) -> str:
    """"There were 3 binding targets for 2020; 1 of them was not met." (or "none was missed", or "one, and it")."""
    if not unmet:
        return t("reports.binding.none", lang, year=year)
    if total == 1:
        return t("reports.binding.count_single", lang, year=year)
    return plural("reports.binding.count", unmet, lang, year=year, total=format_number(total, 0, lang),
                  unmet=format_number(unmet, 0, lang))


def _target_words(row: ScorecardRow, lang: str) -> str:
    text = target_text(row.comparator, row.target, row.target_upper, row.decimals, lang)
    suffix = unit_text(row.unit_label, lang)
    return f"{text}\u00a0{suffix}" if suffix else text


def _actual_words(row: ScorecardRow, lang: str) -> str:
    text = value_text(row.actual, row.decimals, row.unit_label, lang)
    if row.running and row.data_through:
        through = date_text(date.fromisoformat(row.data_through), lang)
        text += " (" + t("scorecard.running_mark", lang, through=through) + ")"
    return text


def _binding_table(document: Document, rows: list[ScorecardRow], lang: str) -> None:
    add_table(document,
              [t("scorecard.col_indicator", lang), t("scorecard.col_unit", lang), t("scorecard.col_target", lang),
               t("scorecard.col_actual", lang), t("scorecard.col_status", lang)],
              [[row.indicator_name, row.org_unit_name, _target_words(row, lang), _actual_words(row, lang),
                t(f"status.{row.status}", lang)] for row in rows])


def _section(document: Document, section: TargetSection, number: int, year: str, lang: str) -> None:
    row, view = section.row, section.view
    add_heading(document, f"{number}. {row.indicator_name} – {row.org_unit_name}", level=2)
    add_text(document, t("reports.binding.target_sentence", lang, unit=row.org_unit_name,
                             indicator=row.indicator_name, target=_target_words(row, lang), year=year,
                             actual=_actual_words(row, lang),
                             gap=format_number(row.gap, row.decimals, lang, signed=True)))
    description = view.indicator.description_en if lang == "en" else view.indicator.description_fi
    if description:
        add_text(document, description)

    add_heading(document, t("reports.binding.quarters_heading", lang), level=3)
    parts = view.parts
    table_rows = [[p.label, value_text(p.actual, row.decimals, row.unit_label, lang), _point_target(p, row, lang),
                   t(f"status.{p.status}", lang) if p.status else "–"] for p in parts]
    table_rows.append([t("reports.whole_year", lang, year=year), _actual_words(row, lang), _target_words(row, lang),
                       t(f"status.{row.status}", lang)])
    add_table(document, [t("reports.col_period", lang), t("scorecard.col_actual", lang),
                         t("scorecard.col_target", lang), t("scorecard.col_status", lang)],
              table_rows, bold_rows=(len(table_rows) - 1,))
    add_note(document, view.rule_text)
    caption = t("reports.binding.chart_quarters", lang, name=row.indicator_name, year=year)
    add_picture(document, parts, row, lang, caption)
    if sum(p.actual is not None for p in view.series) > 1:
        add_picture(document, view.series, row, lang, t("reports.chart_years", lang, name=row.indicator_name))

    add_heading(document, t("reports.explanation_heading", lang), level=3)
    add_explanation(document, section, lang)
    add_heading(document, t("reports.binding.actions_heading", lang), level=3)
    add_actions(document, section, lang, empty_key="reports.actions_none")


def _point_target(point, row: ScorecardRow, lang: str) -> str:
    if point.threshold is None or not point.comparator:
        return "–"
    return target_text(point.comparator, point.threshold, point.threshold_upper, row.decimals, lang)

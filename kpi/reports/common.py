"""What every document shares: what one target section holds, the Word page set-up, tables, dates.

The data of a section (scorecard row, drill-down, explanation, actions, automatic analysis) is read once
here; the documents only lay it out. No Streamlit: the page and the command line both call this.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from docx import Document as new_docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from sqlmodel import Session

from .. import followups, store
from ..analysis import build_analysis
from ..analysis_text import analysis_markdown
from ..domain.periods import Period
from ..drilldown import Drilldown, build_drilldown
from ..followups import ActionView, ExplanationView
from ..i18n import t
from ..scorecard import ScorecardRow

# Characters XML 1.0 cannot hold (python-docx refuses them): a pasted control character must not
# stop the council's document from being written.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LANGUAGE_TAG = {"fi": "fi-FI", "en": "en-GB"}


@dataclass(frozen=True)
class TargetSection:
    """One target of a document with everything said about it."""
    row: ScorecardRow
    view: Drilldown
    explanation: ExplanationView | None
    actions: list[ActionView]
    analysis: str                 # the automatic analysis as Markdown; "" when there is none


def clean(text: str) -> str:
    return _NOT_XML.sub("", text or "")


def date_text(day: date | None, lang: str) -> str:
    """31.3.2021 in Finnish, 2021-03-31 in English (no month names to translate)."""
    if day is None:
        return "–"
    return f"{day.day}.{day.month}.{day.year}" if lang == "fi" else day.isoformat()


def action_state(action: ActionView, lang: str) -> str:
    """"Käynnissä – myöhässä": the state in words, and the overdue mark where the due date has passed."""
    text = t(f"reports.action_state.{action.state}", lang)
    return f"{text} – {t('reports.overdue', lang)}" if action.overdue else text


def gather_section(session: Session, row: ScorecardRow, period: Period, *, as_of: date, lang: str,
                   open_actions_only: bool, with_analysis: bool) -> TargetSection:
    view = build_drilldown(session, row.indicator, period, unit_code=row.org_unit, as_of=as_of, lang=lang)
    explanation = followups.explanation_for(session, row.target_id, row.period)
    if open_actions_only:
        # Open actions belong to the indicator and unit, not to one period's target: every target
        # of the pair counts, so an action raised last year still shows until it is closed.
        unit_id = store.get_unit(session, row.org_unit).id if row.org_unit else None
        target_ids = [target.id for target in store.targets_for(session, view.indicator.id, unit_id)]
    else:
        target_ids = [row.target_id]
    actions = followups.actions_of(session, as_of=as_of, lang=lang, target_ids=target_ids,
                                   open_only=open_actions_only)
    analysis = ""
    if with_analysis:
        found = build_analysis(session, row.indicator, period, unit_code=row.org_unit, as_of=as_of, lang=lang)
        analysis = analysis_markdown(found, view.indicator, lang) if found is not None else ""
    return TargetSection(row=row, view=view, explanation=explanation, actions=actions, analysis=analysis)


# --- Word ---

def new_document(title: str, lang: str) -> Document:
    """An A4 document (the default template is US Letter) in the language, with clean properties."""
    document = new_docx()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    tag = OxmlElement("w:lang")   # so Word checks spelling in the document's language
    tag.set(qn("w:val"), _LANGUAGE_TAG.get(lang, "fi-FI"))
    normal.element.get_or_add_rPr().append(tag)
    properties = document.core_properties
    moment = datetime.now(UTC).replace(microsecond=0)
    properties.title, properties.language, properties.subject = clean(title), _LANGUAGE_TAG.get(lang, "fi-FI"), ""
    properties.author = properties.last_modified_by = t("reports.producer", lang)
    properties.comments, properties.keywords, properties.category = "", "", ""
    properties.created = properties.modified = moment
    properties.revision = 1
    document.add_paragraph(clean(title), style="Title")
    return document


def add_table(document: Document, header: list[str], rows: list[list[str]], *,
              bold_rows: tuple[int, ...] = (), widths_cm: list[float] | None = None, font_pt: float = 10) -> None:
    """A bordered table whose header row repeats on each page; every cell plain text (escaped by python-docx)."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    heading = table.rows[0]
    _repeat_as_header(heading)
    for cell, text in zip(heading.cells, header):
        run = cell.paragraphs[0].add_run(clean(text))
        run.bold, run.font.size = True, Pt(font_pt)
    for index, values in enumerate(rows):
        cells = table.add_row().cells
        for cell, text in zip(cells, values):
            run = cell.paragraphs[0].add_run(clean(str(text)))
            run.font.size = Pt(font_pt)
            run.bold = index in bold_rows or None
    if widths_cm:
        # Word reads the cells' widths, LibreOffice the grid's: set both.
        table.autofit = False
        for column, width in zip(table.columns, widths_cm):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm):
                cell.width = Cm(width)
    document.add_paragraph()


def _repeat_as_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def add_heading(document: Document, text: str, level: int) -> None:
    document.add_heading(clean(text), level=level)


def add_text(document: Document, text: str, style: str | None = None):
    """A paragraph of text (names in it come from the database: cleaned of what XML cannot hold)."""
    return document.add_paragraph(clean(text), style=style)


def add_note(document: Document, text: str, *, italic: bool = True, size_pt: float = 9) -> None:
    run = document.add_paragraph().add_run(clean(text))
    run.italic, run.font.size = italic or None, Pt(size_pt)


def to_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

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
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor
from sqlmodel import Session

from ..features import followups
from .. import store
from ..features.analysis import build_analysis
from ..features.analysis_text import analysis_markdown
from ..domain.periods import Period
from ..features.drilldown import Drilldown, build_drilldown
from ..features.followups import ActionView, ExplanationView
from ..i18n import t
from ..features.scorecard import ScorecardRow
from .table_widths import column_widths

# Characters XML 1.0 cannot hold (python-docx refuses them): a pasted control character must not
# stop the council's document from being written.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LANGUAGE_TAG = {"fi": "fi-FI", "en": "en-GB"}
GREY = RGBColor(0x57, 0x60, 0x6A)


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

def new_document(title: str, lang: str, *, dated: date) -> Document:
    """An A4 document (the default template is US Letter) in the language, with clean properties, and on
    every printed page the title and date above and the page number below (a council files it in print)."""
    document = new_docx()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    _set_language(document, _LANGUAGE_TAG.get(lang, "fi-FI"))
    properties = document.core_properties
    moment = datetime.now(UTC).replace(microsecond=0)
    properties.title, properties.language, properties.subject = clean(title), _LANGUAGE_TAG.get(lang, "fi-FI"), ""
    properties.author = properties.last_modified_by = t("reports.producer", lang)
    properties.comments, properties.keywords, properties.category = "", "", ""
    properties.created = properties.modified = moment
    properties.revision = 1
    _running_header(section, t("reports.print.header", lang, title=clean(title), date=date_text(dated, lang)))
    _page_numbers(section, t("reports.print.page", lang, page="{PAGE}", pages="{NUMPAGES}"))
    document.add_paragraph(clean(title), style="Title")
    return document


def _set_language(document: Document, tag: str) -> None:
    """The language of every run that does not say otherwise (Word's spelling check, hyphenation, and the
    language a screen reader reads in): the document defaults, where the template says en-US."""
    defaults = _child(_child(document.styles.element, "w:docDefaults", first=True), "w:rPrDefault", first=True)
    _child(_child(defaults, "w:rPr"), "w:lang").set(qn("w:val"), tag)


def _child(parent, name: str, *, first: bool = False):
    found = parent.find(qn(name))
    if found is None:
        found = OxmlElement(name)
        parent.insert(0, found) if first else parent.append(found)
    return found


def _running_header(section, text: str) -> None:
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.font.size, run.font.color.rgb = Pt(9), GREY


def _page_numbers(section, template: str) -> None:
    """"Sivu 2 / 5": the words from the translation, the numbers Word's PAGE and NUMPAGES fields."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in re.split(r"(\{PAGE\}|\{NUMPAGES\})", template):
        if piece in ("{PAGE}", "{NUMPAGES}"):
            _field(paragraph, piece.strip("{}"))
        elif piece:
            paragraph.add_run(piece).font.size = Pt(9)


def _field(paragraph, instruction: str) -> None:
    """A field Word and LibreOffice compute when the page is laid out; "1" shows until they do."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None), (None, "1"),
                       ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(9)
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        elif text.strip() == instruction:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
        else:
            run.text = text


def add_table(document: Document, header: list[str], rows: list[list[str]], *,
              bold_rows: tuple[int, ...] = (), font_pt: float = 10) -> None:
    """A bordered table whose header row repeats on each page; every cell plain text (escaped by python-docx);
    the columns as wide as their words need (`column_widths`), so no word breaks inside."""
    header = [clean(text) for text in header]
    rows = [[clean(str(text)) for text in values] for values in rows]
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    heading = table.rows[0]
    _row_flag(heading, "w:tblHeader")
    for cell, text in zip(heading.cells, header):
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(font_pt)
    for index, values in enumerate(rows):
        line = table.add_row()
        _row_flag(line, "w:cantSplit")   # a row's lines stay together on one page
        for cell, text in zip(line.cells, values):
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(font_pt)
            run.bold = index in bold_rows or None
    section = document.sections[-1]
    text_width = Emu(section.page_width - section.left_margin - section.right_margin).cm
    widths = column_widths(header, rows, text_width_cm=text_width, font_pt=font_pt, bold_rows=bold_rows)
    # Fixed widths, not Word's autofit (LibreOffice does not autofit a DOCX table). Word reads the cells'
    # widths, LibreOffice the grid's: set both.
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)
    document.add_paragraph()


def _row_flag(row, name: str) -> None:
    flag = OxmlElement(name)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def add_heading(document: Document, text: str, level: int) -> None:
    """Word's own Heading 1, 2, 3 (a document map, a table of contents, a screen reader's headings), kept on
    the page of what follows it."""
    document.add_heading(clean(text), level=level).paragraph_format.keep_with_next = True


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

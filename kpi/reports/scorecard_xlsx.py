"""The scorecard as a spreadsheet (XLSX): one row per target, status in words, figures as numbers.

Names of indicators and units are typed by people, so every text cell goes through the export's
formula guard (`kpi.reports.export.safe_text`): "=HYPERLINK(...)" as a unit's name stays text in the board's copy.
Numbers stay numbers (formatted to the indicator's decimals), so the sheet can be sorted and summed.
"""
from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from ..domain.periods import Period
from .export import FORMULA_STARTS, safe_text
from ..i18n import t
from ..plain_text import drawable
from ..presentation.present import target_text
from ..presentation.present import unit_label as unit_text
from ..features.scorecard import ScorecardRow, build_scorecard
from . import Progress

# Light tints of the status colours: the word carries the meaning, the tint helps the eye.
STATUS_FILL = {"met": "E3F2E6", "at_risk": "FFF3CD", "not_met": "FBE3E4", "no_data": "ECEEF0"}
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
COLUMNS = ("status", "indicator_name", "indicator", "org_unit_name", "org_unit", "period", "target_period",
           "actual", "target_text", "target", "target_upper", "gap", "binding", "data_through", "unit_label")
NUMBER_COLUMNS = ("actual", "target", "target_upper", "gap")
FONT_NAME = "Calibri"   # Excel's own default; Calc prints it as its metric twin Carlito or a sans-serif
HEADER_FONT = Font(name=FONT_NAME, size=11, bold=True)
BODY_FONT = Font(name=FONT_NAME, size=11)
LINE_PT = 15            # one line of 11 pt text
BOLD_WIDER = 1.1


def build(session: Session, period: Period, *, unit_code: str | None, as_of: date, lang: str,
          on_step: Progress) -> tuple[bytes, list[str]]:
    on_step(t("reports.step_scorecard", lang))
    rows = build_scorecard(session, period, unit_code=unit_code, as_of=as_of, lang=lang)
    on_step(t("reports.step_write", lang))
    covers = [f"{row.indicator_name} – {row.org_unit_name}" for row in rows]
    return scorecard_workbook(rows, period.code, lang), covers


def text_cell(value: str | None) -> str:
    """User text as a spreadsheet may hold it: no control characters, never run as a formula."""
    return safe_text(ILLEGAL_CHARACTERS_RE.sub("", drawable(value, multiline=True)))


def _values(row: ScorecardRow, lang: str) -> dict:
    return {
        "status": t(f"status.{row.status}", lang), "indicator_name": text_cell(row.indicator_name),
        "indicator": text_cell(row.indicator), "org_unit_name": text_cell(row.org_unit_name),
        "org_unit": text_cell(row.org_unit or ""), "period": row.period, "target_period": row.target_period,
        "actual": row.actual, "target_text": target_text(row.comparator, row.target, row.target_upper, row.decimals,
                                                          lang),
        "target": row.target, "target_upper": row.target_upper, "gap": row.gap,
        "binding": t("scorecard.yes", lang) if row.binding else t("reports.xlsx.no", lang),
        "data_through": row.data_through if row.running else "",
        "unit_label": text_cell(unit_text(row.unit_label, lang)),
    }


def scorecard_workbook(rows: list[ScorecardRow], period_code: str, lang: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _SHEET_NAME_FORBIDDEN.sub("_", t("reports.xlsx.sheet", lang, period=period_code))[:31]
    book.properties.creator = book.properties.lastModifiedBy = t("reports.producer", lang)
    book.properties.title = sheet.title
    sheet.append([t(f"reports.xlsx.col_{name}", lang) for name in COLUMNS])
    for cell in sheet[1]:
        cell.font = HEADER_FONT   # named: a font without a name prints in Calc's default serif
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for row in rows:
        values = _values(row, lang)
        sheet.append([_number(values[name]) if name in NUMBER_COLUMNS else values[name] for name in COLUMNS])
        line = sheet.max_row
        for cell in sheet[line]:
            cell.font = BODY_FONT
            if isinstance(cell.value, str):
                # A string cell, never a formula: the target "= 0" (zero fatal accidents) shows as written,
                # where openpyxl would otherwise store it as the formula =0 and Excel show 0.
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True
        sheet.cell(line, 1).fill = PatternFill("solid", fgColor=STATUS_FILL.get(row.status, "FFFFFF"))
        number_format = "0" if row.decimals <= 0 else "0." + "0" * row.decimals
        for name in NUMBER_COLUMNS:
            sheet.cell(line, COLUMNS.index(name) + 1).number_format = number_format
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{sheet.max_row}"
    header_lines = 1
    for index in range(1, len(COLUMNS) + 1):
        longest = max((len(str(cell.value or "")) for (cell,) in
                       sheet.iter_rows(min_row=2, min_col=index, max_col=index)), default=0)
        heading = str(sheet.cell(1, index).value)
        # Wide enough for the header's longest word (bold: a tenth wider), so the header wraps between words.
        word = max(len(part) for part in heading.split()) * BOLD_WIDER
        width = min(max(longest + 2, word + 2, 10), 50)
        sheet.column_dimensions[get_column_letter(index)].width = width
        header_lines = max(header_lines, _lines(heading, width - 1))
    # Calc and Excel do not grow a row for wrapped text in a file they open: without a height the header's
    # second line prints over row 2.
    sheet.row_dimensions[1].height = header_lines * LINE_PT + 4
    _print_setup(sheet, lang)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _lines(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` characters wide (words kept whole)."""
    lines, used = 1, 0.0
    for word in text.split():
        length = len(word) * BOLD_WIDER
        if used and used + 1 + length > width:
            lines, used = lines + 1, length
        else:
            used += (1 if used else 0) + length
    return lines


def _print_setup(sheet, lang: str) -> None:
    """On paper as on screen: A4 landscape, every column on one page's width (as many pages down as the rows
    need), the header row on each page, the title above and the page number below."""
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.oddHeader.center.text = sheet.title.replace("&", "&&")
    sheet.oddFooter.center.text = t("reports.print.page", lang, page="&P", pages="&N")


def _number(value: float | None) -> float | int | None:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)  # 67, not 67.0
    return value

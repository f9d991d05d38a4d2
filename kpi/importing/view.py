"""How an import's preview and the import log read, for the page and the command line (no Streamlit)."""
from __future__ import annotations


import pandas as pd

from ..clock import stamp
from ..i18n import format_number, t
from ..models import ImportLog
from .apply import Outcome, SampleRow
from .problems import Problem

def formatted_counts(counts: dict[str, int], lang: str) -> dict[str, str]:
    """Row counts as the language writes numbers (100 000 in Finnish)."""
    return {name: format_number(count, 0, lang) for name, count in counts.items()}


def summary(counts: dict[str, int], lang: str) -> str:
    """ "Rows 120: new 100, changing a stored value 10, unchanged 10, with errors 0." """
    return t("import.summary", lang, **formatted_counts(counts, lang))


def problems_frame(problems: list[Problem], lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("import.col_row", lang): [p.row if p.row is not None else "" for p in problems],
        t("import.col_column", lang): [p.column(lang) for p in problems],
        t("import.col_value", lang): [p.shown_value(lang) for p in problems],
        t("import.col_reason", lang): [p.reason(lang) for p in problems],
    }).astype(str)


def what_happens(row: SampleRow, lang: str) -> str:
    if row.action == "change":
        return t("import.action_change", lang, old=format_number(row.old_value, row.decimals, lang),
                 new=format_number(row.value, row.decimals, lang))
    return t(f"import.action_{row.action}", lang)


def sample_frame(sample: list[SampleRow], lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("import.col_row", lang): [str(row.row) for row in sample],
        t("import.col_indicator", lang): [row.indicator for row in sample],
        t("import.col_unit", lang): [row.org_unit for row in sample],
        t("import.col_period", lang): [row.period for row in sample],
        t("import.col_value", lang): [format_number(row.value, row.decimals, lang) for row in sample],
        t("import.col_action", lang): [what_happens(row, lang) for row in sample],
    })


def log_frame(entries: list[ImportLog], lang: str) -> pd.DataFrame:
    yes = t("import.yes", lang)
    return pd.DataFrame({
        t("import.log_when", lang): [stamp(e.imported_at) for e in entries],
        t("import.log_file", lang): [e.file_name for e in entries],
        t("import.log_by", lang): [e.imported_by for e in entries],
        t("import.log_status", lang): [t(f"import.status_{e.status}", lang) for e in entries],
        t("import.log_replace", lang): [yes if e.replace else "" for e in entries],
        t("import.log_total", lang): [e.rows_total for e in entries],
        t("import.log_new", lang): [e.rows_new for e in entries],
        t("import.log_changed", lang): [e.rows_changed for e in entries],
        t("import.log_unchanged", lang): [e.rows_unchanged for e in entries],
        t("import.log_error", lang): [e.rows_error for e in entries],
        t("import.log_checksum", lang): [e.checksum[:12] for e in entries],
    })


def outcome_lines(outcome: Outcome, lang: str) -> list[str]:
    """Every error on a line of its own: row, column, value, reason."""
    return [problem.line(lang) for problem in outcome.problems]


def megabytes(size: int, lang: str) -> str:
    """2 097 152 bytes -> "2"; 3 000 000 -> "2,9" in Finnish."""
    rounded = round(size / (1024 * 1024), 1)
    return format_number(rounded, 0 if rounded == int(rounded) else 1, lang)

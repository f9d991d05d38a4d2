"""Documents: the statement of unmet binding targets and the review pack (Word), the scorecard (Excel).

Choose the document, the period and the unit; the language is the app's. Building shows its steps; the
finished file waits behind a download button for as long as the choices stay the same.
"""
import time
from datetime import date

import streamlit as st

from kpi.plain_text import escape_markdown
from kpi.domain.periods import PeriodKind, PeriodParseError, parse_period
from kpi.errors import InputError
from kpi.i18n import format_number, t
from kpi.reports import KINDS, ReportError
from kpi.ui import data, data_upkeep
from kpi.ui.context import current_language, leave_legacy_pages_mode
from kpi.ui.widgets import ALL, chosen_period, unit_picker


def has_ended(code: str) -> bool:
    try:
        return parse_period(code).end < date.today()
    except PeriodParseError:  # a period typed into the link: the page says so below
        return False


def request_build() -> None:
    st.session_state["reports_build_requested"] = True


leave_legacy_pages_mode()
lang = current_language()
st.title(t("reports.title", lang))
st.caption(t("reports.intro", lang))

params = st.query_params
if "reports_kind" not in st.session_state and params.get("kind") in KINDS:
    st.session_state["reports_kind"] = params["kind"]
kind = st.radio(t("reports.kind", lang), KINDS, key="reports_kind",
                format_func=lambda k: t(f"reports.kinds.{k.replace('-', '_')}", lang),
                captions=[t(f"reports.kind_help.{k.replace('-', '_')}", lang) for k in KINDS])
years_only = kind == "binding-statement"

periods = data.periods_with_data()
if years_only:
    periods = [code for code in periods if parse_period(code).kind is PeriodKind.YEAR]
wanted = params.get("period")
if wanted and wanted not in periods:
    periods.insert(0, wanted)
# Offered first: the newest period that has ended (a document is usually about a closed quarter or year).
ended = next((n for n, code in enumerate(periods) if has_ended(code)), 0)
tree = data.unit_tree()

left, right = st.columns([1, 2])
period_key = "reports_year" if years_only else "reports_period"  # a year list and a full list keep their own pick
period_text = left.selectbox(
    t("reports.period", lang), options=periods, accept_new_options=True, key=period_key,
    index=periods.index(wanted) if wanted in periods else (ended if periods else None),
    help=t("reports.year_only_hint", lang) if years_only else t("scorecard.period_help", lang))
unit_code = unit_picker(right, t("reports.unit", lang), tree, lang, key="reports_unit",
                        first={ALL: t("scorecard.all_units", lang)}, wanted=params.get("unit"))
unit = None if unit_code == ALL else unit_code
st.caption(t("reports.language", lang, language=t(f"languages.{lang}", lang)))

period = chosen_period(period_text, lang, empty=t("reports.no_periods", lang))

choice = (kind, period.code, unit, lang)
# The click is heard in a callback, before this run: once a document is (being) built for these choices,
# the download is the next step and gets the primary colour instead.
requested = st.session_state.pop("reports_build_requested", False)
ready = requested or st.session_state.get("reports_result", (None,))[0] == choice
st.button(t("reports.build", lang), type="secondary" if ready else "primary", key="reports_build",
          icon=":material/description:", on_click=request_build)
if requested:
    started = time.perf_counter()
    with st.status(t("reports.building", lang), expanded=False) as status:
        def step(text: str) -> None:
            status.update(label=text)
            status.write(text)

        try:
            report = data_upkeep.report(kind, period, unit_code=unit, lang=lang, on_step=step)
        except (ReportError, InputError) as error:
            status.update(label=t("reports.failed", lang), state="error", expanded=True)
            st.session_state.pop("reports_result", None)
            st.error(escape_markdown(error.message(lang)))
            st.stop()
        seconds = format_number(time.perf_counter() - started, 1, lang)
        status.update(label=t("reports.built", lang, seconds=seconds), state="complete")
    st.session_state["reports_result"] = (choice, report)

result = st.session_state.get("reports_result")
if result and result[0] == choice:
    report = result[1]
    st.download_button(t("reports.download", lang, file=escape_markdown(report.file_name)), data=report.content,
                       file_name=report.file_name, mime=report.mime, key="reports_download", type="primary",
                       icon=":material/download:", on_click="ignore")
    if report.covers:
        st.caption(t("reports.covers", lang, count=len(report.covers), names=escape_markdown("; ".join(report.covers))))
    else:
        st.caption(t("reports.covers_none_binding" if kind == "binding-statement" else "reports.covers_none", lang))

"""Import: upload a CSV, XLSX or ODS file (a workbook's sheet chosen or found), see what it would do, save it all or nothing; the import log."""
import streamlit as st

from kpi import writes
from kpi.plain_text import escape_markdown
from kpi.i18n import format_number, t
from kpi.importing.problems import quoted
from kpi.importing.reader import sheet_names
from kpi.importing.view import formatted_counts, log_frame, problems_frame, sample_frame
from kpi.settings import get_settings
from kpi.ui import data, data_upkeep
from kpi.ui.actor import current_actor
from kpi.ui.context import current_language, leave_legacy_pages_mode
from kpi.ui.context import session

leave_legacy_pages_mode()
lang = current_language()
st.title(t("import.title", lang))
st.markdown(t("import.intro", lang))

MB = 1024 * 1024
SHOW_PROGRESS_FROM = MB // 2  # smaller files are checked before a bar could be seen
limit_mb = get_settings().max_upload_mb


def progress_bar():
    """A bar and the callback that moves it (reading, checking, writing): shown for big files only."""
    bar = st.progress(0.0, text=t("import.stage_reading", lang))

    def report(fraction: float, stage: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=t(f"import.stage_{stage}", lang))

    return bar, report


def show_problems(outcome) -> None:
    frame = problems_frame(outcome.problems, lang)
    row, column, value, reason = frame.columns
    st.dataframe(frame, hide_index=True, width="stretch", key="import_errors",
                 height=min(35 * (len(frame) + 1) + 3, 420),
                 column_config={row: st.column_config.TextColumn(width=60),
                                column: st.column_config.TextColumn(width=120),
                                value: st.column_config.TextColumn(width=140),
                                reason: st.column_config.TextColumn(width=800)})


done = st.session_state.pop("import_done", None)  # what the last save did, shown once
if done is not None:
    if done.status == "applied":
        st.success(t("import.applied", lang, file=escape_markdown(done.file_name), **formatted_counts(done.counts, lang)), icon="✅")
    else:
        st.error(t("import.refused", lang, file=escape_markdown(done.file_name), count=format_number(len(done.problems), 0, lang)),
                 icon="❌")
        show_problems(done)

upload_round = st.session_state.setdefault("import_round", 0)  # a new key empties the uploader after a save
upload = st.file_uploader(t("import.upload", lang), type=["csv", "xlsx", "ods"], key=f"import_file_{upload_round}",
                          max_upload_size=limit_mb, help=t("import.upload_help", lang))
st.caption(t("import.limit", lang, limit=limit_mb))
replace = st.checkbox(t("import.replace", lang), key=f"import_replace_{upload_round}",  # unticked for the next file
                      help=t("import.replace_help", lang))

if upload is not None:
    content = upload.getvalue()
    sheets = st.session_state.get("import_sheets")
    if sheets is None or sheets[0] != upload.file_id:  # a workbook's sheets, read once per file
        sheets = (upload.file_id, sheet_names(content, upload.name))
        st.session_state["import_sheets"] = sheets
    sheet = None  # automatic: the first sheet with the header
    if len(sheets[1]) > 1:
        sheet = st.selectbox(t("import.sheet", lang), [None, *sheets[1]], key=f"import_sheet_{upload_round}",
                             format_func=lambda name: t("import.sheet_auto", lang) if name is None else name,
                             help=t("import.sheet_help", lang))
    # The preview is kept while the file, the choices and the stored data stay the same.
    wanted = (upload.file_id, replace, sheet, data.data_version(), lang)
    kept = st.session_state.get("import_preview")
    if kept is not None and kept[0] == wanted:
        outcome = kept[1]
    else:
        bar, report = progress_bar() if len(content) >= SHOW_PROGRESS_FROM else (None, None)
        outcome = data_upkeep.import_preview(content, upload.name, replace=replace, max_bytes=limit_mb * MB,
                                             progress=report, sheet=sheet)
        if bar is not None:
            bar.empty()
        st.session_state["import_preview"] = (wanted, outcome)

    st.subheader(t("import.preview", lang, file=escape_markdown(upload.name)))
    for column, name in zip(st.columns(5), ("total", "new", "changed", "unchanged", "error")):
        column.metric(t(f"import.metric_{name}", lang), format_number(outcome.counts[name], 0, lang))
    if outcome.ignored_columns:
        st.caption(t("import.ignored", lang, columns=", ".join(quoted(name, lang) for name in outcome.ignored_columns)))

    if outcome.problems:
        st.error(t("import.has_errors", lang, count=format_number(len(outcome.problems), 0, lang)), icon="❌")
        st.markdown(f"**{t('import.errors_heading', lang)}**")
        show_problems(outcome)
    elif outcome.to_write == 0:
        st.info(t("import.nothing_to_do", lang))
    else:
        st.success(t("import.ready", lang))
    if outcome.sample:
        st.markdown(f"**{t('import.sample_heading', lang)}**")
        st.dataframe(sample_frame(outcome.sample, lang), hide_index=True, width="stretch", key="import_sample")

    blocked = bool(outcome.problems) or outcome.to_write == 0
    if st.button(t("import.confirm", lang, count=format_number(outcome.to_write, 0, lang)), type="primary",
                 disabled=blocked, key="import_confirm",
                 help=t("import.confirm_disabled", lang) if outcome.problems else None):
        bar, report = progress_bar() if len(content) >= SHOW_PROGRESS_FROM else (None, None)
        result = writes.import_file(session, content, upload.name, actor=current_actor(), replace=replace,
                                    max_bytes=limit_mb * MB, expected=outcome.counts, progress=report,
                                    sheet=sheet)
        st.session_state["import_done"] = result
        st.session_state.pop("import_preview", None)
        if result.status == "applied":
            st.session_state["import_round"] = upload_round + 1
        st.rerun()

st.subheader(t("import.log_heading", lang))
entries = data_upkeep.import_log()
if entries:
    st.dataframe(log_frame(entries, lang), hide_index=True, width="stretch", key="import_log")
else:
    st.caption(t("import.log_empty", lang))

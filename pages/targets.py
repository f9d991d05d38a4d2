"""Targets, for HR: the list with filters; a form to create a target; for the opened target a change form
(a reason required, refused when someone else saved meanwhile), retirement from a period, and its history."""
import streamlit as st

from kpi.features import target_form as tf
from kpi import writes
from kpi.clock import day_text, when_text
from kpi.plain_text import escape_markdown
from kpi.errors import InputError
from kpi.i18n import t
from kpi.ui import data, data_upkeep
from kpi.ui.actor import current_actor
from kpi.ui.context import current_language, leave_legacy_pages_mode, session
from kpi.ui.widgets import ALL, WHOLE, chosen_period, flash, show_flash, text_table, unit_picker

leave_legacy_pages_mode()
lang = current_language()

OPEN = "targets_open"             # the id of the opened target (the picker's key)
LOADED = "targets_loaded"         # the id whose values the change form holds
VERSIONS = "targets_versions"     # target id -> the version the change form was loaded from
BASELINE = "targets_baseline"     # target id -> the values the change form was loaded with
CONFLICT = "targets_conflict"     # a refused stale save: the message and both sets of values
NEW, EDIT, RETIRE = "targets_new_", "targets_edit_", "targets_retire_"
MSG = "targets_msg_"              # + the form's area: the message kept for it (kpi.ui.widgets.flash)
NEW_FIELDS = {"indicator": None, "org_unit": None, "period": "", "comparator": "ge", "threshold": "",
              "threshold_upper": "", "band": "", "band_kind": "abs", "binding": False, "rationale": "",
              "owner": "", "reason": ""}


# --- actions (run as callbacks, before the page is drawn, so they may reset the forms' fields) ----------

def load_into_form(target, *, keep_typed: bool = False, keep_reason: bool = False) -> None:
    """Remember the version and values the change form starts from; fill the form unless told to keep it."""
    values = tf.form_values(target, current_language())
    st.session_state[VERSIONS] = {**st.session_state.get(VERSIONS, {}), target.id: target.version}
    st.session_state[BASELINE] = {**st.session_state.get(BASELINE, {}), target.id: values}
    st.session_state[LOADED] = target.id
    if not keep_typed:
        for name, value in values.items():
            st.session_state[EDIT + name] = value
        if not keep_reason:
            st.session_state[EDIT + "reason"] = ""


def create_target() -> None:
    lang = current_language()
    typed = {name: st.session_state.get(NEW + name) for name in NEW_FIELDS}
    try:
        created, found = writes.create_target(session, actor=current_actor(), typed=typed)
    except InputError as error:
        flash(MSG + "new", "error", escape_markdown(error.message(lang)))
        return
    for name, value in NEW_FIELDS.items():
        st.session_state[NEW + name] = value
    st.session_state[OPEN] = created.id
    load_into_form(created)
    flash(MSG + "new", "success", t("targets.created", lang, label=tf.target_label(*found, lang),
                              rule=tf.rule_text(found[0], found[1], lang)))


def save_change(target_id: int) -> None:
    lang = current_language()
    typed = {name: st.session_state.get(EDIT + name) for name in tf.EDITABLE}
    try:
        saved = writes.change_target(session, actor=current_actor(), target_id=target_id,
                                     expected_version=st.session_state[VERSIONS][target_id],
                                     loaded=st.session_state[BASELINE][target_id], typed=typed,
                                     reason=st.session_state.get(EDIT + "reason", ""))
    except InputError as error:
        if error.key == "stale_target":
            remember_conflict(target_id)  # the form keeps what the user typed
        else:
            flash(MSG + "edit", "error", escape_markdown(error.message(lang)))
        return
    if saved is None:
        flash(MSG + "edit", "info", t("targets.nothing_changed", lang))
        return
    st.session_state.pop(CONFLICT, None)
    load_into_form(saved)
    flash(MSG + "edit", "success", t("targets.saved", lang, version=saved.version))


def remember_conflict(target_id: int) -> None:
    """A save refused because someone else saved first: keep their values beside the user's."""
    current, _, _ = data_upkeep.target_now(target_id)  # what the other person saved, read fresh
    lang = current_language()
    st.session_state[CONFLICT] = {
        "target_id": target_id, "typed": {name: st.session_state.get(EDIT + name) for name in tf.EDITABLE},
        "current": tf.form_values(current, lang), "by": current.updated_by, "at": current.updated_at}


def reload_current(target_id: int) -> None:
    """After a refused save: take the values someone else saved, and their version, into the form."""
    current, _, _ = data_upkeep.target_now(target_id)
    load_into_form(current, keep_reason=True)
    st.session_state.pop(CONFLICT, None)


def retire(target_id: int) -> None:
    lang = current_language()
    try:
        retired = writes.retire_target(session, actor=current_actor(), target_id=target_id,
                                       expected_version=st.session_state[VERSIONS][target_id],
                                       from_period=st.session_state.get(RETIRE + "period", ""),
                                       reason=st.session_state.get(RETIRE + "reason", ""))
    except InputError as error:
        if error.key == "stale_target":
            remember_conflict(target_id)
            flash(MSG + "retire", "error", t("targets.retire_stale", lang))
        else:
            flash(MSG + "retire", "error", escape_markdown(error.message(lang)))
        return
    load_into_form(retired, keep_typed=True)  # a change typed meanwhile stays in the change form
    st.session_state[RETIRE + "period"] = ""
    st.session_state[RETIRE + "reason"] = ""
    flash(MSG + "retire", "success", t("targets.retired", lang, day=day_text(retired.retired_from, lang)))


def open_from_table(table_key: str, ids: list[int]) -> None:
    rows = st.session_state[table_key]["selection"]["rows"]
    if rows:
        st.session_state[OPEN] = ids[rows[0]]


# --- the page --------------------------------------------------------------------------------------------

st.title(t("targets.title", lang))
st.caption(t("targets.intro", lang))

indicator_names = data.indicator_names(lang)
tree = data.unit_tree()


def rule_fields(prefix: str) -> None:
    """The fields the new-target and change forms share: the rule, its band, binding, owner, rationale."""
    left, middle, right = st.columns([2, 1, 1])
    left.selectbox(t("targets.comparator", lang), ["ge", "le", "between", "eq"], key=prefix + "comparator",
                   format_func=lambda code: tf.comparator_label(code, lang))
    middle.text_input(t("targets.threshold", lang), key=prefix + "threshold")
    right.text_input(t("targets.threshold_upper", lang), key=prefix + "threshold_upper",
                     help=t("targets.threshold_upper_help", lang))
    left, right = st.columns([1, 2])
    left.text_input(t("targets.band", lang), key=prefix + "band", help=t("targets.band_help", lang))
    right.radio(t("targets.band_kind", lang), ["abs", "pct"], key=prefix + "band_kind", horizontal=True,
                format_func=lambda kind: t(f"targets.band_{kind}", lang))
    st.checkbox(t("targets.binding_box", lang), key=prefix + "binding")
    st.text_input(t("targets.owner", lang), key=prefix + "owner")
    st.text_area(t("targets.rationale", lang), key=prefix + "rationale", height=80)


first, second, third, fourth = st.columns([3, 3, 2, 2])
indicator_filter = first.selectbox(t("targets.filter_indicator", lang), [ALL, *indicator_names],
                                   key="targets_f_indicator",
                                   format_func=lambda c: t("filters.all", lang) if c == ALL else indicator_names[c])
unit_filter = unit_picker(second, t("targets.filter_unit", lang), tree, lang, key="targets_f_unit",
                          first={ALL: t("filters.all", lang), WHOLE: t("units.whole", lang)})
period_filter = third.text_input(t("targets.filter_period", lang), key="targets_f_period",
                                 placeholder=t("targets.filter_period_hint", lang))
binding_filter = fourth.segmented_control(t("targets.filter_binding", lang), [ALL, "yes", "no"], default=ALL,
                                          required=True, key="targets_f_binding",
                                          format_func=lambda v: t("filters.all" if v == ALL else f"targets.{v}", lang))

period = chosen_period(period_filter, lang, stop=False) if (period_filter or "").strip() else None

opened = st.session_state.get(OPEN)
rows = data_upkeep.targets(indicator=None if indicator_filter == ALL else indicator_filter,
                           unit=None if unit_filter in (ALL, WHOLE) else unit_filter,
                           period=period, binding=None if binding_filter == ALL else binding_filter == "yes")
opened_row = data_upkeep.target(opened) if opened is not None else None
changes = data_upkeep.target_changes(opened) if opened_row else []
if unit_filter == WHOLE:
    rows = tf.only_whole_organisation(rows)
rows = tf.in_reading_order(rows, lang)

ids = [target.id for target, _, _ in rows]
frame = tf.targets_frame(rows, lang)
# The table's key follows the filters and the opened target, so its highlighted row always matches.
table_key = f"targets_table_{abs(hash((indicator_filter, unit_filter, period_filter, binding_filter, opened)))}"
st.dataframe(frame, hide_index=True, width="stretch", height=35 * min(max(len(frame), 1), 12) + 38,
             key=table_key, on_select=lambda: open_from_table(table_key, ids), selection_mode="single-row",
             selection_default={"selection": {"rows": [ids.index(opened)]}} if opened in ids else None,
             column_config={t("targets.col_indicator", lang): st.column_config.TextColumn(width="large"),
                            t("targets.col_unit", lang): st.column_config.TextColumn(width="medium")})
st.caption(t("targets.count", lang, count=len(rows)) + " " + t("targets.open_hint", lang))

labels = {target.id: tf.target_label(target, indicator, unit, lang) for target, indicator, unit in rows}
if opened_row:
    labels.setdefault(opened, tf.target_label(*opened_row, lang))  # stays open when filtered out
elif opened is not None:
    st.session_state[OPEN] = None  # gone (another database, say)
st.selectbox(t("targets.open", lang), list(labels), key=OPEN, index=None, format_func=labels.get,
             placeholder=t("targets.open_placeholder", lang))

tab_open, tab_new = st.tabs([t("targets.tab_open", lang), t("targets.tab_new", lang)])

with tab_open:
    if not opened_row:
        st.session_state.pop(LOADED, None)
        st.info(t("targets.none_open", lang))
    else:
        target, indicator, unit = opened_row
        if st.session_state.get(LOADED) != target.id:
            load_into_form(target)
            st.session_state.pop(CONFLICT, None)
        st.subheader(escape_markdown(f"{tf.indicator_name(indicator, lang)} · {tf.unit_name(unit, lang)} · {target.period}"))
        facts = [tf.rule_text(target, indicator, lang),
                 t("targets.binding" if target.binding else "targets.not_binding", lang),
                 t("targets.last_change", lang, who=target.updated_by, when=when_text(target.updated_at, lang),
                   version=target.version)]
        if target.retired_from:
            facts.insert(0, t("targets.retired_mark", lang, day=day_text(target.retired_from, lang)))
        st.caption(" · ".join(facts))

        left, right = st.columns([3, 2], gap="large")
        with left:
            st.markdown(f"**{t('targets.change_heading', lang)}**")
            conflict = st.session_state.get(CONFLICT)
            if conflict and conflict["target_id"] == target.id:
                st.error(t("targets.stale", lang, who=conflict["by"], when=when_text(conflict["at"], lang)),
                         icon="⛔")
                st.caption(t("targets.conflict_explain", lang))
                text_table(tf.conflict_rows(conflict["typed"], conflict["current"], lang))
                st.button(t("targets.reload", lang), key="targets_reload", on_click=reload_current,
                          args=(target.id,), icon="🔄")
            show_flash(MSG + "edit")
            with st.form("targets_edit_form"):
                rule_fields(EDIT)
                st.text_input(t("targets.reason_required", lang), key=EDIT + "reason",
                              placeholder=t("targets.reason_hint", lang))
                st.form_submit_button(t("targets.save", lang), key="targets_edit_submit", type="primary",
                                      on_click=save_change, args=(target.id,))

            with st.expander(t("targets.retire_heading", lang), icon="🗄️"):
                st.caption(t("targets.retire_explain", lang, period=target.period))
                show_flash(MSG + "retire")
                with st.form("targets_retire_form"):
                    st.text_input(t("targets.retire_period", lang), key=RETIRE + "period",
                                  placeholder=t("targets.retire_period_hint", lang))
                    st.text_input(t("targets.reason_required", lang), key=RETIRE + "reason")
                    st.form_submit_button(t("targets.retire", lang), key="targets_retire_submit",
                                          on_click=retire, args=(target.id,))

        with right:
            st.markdown(f"**{t('targets.history', lang)}**")
            for entry in tf.history(changes, lang):
                with st.container(border=True):
                    st.markdown(f"**{entry.action}** · {entry.when} · {tf.escape_markdown(entry.who)}")
                    if entry.lines:
                        st.markdown("\n".join(f"- {tf.escape_markdown(line)}" for line in entry.lines))
                    st.markdown(t("targets.history_reason", lang,
                                  reason=tf.escape_markdown(entry.reason) if entry.reason.strip()
                                  else t("targets.no_reason", lang)))

with tab_new:
    for name, value in NEW_FIELDS.items():
        st.session_state.setdefault(NEW + name, value)
    show_flash(MSG + "new")
    with st.form("targets_new_form"):
        left, middle, right = st.columns([3, 3, 2])
        left.selectbox(t("targets.indicator", lang), list(indicator_names), key=NEW + "indicator",
                       format_func=indicator_names.get, placeholder=t("targets.pick", lang))
        unit_picker(middle, t("targets.org_unit", lang), tree, lang, key=NEW + "org_unit",
                    first={WHOLE: t("units.whole", lang)}, placeholder=t("targets.pick", lang))
        right.text_input(t("targets.period", lang), key=NEW + "period", placeholder=t("targets.period_hint", lang),
                         help=t("targets.period_help", lang))
        rule_fields(NEW)
        st.text_input(t("targets.reason", lang), key=NEW + "reason", placeholder=t("targets.reason_new_hint", lang))
        st.form_submit_button(t("targets.create", lang), key="targets_new_submit", type="primary",
                              on_click=create_target)

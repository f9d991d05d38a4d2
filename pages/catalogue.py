"""Indicators and org units (for admins): the lists, and forms to create and change them.

Each form writes through kpi.writes, one transaction per save; bad input is refused with the store's message naming
the field, nothing is written, and the typed values stay in the form.
"""
import pandas as pd
import streamlit as st

from kpi import writes
from kpi.plain_text import escape_markdown
from kpi.domain.vocabulary import Aggregation, Direction, Nature, Timing
from kpi.errors import InputError
from kpi.i18n import catalogue, format_number, t
from kpi.presentation.present import unit_label
from kpi.ui import data, data_upkeep
from kpi.ui.actor import current_actor
from kpi.ui.context import current_language, leave_legacy_pages_mode, session
from kpi.ui.widgets import flash, show_flash

leave_legacy_pages_mode()
lang = current_language()
NEW, TOP = "+", "-"  # picker entries: a new indicator or unit; no parent (a top-level unit)

# The stored words (kpi.domain.vocabulary) and how each reads.
DIRECTION = {Direction.HIGHER_IS_BETTER.value: t("catalogue.direction_higher", lang),
             Direction.LOWER_IS_BETTER.value: t("catalogue.direction_lower", lang),
             Direction.INSIDE_RANGE.value: t("catalogue.direction_range", lang)}
AGGREGATION = {Aggregation.SUM.value: t("catalogue.aggregation_sum", lang),
               Aggregation.RATIO_OF_TOTALS.value: t("catalogue.aggregation_ratio", lang),
               Aggregation.WEIGHTED_MEAN.value: t("catalogue.aggregation_weighted_mean", lang),
               Aggregation.LAST_VALUE.value: t("catalogue.aggregation_last", lang),
               Aggregation.NOT_COMBINABLE.value: t("catalogue.aggregation_none", lang)}
TIMING = {Timing.LEADING.value: t("filters.leading", lang), Timing.LAGGING.value: t("filters.lagging", lang)}
NATURE = {Nature.QUANTITATIVE.value: t("catalogue.nature_quantitative", lang),
          Nature.QUALITATIVE.value: t("catalogue.nature_qualitative", lang)}
INDICATOR_FIELDS = ("code", "name_fi", "name_en", "unit_label", "direction", "aggregation", "scale", "min_value",
                    "max_value", "decimals", "timing", "nature", "theme", "source", "description_fi",
                    "description_en")
UNIT_FIELDS = ("code", "name_fi", "name_en", "parent", "sort_order")


def theme_name(theme: str) -> str:
    if not theme:
        return "—"
    text = t(f"themes.{theme}", lang)
    return theme if text == f"themes.{theme}" else text


def refused(error: InputError) -> str:
    return t("catalogue.refused", lang, problem=escape_markdown(error.inline(lang)))


def _forget(prefix: str, fields) -> None:
    for name in fields:
        st.session_state.pop(f"{prefix}_{name}", None)


def save_indicator(choice: str) -> None:
    """The form's submit: create the indicator or change it; on bad input keep the form as typed."""
    value = lambda name: st.session_state.get(f"cat_ind_{choice}_{name}")  # noqa: E731
    fields = {name: value(name) for name in INDICATOR_FIELDS if name != "code"}
    fields.update(unit_label=(fields["unit_label"] or "").strip(), theme=fields["theme"] or "",
                  source=fields["source"] or "", scale=float(fields["scale"] if fields["scale"] is not None else 1),
                  decimals=int(fields["decimals"] or 0),
                  description_fi=fields["description_fi"] or "", description_en=fields["description_en"] or "")
    try:
        if choice == NEW:
            indicator = writes.create_indicator(session, actor=current_actor(), code=value("code") or "", **fields)
        else:
            indicator = writes.update_indicator(session, actor=current_actor(), code=choice, **fields)
        code = indicator.code
    except InputError as error:
        flash("cat_ind_message", "error", refused(error))
        return
    if choice == NEW:
        _forget(f"cat_ind_{NEW}", INDICATOR_FIELDS)
        st.session_state["cat_indicator"] = code
        flash("cat_ind_message", "success", t("catalogue.indicator_created", lang, code=code))
    else:
        _forget(f"cat_ind_{choice}", INDICATOR_FIELDS)  # the form shows the stored values again
        flash("cat_ind_message", "success", t("catalogue.indicator_saved", lang, code=code))


def save_unit(choice: str) -> None:
    value = lambda name: st.session_state.get(f"cat_unit_{choice}_{name}")  # noqa: E731
    parent = value("parent")
    try:
        # Left empty on a new unit: after the units already under the same parent (kpi.writes.create_unit).
        write = writes.create_unit if choice == NEW else writes.update_unit
        unit = write(session, actor=current_actor(), code=(value("code") or "") if choice == NEW else choice,
                     name_fi=value("name_fi") or "", name_en=value("name_en") or "",
                     parent_code=None if parent in (None, TOP) else parent,
                     sort_order=None if value("sort_order") is None else int(value("sort_order")))
        code = unit.code
    except InputError as error:
        flash("cat_unit_message", "error", refused(error))
        return
    _forget(f"cat_unit_{choice}", UNIT_FIELDS)
    st.session_state["cat_unit"] = code
    flash("cat_unit_message", "success", t("catalogue.unit_created" if choice == NEW
                                           else "catalogue.unit_saved", lang, code=code))


def pick_from_list(table_key: str, picker_key: str, codes: list[str]) -> None:
    """A click on a row of a list opens that indicator or unit in the form below it."""
    rows = st.session_state[table_key].selection.rows
    if rows:
        st.session_state[picker_key] = codes[rows[0]]


indicators = data_upkeep.indicators()
tree = data.unit_tree()
unit_names = tree.indented_names(lang)  # in tree order

st.title(t("catalogue.title", lang))
indicator_tab, unit_tab = st.tabs([t("catalogue.tab_indicators", lang), t("catalogue.tab_units", lang)])

with indicator_tab:
    def valid_range(indicator) -> str:
        if indicator.min_value is None and indicator.max_value is None:
            return ""
        low = "−∞" if indicator.min_value is None else format_number(indicator.min_value, indicator.decimals, lang)
        high = "∞" if indicator.max_value is None else format_number(indicator.max_value, indicator.decimals, lang)
        return f"{low}…{high}"

    listing = pd.DataFrame([{
        t("catalogue.col_code", lang): i.code, t("catalogue.col_name_fi", lang): i.name_fi,
        t("catalogue.col_name_en", lang): i.name_en,
        t("catalogue.col_unit_label", lang): unit_label(i.unit_label, lang),
        t("catalogue.col_direction", lang): DIRECTION.get(i.direction, i.direction),
        t("catalogue.col_aggregation", lang): AGGREGATION.get(i.aggregation, i.aggregation)
        + (f" × {format_number(i.scale, 0, lang)}" if i.aggregation == Aggregation.RATIO_OF_TOTALS and i.scale != 1
           else ""),
        t("catalogue.col_range", lang): valid_range(i), t("catalogue.col_decimals", lang): i.decimals,
        t("catalogue.col_timing", lang): TIMING.get(i.timing, i.timing),
        t("catalogue.col_nature", lang): NATURE.get(i.nature, i.nature),
        t("catalogue.col_theme", lang): theme_name(i.theme)} for i in indicators.values()])
    widths = {"col_code": 160, "col_name_fi": 220, "col_name_en": 220, "col_unit_label": 60, "col_direction": 150,
              "col_aggregation": 160, "col_range": 95, "col_decimals": 45, "col_timing": 75, "col_nature": 95,
              "col_theme": 140}
    st.dataframe(listing, hide_index=True, width="stretch", height=35 * (len(listing) + 1) + 3,
                 column_config={t(f"catalogue.{name}", lang): st.column_config.Column(width=width)
                                for name, width in widths.items()},
                 key="cat_indicator_list", selection_mode="single-row",
                 on_select=lambda: pick_from_list("cat_indicator_list", "cat_indicator", list(indicators)))
    st.caption(t("catalogue.pick_hint", lang))

    st.subheader(t("catalogue.indicator_form", lang))
    choice = st.selectbox(t("catalogue.pick_indicator", lang), [NEW] + list(indicators), key="cat_indicator",
                          format_func=lambda c: t("catalogue.new_indicator", lang) if c == NEW
                          else f"{c} – {indicators[c].name_in(lang)}")
    current = indicators.get(choice)
    key = lambda name: f"cat_ind_{choice}_{name}"  # noqa: E731  typed values are kept per indicator
    for name, default in (("code", ""), ("name_fi", ""), ("name_en", ""), ("unit_label", ""),
                          ("direction", "higher"), ("aggregation", "sum"), ("scale", 1.0), ("min_value", None),
                          ("max_value", None), ("decimals", 0), ("timing", "lagging"), ("nature", "quantitative"),
                          ("theme", ""), ("source", ""), ("description_fi", ""), ("description_en", "")):
        if key(name) not in st.session_state:
            stored = getattr(current, name) if current is not None else default
            st.session_state[key(name)] = float(stored) if name == "scale" else stored
    known_themes = sorted({name.removeprefix("themes.") for name in catalogue(lang) if name.startswith("themes.")}
                          | {i.theme for i in indicators.values() if i.theme} | {st.session_state[key("theme")], ""})
    with st.form(f"cat_ind_form_{choice}", border=True):
        first, second, third = st.columns(3)
        first.text_input(t("catalogue.field_code", lang), key=key("code"), disabled=current is not None,
                         help=t("catalogue.code_help", lang), max_chars=60)
        second.text_input(t("catalogue.field_name_fi", lang), key=key("name_fi"), max_chars=200)
        third.text_input(t("catalogue.field_name_en", lang), key=key("name_en"), max_chars=200)
        first.selectbox(t("catalogue.field_direction", lang), list(DIRECTION), key=key("direction"),
                        format_func=DIRECTION.get)
        second.selectbox(t("catalogue.field_aggregation", lang), list(AGGREGATION), key=key("aggregation"),
                         format_func=AGGREGATION.get, help=t("catalogue.aggregation_help", lang))
        third.number_input(t("catalogue.field_scale", lang), key=key("scale"), step=1.0, format="%g",
                           help=t("catalogue.scale_help", lang))
        first.text_input(t("catalogue.field_unit_label", lang), key=key("unit_label"), max_chars=40,
                         help=t("catalogue.unit_label_help", lang))
        second.number_input(t("catalogue.field_min_value", lang), key=key("min_value"), step=1.0, format="%g",
                            help=t("catalogue.range_help", lang))
        third.number_input(t("catalogue.field_max_value", lang), key=key("max_value"), step=1.0, format="%g",
                           help=t("catalogue.range_help", lang))
        first.number_input(t("catalogue.field_decimals", lang), key=key("decimals"), min_value=0, max_value=6,
                           step=1, help=t("catalogue.decimals_help", lang))
        second.radio(t("catalogue.field_timing", lang), list(TIMING), key=key("timing"), format_func=TIMING.get,
                     horizontal=True)
        third.radio(t("catalogue.field_nature", lang), list(NATURE), key=key("nature"), format_func=NATURE.get,
                    horizontal=True)
        first.selectbox(t("catalogue.field_theme", lang), known_themes, key=key("theme"), format_func=theme_name,
                        accept_new_options=True, help=t("catalogue.theme_help", lang))
        second.text_input(t("catalogue.field_source", lang), key=key("source"))
        left, right = st.columns(2)
        left.text_area(t("catalogue.field_description_fi", lang), key=key("description_fi"), height=80)
        right.text_area(t("catalogue.field_description_en", lang), key=key("description_en"), height=80)
        st.form_submit_button(t("catalogue.create_indicator" if current is None else "catalogue.save_indicator", lang),
                              type="primary", key="cat_ind_submit", on_click=save_indicator, args=(choice,))
    show_flash("cat_ind_message")  # next to the button that was pressed

with unit_tab:
    order = tree.depth_first()
    st.dataframe(pd.DataFrame([{
        t("catalogue.col_unit", lang): unit_names[code], t("catalogue.col_code", lang): code,
        t("catalogue.col_name_fi", lang): tree.units[code].name_fi,
        t("catalogue.col_name_en", lang): tree.units[code].name_en,
        t("catalogue.col_sort_order", lang): tree.units[code].sort_order} for code, _ in order]),
        hide_index=True, width="stretch", height=35 * (len(order) + 1) + 3, key="cat_unit_list",
        selection_mode="single-row",
        on_select=lambda: pick_from_list("cat_unit_list", "cat_unit", [code for code, _ in order]))
    st.caption(t("catalogue.pick_hint", lang))

    st.subheader(t("catalogue.unit_form", lang))
    unit_choice = st.selectbox(t("catalogue.pick_unit", lang), [NEW] + [code for code, _ in order], key="cat_unit",
                               format_func=lambda c: t("catalogue.new_unit", lang) if c == NEW
                               else f"{unit_names[c]} ({c})")
    unit = tree.units.get(unit_choice)
    parent_of = {child: parent for parent, children in tree.children_of.items() for child in children}
    unit_key = lambda name: f"cat_unit_{unit_choice}_{name}"  # noqa: E731
    # A unit cannot go under itself or its own sub-units: those are not offered (the store refuses them too).
    blocked = set(tree.subtree(unit_choice)) if unit is not None else set()
    parents = [TOP] + [code for code, _ in order if code not in blocked]
    for name, default in (("code", ""), ("name_fi", ""), ("name_en", ""), ("sort_order", None)):
        if unit_key(name) not in st.session_state:
            st.session_state[unit_key(name)] = getattr(unit, name) if unit is not None else default
    if unit_key("parent") not in st.session_state:
        st.session_state[unit_key("parent")] = parent_of.get(unit_choice, TOP) if unit is not None else TOP
    with st.form(f"cat_unit_form_{unit_choice}", border=True):
        first, second, third = st.columns(3)
        first.text_input(t("catalogue.field_code", lang), key=unit_key("code"), disabled=unit is not None,
                         max_chars=40, help=t("catalogue.code_help", lang))
        second.text_input(t("catalogue.field_name_fi", lang), key=unit_key("name_fi"), max_chars=200)
        third.text_input(t("catalogue.field_name_en", lang), key=unit_key("name_en"), max_chars=200)
        first.selectbox(t("catalogue.field_parent", lang), parents, key=unit_key("parent"),
                        format_func=lambda c: t("catalogue.top_level", lang) if c == TOP
                        else unit_names[c])
        second.number_input(t("catalogue.field_sort_order", lang), key=unit_key("sort_order"), step=1,
                            help=t("catalogue.sort_order_help", lang))
        st.form_submit_button(t("catalogue.create_unit" if unit is None else "catalogue.save_unit", lang),
                              type="primary", key="cat_unit_submit", on_click=save_unit, args=(unit_choice,))
    show_flash("cat_unit_message")

"""The widgets pages share: the unit picker, the period with its warning, messages kept for the next run.

Every widget key stays the page's own (the page passes it in), so each page keeps its choices and its
messages under its own prefix.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from ..domain.periods import Period, PeriodParseError, parse_period
from ..i18n import t
from ..plain_text import escape_markdown

if TYPE_CHECKING:  # the tree comes from kpi.ui.data.unit_tree(); widgets only draw it
    from ..store.units import UnitTree

# The pickers' choices that are not a unit (a unit's code is never empty). A link's `?unit=` names a unit
# by its code; one that is not among a picker's options is ignored.
ALL = "*"    # every unit, a filter left open; on the drill-down, the target's own unit
WHOLE = ""   # the whole organisation itself: a target above every unit, a person's scope of every unit


def unit_picker(where, label: str, tree: UnitTree, lang: str, *, key: str, first: dict[str, str] | None = None,
                wanted: str | None = None, **options) -> str | None:
    """A select box of every unit in tree order, each indented by its depth; `first` maps the choices that
    are not a unit (ALL, WHOLE) to their labels and puts them at the top; `wanted` (a link's `?unit=`) is
    chosen when it is one of the options. `where` is st, a column or the sidebar; `options` go to the box."""
    names = tree.indented_names(lang)
    first = first or {}
    codes = [*first, *names]
    return where.selectbox(label, codes, key=key, index=codes.index(wanted) if wanted in codes else 0,
                           format_func=lambda code: first[code] if code in first else names[code], **options)


def chosen_period(text: str | None, lang: str, *, empty: str | None = None, stop: bool = True) -> Period | None:
    """The period picked or typed in a period box. Nothing chosen and an `empty` note given: the note, and
    the page stops there. Not a period: a warning naming what was typed, and the page stops there (with
    stop=False it goes on without a period: None)."""
    if empty is not None and not text:
        st.info(empty)
        st.stop()
    try:
        return parse_period(text or "")
    except PeriodParseError:
        st.warning(t("scorecard.bad_period", lang, value=text))
        if stop:
            st.stop()
        return None


def flash(slot: str, kind: str, text: str) -> None:
    """Keep a message for the next run under the session key `slot`: an action runs as a callback, before
    the page is drawn, so its outcome waits until `show_flash(slot)` shows it beside the form it is about.
    `kind` is the Streamlit call that shows it: "success", "info", "warning" or "error"."""
    st.session_state[slot] = (kind, text)


def show_flash(slot: str) -> None:
    """The message kept under `slot`, once."""
    kind, text = st.session_state.pop(slot, (None, None))
    if kind:
        getattr(st, kind)(text)


def text_table(frame: pd.DataFrame) -> None:
    """`st.table` of people's text: st.table renders every cell as Markdown (an image in an action's title
    or an indicator's name would load), so each text cell is escaped and shows as typed."""
    st.table(frame.map(lambda value: escape_markdown(value) if isinstance(value, str) else value), hide_index=True)

"""The pages' charts as cached Vega-Lite specs.

Building an Altair chart and turning it into its JSON spec (which validates it against the Vega-Lite
schema) took 0.3 s per chart on every rerun of the drill-down. The spec depends only on the points and
the wording, so it is made once and kept; the page hands it to `st.vega_lite_chart`, which draws it as
`st.altair_chart` would (same theme, same click selections).
"""
from __future__ import annotations

import streamlit as st

from ..presentation.charts import breakdown_chart, series_chart
from ..plain_text import drawable_strings
from ..features.views import Point


@st.cache_data(show_spinner=False, max_entries=300)
def _spec(kind: str, points: tuple[Point, ...], lang: str, decimals: int, unit_label: str) -> dict:
    build = series_chart if kind == "series" else breakdown_chart
    # Drawable like the documents' charts: a stored label with a control character draws the same everywhere.
    return drawable_strings(build(list(points), lang=lang, decimals=decimals, unit_label=unit_label).to_dict())


def series(points: list[Point], *, lang: str, decimals: int, unit_label: str) -> dict:
    """`kpi.presentation.charts.series_chart` as a spec."""
    return _spec("series", tuple(points), lang, decimals, unit_label)


def breakdown(points: list[Point], *, lang: str, decimals: int, unit_label: str) -> dict:
    """`kpi.presentation.charts.breakdown_chart` as a spec (clicking a bar selects its key, parameter "pick")."""
    return _spec("breakdown", tuple(points), lang, decimals, unit_label)

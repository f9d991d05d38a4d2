"""The app's own charts as PNG images for documents, drawn offline by vl-convert (no browser, no network).

The chart is `kpi.presentation.charts.series_chart`, the one the meeting shows, so paper and screen agree. On screen
it takes the container's width; on paper it gets a fixed size that fits an A4 text column.
"""
from __future__ import annotations

import json
import logging

import vl_convert

from ..presentation.charts import series_chart
from ..plain_text import drawable_strings
from ..features.views import Point

WIDTH_PX, HEIGHT_PX = 560, 240   # the plot area; legend and axis labels come on top
SCALE = 2                        # twice the pixels: sharp when printed at 15 cm
log = logging.getLogger(__name__)


def series_png(points: list[Point], *, lang: str, decimals: int, unit_label: str = "") -> bytes | None:
    """The series as a PNG, or None (logged) if it cannot be drawn: a document without its chart is
    better than no document for the council."""
    chart = series_chart(points, lang=lang, decimals=decimals, unit_label=unit_label)
    chart = chart.properties(width=WIDTH_PX, height=HEIGHT_PX)
    # Not validated again: half the time of a chart went to Altair's JSON-schema check of a spec the app's
    # own code built (and the chart tests validate). Every string made drawable: vl-convert aborts the whole
    # process (the app server, on the Documents page) on some control characters in a label.
    spec = json.dumps(drawable_strings(chart.to_dict(validate=False)), ensure_ascii=False)
    try:
        return vl_convert.vegalite_to_png(spec, scale=SCALE)
    except (ValueError, RuntimeError) as error:
        log.warning("chart could not be drawn: %s", type(error).__name__)
        return None

"""Charts of the leadership pages: one indicator over time, and the parts of a period or the org units.

Pure functions from `kpi.features.views.Point` lists to Altair charts; the pages hand them to `st.altair_chart`.
The charts are projected in meetings, often on a washed-out or greyscale projector, so status is never
colour alone: every point has a status shape (and a hollow shape while the period is running) and every
bar a status icon in its label. Colours come from one fixed scale (status → STATUS_COLOUR), so "not met"
is the same red in every chart whatever statuses the data happen to hold. Numbers are formatted here in
pandas with `format_number` (Finnish decimal comma), never by d3 in the browser.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from ..domain.vocabulary import Comparator, Status
from ..i18n import format_number, t
from .present import STATUS_COLOUR, STATUS_ICON, status_label, target_text, value_text
from .present import unit_label as _unit_text
from ..features.views import Point

NO_TARGET = "none"               # status column value for a point no target judges
NO_TARGET_TEXT = "–"
NO_TARGET_COLOUR = "#afb8c1"     # neutral grey, lighter than "no data" so the two stay apart
ORDER = [Status.MET, Status.AT_RISK, Status.NOT_MET, Status.NO_DATA, NO_TARGET]
COLOURS = {**STATUS_COLOUR, NO_TARGET: NO_TARGET_COLOUR}
# One shape per status so the points read in greyscale too.
SHAPES = {Status.MET: "circle", Status.AT_RISK: "triangle-up", Status.NOT_MET: "square",
          Status.NO_DATA: "cross", NO_TARGET: "diamond"}
ZONE_COLOUR = "#f0b429"          # amber, drawn translucent: the at-risk zone must not hide the points
INK = "#24292f"                  # target rules and labels: dark enough for a bright projector
LINE_COLOUR = "#57606a"
HEIGHT = 300
DASH = [6, 4]


def _status_word(status: str, lang: str) -> str:
    return NO_TARGET_TEXT if status == NO_TARGET else t(f"status.{status}", lang)


def _frame(points: list[Point], lang: str, decimals: int, unit: str) -> pd.DataFrame:
    rows = []
    for p in points:
        status = p.status or NO_TARGET
        label = format_number(p.actual, decimals, lang) if p.actual is not None else ""
        if p.running and label:
            label += "*"         # to date, as in the scorecard's "*"
        rows.append({
            "label": p.label, "key": p.key or p.period, "period": p.period, "actual": p.actual,
            "status": str(status), "status_text": _status_word(status, lang),
            "status_long": NO_TARGET_TEXT if status == NO_TARGET else status_label(status, lang),
            "icon": STATUS_ICON.get(status, ""), "value_label": label,
            "value_text": value_text(p.actual, decimals, unit, lang) + (" *" if p.running else ""),
            "target_text": (target_text(p.comparator, p.threshold, p.threshold_upper, decimals, lang)
                            if p.threshold is not None and p.comparator else NO_TARGET_TEXT),
            "running": bool(p.running),
        })
    return pd.DataFrame.from_records(rows)


def _colour_scale(frame: pd.DataFrame, lang: str) -> alt.Scale:
    """Explicit domain → range, in a fixed order, restricted to the statuses on show (for the legend)."""
    present = [s for s in ORDER if s in set(frame["status"])]
    return alt.Scale(domain=[_status_word(s, lang) for s in present], range=[COLOURS[s] for s in present])


def _shape_scale(frame: pd.DataFrame, lang: str) -> alt.Scale:
    present = [s for s in ORDER if s in set(frame["status"])]
    return alt.Scale(domain=[_status_word(s, lang) for s in present], range=[SHAPES[s] for s in present])


def _targets(points: list[Point]) -> list[dict]:
    """The target line(s) of each point: the threshold, and the upper one of a between target."""
    rows = []
    for p in points:
        if p.threshold is None:
            continue
        rows.append({"label": p.label, "value": p.threshold})
        if p.comparator == Comparator.BETWEEN and p.threshold_upper is not None:
            rows.append({"label": p.label, "value": p.threshold_upper})
    return rows


def _zones(points: list[Point]) -> list[dict]:
    """The at-risk zone(s) between the threshold and the band's far edge (see evaluate.band_edges)."""
    rows = []
    for p in points:
        if p.threshold is None or not p.comparator:
            continue
        upper = p.threshold_upper if p.comparator == Comparator.BETWEEN else p.threshold
        if p.comparator != Comparator.LE and p.band_low is not None and p.band_low < p.threshold:
            rows.append({"label": p.label, "y": p.band_low, "y2": p.threshold})
        if p.comparator != Comparator.GE and None not in (p.band_high, upper) and p.band_high > upper:
            rows.append({"label": p.label, "y": upper, "y2": p.band_high})
    return rows


def _extent(points: list[Point], include_zero: bool) -> list[float]:
    values = [v for p in points for v in (p.actual, p.threshold, p.threshold_upper, p.band_low, p.band_high)
              if v is not None]
    if include_zero:
        values.append(0.0)
    if not values:
        return [0.0, 1.0]
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or abs(high) * 0.1 or 1.0
    # Extra room on top for the value labels above the marks.
    return [low if include_zero and low >= 0 else low - pad, high + 2 * pad]


def _empty(empty_text: str, title: str) -> alt.Chart:
    chart = alt.Chart(pd.DataFrame({"text": [empty_text]})).mark_text(size=16, color=LINE_COLOUR)
    chart = chart.encode(text="text:N").properties(width="container", height=HEIGHT // 2)
    return chart.properties(title=title) if title else chart


def _x(labels: list[str]) -> alt.X:
    # Every label keeps its slot (even without a value); horizontal labels read best on a projector.
    return alt.X("label:O", sort=labels, scale=alt.Scale(domain=labels), title=None,
                 axis=alt.Axis(labelAngle=0, labelOverlap=True, labelLimit=140, labelFontSize=13))


def _axis_expr(lang: str) -> str:
    """Finnish axis numbers with a decimal comma and a space between thousands."""
    if lang != "fi":
        return "format(datum.value, ',')"
    return ("replace(replace(format(datum.value, ','), regexp(',', 'g'), '\u202f'), "
            "regexp('[.]', 'g'), ',')")


def _tooltip(lang: str) -> list[alt.Tooltip]:
    return [alt.Tooltip("label:N", title=t("scorecard.period", lang)),
            alt.Tooltip("value_text:N", title=t("scorecard.col_actual", lang)),
            alt.Tooltip("target_text:N", title=t("scorecard.col_target", lang)),
            alt.Tooltip("status_long:N", title=t("scorecard.col_status", lang))]


def _target_layers(points: list[Point], labels: list[str], y_scale: alt.Scale) -> list[alt.Chart]:
    """Dashed target rules, one per point spanning its slot, so a target changing per year shows as steps."""
    rows = _targets(points)
    if not rows:
        return []
    rule = alt.Chart(pd.DataFrame(rows)).mark_rule(color=INK, strokeDash=DASH, strokeWidth=2).encode(
        x=alt.X("label:O", sort=labels, scale=alt.Scale(domain=labels), bandPosition=0),
        x2=alt.X2("label", bandPosition=1),
        y=alt.Y("value:Q", scale=y_scale))
    return [rule]


def _target_caption(point: Point, lang: str, decimals: int, y_scale: alt.Scale) -> alt.Chart:
    """The latest target in words ("≥ 70") just right of the plot, where no value label can cover it."""
    high = point.threshold_upper if point.comparator == Comparator.BETWEEN else point.threshold
    text = target_text(point.comparator, point.threshold, point.threshold_upper, decimals, lang)
    frame = pd.DataFrame({"value": [high], "text": [text]})
    return alt.Chart(frame).mark_text(align="left", dx=6, fontSize=13, fontWeight="bold", color=INK).encode(
        x=alt.value("width"), y=alt.Y("value:Q", scale=y_scale), text="text:N")


def series_chart(points: list[Point], *, lang: str, decimals: int, unit_label: str = "", title: str = "",
                 empty_text: str = "–") -> alt.Chart | alt.LayerChart:
    """The indicator's actuals over time against its target and at-risk zone."""
    if not points:
        return _empty(empty_text, title)
    points = sorted(points, key=lambda p: p.start)
    labels = [p.label for p in points]
    frame = _frame(points, lang, decimals, unit_label)
    y_scale = alt.Scale(domain=_extent(points, include_zero=False), zero=False, nice=False)
    x = _x(labels)
    layers: list[alt.Chart] = []
    zones = _zones(points)
    if zones:
        layers.append(alt.Chart(pd.DataFrame(zones)).mark_rect(color=ZONE_COLOUR, opacity=0.28).encode(
            x=x, y=alt.Y("y:Q", scale=y_scale), y2="y2:Q"))
    layers += _target_layers(points, labels, y_scale)
    if any(p.threshold is not None for p in points):   # the latest target in words
        latest = next(p for p in reversed(points) if p.threshold is not None)
        layers.append(_target_caption(latest, lang, decimals, y_scale))

    measured = frame[frame["actual"].notna()]
    base = alt.Chart(measured).encode(x=x, y=alt.Y(
        "actual:Q", scale=y_scale, title=_unit_text(unit_label, lang) or None,
        axis=alt.Axis(labelFontSize=12, labelExpr=_axis_expr(lang))))
    layers.append(base.mark_line(color=LINE_COLOUR, strokeWidth=2))
    colour = alt.Color("status_text:N", scale=_colour_scale(measured, lang), title=None,
                       legend=alt.Legend(orient="bottom", labelFontSize=13, symbolSize=120))
    shape = alt.Shape("status_text:N", scale=_shape_scale(measured, lang), title=None)
    marks = base.encode(color=colour, shape=shape, tooltip=_tooltip(lang))
    # Running (to-date) points hollow: the value may still change.
    layers.append(marks.transform_filter("!datum.running").mark_point(filled=True, size=130, opacity=1))
    layers.append(marks.transform_filter("datum.running").mark_point(filled=False, size=130, strokeWidth=2.5))
    layers.append(base.mark_text(dy=-16, fontSize=13, color=INK).encode(text="value_label:N"))
    chart = alt.layer(*layers).properties(width="container", height=HEIGHT)
    return chart.properties(title=title) if title else chart


def breakdown_chart(points: list[Point], *, lang: str, decimals: int, unit_label: str = "",
                    select_name: str = "pick", title: str = "",
                    empty_text: str = "–") -> alt.Chart | alt.LayerChart:
    """Bars of the parts of a period (quarters, months) or of the org units, in the given order.

    Clicking a bar selects its `key` (selection parameter `select_name`), which Streamlit reports back
    with `st.altair_chart(chart, on_select="rerun")`.
    """
    if not points:
        return _empty(empty_text, title)
    labels = [p.label for p in points]
    frame = _frame(points, lang, decimals, unit_label)
    # Greyscale: the icon beside the value says the status where the bar colour cannot.
    frame["bar_label"] = [f"{value} {icon}".strip() if value else ""
                          for value, icon in zip(frame["value_label"], frame["icon"])]
    # The label sits above the bar or its target rule, whichever is higher, so the rule never crosses it.
    frame["label_y"] = [max(v for v in (p.actual, p.threshold, p.threshold_upper) if v is not None)
                        if p.actual is not None else None for p in points]
    y_scale = alt.Scale(domain=_extent(points, include_zero=True), nice=False)
    x = _x(labels)
    pick = alt.selection_point(name=select_name, fields=["key"])
    y = alt.Y("actual:Q", scale=y_scale, title=_unit_text(unit_label, lang) or None,
              axis=alt.Axis(labelFontSize=12, labelExpr=_axis_expr(lang)))
    measured = frame[frame["actual"].notna()]
    bars = alt.Chart(measured).mark_bar(cursor="pointer", stroke=INK, strokeWidth=0.5).encode(
        x=x, y=y, tooltip=_tooltip(lang),
        color=alt.Color("status_text:N", scale=_colour_scale(measured, lang), title=None,
                        legend=alt.Legend(orient="bottom", labelFontSize=13)),
        opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.35)),  # clicked bar stands out
    ).add_params(pick)
    text = alt.Chart(measured).mark_text(dy=-8, baseline="bottom", fontSize=13, color=INK).encode(
        x=x, y=alt.Y("label_y:Q", scale=y_scale), text="bar_label:N")
    layers: list[alt.Chart] = [bars]
    targets = {(p.threshold, p.threshold_upper) for p in points if p.threshold is not None}
    if len(targets) == 1:
        # One target for every bar: one rule across the chart (two for a between target).
        values = [v for v in next(iter(targets)) if v is not None]
        layers.append(alt.Chart(pd.DataFrame({"value": values})).mark_rule(
            color=INK, strokeDash=DASH, strokeWidth=2).encode(y=alt.Y("value:Q", scale=y_scale)))
        shared = next(p for p in points if p.threshold is not None)
        layers.append(_target_caption(shared, lang, decimals, y_scale))
    else:
        layers += _target_layers(points, labels, y_scale)   # a tick across each bar at its own target
    layers.append(text)
    chart = alt.layer(*layers).properties(width="container", height=HEIGHT)
    return chart.properties(title=title) if title else chart

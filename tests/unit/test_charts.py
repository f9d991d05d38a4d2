"""The charts say the same as the scorecard: fixed status colours, shapes and icons, numbers as the reader writes them."""
import json
from datetime import date

import pytest

from kpi.presentation.charts import NO_TARGET_COLOUR, breakdown_chart, series_chart
from kpi.presentation.present import STATUS_COLOUR
from kpi.features.views import Point


def point(label, actual, status, *, start, threshold=70.0, band_low=67.0, band_high=None, comparator="ge",
          upper=None, running=False, key=""):
    return Point(label=label, period=label, start=start, end=start, actual=actual, status=status,
                 threshold=threshold, threshold_upper=upper, comparator=comparator, band_low=band_low,
                 band_high=band_high, running=running, key=key or label)


def nps_years():
    """Occupational Health Helsinki: NPS ≥ 70 with a 3-point band; 2020 fell to 67."""
    return [point("2021", 72.0, "met", start=date(2021, 1, 1), running=True),   # out of order on purpose
            point("2019", 71.0, "met", start=date(2019, 1, 1)),
            point("2020", 67.0, "not_met", start=date(2020, 1, 1))]


def nps_quarters():
    return [point(f"2020-Q{q}", value, status, start=date(2020, 3 * q - 2, 1))
            for q, value, status in [(1, 61.0, "not_met"), (2, 69.0, "at_risk"), (3, 69.0, "at_risk"),
                                     (4, 67.0, "at_risk")]]


def layers(spec):
    """Every single view of a (possibly layered) spec."""
    if "layer" in spec:
        return [view for child in spec["layer"] for view in layers(child)]
    return [spec]


def mark_type(view):
    mark = view.get("mark")
    return mark.get("type") if isinstance(mark, dict) else mark


def rows(spec, view):
    """The inline data rows of a view (Altair moves them to the top-level datasets)."""
    name = view.get("data", spec.get("data", {})).get("name")
    return spec["datasets"][name] if name else view.get("data", {}).get("values", [])


def scale_of(spec, channel):
    for view in layers(spec):
        scale = view.get("encoding", {}).get(channel, {}).get("scale")
        if scale and "range" in scale:
            return scale
    raise AssertionError(f"no {channel} scale")


def all_values(spec, field):
    return [row.get(field) for view in layers(spec) for row in rows(spec, view)]


@pytest.fixture(params=["series", "breakdown"])
def draw(request):
    return {"series": series_chart, "breakdown": breakdown_chart}[request.param]


def test_a_series_colours_each_status_with_its_fixed_scorecard_colour():
    spec = series_chart(nps_years(), lang="en", decimals=0).to_dict()
    scale = scale_of(spec, "color")
    assert dict(zip(scale["domain"], scale["range"])) == {"Met": STATUS_COLOUR["met"],
                                                          "Not met": STATUS_COLOUR["not_met"]}


def test_a_point_no_target_judges_is_neutral_grey_with_a_dash_in_the_legend():
    points = [*nps_years(), point("2018", 60.0, None, start=date(2018, 1, 1), threshold=None, band_low=None,
                                  comparator=None)]
    scale = scale_of(series_chart(points, lang="fi", decimals=0).to_dict(), "color")
    assert dict(zip(scale["domain"], scale["range"]))["–"] == NO_TARGET_COLOUR


def test_a_series_gives_each_status_its_own_shape_so_it_reads_in_greyscale():
    spec = series_chart(nps_years(), lang="en", decimals=0).to_dict()
    scale = scale_of(spec, "shape")
    assert scale["domain"] == ["Met", "Not met"]
    assert len(set(scale["range"])) == 2


def test_a_running_point_is_drawn_hollow():
    spec = series_chart(nps_years(), lang="en", decimals=0).to_dict()
    points = [view["mark"] for view in layers(spec) if mark_type(view) == "point"]
    assert {mark["filled"] for mark in points} == {True, False}


def test_a_series_is_ordered_by_start_date_with_horizontal_labels():
    spec = series_chart(nps_years(), lang="en", decimals=0).to_dict()
    x = layers(spec)[-1]["encoding"]["x"]
    assert x["sort"] == ["2019", "2020", "2021"]
    assert x["axis"]["labelAngle"] == 0


def test_finnish_value_labels_have_a_decimal_comma(draw):
    points = [point("A", 3.54, "met", start=date(2020, 1, 1), threshold=3.0, band_low=2.8)]
    spec = draw(points, lang="fi", decimals=2).to_dict()
    labels = all_values(spec, "value_label")
    assert "3,54" in labels
    assert "3.54" not in labels


def test_a_running_value_is_marked_to_date_with_a_star():
    assert "72.0*" in all_values(series_chart(nps_years(), lang="en", decimals=1).to_dict(), "value_label")


def test_the_target_70_is_drawn_as_a_dashed_rule(draw):
    points = nps_years() if draw is series_chart else nps_quarters()
    spec = draw(points, lang="en", decimals=0).to_dict()
    rules = [view for view in layers(spec) if mark_type(view) == "rule"]
    assert rules and all(rule["mark"]["strokeDash"] for rule in rules)
    assert 70.0 in {row["value"] for rule in rules for row in rows(spec, rule)}


def test_the_target_is_also_written_out_beside_the_chart(draw):
    points = nps_years() if draw is series_chart else nps_quarters()
    assert "≥ 70" in all_values(draw(points, lang="en", decimals=0).to_dict(), "text")


def test_the_at_risk_zone_of_at_least_70_runs_from_67_to_70():
    spec = series_chart(nps_years(), lang="en", decimals=0).to_dict()
    zones = [row for view in layers(spec) if mark_type(view) == "rect" for row in rows(spec, view)]
    assert {(row["y"], row["y2"]) for row in zones} == {(67.0, 70.0)}
    assert len(zones) == 3   # one per year, so a changing target would show as a step


def test_a_between_target_has_two_rules_and_two_zones_per_point():
    points = [point("2020", 45.0, "met", start=date(2020, 1, 1), comparator="between", threshold=40.0, upper=50.0,
                    band_low=38.0, band_high=52.0)]
    spec = series_chart(points, lang="en", decimals=0).to_dict()
    zones = [row for view in layers(spec) if mark_type(view) == "rect" for row in rows(spec, view)]
    assert {(row["y"], row["y2"]) for row in zones} == {(38.0, 40.0), (50.0, 52.0)}
    rules = [row["value"] for view in layers(spec) if mark_type(view) == "rule" for row in rows(spec, view)]
    assert sorted(rules) == [40.0, 50.0]


def test_the_at_risk_zone_of_at_most_10_5_lies_above_the_target():
    points = [point("2020", 10.8, "at_risk", start=date(2020, 1, 1), comparator="le", threshold=10.5,
                    band_low=None, band_high=11.025)]
    spec = series_chart(points, lang="en", decimals=2).to_dict()
    zones = [row for view in layers(spec) if mark_type(view) == "rect" for row in rows(spec, view)]
    assert [(row["y"], row["y2"]) for row in zones] == [(10.5, 11.025)]


def test_the_y_axis_reaches_the_band_edge_below_the_lowest_value():
    points = [point("2020", 69.0, "at_risk", start=date(2020, 1, 1), band_low=60.0)]
    low, high = layers(series_chart(points, lang="en", decimals=0).to_dict())[-1]["encoding"]["y"]["scale"]["domain"]
    assert low < 60.0 and high > 70.0


def test_a_breakdown_reports_the_clicked_bar_by_its_key():
    spec = breakdown_chart(nps_quarters(), lang="en", decimals=0, select_name="quarter").to_dict()
    params = [param for view in [spec, *layers(spec)] for param in view.get("params", [])]
    assert any(param["name"] == "quarter" and param["select"]["type"] == "point"
               and param["select"]["fields"] == ["key"] for param in params)


def test_a_breakdown_keeps_the_given_order_and_colours_bars_by_status():
    points = list(reversed(nps_quarters()))
    spec = breakdown_chart(points, lang="en", decimals=0).to_dict()
    bars = next(view for view in layers(spec) if mark_type(view) == "bar")
    assert bars["encoding"]["x"]["sort"] == ["2020-Q4", "2020-Q3", "2020-Q2", "2020-Q1"]
    scale = bars["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"])) == {"At risk": STATUS_COLOUR["at_risk"],
                                                          "Not met": STATUS_COLOUR["not_met"]}


def test_a_bar_label_carries_the_status_icon_for_greyscale():
    labels = all_values(breakdown_chart(nps_quarters(), lang="fi", decimals=0).to_dict(), "bar_label")
    assert "61 ❌" in labels and "69 ⚠️" in labels


def test_bars_with_different_targets_get_a_tick_each():
    points = [point("Helsinki", 80.0, "met", start=date(2021, 1, 1), threshold=70.0),
              point("Itä", 50.0, "not_met", start=date(2021, 1, 1), threshold=60.0, band_low=57.0)]
    spec = breakdown_chart(points, lang="en", decimals=0).to_dict()
    rules = [view for view in layers(spec) if mark_type(view) == "rule"]
    assert [row["value"] for rule in rules for row in rows(spec, rule)] == [70.0, 60.0]
    assert all("x2" in rule["encoding"] for rule in rules)


def test_an_empty_list_gives_a_text_saying_so(draw):
    spec = draw([], lang="fi", decimals=0, empty_text="Ei tietoja").to_dict()
    assert [mark_type(view) for view in layers(spec)] == ["text"]
    assert all_values(spec, "text") == ["Ei tietoja"]


def test_a_missing_actual_keeps_its_slot_but_draws_no_mark(draw):
    points = [*nps_quarters()[:2], point("2020-Q3", None, "no_data", start=date(2020, 7, 1))]
    spec = draw(points, lang="en", decimals=0).to_dict()
    assert "2020-Q3" in layers(spec)[-1]["encoding"]["x"]["scale"]["domain"]
    marked = [row for view in layers(spec) if mark_type(view) in {"point", "bar"} for row in rows(spec, view)]
    assert "2020-Q3" not in {row["label"] for row in marked}


def test_points_without_any_actual_or_target_still_draw(draw):
    points = [point("2020", None, None, start=date(2020, 1, 1), threshold=None, band_low=None, comparator=None)]
    json.dumps(draw(points, lang="en", decimals=0).to_dict())


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_every_chart_serialises_to_json(draw, lang):
    points = nps_years() if draw is series_chart else nps_quarters()
    text = json.dumps(draw(points, lang=lang, decimals=1, unit_label="%", title="NPS").to_dict())
    assert "NaN" not in text


def test_a_chart_renders_to_a_png_image(draw):
    import vl_convert

    spec = draw(nps_quarters(), lang="fi", decimals=0).properties(width=600).to_dict()
    assert vl_convert.vegalite_to_png(spec)[:4] == b"\x89PNG"

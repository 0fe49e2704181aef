"""The charts' geometry: the largest value fills the span, nothing is drawn past it, and
each shape keeps its words and link."""

from __future__ import annotations

from reporting.pages.charts import (
    LABEL_WIDTH,
    VALUE_WIDTH,
    WIDTH,
    Datum,
    bar_chart,
    funnel_chart,
    line_chart,
)

SPAN = WIDTH - LABEL_WIDTH - VALUE_WIDTH


def test_bars_scale_to_the_largest_value():
    chart = bar_chart("t", [Datum("A", 50, "50", "/a"), Datum("B", 100, "100", "/b")])
    a, b = chart.shapes
    assert b["width"] == SPAN and a["width"] == SPAN / 2
    assert a["y"] < b["y"] and a["datum"].href == "/a"
    assert not chart.empty


def test_a_missing_value_draws_no_bar_and_no_data_is_empty():
    chart = bar_chart("t", [Datum("A", None, "—"), Datum("B", 0, "0")])
    assert [s["width"] for s in chart.shapes] == [0, 0]
    assert bar_chart("t", []).empty


def test_the_funnel_centres_passed_inside_entered():
    chart = funnel_chart("t", [Datum("A", 10, "10")], [Datum("A", 5, "5")])
    [shape] = chart.shapes
    assert shape["width"] == SPAN and shape["inner_width"] == SPAN / 2
    centre = shape["x"] + shape["width"] / 2
    assert shape["inner_x"] + shape["inner_width"] / 2 == centre


def test_the_line_skips_a_period_without_a_value_but_keeps_its_tick():
    chart = line_chart(
        "t",
        [Datum("Jan", 2, "2 days"), Datum("Feb", None, "—"), Datum("Mar", 4, "4 days")],
        unit_text="days",
    )
    assert [t["label"] for t in chart.ticks] == ["Jan", "Feb", "Mar"]
    assert len(chart.shapes) == 2 and len(chart.polyline.split()) == 2
    low, high = chart.shapes
    assert high["y"] < low["y"]  # a larger value is drawn higher
    assert chart.axis_label == "days (top: 4)"

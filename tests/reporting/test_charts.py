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
    text_width,
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
    assert [g["label"] for g in chart.gridlines] == [
        "0 days",
        "1 day",
        "2 days",
        "3 days",
        "4 days",
    ]
    assert [s["value_text"] for s in chart.shapes] == ["2 days", "4 days"]


def _inside(x: float, text: str, anchor: str) -> bool:
    half = text_width(text) / 2
    start = {"middle": x - half, "end": x - 2 * half}.get(anchor, x)
    return start >= 0 and start + text_width(text) <= WIDTH


def test_twelve_month_labels_neither_overlap_nor_leave_the_drawing():
    # Before, "August 2026" was cut off at the left edge and "September 2026" at the right.
    months = [f"{m} 2026" for m in ("Jan", "Feb", "Mar", "Apr", "May", "Jun")]
    months += [f"{m} 2026" for m in ("Jul", "Aug", "Sep", "Oct", "Nov", "Dec")]
    chart = line_chart(
        "t", [Datum(m, 40 + i, f"{40 + i} days") for i, m in enumerate(months)], unit_text="days"
    )
    ticks = chart.ticks
    assert ticks[0]["label"] == "Jan 2026" and ticks[-1]["label"] == "Dec 2026"
    assert all(_inside(t["x"], t["label"], "middle") for t in ticks)
    for before, after in zip(ticks, ticks[1:], strict=False):
        assert after["x"] - before["x"] >= text_width(before["label"])
    assert all(_inside(g["label_x"], g["label"], "end") for g in chart.gridlines)
    assert all(s["x"] > chart.plot["left"] - 1 for s in chart.shapes)
    assert chart.gridlines[-1]["label"] == "60 days"  # round levels above the largest value


def test_long_words_beside_the_longest_bar_stay_inside_the_drawing():
    words = "15 hours 50 minutes"
    chart = bar_chart("t", [Datum("A", 100, words), Datum("B", 10, "1 hour")])
    longest = chart.shapes[0]
    assert longest["text_x"] + text_width(words) <= WIDTH
    funnel = funnel_chart("t", [Datum("A", 12345, "")], [Datum("A", 12000, "")])
    [shape] = funnel.shapes
    assert shape["value_text"] == "12,000 of 12,345"
    assert shape["text_x"] + text_width(shape["value_text"]) <= WIDTH


def test_a_point_s_value_never_runs_into_the_levels_or_out_of_the_drawing():
    """The first point sits on the plot's left edge: its value, centred, ran over the
    level labels ("50 days" under "46 days"); the last one's past the right edge."""
    chart = line_chart(
        "t",
        [Datum("Sep 2026", 46, "46 days"), Datum("Oct 2026", 37, "37 days")],
        unit_text="days",
    )
    for shape in chart.shapes:
        width = text_width(shape["value_text"])
        start = {
            "start": shape["value_x"],
            "middle": shape["value_x"] - width / 2,
            "end": shape["value_x"] - width,
        }[shape["value_anchor"]]
        assert chart.plot["left"] <= start and start + width <= chart.plot["right"], shape

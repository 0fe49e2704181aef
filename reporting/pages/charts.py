"""The geometry of the dashboard's charts, drawn as server-rendered SVG by our templates
(no JavaScript, no chart library). Pure: values in, shapes out; each shape carries the
text it says and the link to the applications behind it. Every text is placed inside the
drawing (an end label is anchored inwards, a column of values is as wide as its longest
words) and tick labels are thinned until they no longer overlap."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH = 640
LABEL_WIDTH = 170
VALUE_WIDTH = 110
ROW_HEIGHT = 30
BAR_HEIGHT = 18
LINE_HEIGHT = 240
LINE_TOP = 24  # room above the highest point for its value
LINE_BOTTOM = 40  # room below the axis for the period labels
CHAR_WIDTH = 7.0  # a generous width of one character of the charts' 12 px text
GAP = 8  # between a text and what it labels


@dataclass(frozen=True, slots=True)
class Datum:
    """One value of a chart: its label, the number, the words for it, where it leads."""

    label: str
    value: float | None
    text: str
    href: str = ""


@dataclass(slots=True)
class Chart:
    title: str
    width: int = WIDTH
    height: int = 0
    shapes: list[dict] = field(default_factory=list)
    ticks: list[dict] = field(default_factory=list)
    gridlines: list[dict] = field(default_factory=list)
    polyline: str = ""
    axis_label: str = ""
    plot: dict = field(default_factory=dict)  # the line chart's plotting area
    empty: bool = False


def text_width(text: str) -> float:
    """How wide `text` is drawn, at most (the charts' font is 12 px)."""
    return len(text) * CHAR_WIDTH


def _scale(data: list[Datum]) -> float:
    return max((d.value or 0 for d in data), default=0) or 1


def _value_width(texts: list[str]) -> float:
    """The column right of the bars: wide enough for the longest words in it."""
    return max([VALUE_WIDTH, *(text_width(t) + 2 * GAP for t in texts)])


def bar_chart(title: str, data: list[Datum]) -> Chart:
    """Horizontal bars, one row per datum, the longest bar the largest value."""
    span = WIDTH - LABEL_WIDTH - _value_width([d.text for d in data])
    top = _scale(data)
    chart = Chart(title=title, height=max(len(data), 1) * ROW_HEIGHT + 10, empty=not data)
    for index, datum in enumerate(data):
        y = index * ROW_HEIGHT + 5
        width = round(span * (datum.value or 0) / top, 1)
        chart.shapes.append(
            {
                "datum": datum,
                "x": LABEL_WIDTH,
                "y": y,
                "width": max(width, 1 if datum.value else 0),
                "height": BAR_HEIGHT,
                "label_x": LABEL_WIDTH - GAP,
                "text_x": LABEL_WIDTH + width + 6,
                "text_y": y + BAR_HEIGHT - 4,
            }
        )
    return chart


def funnel_chart(title: str, entered: list[Datum], passed: list[Datum]) -> Chart:
    """A funnel: per milestone a centred bar as wide as the candidacies that entered it,
    and inside it a darker one as wide as those that passed."""
    texts = [
        f"{went.value or 0:,.0f} of {came.value or 0:,.0f}"
        for came, went in zip(entered, passed, strict=True)
    ]
    span = WIDTH - LABEL_WIDTH - _value_width(texts)
    top = _scale(entered)
    centre = LABEL_WIDTH + span / 2
    chart = Chart(title=title, height=max(len(entered), 1) * ROW_HEIGHT + 10, empty=not entered)
    for index, (came, went) in enumerate(zip(entered, passed, strict=True)):
        y = index * ROW_HEIGHT + 5
        outer = span * (came.value or 0) / top
        inner = span * (went.value or 0) / top
        chart.shapes.append(
            {
                "datum": came,
                "passed": went,
                "value_text": texts[index],
                "x": round(centre - outer / 2, 1),
                "width": round(outer, 1),
                "inner_x": round(centre - inner / 2, 1),
                "inner_width": round(inner, 1),
                "y": y,
                "height": BAR_HEIGHT,
                "label_x": LABEL_WIDTH - GAP,
                "text_x": LABEL_WIDTH + span + 6,
                "text_y": y + BAR_HEIGHT - 4,
            }
        )
    return chart


def nice_ticks(top: float, *, most: int = 5) -> list[float]:
    """Round values from 0 up to at least `top` (0, 10, 20, 30 ...), at most `most`+1."""
    if top <= 0:
        return [0, 1]
    rough = top / most
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough)
    count = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def _amount(value: float, unit: str) -> str:
    number = f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
    singular = unit.removesuffix("s") if number == "1" else unit
    return f"{number} {singular}"


def line_chart(title: str, data: list[Datum], *, unit_text: str) -> Chart:
    """A line through the values in order (periods left to right) over a y axis in round
    `unit_text` ("0 days", "20 days", ...); a period without a value leaves a gap in the
    points but not in the axis. Period labels are shown every k-th period when they would
    overlap (the first and the last always), each point says its value above it when
    there is room, and nothing is drawn outside the drawing."""
    chart = Chart(title=title, height=LINE_HEIGHT, empty=not any(d.value for d in data))
    levels = nice_ticks(_scale(data))
    top = levels[-1]
    level_texts = [_amount(level, unit_text) for level in levels]
    left = max(text_width(t) for t in level_texts) + 2 * GAP
    widest = max((text_width(d.label) for d in data), default=0)
    right = max(widest / 2, text_width(_amount(top, unit_text)) / 2) + GAP
    left = max(left, widest / 2 + GAP)
    bottom = LINE_HEIGHT - LINE_BOTTOM
    inner_width = WIDTH - left - right
    inner_height = bottom - LINE_TOP
    step = inner_width / max(len(data) - 1, 1)
    every = max(1, math.ceil((widest + GAP) / step)) if len(data) > 1 else 1
    chart.plot = {"left": round(left, 1), "right": round(WIDTH - right, 1), "bottom": bottom}
    for level, text in zip(levels, level_texts, strict=True):
        y = round(bottom - inner_height * level / top, 1)
        chart.gridlines.append({"y": y, "label": text, "label_x": round(left - GAP, 1)})
    labelled_values = (
        step >= max((text_width(_amount(d.value or 0, unit_text)) for d in data), default=0) + GAP
    )
    points = []
    last = len(data) - 1
    for index, datum in enumerate(data):
        x = round(left + index * step, 1)
        if index % every == 0 or index == last:
            if index == last and index % every and step * (index % every) < widest + GAP:
                chart.ticks.pop()  # the last label wins over the one it would overlap
            chart.ticks.append({"x": x, "label": datum.label, "y": bottom + 20})
        if datum.value is None:
            continue
        y = round(bottom - inner_height * datum.value / top, 1)
        points.append(f"{x},{y}")
        value_text = _amount(datum.value, unit_text) if labelled_values else ""
        # Centred above its point, unless that crosses the plot's edge (into the levels on
        # the left, out of the drawing on the right): then it runs inwards from the point.
        half = text_width(value_text) / 2
        value_x, anchor = x, "middle"
        if x - half < left:
            value_x, anchor = x + GAP / 2, "start"
        elif x + half > WIDTH - right:
            value_x, anchor = x - GAP / 2, "end"
        chart.shapes.append(
            {
                "datum": datum,
                "x": x,
                "y": y,
                "value_text": value_text,
                "value_x": round(value_x, 1),
                "value_anchor": anchor,
                "value_y": round(y - 10, 1),
            }
        )
    chart.polyline = " ".join(points)
    chart.axis_label = f"{title}, in {unit_text}"
    return chart

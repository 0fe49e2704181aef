"""The geometry of the dashboard's charts, drawn as server-rendered SVG by our templates
(no JavaScript, no chart library). Pure: values in, shapes out; each shape carries the
text it says and the link to the applications behind it."""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 640
LABEL_WIDTH = 170
VALUE_WIDTH = 110
ROW_HEIGHT = 30
BAR_HEIGHT = 18
LINE_HEIGHT = 220
LINE_PAD = 36


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
    polyline: str = ""
    axis_label: str = ""
    empty: bool = False


def _scale(data: list[Datum]) -> float:
    return max((d.value or 0 for d in data), default=0) or 1


def bar_chart(title: str, data: list[Datum]) -> Chart:
    """Horizontal bars, one row per datum, the longest bar the largest value."""
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
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
                "label_x": LABEL_WIDTH - 8,
                "text_x": LABEL_WIDTH + width + 6,
                "text_y": y + BAR_HEIGHT - 4,
            }
        )
    return chart


def funnel_chart(title: str, entered: list[Datum], passed: list[Datum]) -> Chart:
    """A funnel: per milestone a centred bar as wide as the candidacies that entered it,
    and inside it a darker one as wide as those that passed."""
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
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
                "x": round(centre - outer / 2, 1),
                "width": round(outer, 1),
                "inner_x": round(centre - inner / 2, 1),
                "inner_width": round(inner, 1),
                "y": y,
                "height": BAR_HEIGHT,
                "label_x": LABEL_WIDTH - 8,
                "text_x": LABEL_WIDTH + span + 6,
                "text_y": y + BAR_HEIGHT - 4,
            }
        )
    return chart


def line_chart(title: str, data: list[Datum], *, unit_text: str) -> Chart:
    """A line through the values in order (periods left to right); a period without a
    value leaves a gap in the points but not in the axis."""
    chart = Chart(title=title, height=LINE_HEIGHT, empty=not any(d.value for d in data))
    top = _scale(data)
    inner_width = WIDTH - 2 * LINE_PAD
    inner_height = LINE_HEIGHT - 2 * LINE_PAD
    step = inner_width / max(len(data) - 1, 1)
    points = []
    for index, datum in enumerate(data):
        x = round(LINE_PAD + index * step, 1)
        chart.ticks.append({"x": x, "label": datum.label, "y": LINE_HEIGHT - LINE_PAD + 18})
        if datum.value is None:
            continue
        y = round(LINE_PAD + inner_height * (1 - datum.value / top), 1)
        points.append(f"{x},{y}")
        chart.shapes.append({"datum": datum, "x": x, "y": y})
    chart.polyline = " ".join(points)
    chart.axis_label = f"{unit_text} (top: {top:g})"
    return chart

"""Small server-rendered SVG charts: no script, no external asset, readable by screen readers.

Each chart is ``<svg role="img" aria-labelledby="…">`` with a ``<title>`` and a ``<desc>`` that
says what it shows; the page puts a ``<table>`` of the same numbers beside it, so nobody depends
on the picture. Colours come from classes styled in ``static/css/app.css`` ("caseloads").

Sizes are in viewBox units, drawn narrow (360 wide) so that text stays legible when a phone
scales the chart down, and capped in CSS so it does not grow huge on a desktop.
"""

import math
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 360
FONT = 15
SMALL_FONT = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no figure (drawn as an empty bar and "—")
    text: str = ""  # shown at the end of the bar; default: the value
    count: str = ""  # what a share rests on, after the label: "3 of 4"
    few: bool = False  # the share rests on few people: said in words, and a paler bar


def _svg(chart_id: str, title: str, description: str, height: float, body: str) -> SafeString:
    return format_html(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        width=WIDTH,
        height=f"{height:g}",
        title=title,
        desc=description,
        body=mark_safe(body),  # built below from escaped parts only
    )


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(
    *, chart_id: str, title: str, description: str, bars: list[Bar], max_value: float | None = None
) -> SafeString:
    """Horizontal bars, one per row: the label above, the bar and its value below, and what a
    share rests on ("3 of 4", "few people") under the bar.

    ``max_value`` fixes the scale (100 for percentages); by default the largest value.
    """
    # A share's count goes on its own line under the bar, so a long label never pushes it out.
    with_counts = any(bar.count or bar.few for bar in bars)
    row_height = 70 if with_counts else 52
    bar_height = 20
    value_space = 64
    top = 4
    largest = max_value or max((bar.value or 0 for bar in bars), default=0) or 1
    track = WIDTH - value_space
    parts = []
    for index, bar in enumerate(bars):
        y = top + index * row_height
        length = 0 if not bar.value else max(2.0, track * min(bar.value, largest) / largest)
        text = bar.text or ("—" if bar.value is None else _number(bar.value))
        count = ", ".join(part for part in (bar.count, "few people" if bar.few else "") if part)
        count_text = (
            f'<text class="chart-n" x="0" y="{y + 57:g}" font-size="{SMALL_FONT}">'
            f"{escape(count)}</text>"
            if count
            else ""
        )
        parts.append(
            f'<g class="chart-row">'
            f'<text class="chart-label" x="0" y="{y + FONT:g}" font-size="{FONT}">'
            f"{escape(bar.label)}</text>"
            f'<rect class="chart-track" x="0" y="{y + 22:g}" width="{track:g}" '
            f'height="{bar_height}" rx="3"></rect>'
            f'<rect class="chart-bar{" few" if bar.few else ""}" x="0" y="{y + 22:g}" '
            f'width="{length:.1f}" height="{bar_height}" rx="3"></rect>'
            f'<text class="chart-value" x="{track + 8:g}" y="{y + 37:g}" font-size="{FONT}">'
            f"{escape(text)}</text>"
            f"{count_text}</g>"
        )
    height = top + len(bars) * row_height
    return _svg(chart_id, title, description, height, "".join(parts))


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    points: list[tuple[str, float]],
    max_value: float | None = None,
) -> SafeString:
    """A line over evenly spaced points (months), with a dot and value at each point.

    Labels are short (``"Mar"``); the table beside the chart carries the full dates. The scale
    starts at zero and ends at the first round step at or above the largest value, so the line
    uses the height of the chart; every label stays inside the picture.
    """
    values = [value for _, value in points]
    largest = max_value or max(values, default=0) or 1
    step, scale_top = scale_steps(largest)
    ticks = [step * index for index in range(round(scale_top / step) + 1)]
    # Room for the longest tick label on the left, and half a month label on the right.
    left = max(24, 10 + 7 * max(len(_number(tick)) for tick in ticks))
    longest_label = max((len(label) for label, _ in points), default=0)
    right = max(12, 4 + 4 * longest_label)
    top, bottom = 24, 28
    plot_width = WIDTH - left - right
    plot_height = 150
    height = top + plot_height + bottom
    step_x = plot_width / max(len(points) - 1, 1)

    def x(index: int) -> float:
        return left + index * step_x

    def y(value: float) -> float:
        return top + plot_height - plot_height * value / scale_top

    parts = []
    for tick in ticks:
        parts.append(
            f'<line class="chart-grid" x1="{left}" x2="{WIDTH - right}" '
            f'y1="{y(tick):.1f}" y2="{y(tick):.1f}"></line>'
            f'<text class="chart-axis" x="{left - 6}" y="{y(tick) + 4:.1f}" '
            f'font-size="{SMALL_FONT}" text-anchor="end">{_number(tick)}</text>'
        )
    if points:
        path = " ".join(
            f"{'M' if index == 0 else 'L'}{x(index):.1f},{y(value):.1f}"
            for index, (_, value) in enumerate(points)
        )
        parts.append(f'<path class="chart-line" d="{path}"></path>')
    for index, (label, value) in enumerate(points):
        parts.append(
            f'<circle class="chart-dot" cx="{x(index):.1f}" cy="{y(value):.1f}" r="3.5"></circle>'
            f'<text class="chart-axis" x="{x(index):.1f}" y="{height - 8}" '
            f'font-size="{SMALL_FONT}" text-anchor="middle">{escape(label)}</text>'
        )
    if points:  # the latest value, written out
        last_index, (_, last_value) = len(points) - 1, points[-1]
        parts.append(
            f'<text class="chart-value" x="{x(last_index):.1f}" y="{y(last_value) - 9:.1f}" '
            f'font-size="{FONT}" text-anchor="end">{_number(last_value)}</text>'
        )
    return _svg(chart_id, title, description, height, "".join(parts))


MAX_INTERVALS = 6


def scale_steps(largest: float) -> tuple[float, float]:
    """The step between grid lines and the top of the scale for values from 0 to ``largest``.

    Steps are round (1, 2 or 5 times a power of ten, never below 1: the charts count people),
    the top is the first step at or above the largest value, with at most ``MAX_INTERVALS``
    steps: 11 gives steps of 2 up to 12 (not 0, 10, 20), 20 gives steps of 5 up to 20.
    """
    largest = max(largest, 1)
    magnitude = 1.0
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            intervals = math.ceil(largest / step - 1e-9)
            if intervals <= MAX_INTERVALS:
                return step, step * intervals
        magnitude *= 10


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)}%"

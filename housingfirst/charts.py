"""Small server-rendered SVG charts: no script, no external asset, readable by screen readers.

Each chart is ``<svg role="img" aria-labelledby="…">`` with a ``<title>`` and a ``<desc>`` that
says what it shows; the page puts a ``<table>`` of the same numbers beside it, so nobody depends
on the picture. Colours come from classes styled in ``static/css/app.css`` ("caseloads").

Sizes are in viewBox units, drawn narrow (360 wide) so that text stays legible when a phone
scales the chart down, and capped in CSS so it does not grow huge on a desktop.
"""

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
    """Horizontal bars, one per row: the label above, the bar and its value below.

    ``max_value`` fixes the scale (100 for percentages); by default the largest value.
    """
    row_height = 52
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
        parts.append(
            f'<g class="chart-row">'
            f'<text class="chart-label" x="0" y="{y + FONT:g}" font-size="{FONT}">'
            f"{escape(bar.label)}</text>"
            f'<rect class="chart-track" x="0" y="{y + 22:g}" width="{track:g}" '
            f'height="{bar_height}" rx="3"></rect>'
            f'<rect class="chart-bar" x="0" y="{y + 22:g}" width="{length:.1f}" '
            f'height="{bar_height}" rx="3"></rect>'
            f'<text class="chart-value" x="{track + 8:g}" y="{y + 37:g}" font-size="{FONT}">'
            f"{escape(text)}</text>"
            f"</g>"
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

    Labels are short (``"Mar"``); the table beside the chart carries the full dates.
    """
    left, right, top, bottom = 34, 12, 24, 28
    plot_width = WIDTH - left - right
    plot_height = 150
    height = top + plot_height + bottom
    values = [value for _, value in points]
    largest = max_value or max(values, default=0) or 1
    # A round top for the scale: 1, 2 or 5 times a power of ten, at least the largest value.
    scale_top = _nice_ceiling(largest)
    step = plot_width / max(len(points) - 1, 1)

    def x(index: int) -> float:
        return left + index * step

    def y(value: float) -> float:
        return top + plot_height - plot_height * value / scale_top

    parts = []
    for tick in (0, scale_top / 2, scale_top):
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


def _nice_ceiling(value: float) -> float:
    magnitude = 1.0
    while magnitude * 10 <= value:
        magnitude *= 10
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= value:
            return factor * magnitude
    return 10 * magnitude


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)}%"

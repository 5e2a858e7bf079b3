"""The SVG charts: accessible names, escaped text, bars to scale."""

import re

from housingfirst import charts


def test_bar_chart_is_an_image_named_by_its_title_and_description():
    svg = charts.bar_chart(
        chart_id="chart-x",
        title="Retention",
        description="Half of the cohort.",
        bars=[charts.Bar("Six months", 50, "50%")],
        max_value=100,
    )
    assert svg.startswith('<svg class="chart" id="chart-x" role="img" ')
    assert 'aria-labelledby="chart-x-title chart-x-desc"' in svg
    assert '<title id="chart-x-title">Retention</title>' in svg
    assert '<desc id="chart-x-desc">Half of the cohort.</desc>' in svg
    assert ">50%</text>" in svg


def test_bars_are_drawn_to_scale():
    svg = charts.bar_chart(
        chart_id="c",
        title="t",
        description="d",
        bars=[charts.Bar("Full", 100), charts.Bar("Half", 50), charts.Bar("None", None)],
        max_value=100,
    )
    widths = [
        float(w) for w in re.findall(r'class="chart-bar" x="0" y="[\d.]+" width="([\d.]+)"', svg)
    ]
    track = charts.WIDTH - 64
    assert widths == [track, track / 2, 0]
    assert ">—</text>" in svg


def test_chart_text_is_escaped():
    svg = charts.bar_chart(
        chart_id="c",
        title="<script>",
        description="a & b",
        bars=[charts.Bar("<b>Team</b>", 1)],
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "&lt;b&gt;Team&lt;/b&gt;" in svg
    assert "a &amp; b" in svg


def test_line_chart_has_a_point_per_month_and_labels():
    svg = charts.line_chart(
        chart_id="line",
        title="Caseloads",
        description="Over the year.",
        points=[("Jan", 3), ("Feb", 5), ("Mar", 4)],
    )
    assert svg.count('class="chart-dot"') == 3
    assert ">Feb</text>" in svg
    assert 'role="img"' in svg and '<title id="line-title">Caseloads</title>' in svg
    # The scale tops out at a round number above the largest value.
    assert ">5</text>" in svg


def test_percent_formatting():
    assert charts.percent(None) == "—"
    assert charts.percent(2 / 3) == "67%"
    assert charts.percent(0) == "0%"

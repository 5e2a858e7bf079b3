"""The SVG charts: accessible names, escaped text, bars to scale."""

import re

import pytest

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


def test_bar_says_what_its_share_rests_on_and_when_few_people():
    svg = charts.bar_chart(
        chart_id="c",
        title="t",
        description="d",
        bars=[
            charts.Bar("Six months", 100, "100%", count="3 of 3", few=True),
            charts.Bar("Twelve months", 80, "80%", count="40 of 50"),
        ],
        max_value=100,
    )
    assert '<text class="chart-n" x="0" y="61" font-size="12">3 of 3, few people</text>' in svg
    assert ">40 of 50</text>" in svg and "40 of 50, few" not in svg
    assert svg.count('class="chart-bar few"') == 1
    # The count has its own line under the bar: rows are taller than without counts.
    assert 'viewBox="0 0 360 144"' in svg


@pytest.mark.parametrize(
    ("largest", "step", "top"),
    [(0, 1, 1), (3, 1, 3), (5, 1, 5), (11, 2, 12), (20, 5, 20), (31, 10, 40), (2002, 500, 2500)],
)
def test_line_chart_scale_fits_its_data(largest, step, top):
    assert charts.scale_steps(largest) == (step, top)


def test_line_chart_axis_is_round_and_every_label_is_inside_the_picture():
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    values = [13, 13, 13, 15, 15, 17, 17, 17, 18, 19, 20, 11]
    svg = charts.line_chart(
        chart_id="line", title="t", description="d", points=list(zip(months, values, strict=True))
    )
    ticks = re.findall(
        r'class="chart-axis" x="[\d.]+" y="[\d.]+" font-size="12" '
        r'text-anchor="end">([\d.]+)</text>',
        svg,
    )
    assert ticks == ["0", "5", "10", "15", "20"]
    last = re.search(r'class="chart-axis" x="([\d.]+)"[^>]*text-anchor="middle">Dec</text>', svg)
    assert float(last.group(1)) + 3 * 7 / 2 <= charts.WIDTH  # half of "Dec" fits on the right


def test_line_chart_of_a_small_caseload_does_not_waste_half_its_height():
    svg = charts.line_chart(
        chart_id="line", title="t", description="d", points=[("Jan", 9), ("Feb", 11)]
    )
    assert ">12</text>" in svg and ">20</text>" not in svg

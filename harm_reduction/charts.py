"""The report's charts: one bar per row total of each table, suppressed as the table is."""

from housingfirst import charts

from .suppression import Table


def _bars(table: Table) -> list[charts.Bar]:
    return [
        charts.Bar(label=label, value=None if total.hidden else total.value, text=total.text)
        for label, _, total in table.body_lines()
    ]


def _chart(chart_id: str, table: Table, description: str):
    return charts.bar_chart(
        chart_id=chart_id, title=table.title, description=description, bars=_bars(table)
    )


def report_charts(result) -> dict:
    return {
        "supplies_chart": _chart(
            "chart-supplies", result.supplies, "Supplies handed out per item, all funders."
        ),
        "overdoses_chart": _chart(
            "chart-overdoses", result.overdoses, "Overdose responses per outcome."
        ),
        "trainings_chart": _chart(
            "chart-trainings", result.trainings, "People trained: staff and tenants."
        ),
    }

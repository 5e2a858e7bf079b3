"""/harm-reduction/report/: aggregates per site and period, suppressed; CSV of the table only."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from harm_reduction import report
from harm_reduction.report import recent_periods

from .factories import OverdoseResponseFactory, TrainingSessionFactory, hand_out, receive

pytestmark = pytest.mark.django_db


def test_periods_are_the_last_twelve_months_then_the_last_four_quarters():
    periods = recent_periods(date(2026, 2, 14))
    assert [p.key for p in periods[:3]] == ["2026-02", "2026-01", "2025-12"]
    quarters = [p for p in periods if p.kind == "quarter"]
    assert [p.key for p in quarters] == ["2026-Q1", "2025-Q4", "2025-Q3", "2025-Q2"]
    assert (quarters[1].start, quarters[1].end) == (date(2025, 10, 1), date(2025, 12, 31))
    february = periods[0]
    assert (february.start, february.end) == (date(2026, 2, 1), date(2026, 2, 28))


def test_counts_by_item_and_funder_with_small_ones_as_ranges(program, supplies):
    by = program.case_manager
    receive(supplies.site, supplies.naloxone, 100, by=by)
    receive(supplies.other_site, supplies.naloxone, 100, by=by)
    hand_out(supplies.site, supplies.naloxone, 40, by=by, funding_source=supplies.funder)
    hand_out(supplies.other_site, supplies.naloxone, 30, by=by, funding_source=supplies.funder)
    hand_out(
        supplies.site,
        supplies.naloxone,
        4,
        by=by,
        funding_source=supplies.other_funder,
        kind="refill",
        refill_reason="used",
    )
    period = recent_periods(timezone.localdate())[0]
    everywhere = report.build(period)
    [line] = everywhere.supplies.body_lines()
    label, cells, total = line
    assert label == "Naloxone nasal spray 4 mg"
    assert [cell.value for cell in cells] == [70, 4]
    assert cells[1].text == "1–10"
    assert not any(cell.text == "4" for cell in everywhere.supplies.all_cells())
    one_site = report.build(period, supplies.site)
    assert [cell.value for cell in one_site.supplies.rows[0]] == [40, 4]


def test_overdose_responses_doses_and_training_coverage(program, supplies):
    for _ in range(12):
        OverdoseResponseFactory(site=supplies.site, outcome="responsive", naloxone_doses=2)
    TrainingSessionFactory(site=supplies.site, audience="tenants", people_trained=20)
    TrainingSessionFactory(site=supplies.site, audience="staff", people_trained=15)
    result = report.build(recent_periods(timezone.localdate())[0], supplies.site)
    assert result.overdoses.row_totals[0].value == 12
    assert result.doses.text == "24"
    assert result.coverage.startswith("50% (20 trained, 40 tenants")


def test_coverage_is_not_shown_when_it_would_reveal_a_small_number(program, supplies):
    TrainingSessionFactory(site=supplies.site, audience="tenants", people_trained=3)
    result = report.build(recent_periods(timezone.localdate())[0], supplies.site)
    assert result.coverage == "Not shown: it would reveal a small number."


def test_records_outside_the_period_are_not_counted(program, supplies):
    OverdoseResponseFactory(site=supplies.site, occurred_at=timezone.now() - timedelta(days=400))
    result = report.build(recent_periods(timezone.localdate())[0])
    assert result.overdoses.grand_total.value == 0


def test_the_csv_is_the_aggregate_table_only(program, login, supplies):
    by = program.case_manager
    receive(supplies.site, supplies.naloxone, 100, by=by)
    hand_out(supplies.site, supplies.naloxone, 40, by=by, client=program.client)
    hand_out(supplies.site, supplies.naloxone, 5, by=by)
    OverdoseResponseFactory(site=supplies.site, zone="Lobby", notes="Found near the mailboxes")
    response = login(program.supervisor).get(reverse("harm_reduction:report"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "Supplies handed out, by item and funding source" in text
    assert "1–10" in text
    for private in ("Rosa", "Parker", "Lobby", "mailboxes"):
        assert private not in text


def test_an_unknown_period_or_site_is_404_not_500(program, login):
    browser = login(program.supervisor)
    assert browser.get(reverse("harm_reduction:report"), {"period": "1999-01"}).status_code == 404
    assert browser.get(reverse("harm_reduction:report"), {"site": "abc"}).status_code == 404


def test_the_report_page_shows_charts_beside_the_tables(program, login, supplies):
    response = login(program.admin).get(reverse("harm_reduction:report"))
    page = response.content.decode()
    assert page.count('<svg class="chart"') == 3
    assert "People trained, by site" in page


def _cell(table, row, column):
    return table.by_label()[("cell", row, column)]


def test_supplies_and_refills_hide_the_same_totals(program, supplies):
    by = program.case_manager
    receive(supplies.site, supplies.naloxone, 100, by=by)
    receive(supplies.site, supplies.strips, 100, by=by)
    hand_out(supplies.site, supplies.naloxone, 1, by=by, funding_source=supplies.funder)
    hand_out(
        supplies.site,
        supplies.naloxone,
        3,
        by=by,
        funding_source=supplies.other_funder,
        kind="refill",
        refill_reason="lost",
    )
    hand_out(supplies.site, supplies.strips, 12, by=by, funding_source=supplies.other_funder)
    result = report.build(recent_periods(timezone.localdate())[0], supplies.site)

    def hidden_totals(table):
        return [cell.hidden for cell in table.row_totals] + [table.grand_total.hidden]

    assert hidden_totals(result.supplies) == hidden_totals(result.refills)
    assert any(hidden_totals(result.supplies))  # naloxone's 4 is small


def test_a_quarter_hides_what_its_months_would_give_away(program, supplies, clock):
    # Overdose responses at one site: 12 in October, 14 in November, 3 in December.
    quarter = next(p for p in recent_periods(date(2026, 12, 20)) if p.key == "2026-Q4")
    for month, count in ((10, 12), (11, 14), (12, 3)):
        for day in range(count):
            OverdoseResponseFactory(
                site=supplies.site,
                outcome="responsive",
                responder_role="staff",
                occurred_at=timezone.make_aware(datetime(2026, month, 1 + day % 27, 12)),
            )
    december = report.build(recent_periods(date(2026, 12, 20))[0], supplies.site)
    assert _cell(december.overdoses, "Responsive on scene", "Staff").text == "1–10"
    whole = report.build(quarter, supplies.site)
    # 29 shown beside the months' 12 and 14 would give December's 3 away.
    assert _cell(whole.overdoses, "Responsive on scene", "Staff").hidden
    assert whole.overdoses.grand_total.hidden or whole.overdoses.row_totals[0].hidden


def test_all_sites_hides_what_one_sites_report_would_give_away(program, supplies):
    for _ in range(20):
        OverdoseResponseFactory(site=supplies.site, outcome="transported", responder_role="staff")
    for _ in range(4):
        OverdoseResponseFactory(
            site=supplies.other_site, outcome="transported", responder_role="staff"
        )
    period = recent_periods(timezone.localdate())[0]
    small = report.build(period, supplies.other_site)
    assert _cell(small.overdoses, "Transported to hospital", "Staff").text == "1–10"
    everywhere = report.build(period)
    assert _cell(everywhere.overdoses, "Transported to hospital", "Staff").hidden


def test_the_report_page_runs_a_bounded_number_of_queries(
    program, login, supplies, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = login(program.supervisor)
    quarter = next(p for p in recent_periods(timezone.localdate()) if p.kind == "quarter")
    url = reverse("harm_reduction:report")
    with CaptureQueriesContext(connection) as few:
        browser.get(url, {"period": quarter.key})
    for _ in range(30):
        OverdoseResponseFactory(site=supplies.site)
        TrainingSessionFactory(site=supplies.other_site)
    with django_assert_max_num_queries(len(few)):
        browser.get(url, {"period": quarter.key})

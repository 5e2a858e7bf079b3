"""Days housed, housing status and retention on fixed dates, computed in SQL."""

from datetime import date

import pytest
from django.db.models import F

from clients.models import Client
from placements.expressions import AddDays, AddMonths, DaysBetween
from placements.models import Placement
from placements.selectors import (
    HousingStatus,
    housing_status,
    retention,
    with_housing_stability,
    with_retention,
)

from .factories import PlacementFactory, housed

pytestmark = pytest.mark.django_db


def make_client(name):
    return Client.objects.create(first_name=name, last_name="Cohort")


def cohort():
    return Client.objects.filter(last_name="Cohort")


def test_days_housed_adds_up_every_placement(program, clock):
    housed(program.client, date(2024, 1, 1), exit_date=date(2024, 3, 1))  # 60 days
    current = housed(program.client, date(2025, 3, 1))  # 14 days by 2025-03-15
    assert current.days_housed() == 14
    assert program.client.placements.days_housed() == 74
    assert program.client.placements.days_housed(as_of=date(2024, 2, 1)) == 31
    row = with_housing_stability(Client.objects.filter(pk=program.client.pk)).get()
    assert row.days_housed == 74
    assert row.housing_status == HousingStatus.HOUSED
    assert row.housed_since == date(2025, 3, 1)
    assert row.placements_moved_in == 2


def test_housing_status_of_each_state(program, clock):
    none, searching, housed_client, left = (make_client(n) for n in ["N", "S", "H", "L"])
    PlacementFactory(client=searching)
    housed(housed_client, date(2025, 1, 1))
    housed(left, date(2024, 1, 1), exit_date=date(2024, 5, 1))
    rows = {c.first_name: c for c in with_housing_stability(cohort())}
    assert rows["N"].housing_status == HousingStatus.NO_PLACEMENT and rows["N"].days_housed == 0
    assert rows["S"].housing_status == HousingStatus.SEARCHING and rows["S"].days_housed == 0
    assert rows["H"].housing_status == HousingStatus.HOUSED and rows["H"].days_housed == 73
    assert rows["L"].housing_status == HousingStatus.LEFT_HOUSING and rows["L"].days_housed == 121
    for client in (none, searching, housed_client, left):
        assert (
            housing_status(list(client.placements.all())) == rows[client.first_name].housing_status
        )


def test_placement_state_follows_the_dates(program):
    placement = Placement(client=program.client)
    assert placement.state == Placement.State.SEARCHING
    placement.move_in_date = date(2025, 1, 1)
    assert placement.state == Placement.State.HOUSED
    placement.exit_date = date(2025, 2, 1)
    assert placement.state == Placement.State.EXITED


def test_retention_at_6_and_12_months(clock):
    # Today is 2025-03-15: 6 months back is 2024-09-15, 12 months back 2024-03-15.
    stayed = make_client("stayed")
    housed(stayed, date(2024, 1, 10))  # housed throughout: retained at 6 and 12
    left_early = make_client("left_early")
    housed(left_early, date(2024, 1, 10), exit_date=date(2024, 5, 1))  # left before 6 months
    left_between = make_client("left_between")
    housed(left_between, date(2024, 1, 10), exit_date=date(2024, 10, 1))  # retained at 6 only
    rehoused = make_client("rehoused")
    housed(rehoused, date(2024, 2, 1), exit_date=date(2024, 4, 1))  # left at 2 months...
    housed(rehoused, date(2024, 6, 1))  # ...rehoused before the 6-month mark: housed at both
    gap = make_client("gap")
    housed(gap, date(2024, 1, 5), exit_date=date(2024, 3, 5))  # left at 2 months,
    housed(gap, date(2024, 8, 1))  # rehoused after the 6-month mark (07-05): retained at 12 only
    recent = make_client("recent")
    housed(recent, date(2024, 12, 1))  # not 6 months yet: in no cohort
    make_client("searching").placements.create(search_started_on=date(2024, 1, 1))
    make_client("no_placement")

    flags = {
        c.first_name: (c.housed_at_6_months, c.housed_at_12_months)
        for c in with_retention(cohort())
    }
    assert flags == {
        "stayed": (True, True),
        "left_early": (False, False),
        "left_between": (True, False),
        "rehoused": (True, True),
        "gap": (False, True),
        "recent": (None, None),
        "searching": (None, None),
        "no_placement": (None, None),
    }

    result = retention(cohort())
    assert (result[6].cohort, result[6].retained) == (5, 3)
    assert (result[12].cohort, result[12].retained) == (5, 3)
    assert result[6].rate == pytest.approx(0.6)


def test_retention_cohort_depends_on_the_date(clock):
    client = make_client("one")
    housed(client, date(2024, 9, 15))
    assert retention(cohort())[6].cohort == 1  # exactly six months ago today
    assert retention(cohort(), as_of=date(2025, 3, 14))[6].cohort == 0
    exit_on_mark = make_client("two")
    housed(exit_on_mark, date(2024, 9, 1), exit_date=date(2025, 3, 1))
    flags = {c.first_name: c.housed_at_6_months for c in with_retention(cohort())}
    assert flags["two"] is False  # left on the six-month day: not housed then


def test_retention_of_nobody_has_no_rate(db):
    result = retention(Client.objects.none(), months=(6,))
    assert result[6].cohort == 0 and result[6].rate is None


def test_retention_is_one_query(clock, django_assert_num_queries):
    for n in range(5):
        housed(make_client(f"c{n}"), date(2024, 1, n + 1))
    with django_assert_num_queries(1):
        retention(cohort())


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2024, 1, 15), 6, date(2024, 7, 15)),
        (date(2024, 8, 31), 6, date(2025, 2, 28)),  # no Feb 31: the month's last day
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2024, 3, 31), 12, date(2025, 3, 31)),
        (date(2024, 12, 31), 2, date(2025, 2, 28)),
    ],
)
def test_add_months_in_sql(program, start, months, expected):
    PlacementFactory(client=program.client, move_in_date=start, lease_start=None)
    value = Placement.objects.annotate(mark=AddMonths(F("move_in_date"), months)).get().mark
    assert value == expected


def test_add_days_and_days_between_in_sql(program):
    PlacementFactory(client=program.client, move_in_date=date(2024, 2, 27), lease_start=None)
    row = Placement.objects.annotate(
        later=AddDays(F("move_in_date"), 3),
        earlier=AddDays(F("move_in_date"), -30),
        span=DaysBetween(AddDays(F("move_in_date"), 400), F("move_in_date")),
    ).get()
    assert (row.later, row.earlier, row.span) == (date(2024, 3, 1), date(2024, 1, 28), 400)

"""The visit rule on fixed dates, for one client (Python) and in batch (SQL): the same answers."""

from datetime import date, timedelta

import pytest

from clients.models import Client
from placements.models import Contact
from placements.visits import VisitRhythm, next_visit_due, with_visit_schedule

from .factories import PlacementFactory, housed, visit
from .visit_oracle import next_visit_due_for

pytestmark = pytest.mark.django_db

MOVE_IN = date(2025, 1, 1)
RHYTHM = VisitRhythm(weekly_weeks=4, monthly_days=30)


@pytest.mark.parametrize(
    "last_visit_on, expected",
    [
        (None, date(2025, 1, 8)),  # no visit yet: a week after move-in
        (date(2025, 1, 3), date(2025, 1, 10)),  # weekly in the first four weeks
        (date(2025, 1, 22), date(2025, 1, 29)),  # day 21: still weekly
        (date(2025, 1, 29), date(2025, 2, 28)),  # day 28: monthly from here on
        (date(2025, 3, 10), date(2025, 4, 9)),
        (date(2024, 12, 20), date(2025, 1, 8)),  # a visit before move-in does not count
    ],
)
def test_next_visit_due_follows_the_rhythm(last_visit_on, expected):
    assert (
        next_visit_due(move_in_date=MOVE_IN, last_visit_on=last_visit_on, rhythm=RHYTHM) == expected
    )


def test_rhythm_comes_from_settings(settings):
    settings.VISIT_SCHEDULE_WEEKLY_WEEKS = 2
    settings.VISIT_SCHEDULE_MONTHLY_DAYS = 14
    settings.VISIT_SCHEDULE_CONTACT_KINDS = ["home_visit"]
    rhythm = VisitRhythm.from_settings()
    assert rhythm == VisitRhythm(weekly_weeks=2, monthly_days=14, contact_kinds=("home_visit",))
    assert next_visit_due(move_in_date=MOVE_IN, last_visit_on=date(2025, 1, 15)) == date(
        2025, 1, 29
    )


def test_next_visit_due_for_uses_counted_contacts_since_move_in(program, clock):
    placement = housed(program.client, MOVE_IN)
    by = program.case_manager
    contacts = [
        visit(program.client, date(2025, 1, 5), by=by),
        visit(program.client, date(2025, 1, 12), by=by, kind=Contact.Kind.PHONE_CALL),
        # Not reached: does not count.
        visit(program.client, date(2025, 1, 20), by=by, kind=Contact.Kind.OUTREACH_ATTEMPT),
    ]
    assert next_visit_due_for(placement, contacts, rhythm=RHYTHM) == date(2025, 1, 19)
    home_only = VisitRhythm(contact_kinds=("home_visit",))
    assert next_visit_due_for(placement, contacts, rhythm=home_only) == date(2025, 1, 12)


def test_no_visit_due_while_searching_or_after_exit(program, clock):
    searching = PlacementFactory(client=program.client)
    assert next_visit_due_for(searching, []) is None
    assert next_visit_due_for(None, []) is None
    exited = housed(program.teammate_client, MOVE_IN, exit_date=date(2025, 2, 1))
    assert next_visit_due_for(exited, []) is None


def schedule(client):
    return with_visit_schedule(Client.objects.filter(pk=client.pk), rhythm=RHYTHM).get()


def test_batch_schedule_matches_the_rule(program, clock):
    by = program.case_manager
    # Rosa: housed, visited weekly then monthly.
    housed(program.client, MOVE_IN)
    for day in [date(2025, 1, 7), date(2025, 1, 29), date(2025, 2, 20)]:
        visit(program.client, day, by=by)
    # A late-evening visit: the local date counts, not the UTC one.
    visit(program.client, date(2025, 2, 21), by=by, hour=23)
    rosa = schedule(program.client)
    assert rosa.housed_since == MOVE_IN
    assert rosa.last_visit_on == date(2025, 2, 21)
    assert rosa.next_visit_due == date(2025, 3, 23)

    # Tom: housed, nothing since move-in yet.
    housed(program.teammate_client, date(2025, 3, 10))
    tom = schedule(program.teammate_client)
    assert tom.last_visit_on is None
    assert tom.next_visit_due == date(2025, 3, 17)

    # Olga: still searching.
    PlacementFactory(client=program.other_client)
    olga = schedule(program.other_client)
    assert olga.housed_since is None and olga.next_visit_due is None


def test_batch_schedule_for_a_rehoused_client_starts_at_the_new_move_in(program, clock):
    by = program.case_manager
    housed(program.client, date(2024, 6, 1), exit_date=date(2024, 11, 30))
    visit(program.client, date(2024, 11, 20), by=by)
    housed(program.client, date(2025, 2, 1))
    client = schedule(program.client)
    assert client.housed_since == date(2025, 2, 1)
    assert client.last_visit_on is None  # the old tenancy's visits do not count
    assert client.next_visit_due == date(2025, 2, 8)
    visit(program.client, date(2025, 3, 3), by=by)
    assert schedule(program.client).next_visit_due == date(2025, 4, 2)


def test_batch_and_single_agree_on_many_histories(program, clock, today):
    """Same answers from SQL and from Python, on a spread of move-ins and visit patterns."""
    by = program.case_manager
    clients = []
    for offset in range(0, 120, 9):
        client = Client.objects.create(first_name=f"C{offset}", last_name="Spread")
        move_in = today - timedelta(days=offset)
        placement = housed(client, move_in)
        for day in range(0, offset, 11 + offset % 5):
            visit(client, move_in + timedelta(days=day), by=by)
        clients.append((client, placement))
    rows = {
        c.pk: c
        for c in with_visit_schedule(Client.objects.filter(last_name="Spread"), rhythm=RHYTHM)
    }
    for client, placement in clients:
        expected = next_visit_due_for(placement, client.contacts.all(), rhythm=RHYTHM)
        assert rows[client.pk].next_visit_due == expected, client.first_name


def test_batch_schedule_is_one_query_and_filters_overdue(
    program, clock, today, django_assert_num_queries
):
    by = program.case_manager
    housed(program.client, date(2025, 1, 1))
    visit(program.client, date(2025, 2, 1), by=by)  # due 2025-03-03: overdue
    housed(program.teammate_client, date(2025, 1, 1))
    visit(program.teammate_client, date(2025, 3, 1), by=by)  # due 2025-03-31
    with django_assert_num_queries(1):
        overdue = list(
            with_visit_schedule(Client.objects.all(), rhythm=RHYTHM).filter(
                next_visit_due__lt=today
            )
        )
    assert overdue == [program.client]


def test_last_contact_at_ignores_outreach_attempts(program, clock):
    by = program.case_manager
    call = visit(program.client, date(2025, 3, 1), by=by, kind=Contact.Kind.PHONE_CALL)
    visit(program.client, date(2025, 3, 5), by=by, kind=Contact.Kind.OUTREACH_ATTEMPT)
    assert schedule(program.client).last_contact_at == call.occurred_at

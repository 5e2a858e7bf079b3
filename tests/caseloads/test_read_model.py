"""The housing read model (placements.HousingState) equals a from-scratch computation after
each kind of event, and the figures the pages read from it equal the ones worked out in Python
from each client's own placements and contacts."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseloads.selectors import with_review_figures
from clients import services as client_services
from clients.models import Client
from placements import services as placement_services
from placements import state
from placements.models import Contact, HousingState, Placement
from placements.selectors import housing_status
from placements.visits import VisitRhythm, next_visit_due
from referrals.models import Referral
from reminders import services as reminder_services
from reminders.models import Kind, Reminder
from tests.placements.factories import housed
from tests.referrals.factories import referral_at

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def figures_in_python(client: Client, today: date) -> dict:
    """What the caseload table should say about a client, from their records alone."""
    placements = list(Placement.objects.filter(client=client))
    contacts = list(Contact.objects.filter(client=client))
    current = next((p for p in placements if p.is_open and p.move_in_date), None)
    reached = [c.occurred_at for c in contacts if c.kind != Contact.Kind.OUTREACH_ATTEMPT]
    due = None
    if current is not None:
        rhythm = VisitRhythm.from_settings()
        visits = [
            timezone.localdate(c.occurred_at)
            for c in contacts
            if rhythm.counts(c) and timezone.localdate(c.occurred_at) >= current.move_in_date
        ]
        due = next_visit_due(
            move_in_date=current.move_in_date,
            last_visit_on=max(visits) if visits else None,
            rhythm=rhythm,
        )
    return {
        "housing_status": housing_status(placements),
        "housed_since": current.move_in_date if current else None,
        "days_housed": Placement.objects.filter(client=client).days_housed(today),
        "last_contact_at": max(reached) if reached else None,
        "next_visit_due": due,
    }


def assert_read_model_true(*clients, viewer=None):
    ids = list(Client.objects.values_list("pk", flat=True))
    stored = state.stored_values(ids)
    assert {pk: stored.get(pk, state.EMPTY) for pk in ids} == state.computed_values(ids)
    today = timezone.localdate()
    viewer = viewer or clients[0].team.supervisors.first()
    rows = with_review_figures(Client.objects.filter(pk__in=[c.pk for c in clients]), viewer)
    assert len(rows) == len(clients)
    for row in rows:
        expected = figures_in_python(row, today)
        assert {name: getattr(row, name) for name in expected} == expected, row


@pytest.fixture
def story(program, clock):
    """Rosa searching for housing, with a teammate's client housed long ago."""
    today = timezone.localdate()
    by = program.case_manager
    search = placement_services.placement_create(
        placement=Placement(
            client=program.client, search_started_on=today - timedelta(days=60), address="Elm"
        ),
        by=by,
    )
    housed(program.teammate_client, today - timedelta(days=200))
    return search


def test_a_client_without_records_has_the_empty_state(program, clock):
    assert not HousingState.objects.filter(client=program.other_client).exists()
    assert_read_model_true(program.other_client)
    row = with_review_figures(
        Client.objects.filter(pk=program.other_client.pk), program.admin
    ).get()
    assert (row.housing_status, row.days_housed, row.next_visit_due) == ("none", 0, None)


def test_move_in_exit_and_rehousing(program, story):
    today = timezone.localdate()
    by = program.case_manager
    assert_read_model_true(program.client, program.teammate_client)
    assert HousingState.objects.get(client=program.client).status == "searching"

    moved = placement_services.placement_record_move_in(
        placement=story, move_in_date=today - timedelta(days=40), by=by
    )
    assert_read_model_true(program.client)
    assert HousingState.objects.get(client=program.client).housed_since == moved.move_in_date

    placement_services.placement_record_exit(
        placement=moved,
        exit_date=today - timedelta(days=10),
        exit_reason=Placement.ExitReason.LEASE_ENDED,
        exit_destination=410,
        by=by,
    )
    assert_read_model_true(program.client)
    left = HousingState.objects.get(client=program.client)
    assert (left.status, left.housed_since, left.days_housed_closed) == ("exited", None, 30)

    again = placement_services.placement_create(
        placement=Placement(
            client=program.client, search_started_on=today - timedelta(days=5), address="Oak"
        ),
        by=by,
    )
    placement_services.placement_record_move_in(placement=again, move_in_date=today, by=by)
    assert_read_model_true(program.client)
    rehoused = HousingState.objects.get(client=program.client)
    assert (rehoused.status, rehoused.placements_moved_in) == ("housed", 2)


def test_contacts_logged_and_corrected(program, story):
    today = timezone.localdate()
    by = program.case_manager
    placement_services.placement_record_move_in(
        placement=story, move_in_date=today - timedelta(days=40), by=by
    )
    visit = placement_services.contact_log(
        client=program.client,
        made_by=by,
        kind=Contact.Kind.HOME_VISIT,
        occurred_at=at(today - timedelta(days=3)),
    )
    assert_read_model_true(program.client)
    assert HousingState.objects.get(client=program.client).last_visit_on == today - timedelta(
        days=3
    )
    # Not reached: neither a contact nor a visit.
    placement_services.contact_log(
        client=program.client, made_by=by, kind=Contact.Kind.OUTREACH_ATTEMPT
    )
    assert_read_model_true(program.client)

    visit.occurred_at = at(today - timedelta(days=8))
    placement_services.contact_update(contact=visit, edited_by=by)
    assert_read_model_true(program.client)
    assert HousingState.objects.get(client=program.client).last_contact_at == at(
        today - timedelta(days=8)
    )


def test_steps_that_do_not_touch_housing_leave_it_true(program, story):
    by = program.case_manager
    referral = referral_at(
        Referral.Status.OFFERED, client=program.client, by=by, follow_up_on=timezone.localdate()
    )
    assert_read_model_true(program.client)
    reminder_services.reminders_generate(client_ids=[program.client.pk])
    reminder = Reminder.objects.filter(client=program.client).pending().first()
    reminder_services.reminder_mark_done(reminder=reminder, by=by)
    assert referral.status == Referral.Status.OFFERED
    client_services.clients_reassign(
        clients=[program.client],
        case_manager=program.teammate,
        reassigned_by=program.supervisor,
        reason="Caseloads balanced",
    )
    today = timezone.localdate()
    client_services.cover_arrange(
        team=program.team,
        case_manager=program.teammate,
        covering=program.case_manager,
        starts_on=today,
        ends_on=today + timedelta(days=7),
        reason="Leave",
        arranged_by=program.supervisor,
    )
    assert_read_model_true(program.client, program.teammate_client)


def test_a_snooze_moves_the_stored_day_to_act_on(program, clock):
    today = timezone.localdate()
    placement = housed(program.client, today - timedelta(days=90))
    reminder = Reminder.objects.create(
        client=program.client,
        kind=Kind.VISIT_DUE,
        placement=placement,
        assigned_to=program.case_manager,
        due_on=today - timedelta(days=2),
    )
    assert Reminder.objects.due(today).filter(pk=reminder.pk).exists()
    reminder_services.reminder_snooze(
        reminder=reminder, until=today + timedelta(days=3), by=program.case_manager
    )
    snoozed = Reminder.objects.get(pk=reminder.pk)
    assert snoozed.acts_on == today + timedelta(days=3)
    assert not Reminder.objects.due(today).filter(pk=reminder.pk).exists()


def test_two_events_in_one_transaction(program, story):
    today = timezone.localdate()
    by = program.case_manager
    with transaction.atomic():
        moved = placement_services.placement_record_move_in(
            placement=story, move_in_date=today - timedelta(days=20), by=by
        )
        placement_services.contact_log(
            client=program.client,
            made_by=by,
            kind=Contact.Kind.PHONE_CALL,
            occurred_at=at(today - timedelta(days=1)),
        )
        assert_read_model_true(program.client)
    assert_read_model_true(program.client)
    assert HousingState.objects.get(client=program.client).current_placement_id == moved.pk


def test_a_rolled_back_event_leaves_no_trace(program, story):
    today = timezone.localdate()
    before = state.stored_values([program.client.pk])

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        placement_services.placement_record_move_in(
            placement=story, move_in_date=today - timedelta(days=20), by=program.case_manager
        )
        raise Refused
    assert state.stored_values([program.client.pk]) == before
    assert_read_model_true(program.client)


def test_records_moved_by_a_link_change_both_clients(program, story):
    by = program.case_manager
    placement_services.contact_log(client=program.client, made_by=by, kind=Contact.Kind.HOME_VISIT)
    client_services.client_link(
        primary=program.other_client, linked=program.client, by=program.admin, reason="Same"
    )
    assert_read_model_true(program.client, program.other_client, viewer=program.admin)
    assert HousingState.objects.get(client=program.other_client).status == "searching"
    assert state.stored_values([program.client.pk])[program.client.pk] == state.EMPTY


def test_deleting_a_contact_or_a_client(program, story):
    contact = placement_services.contact_log(
        client=program.client, made_by=program.case_manager, kind=Contact.Kind.HOME_VISIT
    )
    contact.delete()
    assert_read_model_true(program.client)
    program.client.delete()
    assert not HousingState.objects.filter(client_id=story.client_id).exists()


def test_days_housed_before_a_later_dated_exit(program, clock):
    """A day asked about before a recorded move-in or exit reads the placements themselves."""
    today = timezone.localdate()
    housed(program.client, today - timedelta(days=100), exit_date=today - timedelta(days=20))
    earlier = today - timedelta(days=50)
    row = with_review_figures(
        Client.objects.filter(pk=program.client.pk), program.admin, today=earlier
    )
    assert row.get().days_housed == 50
    assert Placement.objects.filter(client=program.client).days_housed(earlier) == 50


def test_the_sweep_corrects_and_reports_a_row_that_drifted(program, story):
    contact = placement_services.contact_log(
        client=program.client, made_by=program.case_manager, kind=Contact.Kind.HOME_VISIT
    )
    # A write that bypasses the model's saves (as a raw SQL fix would).
    Contact.objects.filter(pk=contact.pk).update(occurred_at=at(date(2025, 1, 2)))
    report = reminder_services.reminders_generate()
    assert report.states_corrected == [program.client.pk]
    assert_read_model_true(program.client)
    assert reminder_services.reminders_generate().states_corrected == []


def test_many_writes_refresh_each_client_once(program, story):
    by = program.case_manager
    with CaptureQueriesContext(connection) as queries, state.refreshed_at_end():
        for hour in range(8, 14):
            Contact.objects.create(
                client=program.client,
                made_by=by,
                kind=Contact.Kind.HOME_VISIT,
                occurred_at=at(timezone.localdate() - timedelta(days=1), hour),
            )
        # Nothing written yet: the rows wait for the end of the block.
        assert state.stored_values([program.client.pk]) != state.computed_values(
            [program.client.pk]
        )
    writes = [q for q in queries if q["sql"].startswith('INSERT INTO "placements_housingstate"')]
    assert len(writes) == 1
    assert_read_model_true(program.client)


def test_rules_inside_a_deferred_block_read_fresh_rows(program, story):
    """The demo seed runs the sweep inside its block: waiting rows are written first."""
    with state.refreshed_at_end():
        placement_services.placement_record_move_in(
            placement=story, move_in_date=timezone.localdate(), by=program.case_manager
        )
        report = reminder_services.reminders_generate()
        assert report.states_corrected == []
        assert_read_model_true(program.client)

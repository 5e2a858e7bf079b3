"""Each rule on a frozen clock (TODAY = 2025-03-15): the right reminders, none for exited
clients, none twice, closed when the cause is resolved, moved on reassignment."""

import pytest

from clients.models import Client
from clients.services import client_assign
from housingfirst.audit import acting_as
from placements import services as placement_services
from placements.destinations import Destination
from placements.models import Contact, Placement
from referrals import services as referral_services
from referrals.models import Referral
from reminders import rules, services
from reminders.models import Kind, Reminder
from tests.placements.factories import PlacementFactory, housed, visit
from tests.referrals.factories import ProviderFactory, consent_for, referral_at

from .conftest import TODAY, days
from .factories import (
    EVERYTHING_KINDS,
    client_with_everything,
    expiring_consent_in_use,
    housed_with_old_visit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
Status = Referral.Status


def generate(**kwargs):
    with acting_as(services.GENERATION_JOB):
        return services.reminders_generate(**kwargs)


def pending(client, kind=None):
    reminders = Reminder.objects.pending().filter(client=client)
    if kind:
        reminders = reminders.filter(kind=kind)
    return list(reminders.order_by("due_on", "pk"))


def wanted(client, rule):
    return rule(Client.objects.filter(pk=client.pk), today=TODAY, thresholds=rules.Thresholds())


# Referral follow-up ---------------------------------------------------------------------


def test_referral_follow_up_is_due_on_its_follow_up_date(program):
    cm, client = program.case_manager, program.client
    overdue = referral_at(Status.ACCEPTED, client=client, by=cm, follow_up_on=days(-2))
    soon = referral_at(Status.OFFERED, client=client, by=cm, follow_up_on=days(5))
    referral_at(Status.ACCEPTED, client=client, by=cm, follow_up_on=days(30))  # not yet
    referral_at(Status.DECLINED, client=client, by=cm, follow_up_on=days(-5))  # final
    referral_at(Status.COMPLETED, client=client, by=cm, follow_up_on=days(-5))  # final
    referral_at(Status.ACCEPTED, client=client, by=cm)  # no follow-up date

    report = generate()

    reminders = pending(client, Kind.REFERRAL_FOLLOW_UP)
    assert [(r.referral_id, r.due_on) for r in reminders] == [
        (overdue.pk, days(-2)),
        (soon.pk, days(5)),  # upcoming: within the next week
    ]
    assert all(r.assigned_to == cm and r.state == Reminder.State.OPEN for r in reminders)
    assert report.created == 2


def test_referral_follow_up_closes_when_the_referral_moves_on(program):
    cm, client = program.case_manager, program.client
    referral = referral_at(Status.ACCEPTED, client=client, by=cm, follow_up_on=days(-2))
    consent_for(client, referral.provider, by=cm)
    generate()
    (reminder,) = pending(client, Kind.REFERRAL_FOLLOW_UP)

    referral_services.referral_move(referral=referral, to=Status.SENT, by=cm)

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.RESOLVED
    assert reminder.closed_by == cm and reminder.closed_at is not None
    last = reminder.history.first()
    assert last.history_change_reason == "Resolved: referral moved to “Sent to provider”"
    # The follow-up date is unchanged, but it was acted on: the sweep does not bring it back.
    assert generate().created == 0
    assert not pending(client, Kind.REFERRAL_FOLLOW_UP)


def test_a_new_follow_up_date_makes_a_new_reminder(
    program, eager_tasks, django_capture_on_commit_callbacks
):
    cm, client = program.case_manager, program.client
    with django_capture_on_commit_callbacks(execute=True):
        referral = referral_at(Status.OFFERED, client=client, by=cm, follow_up_on=days(-1))
    (first,) = pending(client, Kind.REFERRAL_FOLLOW_UP)
    assert first.due_on == days(-1)  # made in the background after the offer
    with django_capture_on_commit_callbacks(execute=True):
        referral_services.referral_record_decision(
            referral=referral, accepted=True, by=cm, follow_up_on=days(3)
        )
    (reminder,) = pending(client, Kind.REFERRAL_FOLLOW_UP)
    assert reminder.due_on == days(3)
    assert Reminder.objects.filter(state=Reminder.State.RESOLVED, due_on=days(-1)).exists()


# Home visit due -------------------------------------------------------------------------


def test_visit_due_follows_the_visit_schedule(program):
    cm = program.case_manager
    late = program.client
    housed_with_old_visit(late, by=cm)  # monthly rhythm, last visit 40 days ago
    recent = program.teammate_client  # visited yesterday: next visit in 29 days
    housed(recent, days(-100))
    visit(recent, days(-1), by=program.teammate)
    new_tenant = Client.objects.create(
        first_name="Nia", last_name="New", case_manager=cm, team=program.team
    )
    PlacementFactory(client=new_tenant, search_started_on=days(-20))  # still searching
    moved_in = Client.objects.create(
        first_name="Moe", last_name="Vedin", case_manager=cm, team=program.team
    )
    placement = housed(moved_in, days(-3))  # weekly at first: a visit due in 4 days

    generate()

    (reminder,) = pending(late, Kind.VISIT_DUE)
    assert reminder.due_on == days(-10)
    assert reminder.placement == late.placements.get()
    assert not pending(recent, Kind.VISIT_DUE)
    assert not pending(new_tenant)
    (upcoming,) = pending(moved_in, Kind.VISIT_DUE)
    assert (upcoming.due_on, upcoming.placement) == (days(4), placement)


def test_logging_a_visit_closes_the_visit_reminder_at_once(program):
    cm = program.case_manager
    housed_with_old_visit(program.client, by=cm)
    generate()
    (reminder,) = pending(program.client, Kind.VISIT_DUE)

    # An outreach attempt (client not reached) is not a visit.
    placement_services.contact_log(
        client=program.client, made_by=cm, kind=Contact.Kind.OUTREACH_ATTEMPT
    )
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.OPEN

    placement_services.contact_log(client=program.client, made_by=cm, kind=Contact.Kind.HOME_VISIT)
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.RESOLVED
    assert reminder.closed_by == cm
    assert reminder.history.first().history_change_reason == "Resolved: Home visit logged"


def test_a_visit_in_the_first_weeks_makes_the_next_reminder_in_the_background(
    program, eager_tasks, django_capture_on_commit_callbacks
):
    cm = program.case_manager
    housed(program.client, days(-10))  # first visit was due 3 days ago
    generate()
    (first,) = pending(program.client, Kind.VISIT_DUE)
    assert first.due_on == days(-3)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        placement_services.contact_log(
            client=program.client, made_by=cm, kind=Contact.Kind.HOME_VISIT
        )

    assert len(callbacks) == 1  # one refresh of this client, enqueued after commit
    first.refresh_from_db()
    assert first.state == Reminder.State.RESOLVED
    (second,) = pending(program.client, Kind.VISIT_DUE)
    assert second.due_on == days(7)  # weekly: upcoming
    assert second.history.first().history_actor == "job:refresh_client_reminders"


# Lease ending ---------------------------------------------------------------------------


def test_lease_ending_is_due_sixty_days_before_the_lease_ends(program):
    cm = program.case_manager
    ends_soon = housed(program.client, days(-300), lease_end=days(50))
    housed(program.teammate_client, days(-300), lease_end=days(100))
    visit(program.teammate_client, days(-1), by=cm)
    no_lease_end = Client.objects.create(first_name="N", last_name="L", case_manager=cm)
    housed(no_lease_end, days(-30), lease_end=None)

    generate()

    (reminder,) = pending(program.client, Kind.LEASE_ENDING)
    assert (reminder.due_on, reminder.placement) == (days(-10), ends_soon)
    assert not pending(program.teammate_client, Kind.LEASE_ENDING)
    assert not pending(no_lease_end, Kind.LEASE_ENDING)
    assert wanted(no_lease_end, rules.lease_ending) == []


def test_lease_ending_threshold_is_a_setting(program, settings):
    settings.REMINDER_LEASE_ENDING_DAYS = 120
    housed(program.client, days(-300), lease_end=days(100))
    generate()
    (reminder,) = pending(program.client, Kind.LEASE_ENDING)
    assert reminder.due_on == days(-20)


def test_renewing_the_lease_closes_the_reminder(program):
    placement = housed(program.client, days(-300), lease_end=days(50))
    generate()
    (reminder,) = pending(program.client, Kind.LEASE_ENDING)

    placement.lease_end = days(50 + 365)
    placement_services.placement_update(placement=placement)

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.RESOLVED
    assert reminder.history.first().history_change_reason == "Resolved: Placement details edited"
    assert generate().created == 0


def test_exiting_the_placement_closes_its_reminders(program):
    cm = program.case_manager
    placement = housed_with_old_visit(program.client, by=cm)
    placement.lease_end = days(20)
    placement.save()
    generate()
    kinds = {r.kind for r in pending(program.client)}
    assert kinds == {Kind.VISIT_DUE, Kind.LEASE_ENDING}  # the visit stands for "no contact"

    placement_services.placement_record_exit(
        placement=Placement.objects.get(pk=placement.pk),
        exit_date=TODAY,
        exit_reason=Placement.ExitReason.LEFT_THE_UNIT,
        exit_destination=Destination.FAMILY_TEMPORARY,
    )

    assert pending(program.client) == []
    assert generate().created == 0  # no reminder about an exited placement


# Consent expiring -----------------------------------------------------------------------


def test_consent_expiring_when_an_open_referral_depends_on_it(program):
    cm, client = program.case_manager, program.client
    consent, _ = expiring_consent_in_use(client, by=cm)
    # Not needed by an open referral: no reminder.
    unused = ProviderFactory()
    consent_for(client, unused, by=cm, signed_on=days(-300), expires_on=days(10))
    finished = ProviderFactory()
    consent_for(client, finished, by=cm, signed_on=days(-300), expires_on=days(10))
    referral_at(Status.COMPLETED, client=client, by=cm, provider=finished)
    # Expiring later than 30 days (and a week) from now: not yet.
    later_provider = ProviderFactory()
    consent_for(client, later_provider, by=cm, signed_on=days(-300), expires_on=days(60))
    referral_at(Status.SENT, client=client, by=cm, provider=later_provider)

    generate()

    (reminder,) = pending(client, Kind.CONSENT_EXPIRING)
    assert (reminder.consent, reminder.due_on) == (consent, days(-10))


def test_renewing_the_consent_closes_the_reminder(program):
    cm, client = program.case_manager, program.client
    consent, _ = expiring_consent_in_use(client, by=cm)
    generate()
    (reminder,) = pending(client, Kind.CONSENT_EXPIRING)

    consent_for(client, consent.provider, by=cm, signed_on=TODAY, expires_on=days(365))

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.RESOLVED
    assert reminder.closed_by == cm
    assert generate().created == 0  # the old release was renewed: no reminder about it


def test_revoking_the_consent_closes_the_reminder(program):
    cm, client = program.case_manager, program.client
    consent, _ = expiring_consent_in_use(client, by=cm)
    generate()
    (reminder,) = pending(client, Kind.CONSENT_EXPIRING)

    referral_services.consent_revoke(consent=consent, revoked_on=TODAY, revoked_by=cm)

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.RESOLVED
    assert reminder.history.first().history_change_reason == "Resolved: release revoked"


# No contact -----------------------------------------------------------------------------


@pytest.fixture
def visits_every_90_days(settings):
    """A program that visits every 90 days: "no contact" (30 days) comes first, on its own."""
    settings.VISIT_SCHEDULE_MONTHLY_DAYS = 90


def test_no_contact_rule_counts_from_the_last_time_the_client_was_reached(program):
    cm = program.case_manager
    housed(program.client, days(-200))
    visit(program.client, days(-40), by=cm, kind=Contact.Kind.PHONE_CALL)
    visit(program.client, days(-3), by=cm, kind=Contact.Kind.OUTREACH_ATTEMPT)  # not reached
    (due,) = wanted(program.client, rules.no_contact)
    assert (due.kind, due.due_on) == (Kind.NO_CONTACT, days(-10))


@pytest.mark.usefixtures("visits_every_90_days")
def test_no_contact_counts_from_the_last_time_the_client_was_reached(program):
    cm = program.case_manager
    quiet = program.client
    housed(quiet, days(-200))
    visit(quiet, days(-40), by=cm, kind=Contact.Kind.PHONE_CALL)
    visit(quiet, days(-3), by=cm, kind=Contact.Kind.OUTREACH_ATTEMPT)  # not reached
    reached = program.teammate_client
    housed(reached, days(-200))
    visit(reached, days(-10), by=cm, kind=Contact.Kind.OFFICE_VISIT)
    new_tenant = Client.objects.create(first_name="N", last_name="T", case_manager=cm)
    visit(new_tenant, days(-90), by=cm)  # reached long ago, but moved in five days ago
    housed(new_tenant, days(-5))

    generate()

    (reminder,) = pending(quiet, Kind.NO_CONTACT)
    assert (reminder.due_on, reminder.placement) == (days(-10), quiet.placements.get())
    assert not pending(reached, Kind.NO_CONTACT)
    assert not pending(new_tenant, Kind.NO_CONTACT)


@pytest.mark.usefixtures("visits_every_90_days")
def test_reaching_the_client_closes_the_no_contact_reminder(program):
    cm = program.case_manager
    housed_with_old_visit(program.client, by=cm)
    generate()
    (reminder,) = pending(program.client, Kind.NO_CONTACT)

    placement_services.contact_log(client=program.client, made_by=cm, kind=Contact.Kind.PHONE_CALL)

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.RESOLVED


# One lapse, one reminder ----------------------------------------------------------------


def test_one_lapse_makes_one_reminder_the_home_visit(program):
    """Not seen for 40 days: a home visit and "no contact" are both due 10 days ago; the
    visit is kept (logging it resolves both causes)."""
    housed_with_old_visit(program.client, by=program.case_manager)
    assert {due.kind for due in wanted(program.client, rules.no_contact)} == {Kind.NO_CONTACT}
    generate()
    (reminder,) = pending(program.client)
    assert (reminder.kind, reminder.due_on) == (Kind.VISIT_DUE, days(-10))
    assert generate().created == 0


@pytest.mark.usefixtures("visits_every_90_days")
def test_one_lapse_keeps_no_contact_when_it_is_due_first(program):
    housed_with_old_visit(
        program.client, by=program.case_manager, move_in=days(-200), last_visit=days(-85)
    )
    assert [due.due_on for due in wanted(program.client, rules.visit_due)] == [days(5)]
    generate()
    # "No contact" was due 55 days ago, before the visit (due in 5 days): it is the one.
    (reminder,) = pending(program.client)
    assert (reminder.kind, reminder.due_on) == (Kind.NO_CONTACT, days(-55))


def test_a_no_contact_reminder_made_before_is_resolved_by_the_sweep(program):
    from .factories import reminder_for

    housed_with_old_visit(program.client, by=program.case_manager)
    older = reminder_for(program.client, kind=Kind.NO_CONTACT, due_on=days(-10))
    report = generate()
    older.refresh_from_db()
    assert older.state == Reminder.State.RESOLVED
    assert report.resolved == 1
    assert [r.kind for r in pending(program.client)] == [Kind.VISIT_DUE]


def test_one_reminder_to_get_in_touch_per_client_keeps_the_first_due():
    visit_due = rules.Due(1, Kind.VISIT_DUE, days(-3), 9, placement_id=5)
    no_contact = rules.Due(1, Kind.NO_CONTACT, days(-10), 9, placement_id=5)
    others = rules.Due(2, Kind.NO_CONTACT, days(-10), 9, placement_id=6)
    lease = rules.Due(1, Kind.LEASE_ENDING, days(1), 9, placement_id=5)
    kept = rules.one_reminder_to_get_in_touch([visit_due, no_contact, others, lease])
    assert kept == [no_contact, others, lease]
    same_day = rules.Due(1, Kind.VISIT_DUE, days(-10), 9, placement_id=5)
    assert rules.one_reminder_to_get_in_touch([no_contact, same_day]) == [same_day]


# Every rule -----------------------------------------------------------------------------


def test_every_rule_makes_its_reminder(program):
    client_with_everything(program.client, by=program.case_manager)
    generate()
    assert sorted(r.kind for r in pending(program.client)) == sorted(EVERYTHING_KINDS)


def test_no_reminders_for_exited_clients_but_the_missing_exit_assessment(program):
    client_with_everything(program.client, by=program.case_manager)
    Client.objects.filter(pk=program.client.pk).update(status=Client.Status.EXITED)

    report = generate()

    # Leaving the program is when the exit assessment is asked for: that one still comes.
    assert report.created == 1
    assert [r.kind for r in Reminder.objects.all()] == [Kind.EXIT_ASSESSMENT_MISSING]
    for kind, rule in rules.RULES.items():
        if kind != Kind.EXIT_ASSESSMENT_MISSING:
            assert wanted(program.client, rule) == []


def test_a_client_leaving_the_program_has_their_reminders_closed_by_the_sweep(program):
    client_with_everything(program.client, by=program.case_manager)
    generate()
    client = Client.objects.get(pk=program.client.pk)
    client.status = Client.Status.EXITED
    client.save()

    report = generate()

    assert report.resolved == len(EVERYTHING_KINDS) - 1
    assert [r.kind for r in pending(program.client)] == [Kind.EXIT_ASSESSMENT_MISSING]
    closed = Reminder.objects.filter(client=program.client, state=Reminder.State.RESOLVED)
    assert {r.closed_by_job for r in closed} == {services.GENERATION_JOB}
    assert {r.closed_by_id for r in closed} == {None}


def test_running_twice_makes_each_reminder_once(program):
    client_with_everything(program.client, by=program.case_manager)
    first = generate()
    history_rows = Reminder.history.count()

    second = generate()

    assert first.created == len(EVERYTHING_KINDS)
    assert (second.created, second.resolved, second.moved) == (0, 0, 0)
    assert Reminder.objects.count() == len(EVERYTHING_KINDS)
    assert Reminder.history.count() == history_rows


def test_reassignment_moves_open_reminders_to_the_new_case_manager(program):
    cm, teammate = program.case_manager, program.teammate
    client_with_everything(program.client, by=cm)
    generate()
    done = pending(program.client)[0]
    services.reminder_mark_done(reminder=done, by=cm)

    client_assign(
        client=program.client,
        case_manager=teammate,
        assigned_by=program.supervisor,
        reason="Balancing caseloads",
    )

    moved = pending(program.client)
    assert len(moved) == len(EVERYTHING_KINDS) - 1
    assert {r.assigned_to for r in moved} == {teammate}
    done.refresh_from_db()
    assert done.assigned_to == cm  # a closed reminder keeps who it was for
    rows = list(moved[0].history.order_by("history_id"))
    assert [row.assigned_to_id for row in rows] == [cm.pk, teammate.pk]
    assert rows[-1].history_change_reason == "Client reassigned: Balancing caseloads"
    # The next sweep agrees: nothing to move, nothing to make.
    report = generate()
    assert (report.created, report.moved) == (0, 0)


def test_the_sweep_moves_reminders_that_missed_a_reassignment(program):
    client_with_everything(program.client, by=program.case_manager)
    generate()
    # As if the client's case manager changed without the reassignment service.
    Client.objects.filter(pk=program.client.pk).update(case_manager=program.teammate)

    report = generate()

    assert report.moved == len(EVERYTHING_KINDS)
    assert {r.assigned_to for r in pending(program.client)} == {program.teammate}

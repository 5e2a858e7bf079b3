"""The daily digest: one per person per day, the right content, no substance-use detail, and
nothing for people with nothing due."""

import threading
import time
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection

from referrals.models import Referral, ServiceType
from reminders import services, tasks
from reminders.models import DigestSent, Kind, Reminder
from tests.factories import client_of
from tests.referrals.factories import consent_for, referral_at, substance_use_provider

from .conftest import TODAY, days
from .factories import reminder_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "eager_tasks")]


@pytest.fixture
def due_for_case_manager(program):
    """Two reminders due for the case manager (one overdue) and one not yet due."""
    overdue = reminder_for(program.client, due_on=days(-3))
    today = reminder_for(program.client, kind=Kind.NO_CONTACT, due_on=days(0))
    reminder_for(program.client, kind=Kind.LEASE_ENDING, due_on=days(4))
    return overdue, today


def test_beat_firing_twice_sends_one_digest_per_person(program, due_for_case_manager, settings):
    reminder_for(program.other_client, due_on=days(-1))

    tasks.send_daily_digests.delay()
    tasks.send_daily_digests.delay()  # a second beat tick, or a second scheduler

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([program.case_manager.email, program.other_case_manager.email])
    assert DigestSent.objects.filter(day=TODAY).count() == 2
    sent = DigestSent.objects.get(user=program.case_manager)
    assert sent.reminder_count == 2


def test_a_digest_already_claimed_by_another_worker_is_not_sent_again(
    program, due_for_case_manager
):
    DigestSent.objects.create(user=program.case_manager, day=TODAY, reminder_count=2)
    assert services.digest_send(user_id=program.case_manager.pk, day=TODAY) is False
    assert mail.outbox == []


def test_the_next_day_brings_a_new_digest(program, due_for_case_manager, clock):
    tasks.send_daily_digests.delay()
    clock.move_to("2025-03-16 07:15-04:00")
    tasks.send_daily_digests.delay()
    assert [m.to for m in mail.outbox] == [[program.case_manager.email]] * 2


def test_the_digest_lists_what_is_due_with_first_name_and_initial_and_links(
    program, due_for_case_manager, settings
):
    settings.SITE_URL = "https://hf.example.org"
    client = program.client  # Rosa Parker

    assert services.digest_send(user_id=program.case_manager.pk, day=TODAY)

    (message,) = mail.outbox
    assert message.subject == "housingfirst: 2 follow-ups due (Mar 15)"
    text = message.body
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    for body in (text, html):
        assert "Rosa P." in body
        assert "Parker" not in body
        assert f"https://hf.example.org/clients/{client.pk}/" in body
        assert "https://hf.example.org/reminders/" in body
        assert "Home visit due" in body and "No contact for a while" in body
        assert "Lease ending" not in body  # not due yet
    assert text.index("Overdue") < text.index("Home visit due") < text.index("Due today")
    assert "Hello " + program.case_manager.first_name in text


def test_the_digest_never_names_a_substance_use_referral_or_its_provider(program):
    cm = program.case_manager
    provider = substance_use_provider(name="Bridgeway Recovery Services")
    consent = consent_for(program.client, provider, by=cm)
    referral = referral_at(
        Referral.Status.ACCEPTED,
        client=program.client,
        by=cm,
        provider=provider,
        service_type=ServiceType.SUBSTANCE_USE,
    )
    reminder_for(program.client, kind=Kind.REFERRAL_FOLLOW_UP, referral=referral)
    reminder_for(program.client, kind=Kind.CONSENT_EXPIRING, consent=consent)

    services.digest_send(user_id=cm.pk, day=TODAY)

    (message,) = mail.outbox
    for body in (message.subject, message.body, message.alternatives[0][0]):
        for word in ("Bridgeway", "Recovery", "ubstance", "treatment", "drug"):
            assert word not in body
    assert "Referral follow-up" in message.body
    assert "Release of information expiring" in message.body


def test_nothing_is_sent_to_people_with_nothing_due(program):
    reminder_for(program.client, due_on=days(2))  # upcoming only
    reminder_for(program.teammate_client, due_on=days(-1), state=Reminder.State.DONE)
    snoozed = reminder_for(
        program.other_client,
        due_on=days(-1),
        state=Reminder.State.SNOOZED,
        snoozed_until=days(1),
    )

    assert tasks.send_daily_digests.delay().get() == 0

    assert mail.outbox == []
    assert not DigestSent.objects.exists()
    assert services.digest_send(user_id=snoozed.assigned_to_id, day=TODAY) is False


def test_people_without_an_e_mail_address_or_inactive_get_none(program):
    program.case_manager.email = ""
    program.case_manager.save()
    reminder_for(program.client, due_on=days(-1))
    left = client_of(program.teammate)
    reminder_for(left, due_on=days(-1))
    program.teammate.is_active = False
    program.teammate.save()

    tasks.send_daily_digests.delay()

    assert mail.outbox == []


def test_a_failed_send_releases_the_claim_so_a_retry_can_send(
    program, due_for_case_manager, monkeypatch
):
    def refuse(self, fail_silently=False):
        raise SMTPException("421 try again later")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(SMTPException):
        services.digest_send(user_id=program.case_manager.pk, day=TODAY)
    assert not DigestSent.objects.exists()

    monkeypatch.undo()
    assert services.digest_send(user_id=program.case_manager.pk, day=TODAY) is True
    assert len(mail.outbox) == 1


def test_digest_tasks_retry_mail_and_database_errors_with_backoff():
    from django.db import DatabaseError

    for task in (tasks.send_digest, tasks.send_daily_digests, tasks.generate_reminders):
        assert SMTPException in task.autoretry_for
        assert DatabaseError in task.autoretry_for
        assert task.retry_backoff is True
        assert task.max_retries == 5


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_one_digest(program, due_for_case_manager, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once need PostgreSQL (the SQLite test database is shared)")
    claimed = threading.Event()
    real_send = EmailMultiAlternatives.send

    def slow_send(self, fail_silently=False):
        claimed.set()  # the first worker holds the claim, not yet committed
        time.sleep(0.5)
        return real_send(self, fail_silently=fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", slow_send)
    results = {}

    def worker(name):
        try:
            results[name] = services.digest_send(user_id=program.case_manager.pk, day=TODAY)
        finally:
            connection.close()

    first = threading.Thread(target=worker, args=("first",))
    first.start()
    assert claimed.wait(10)
    second = threading.Thread(target=worker, args=("second",))
    second.start()
    first.join(10)
    second.join(10)

    assert results == {"first": True, "second": False}
    assert len(mail.outbox) == 1
    assert DigestSent.objects.count() == 1

"""Every change is history: who, when, why, field-level old → new."""

from datetime import date

import pytest
from django.urls import reverse

from clients import services
from clients.models import Client, ClientUserObjectPermission
from housingfirst.audit import acting_as
from housingfirst.models import AccessLogEntry
from placements.models import Placement
from referrals.models import Referral, ServiceType

from ..factories import ClientFactory
from ..placements.factories import housed
from ..referrals.factories import referral_at

pytestmark = pytest.mark.django_db


def edit(browser, client, **changes):
    form = browser.get(reverse("clients:edit", args=[client.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    return browser.post(reverse("clients:edit", args=[client.pk]), {**data, **changes})


def test_case_manager_edit_appears_in_history_with_user_and_diff(program, login):
    browser = login(program.case_manager)
    edit(browser, program.client, preferred_name="Ro", veteran_status="1")

    record = Client.history.filter(id=program.client.pk).latest("history_id")
    assert record.history_user == program.case_manager
    response = browser.get(reverse("clients:history", args=[program.client.pk]))
    newest = response.context["page"].items[0]
    assert newest.who == program.case_manager.get_full_name()
    assert newest.kind == "changed"
    changes = {change.label: (change.old, change.new) for change in newest.changes}
    assert changes["Preferred name"] == ("—", "Ro")
    # Choices are shown by their label, not their HUD code.
    assert changes["Veteran status"] == ("Data not collected", "Yes")
    assert "Version" not in changes


def test_reassignment_appears_in_history_with_reason_and_grant_changes(program, login):
    services.client_assign(
        client=program.client,
        case_manager=program.teammate,
        assigned_by=program.supervisor,
        reason="Rosa asked for a Spanish-speaking case manager",
    )
    entries = (
        login(program.supervisor)
        .get(reverse("clients:history", args=[program.client.pk]))
        .context["page"]
        .items
    )
    reasons = [entry.reason for entry in entries]
    assert "Rosa asked for a Spanish-speaking case manager" in reasons
    client_change = next(
        e for e in entries if e.record_type == "Client" and e.reason.startswith("Rosa asked")
    )
    assert {c.label: c.new for c in client_change.changes}["Case manager"] == (
        program.teammate.get_full_name()
    )
    kinds = {(e.record_type, e.kind) for e in entries if e.reason.startswith("Rosa asked")}
    assert ("Access to a client", "deleted") in kinds
    assert ("Access to a client", "created") in kinds
    assert ("Assignment", "created") in kinds


def test_reassignment_moves_access_and_keeps_the_past(program, login):
    services.client_assign(
        client=program.client,
        case_manager=program.teammate,
        assigned_by=program.supervisor,
        reason="Leave cover became permanent",
    )
    assert (
        login(program.case_manager)
        .get(reverse("clients:detail", args=[program.client.pk]))
        .status_code
        == 404
    )
    assert (
        login(program.teammate).get(reverse("clients:detail", args=[program.client.pk])).status_code
        == 200
    )
    assignments = list(program.client.assignments.order_by("started_at"))
    assert [a.case_manager for a in assignments] == [program.case_manager, program.teammate]
    assert assignments[0].ended_at is not None and assignments[1].ended_at is None
    assert not ClientUserObjectPermission.objects.filter(
        content_object=program.client, user=program.case_manager
    ).exists()


def test_job_writes_name_the_job(program):
    with acting_as("job:nightly-cleanup"):
        client = ClientFactory()
    record = client.history.get()
    assert record.history_actor == "job:nightly-cleanup"
    assert record.history_user is None


def test_history_page_query_count_does_not_grow(program, login, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = login(program.case_manager)
    url = reverse("clients:history", args=[program.client.pk])
    browser.get(url)
    with CaptureQueriesContext(connection) as few:
        browser.get(url)
    for n in range(60):
        program.client.goals = f"goal {n}"
        program.client.save()
    housed(program.client, date(2025, 3, 1))
    with django_assert_max_num_queries(max(len(few), 20)):
        response = browser.get(url)
    assert len(response.context["page"].items) == 50


def test_client_history_covers_every_app_and_guards_protected_records(program, login):
    housed(program.client, date(2025, 3, 1))
    referral_at(Referral.Status.OFFERED, client=program.client, by=program.case_manager)
    protected = referral_at(
        Referral.Status.OFFERED,
        client=program.client,
        by=program.case_manager,
        service_type=ServiceType.SUBSTANCE_USE,
    )
    url = reverse("clients:history", args=[program.client.pk])

    def shown(person):
        before = AccessLogEntry.objects.filter(user=person).count()
        entries = login(person).get(url).context["page"].items
        logged = AccessLogEntry.objects.filter(user=person).count() - before
        return {e.record_type for e in entries}, entries, logged

    types, entries, logged = shown(program.case_manager)
    assert {"Client", "Assignment", Placement._meta.verbose_name.capitalize()} <= types
    protected_ids = {e.object_id for e in entries if e.model_label == "referrals.referral"}
    assert str(protected.pk) in protected_ids
    assert logged == 1  # the one protected referral shown, logged once

    # Auditors see the protected record's history, and the look is logged.
    _, entries, logged = shown(program.auditor)
    assert str(protected.pk) in {e.object_id for e in entries}
    assert logged == 1
    entry = AccessLogEntry.objects.filter(user=program.auditor).latest("pk")
    assert entry.object_id == str(protected.pk) and entry.client_id == program.client.pk

    # Administrators read it as on /audit/: shown, and the look is logged.
    _, entries, logged = shown(program.admin)
    assert str(protected.pk) in {e.object_id for e in entries}
    assert logged == 1


def test_protected_records_are_not_named_in_other_records_diffs(program, login):
    """A reminder about a substance-use referral must not say what the referral is."""
    from django.utils import timezone

    from reminders.models import Reminder
    from reminders.services import reminders_generate

    today = timezone.localdate()
    protected = referral_at(
        Referral.Status.OFFERED,
        client=program.client,
        by=program.case_manager,
        service_type=ServiceType.SUBSTANCE_USE,
        follow_up_on=today,
    )
    reminders_generate(client_ids=[program.client.pk], today=today)
    assert Reminder.objects.filter(referral=protected).exists()

    entries = (
        login(program.case_manager)
        .get(reverse("clients:history", args=[program.client.pk]))
        .context["page"]
        .items
    )
    reminder_entry = next(e for e in entries if e.model_label == "reminders.reminder")
    values = " ".join(f"{c.old} {c.new}" for c in reminder_entry.changes)
    assert f"Protected record #{protected.pk}" in values
    assert "Substance use" not in values and protected.provider.name not in values

"""Four people write about one client at the same moment, on PostgreSQL: a profile save, a
contact logged, a referral offered and a reminder marked done. Nobody gets an error page and
every write is there afterwards (issue 18, item 6: these deadlocked on the client row and the
audit chain's head and answered 500, losing what was typed).
"""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from clients.forms import ClientProfileForm
from clients.models import Client, DuplicatePair
from housingfirst.audit_log import chain
from placements.models import Contact
from referrals.models import Referral, ServiceType
from reminders.models import Kind, Reminder

from .factories import ClientFactory, TeamFactory, client_of, form_values, make_case_manager
from .placements.factories import housed
from .referrals.factories import ProviderFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 50


def browser_for(user) -> Browser:
    browser = Browser(raise_request_exception=False)
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser


@pytest.fixture
def setting():
    team = TeamFactory()
    case_manager = make_case_manager(team)
    client = client_of(case_manager, first_name="Rosa", last_name="Parker")
    today = timezone.localdate()
    housed(client, today - timedelta(days=100), lease_end=today + timedelta(days=300))
    # Reminders nothing else in the round closes (a contact resolves a visit that was due).
    reminders = [
        Reminder.objects.create(
            client=client,
            kind=Kind.DUPLICATE_REVIEW,
            duplicate_pair=DuplicatePair.objects.create(
                first=client, second=ClientFactory(), score=80, reasons="birth date"
            ),
            assigned_to=case_manager,
            due_on=today,
        )
        for _ in range(ROUNDS)
    ]
    return case_manager, client, ProviderFactory(), reminders


def run_round(number, *, browsers, client, provider, reminder):
    """The four writes of one round, started together; the responses' status codes."""
    fresh = Client.objects.get(pk=client.pk)
    profile = form_values(ClientProfileForm(instance=fresh)) | {"goals": f"Goal {number}"}
    when = timezone.localtime() - timedelta(hours=1)
    writes = {
        "profile": (reverse("clients:edit", args=[client.pk]), profile),
        "contact": (
            reverse("placements:contact_create", args=[client.pk]),
            {
                "kind": Contact.Kind.HOME_VISIT,
                "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
                "note": f"Contact {number}",
                "submission_token": str(uuid.uuid4()),
            },
        ),
        "referral": (
            reverse("client_referrals:offer", args=[client.pk]),
            {
                "service_type": ServiceType.MENTAL_HEALTH,
                "provider": provider.pk,
                "requested_by": Referral.RequestedBy.CLIENT,
                "client_goal": f"Referral {number}",
                "submission_token": str(uuid.uuid4()),
            },
        ),
        "reminder": (reverse("reminders:done", args=[reminder.pk]), {}),
    }
    barrier = threading.Barrier(len(writes))
    statuses = {}

    def write(name):
        url, data = writes[name]
        try:
            barrier.wait()
            statuses[name] = browsers[name].post(url, data).status_code
        except Exception as error:  # pragma: no cover - reported by the assertion
            statuses[name] = repr(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(name,)) for name in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_four_concurrent_writers_on_one_client_all_succeed(setting):
    case_manager, client, provider, reminders = setting
    browsers = {name: browser_for(case_manager) for name in ("profile", "contact", "referral")}
    browsers["reminder"] = browser_for(case_manager)
    failures = []
    for number, reminder in enumerate(reminders):
        statuses = run_round(
            number, browsers=browsers, client=client, provider=provider, reminder=reminder
        )
        if any(status != 302 for status in statuses.values()):
            failures.append((number, statuses))
    assert not failures, f"{len(failures)} of {ROUNDS} rounds failed: {failures[:5]}"

    goals = set(
        Client.history.filter(id=client.pk, history_change_reason="Profile edited").values_list(
            "goals", flat=True
        )
    )
    assert goals == {f"Goal {n}" for n in range(ROUNDS)}
    notes = set(Contact.objects.filter(client=client).values_list("note", flat=True))
    assert {f"Contact {n}" for n in range(ROUNDS)} <= notes
    offered = set(Referral.objects.filter(client=client).values_list("client_goal", flat=True))
    assert offered == {f"Referral {n}" for n in range(ROUNDS)}
    assert Reminder.objects.filter(pk__in=[r.pk for r in reminders], state="done").count() == (
        ROUNDS
    )
    assert chain.verify_history_chain().ok

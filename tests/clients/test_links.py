"""Two records of one person are linked, never merged: the linked one is read-only and its
records move to the primary; unlinking puts every record back exactly as it was."""

from datetime import date, timedelta

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from clients.models import Assignment, ClientLink, DuplicatePair
from housingfirst.models import AccessLogEntry
from placements.models import Contact, Placement
from referrals.models import Consent, Referral, ServiceType
from reminders.models import Reminder
from tests.factories import client_of

from ..placements.factories import PlacementFactory, housed, visit
from ..referrals.factories import consent_for, referral_at, substance_use_provider
from ..reminders.factories import reminder_for

pytestmark = pytest.mark.django_db

MOVING = [Placement, Contact, Referral, Consent, Reminder, Assignment]
IGNORED = {"version", "updated_at"}  # a counter and a timestamp: every save moves them


def snapshot():
    """Every row of every model that moves with a link, as plain values."""
    return {
        model._meta.label: sorted(
            (
                {k: v for k, v in model_to_dict(row).items() if k not in IGNORED}
                | {"client": row.client_id}
                for row in model.objects.all()
            ),
            key=lambda values: values["id"],
        )
        for model in MOVING
    }


@pytest.fixture
def twins(program):
    """Joseph has a housing story, Josef (the same person, enrolled again) has a search,
    a visit, a protected referral, a consent and a reminder."""
    joseph = program.client
    housed(joseph, date(2024, 6, 1), address="12 Elm St")
    josef = client_of(program.case_manager, first_name="Josef", last_name="Parker")
    housed(josef, date(2023, 1, 1), exit_date=date(2023, 9, 1))
    visit(josef, timezone.localdate() - timedelta(days=3), by=program.case_manager)
    referral = referral_at(
        "offered",
        client=josef,
        by=program.case_manager,
        provider=substance_use_provider(),
        service_type=ServiceType.SUBSTANCE_USE,
    )
    consent_for(josef, substance_use_provider(name="Second clinic"), by=program.case_manager)
    reminder_for(josef, kind="referral_follow_up", referral=referral)
    return joseph, josef


def link(program, joseph, josef, browser):
    return browser.post(
        reverse("clients:link", args=[josef.pk]),
        {"primary": joseph.pk, "reason": "Same birth certificate"},
    )


def test_link_then_unlink_leaves_every_record_as_it_was(program, login, twins):
    joseph, josef = twins
    before = snapshot()
    browser = login(program.supervisor)

    assert link(program, joseph, josef, browser).status_code == 302
    during = snapshot()
    assert during != before
    for model in MOVING:
        assert not model.objects.filter(client=josef).exists(), model
    assert Assignment.objects.filter(client=joseph, ended_at__isnull=True).count() == 1

    response = browser.post(
        reverse("clients:unlink", args=[josef.pk]), {"reason": "Twins, after all"}
    )
    assert response.status_code == 302
    assert snapshot() == before
    assert not ClientLink.objects.active().exists()


def test_a_linked_record_is_read_only_and_points_to_its_primary(program, login, twins):
    joseph, josef = twins
    browser = login(program.case_manager)
    link(program, joseph, josef, browser)

    assert browser.get(reverse("clients:edit", args=[josef.pk])).status_code == 403
    page = browser.get(reverse("clients:detail", args=[josef.pk])).content.decode()
    assert "Linked record" in page and reverse("clients:detail", args=[joseph.pk]) in page
    # Searches and counts use the primary.
    listed = browser.get(reverse("clients:list"), {"q": "Parker"}).context["page"].object_list
    assert list(listed) == [joseph]
    assert browser.get("/").context["caseload_size"] == 1  # two records, one person
    # The primary's history shows both records' stories.
    entries = browser.get(reverse("clients:history", args=[joseph.pk])).context["page"].items
    assert {e.client_id for e in entries} >= {joseph.pk, josef.pk}


def test_protected_records_stay_protected_through_a_link(program, login, twins):
    joseph, josef = twins
    link(program, joseph, josef, login(program.supervisor))
    referral = Referral.objects.get(service_type=ServiceType.SUBSTANCE_USE)
    assert referral.client == joseph and referral.is_protected
    assert referral in Referral.objects.protected()
    # Shown on the primary's page, each look is logged, as before the link.
    login(program.case_manager).get(reverse("clients:detail", args=[joseph.pk]))
    assert AccessLogEntry.objects.filter(object_id=str(referral.pk), client=joseph).exists()


def test_every_link_move_and_unlink_is_in_the_history_with_who_and_why(program, login, twins):
    joseph, josef = twins
    browser = login(program.supervisor)
    link(program, joseph, josef, browser)
    moved = Contact.history.filter(client_id=joseph.pk).latest("history_id")
    assert moved.history_user == program.supervisor
    assert moved.history_change_reason == (
        f"Linked record #{josef.pk} to #{joseph.pk}: Same birth certificate"
    )
    browser.post(reverse("clients:unlink", args=[josef.pk]), {"reason": "Twins"})
    back = Contact.history.filter(client_id=josef.pk).latest("history_id")
    assert back.history_change_reason == f"Unlinked record #{josef.pk} from #{joseph.pk}: Twins"
    rows = ClientLink.history.order_by("history_id")
    assert [(r.history_type, r.history_user) for r in rows] == [
        ("+", program.supervisor),
        ("~", program.supervisor),
    ]


def test_a_case_manager_cannot_link_a_client_outside_their_scope(program, login, twins):
    joseph, josef = twins
    browser = login(program.case_manager)
    response = browser.post(
        reverse("clients:link", args=[josef.pk]),
        {"primary": program.other_client.pk, "reason": "Same person"},
    )
    assert response.status_code == 404
    response = browser.post(
        reverse("clients:link", args=[program.other_client.pk]),
        {"primary": joseph.pk, "reason": "Same person"},
    )
    assert response.status_code == 404
    assert not ClientLink.objects.exists()


@pytest.mark.parametrize("role", ["auditor"])
def test_readers_cannot_link_or_unlink(program, login, twins, role):
    joseph, josef = twins
    browser = login(getattr(program, role))
    assert link(program, joseph, josef, browser).status_code == 403
    assert browser.post(reverse("clients:unlink", args=[josef.pk])).status_code == 403


def test_two_open_placements_cannot_be_linked_and_nothing_changes(program, login, twins):
    joseph, josef = twins
    PlacementFactory(client=josef, search_started_on=date(2025, 3, 1))
    before = snapshot()
    response = link(program, joseph, josef, login(program.supervisor))
    assert response.status_code == 302
    assert snapshot() == before and not ClientLink.objects.exists()


def test_a_linked_pair_leaves_the_possible_duplicates_page(program, login, twins):
    joseph, josef = twins
    pair = DuplicatePair.objects.create(
        first=joseph, second=josef, score=80, reasons="same birth date · same last name"
    )
    browser = login(program.supervisor)
    page = browser.get(reverse("clients:duplicates"))
    assert list(page.context["page"].object_list) == [pair]
    assert f'action="{reverse("clients:link", args=[josef.pk])}"' in page.content.decode()
    link(program, joseph, josef, browser)
    assert list(browser.get(reverse("clients:duplicates")).context["page"].object_list) == []


def test_the_caseload_review_counts_the_primary_only(program, login, twins):
    from caseloads.selectors import caseload_rows

    joseph, josef = twins

    def caseload():
        rows = caseload_rows(program.supervisor)
        return next(r.caseload for r in rows if r.case_manager == program.case_manager)

    before = caseload()
    link(program, joseph, josef, login(program.supervisor))
    assert caseload() == before - 1

"""The top of the client page: who the client is and how to reach them (tappable numbers, the
landlord's too), the day's actions, jump links; the timeline folded after its latest entries;
and where saving a visit lands (where the confirmation shows, or back where the person came
from)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client

from .factories import housed, visit

pytestmark = pytest.mark.django_db


def client_page(browser, client) -> str:
    response = browser.get(reverse("clients:detail", args=[client.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def reachable(program):
    Client.objects.filter(pk=program.client.pk).update(
        phone="(555) 010-0188",
        emergency_contact_name="Dana Parker",
        emergency_contact_relationship="sister",
        emergency_contact_phone="555.010.0144",
    )
    program.client.refresh_from_db()
    housed(
        program.client,
        date(2025, 1, 1),
        address="12 Elm St, Apt 4",
        landlord_name="Maple Property Management",
        landlord_contact="+1 555 010 0100",
    )
    return program.client


def test_who_and_how_to_reach_come_first_with_tappable_numbers(reachable, program, login, clock):
    content = client_page(login(program.case_manager), reachable)
    top = content.index('id="reach-heading"')
    for section in ["reminders-heading", "housing-heading", "timeline-heading", "profile-heading"]:
        if f'id="{section}"' in content:
            assert top < content.index(f'id="{section}"'), section
    reach = content[top : content.index("</section>", top)]
    assert '<a href="tel:5550100188">(555) 010-0188</a>' in reach
    assert "Dana Parker" in reach and "sister" in reach
    assert '<a href="tel:5550100144">555.010.0144</a>' in reach
    assert "12 Elm St, Apt 4" in reach and "Maple Property Management" in reach
    assert '<a href="tel:+15550100100">+1 555 010 0100</a>' in reach
    assert "Overdue" in reach  # nobody visited since the move-in


def test_the_days_actions_and_jump_links(reachable, program, login, clock):
    content = client_page(login(program.case_manager), reachable)
    pk = reachable.pk
    actions = content[content.index('class="actions day-actions"') :].split("</p>")[0]
    assert f"{reverse('placements:contact_create', args=[pk])}?kind=home_visit" in actions
    assert reverse("casenotes:new", args=[pk]) in actions
    assert reverse("client_referrals:offer", args=[pk]) in actions
    jump = content[content.index('aria-label="Sections of this page"') :].split("</nav>")[0]
    for anchor in ["#housing-heading", "#timeline-heading", "#referrals-heading", "#notes-heading"]:
        assert anchor in jump
        assert f'id="{anchor[1:]}"' in content


def test_auditor_reads_how_to_reach_but_has_no_actions(reachable, program, login, clock):
    content = client_page(login(program.auditor), reachable)
    assert "tel:5550100188" in content
    assert "day-actions" not in content


def test_other_case_manager_gets_404(reachable, program, login):
    response = login(program.other_case_manager).get(reverse("clients:detail", args=[reachable.pk]))
    assert response.status_code == 404


def test_plain_text_contact_is_not_a_link(program, login, clock):
    housed(program.client, date(2025, 1, 1), landlord_contact="Ask at the front desk")
    content = client_page(login(program.case_manager), program.client)
    assert "Ask at the front desk" in content and 'href="tel:' not in content


def test_timeline_shows_the_latest_three_and_folds_the_rest(program, login, clock):
    housed(program.client, date(2024, 1, 1))
    for n in range(8):
        visit(program.client, date(2025, 1, 1) + timedelta(days=n), by=program.case_manager)
    response = login(program.case_manager).get(reverse("clients:detail", args=[program.client.pk]))
    events = len(response.context["housing"].timeline)  # 8 visits and the move-in
    assert events == 9
    content = response.content.decode()
    timeline = content[content.index('id="timeline-heading"') :].split("</section>")[0]
    shown, folded = timeline.split('<details class="timeline-more">')
    assert shown.count('class="timeline-event') == 3
    assert "6 earlier entries" in folded and folded.count('class="timeline-event') == 6
    assert "2025-01-08" in shown and "2025-01-01" in folded


def test_short_timeline_is_not_folded(program, login, clock):
    visit(program.client, date(2025, 3, 1), by=program.case_manager)
    content = client_page(login(program.case_manager), program.client)
    assert "timeline-more" not in content


def log_visit(browser, client, **extra):
    url = reverse("placements:contact_create", args=[client.pk])
    return browser.post(
        url + "?kind=home_visit",
        {
            "kind": "home_visit",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "note": "Checked in.",
            **extra,
        },
    )


def test_saving_a_visit_lands_at_the_top_of_the_client_page(program, login):
    browser = login(program.case_manager)
    response = log_visit(browser, program.client)
    assert response.status_code == 302
    assert response.url == reverse("clients:detail", args=[program.client.pk])  # no anchor
    page = browser.get(response.url).content.decode()
    assert page.index("Home visit logged.") < page.index('id="reach-heading"')


def test_saving_a_visit_goes_back_where_the_person_came_from(program, login):
    browser = login(program.case_manager)
    form = browser.get(
        reverse("placements:contact_create", args=[program.client.pk]),
        {"kind": "home_visit", "next": "/"},
    ).content.decode()
    assert '<input type="hidden" name="next" value="/">' in form
    response = log_visit(browser, program.client, next="/")
    assert response.status_code == 302 and response.url == "/"
    assert "Home visit logged." in browser.get("/").content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "home"])
def test_a_next_that_is_not_a_path_here_is_ignored(program, login, target):
    response = log_visit(login(program.case_manager), program.client, next=target)
    assert response.url == reverse("clients:detail", args=[program.client.pk])


def test_home_due_list_sends_its_own_address_along(program, login, clock):
    from ..reminders.factories import reminder_for

    reminder_for(program.client, due_on=timezone.localdate())
    content = login(program.case_manager).get("/").content.decode()
    url = reverse("placements:contact_create", args=[program.client.pk])
    assert f"{url}?kind=home_visit&amp;next=/" in content

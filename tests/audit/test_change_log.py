"""/audit/: who sees it, what an entry says, filters, keyset pages, timelines, query bounds."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from clients import services
from clients.models import Client
from housingfirst.audit import acting_as, change_reason
from housingfirst.models import ChangeLogEntry
from housingfirst.roles import Role

from ..factories import ClientFactory, UserFactory, client_of
from .conftest import acting_user, log_entries

pytestmark = pytest.mark.django_db

AUDIT_PAGES = [
    "audit:change_log",
    "audit:access_log",
    "audit:change_log_export",
    "audit:access_log_export",
]


@pytest.mark.parametrize("page", AUDIT_PAGES)
@pytest.mark.parametrize("role", ["case_manager", "supervisor"])
def test_case_managers_and_supervisors_cannot_open_the_audit_pages(program, login, page, role):
    assert login(getattr(program, role)).get(reverse(page)).status_code == 403


@pytest.mark.parametrize("role", ["case_manager", "supervisor"])
def test_case_managers_and_supervisors_cannot_open_a_record_timeline(program, login, role):
    url = reverse("audit:record", args=["clients.client", program.client.pk])
    assert login(getattr(program, role)).get(url).status_code == 403


@pytest.mark.parametrize("page", AUDIT_PAGES)
def test_anonymous_is_sent_to_sign_in(program, client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", ["audit:change_log", "audit:access_log"])
@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_auditors_and_administrators_open_the_audit_pages(program, login, page, role):
    assert login(getattr(program, role)).get(reverse(page)).status_code == 200


def test_nav_shows_audit_to_auditors_only(program, login):
    assert 'href="/audit/"' in login(program.auditor).get("/").content.decode()
    assert 'href="/audit/"' not in login(program.supervisor).get("/").content.decode()


def test_an_edit_shows_who_when_what_why_and_the_fields(program, login, auditor_browser):
    browser = login(program.case_manager)
    form = browser.get(reverse("clients:edit", args=[program.client.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    browser.post(
        reverse("clients:edit", args=[program.client.pk]),
        {**data, "preferred_name": "Ro", "veteran_status": "1"},
    )

    newest = log_entries(auditor_browser)[0]
    assert newest.who == program.case_manager.get_full_name()
    # The record is named as everywhere else: by the name the person wants us to use.
    assert (newest.kind, newest.record_type, newest.record_label) == (
        "changed",
        "Client",
        "Ro Parker",
    )
    assert newest.client_id == program.client.pk
    changes = {c.label: (c.old, c.new) for c in newest.changes}
    assert changes == {
        "Preferred name": ("—", "Ro"),
        "Veteran status": ("Data not collected", "Yes"),
    }
    html = auditor_browser.get("/audit/").content.decode()
    assert "Ro Parker" in html and "Data not collected" in html


def test_related_records_show_names_and_their_client(program, auditor_browser):
    services.client_assign(
        client=program.client,
        case_manager=program.teammate,
        assigned_by=program.supervisor,
        reason="Rosa asked for a Spanish-speaking case manager",
    )
    entries = [e for e in log_entries(auditor_browser) if e.reason.startswith("Rosa asked")]
    assignment = next(e for e in entries if e.record_type == "Assignment" and e.kind == "created")
    assert assignment.client_label == "Rosa Parker"
    changes = {c.label: c.new for c in assignment.changes}
    assert changes["Case manager"] == program.teammate.get_full_name()
    assert changes["Assigned by"] == program.supervisor.get_full_name()
    grants = {(e.kind, e.client_label) for e in entries if e.record_type == "Access to a client"}
    assert grants == {("created", "Rosa Parker"), ("deleted", "Rosa Parker")}


def test_job_changes_name_the_job(program, auditor_browser):
    with acting_as("job:clients.end_expired_covers"), change_reason("Cover ended"):
        client = program.client
        client.goals = "Changed by the nightly job"
        client.save()
    newest = log_entries(auditor_browser)[0]
    assert newest.who == "job:clients.end_expired_covers"
    assert newest.reason == "Cover ended"


def test_celery_job_changes_name_the_job(program, auditor_browser):
    from clients.models import Cover
    from clients.tasks import end_expired_covers

    today = timezone.localdate()
    Cover.objects.create(
        team=program.team,
        case_manager=program.case_manager,
        covering=program.teammate,
        starts_on=today,
        ends_on=today + timedelta(days=3),
        reason="Annual leave",
    )
    before = ChangeLogEntry.objects.count()
    end_expired_covers.apply()  # as a worker runs it
    assert ChangeLogEntry.objects.count() > before
    entries = log_entries(auditor_browser)[: ChangeLogEntry.objects.count() - before]
    assert {e.who for e in entries} == {"job:end_expired_covers"}
    assert "Access to a client" in {e.record_type for e in entries}


def test_command_changes_name_the_command(db, settings):
    from django.contrib.auth import get_user_model
    from django.test import Client as Browser

    settings.DEBUG = True
    call_command("seed_demo")
    from ..two_factor import verify_session

    auditor = get_user_model().objects.get(username="auditor")
    browser = Browser()
    browser.force_login(auditor, backend="django.contrib.auth.backends.ModelBackend")
    verify_session(browser, auditor)
    entries = log_entries(browser)
    assert len(entries) == 50
    assert all("command:seed_demo" in entry.who for entry in entries)


def test_bulk_history_writes_are_in_the_change_log_with_their_actor(program, auditor_browser):
    with acting_as("command:import"), change_reason("Imported from HMIS"):
        bulk_create_with_history(
            [Client(first_name=f"Bulk{n}", last_name="Import") for n in range(3)], Client
        )
    entries = log_entries(auditor_browser, kind="created", record_type="clients.client")
    imported = [e for e in entries if e.record_label.endswith("Import")]
    assert len(imported) == 3
    assert {(e.who, e.reason) for e in imported} == {("command:import", "Imported from HMIS")}


def test_staff_accounts_and_group_membership_are_in_the_change_log(program, login, auditor_browser):
    with acting_user(program.admin):
        person = UserFactory(username="newhire", first_name="Nia", last_name="Hire")
        person.groups.add(Group.objects.get(name=Role.CASE_MANAGER.value))
        Group.objects.get(name=Role.SUPERVISOR.value).user_set.add(person)  # from the group's side
    entries = log_entries(auditor_browser, record_type="auth.user")
    mine = [e for e in entries if e.object_id == str(person.pk)]
    assert {e.record_label for e in mine} == {"newhire"}
    groups = [c for e in mine for c in e.changes if c.label == "Groups"]
    assert [(c.old, c.new) for c in groups] == [
        ("Case managers", "Case managers, Supervisors"),
        ("—", "Case managers"),
    ]
    assert all(e.who == program.admin.get_full_name() for e in mine)


def test_password_changes_show_as_changed_and_never_reveal_the_hash(
    program, login, auditor_browser
):
    person = program.case_manager
    person.set_password("a-new-long-passphrase")
    person.save()
    newest = log_entries(auditor_browser, record_type="auth.user")[0]
    assert [(c.label, c.old, c.new) for c in newest.changes] == [
        ("Password", "(hidden)", "changed")
    ]
    hashed = person.password
    assert not person.history.filter(password=hashed).exists()
    for url in [
        "/audit/",
        reverse("audit:record", args=["auth.user", person.pk]),
        "/audit/export/",
    ]:
        response = auditor_browser.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert hashed.encode() not in body and hashed.split("$")[-1].encode() not in body


def test_signing_in_is_not_a_change(program, client, settings):
    settings.AXES_ENABLED = False
    before = ChangeLogEntry.objects.count()
    response = client.post(
        reverse("login"),
        {"username": program.case_manager.username, "password": "correct-horse-battery"},
    )
    assert response.status_code == 302
    program.case_manager.refresh_from_db()
    assert program.case_manager.last_login is not None
    assert ChangeLogEntry.objects.count() == before


def _rows(count, person):
    with acting_user(person):
        for n in range(count):
            ClientFactory(first_name=f"Row{n}")


def test_filters_narrow_by_person_type_client_kind_and_dates(program, auditor_browser):
    start = timezone.now() + timedelta(days=30)
    with time_machine.travel(start, tick=False):
        with acting_user(program.teammate):
            program.client.goals = "Find a job"
            program.client.save()
    with time_machine.travel(start + timedelta(days=2), tick=False):
        with acting_user(program.supervisor):
            other_client_id = program.other_client.pk
            program.other_client.delete()

    def labels(**filters):
        return [(e.kind, e.record_label) for e in log_entries(auditor_browser, **filters)]

    assert labels(person=program.teammate.pk) == [("changed", "Rosa Parker")]
    deletions = labels(person=program.supervisor.pk, kind="deleted")
    assert ("deleted", "Olga Other") in deletions
    assert {kind for kind, _ in deletions} == {"deleted"}
    assert labels(person=program.supervisor.pk, kind="deleted", record_type="clients.client") == [
        ("deleted", "Olga Other")
    ]
    day = timezone.localdate(start + timedelta(days=2))
    assert labels(date_from=day.isoformat(), date_to=day.isoformat()) == deletions
    assert ("deleted", "Olga Other") not in labels(date_to=(day - timedelta(days=1)).isoformat())
    by_client = log_entries(auditor_browser, client=str(program.client.pk))
    assert by_client and {e.client_id for e in by_client} == {program.client.pk}
    assert {e.record_type for e in by_client} >= {"Client", "Assignment", "Access to a client"}
    by_name = log_entries(
        auditor_browser, client="Parker", record_type="clients.client", kind="changed"
    )
    assert [e.record_label for e in by_name] == ["Rosa Parker"] * len(by_name) and by_name
    # A deleted client's history keeps its name.
    deleted = log_entries(auditor_browser, client=str(other_client_id), kind="deleted")
    assert [e.client_label for e in deleted if e.record_type == "Client"] == [
        "Olga Other (deleted)"
    ]


def test_invalid_filters_are_explained_and_show_nothing(program, auditor_browser):
    response = auditor_browser.get("/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
    assert response.context["page"].items == []
    response = auditor_browser.get("/audit/", {"person": "999999", "record_type": "auth.nothing"})
    assert set(response.context["form"].errors) == {"person", "record_type"}


def test_filtered_view_is_a_shareable_url(program, auditor_browser):
    query = f"person={program.supervisor.pk}&kind=changed"
    html = auditor_browser.get(f"/audit/?{query}").content.decode()
    assert f'href="/audit/export/?{query.replace("&", "&amp;")}"' in html


def test_keyset_pages_walk_the_whole_log_newest_first(program, auditor_browser, settings):
    settings.AUDIT_LOG_PAGE_SIZE = 7
    _rows(20, program.supervisor)
    expected = list(
        ChangeLogEntry.objects.order_by("-history_date", "-id").values_list(
            "history_id", "content_type_id"
        )
    )
    seen, cursor, pages = [], None, 0
    for _ in range(len(expected)):
        response = auditor_browser.get("/audit/", {"before": cursor} if cursor else {})
        page = response.context["page"]
        seen += [(e.history_id, e.model_label) for e in page.items]
        pages += 1
        if not page.older:
            break
        cursor = page.older
    assert len(seen) == len(expected) and pages == -(-len(expected) // 7)
    # Back towards the newest with ?after= (the cursor is the previous page's last entry).
    back = auditor_browser.get("/audit/", {"after": cursor}).context["page"]
    last_page_size = len(seen) - 7 * (pages - 1)
    cursor_index = len(seen) - last_page_size - 1
    assert back.newer and back.older
    assert [(e.history_id, e.model_label) for e in back.items] == seen[
        cursor_index - 7 : cursor_index
    ]
    # A cursor that is not one is page 1.
    assert (
        auditor_browser.get("/audit/", {"before": "x_y"}).context["page"].items[0].history_id
        == seen[0][0]
    )


def test_keyset_pages_hold_when_many_changes_share_a_moment(program, auditor_browser, settings):
    settings.AUDIT_LOG_PAGE_SIZE = 4
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        _rows(9, program.supervisor)
    total = ChangeLogEntry.objects.count()
    seen, cursor = [], None
    for _ in range(total):  # bounded: a cursor that repeats must fail, not hang
        page = auditor_browser.get("/audit/", {"before": cursor} if cursor else {}).context["page"]
        seen += [(e.model_label, e.history_id) for e in page.items]
        if not page.older:
            break
        cursor = page.older
    assert len(seen) == len(set(seen)) == total


def test_change_log_queries_do_not_grow_with_rows_or_depth(
    program, auditor_browser, django_assert_max_num_queries, settings
):
    settings.AUDIT_LOG_PAGE_SIZE = 20
    auditor_browser.get("/audit/")  # warm caches (content types)
    with CaptureQueriesContext(connection) as small:
        auditor_browser.get("/audit/")
    for _ in range(3):
        client_of(program.teammate)
    _rows(60, program.supervisor)
    with django_assert_max_num_queries(max(len(small), 1) + 2):
        first = auditor_browser.get("/audit/")
    with django_assert_max_num_queries(max(len(small), 1) + 2):
        deep = auditor_browser.get("/audit/", {"before": first.context["page"].older})
    assert len(first.context["page"].items) == len(deep.context["page"].items) == 20
    with django_assert_max_num_queries(30):
        assert (
            auditor_browser.get("/audit/", {"client": "Row1", "kind": "created"}).status_code == 200
        )


def test_record_timeline_shows_every_version_with_diffs(program, auditor_browser):
    with acting_user(program.case_manager):
        for goal in ["Keep my place", "Keep my place and see my kids"]:
            program.client.goals = goal
            program.client.save()
    url = reverse("audit:record", args=["clients.client", program.client.pk])
    response = auditor_browser.get(url)
    entries = list(response.context["page"].object_list)
    goals = [c for e in entries for c in e.changes if c.label == "The client's own goals"]
    assert [(c.old, c.new) for c in goals] == [
        ("Keep my place", "Keep my place and see my kids"),
        ("—", "Keep my place"),
    ]
    assert entries[-1].kind == "created"
    assert (
        auditor_browser.get(reverse("audit:record", args=["clients.client", 999999])).status_code
        == 404
    )
    assert (
        auditor_browser.get(reverse("audit:record", args=["clients.nothing", 1])).status_code == 404
    )
    assert (
        auditor_browser.get(reverse("audit:record", args=["clients.client", "abc"])).status_code
        == 404
    )


def test_auditor_home_shows_latest_changes_and_access(program, auditor_browser):
    from django.test import RequestFactory

    from housingfirst.access_log import log_access

    request = RequestFactory().get("/clients/1/referrals/9/")
    request.user = program.supervisor
    log_access(request, program.client, client=program.client, detail="opened a referral")
    response = auditor_browser.get("/")
    assert len(response.context["latest_changes"]) == 10
    assert [e.user for e in response.context["latest_access"]] == [program.supervisor]
    html = response.content.decode()
    assert "Latest client changes" in html and "opened a referral" in html

import pytest
from django.urls import reverse

from clients.models import Client
from clients.services import client_profile_update
from housingfirst.forms import STALE_EDIT_MESSAGE
from tests.factories import form_values

pytestmark = pytest.mark.django_db


def _admin_form_data(browser, url):
    return form_values(browser.get(url).context["adminform"].form)


def test_admin_edits_client_with_history_and_sees_object_permissions(program, login):
    browser = login(program.admin)
    change_url = reverse("admin:clients_client_change", args=[program.client.pk])
    assert browser.get(change_url).status_code == 200
    assert (
        browser.get(reverse("admin:clients_client_history", args=[program.client.pk])).status_code
        == 200
    )
    permissions_url = reverse("admin:clients_client_permissions", args=[program.client.pk])
    response = browser.get(permissions_url)
    assert response.status_code == 200
    assert "cm_own" in response.content.decode()


def test_admin_change_is_recorded_with_the_admin(program, login):
    browser = login(program.admin)
    url = reverse("admin:clients_client_change", args=[program.client.pk])
    data = {**_admin_form_data(browser, url), "goals": "Set by admin"}
    response = browser.post(reverse("admin:clients_client_change", args=[program.client.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = Client.history.filter(id=program.client.pk).latest("history_id")
    assert latest.history_user == program.admin and latest.goals == "Set by admin"


@pytest.mark.parametrize("who", ["case_manager", "supervisor", "auditor"])
def test_staff_without_admin_rights_cannot_open_admin(program, login, who):
    response = login(getattr(program, who)).get(reverse("admin:clients_client_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_admin_refuses_a_stale_save_like_every_page_and_bumps_the_version(program, login):
    browser = login(program.admin)
    url = reverse("admin:clients_client_change", args=[program.client.pk])
    opened = _admin_form_data(browser, url)
    version = program.client.version
    assert opened["version"] == version

    # A colleague saves the profile while the admin's page is open.
    profile = Client.objects.get(pk=program.client.pk)
    profile.phone = "555-0188"
    client_profile_update(client=profile, by=program.case_manager, expected_version=version)

    stale = browser.post(url, {**opened, "goals": "Set by admin"})
    assert stale.status_code == 200
    assert STALE_EDIT_MESSAGE in stale.content.decode()
    program.client.refresh_from_db()
    assert program.client.goals != "Set by admin"
    assert program.client.phone == "555-0188" and program.client.version == version + 1

    fresh = _admin_form_data(browser, url)
    assert browser.post(url, {**fresh, "goals": "Set by admin"}).status_code == 302
    program.client.refresh_from_db()
    assert program.client.goals == "Set by admin" and program.client.version == version + 2

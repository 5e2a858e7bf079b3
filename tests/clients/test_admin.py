import pytest
from django.urls import reverse

from clients.models import Client

pytestmark = pytest.mark.django_db


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
    form = (
        browser.get(reverse("admin:clients_client_change", args=[program.client.pk]))
        .context["adminform"]
        .form
    )
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data["goals"] = "Set by admin"
    response = browser.post(reverse("admin:clients_client_change", args=[program.client.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = Client.history.filter(id=program.client.pk).latest("history_id")
    assert latest.history_user == program.admin and latest.goals == "Set by admin"


@pytest.mark.parametrize("who", ["case_manager", "supervisor", "auditor"])
def test_staff_without_admin_rights_cannot_open_admin(program, login, who):
    response = login(getattr(program, who)).get(reverse("admin:clients_client_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_admin_edit_bumps_the_version_so_open_forms_see_a_conflict(program, login):
    from django.contrib.admin.sites import site

    from clients.admin import ClientAdmin

    version = program.client.version
    model_admin = ClientAdmin(Client, site)
    request = type("Request", (), {"user": program.admin})()
    model_admin.save_model(request, program.client, form=None, change=True)
    program.client.refresh_from_db()
    assert program.client.version == version + 1

"""Read-only by construction: auditors change nothing anywhere; nobody edits audit records."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from clients.models import Client
from housingfirst.models import AccessLogEntry, ChangeLogEntry

pytestmark = pytest.mark.django_db

# Signing in (its two-factor steps included) and out: the only posts an auditor makes.
SIGN_IN_AND_OUT = {"login", "logout", "two_factor_verify", "two_factor_set_up"}


def _every_path(client_pk):
    """One concrete path for every URL pattern of the site (ids filled in)."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                namespace = pattern.namespace
                yield from walk(
                    pattern.url_patterns, f"{prefix}{namespace}:" if namespace else prefix
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{prefix}{pattern.name}", pattern

    paths = set()
    for name, pattern in walk(get_resolver().url_patterns):
        if name.rpartition(":")[2] in SIGN_IN_AND_OUT:
            continue
        converters = getattr(pattern.pattern, "converters", {})
        kwargs = {
            key: client_pk if type(conv).__name__ == "IntConverter" else "1"
            for key, conv in converters.items()
        }
        try:
            paths.add(reverse(name, kwargs=kwargs))
        except Exception:  # regex patterns with positional groups (admin internals)
            continue
    return sorted(paths)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_auditor_writing_anywhere_gets_403_and_changes_nothing(program, auditor_browser, method):
    paths = _every_path(program.client.pk)
    assert len(paths) > 20 and "/clients/new/" in paths and "/audit/" in paths
    links, accesses = ChangeLogEntry.objects.count(), AccessLogEntry.objects.count()
    for path in paths:
        response = getattr(auditor_browser, method)(path, {"first_name": "Changed"})
        assert response.status_code == 403, path
    assert ChangeLogEntry.objects.count() == links
    assert AccessLogEntry.objects.count() == accesses
    assert Client.objects.get(pk=program.client.pk).first_name == "Rosa"


def test_an_auditor_may_still_sign_out(program, auditor_browser):
    assert auditor_browser.post(reverse("logout")).status_code == 302
    assert auditor_browser.get("/audit/").status_code == 302


def test_other_roles_are_not_made_read_only(program, login):
    response = login(program.case_manager).post(
        reverse("clients:edit", args=[program.client.pk]), {}
    )
    assert response.status_code == 200  # the form, with its errors: not refused


def _history_row(program):
    return Client.history.filter(id=program.client.pk).earliest("history_date")


def _admin_targets(program):
    row = _history_row(program)
    link = ChangeLogEntry.objects.first()
    from django.test import RequestFactory

    from housingfirst.access_log import log_access

    request = RequestFactory().get("/")
    request.user = program.supervisor
    entry = log_access(request, program.client, client=program.client)
    return [
        ("housingfirst", "accesslogentry", entry.pk),
        ("housingfirst", "changelogentry", link.pk),
        ("clients", "historicalclient", row.history_id),
    ]


def test_admin_shows_audit_records_read_only_to_superusers(program, login):
    browser = login(program.admin)
    for app, model, pk in _admin_targets(program):
        assert browser.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
        response = browser.get(reverse(f"admin:{app}_{model}_change", args=[pk]))
        assert response.status_code == 200
        assert response.context["has_change_permission"] is False
        assert response.context["has_delete_permission"] is False


def test_admin_refuses_to_add_change_or_delete_audit_records(program, login):
    browser = login(program.admin)
    targets = _admin_targets(program)
    counts = (ChangeLogEntry.objects.count(), AccessLogEntry.objects.count())
    for app, model, pk in targets:
        assert (
            browser.post(reverse(f"admin:{app}_{model}_change", args=[pk]), {}).status_code == 403
        )
        delete_url = reverse(f"admin:{app}_{model}_delete", args=[pk])
        assert browser.get(delete_url).status_code == 403
        assert browser.post(delete_url, {"post": "yes"}).status_code == 403
        assert browser.get(reverse(f"admin:{app}_{model}_add")).status_code == 403
        changelist = reverse(f"admin:{app}_{model}_changelist")
        response = browser.post(changelist, {"action": "delete_selected", "_selected_action": [pk]})
        assert response.status_code in (200, 302)  # no such action: nothing deleted
    assert (ChangeLogEntry.objects.count(), AccessLogEntry.objects.count()) == counts
    assert Client.history.filter(history_id=targets[2][2]).exists()


def test_nobody_reverts_a_record_from_its_history_in_admin(program, login):
    browser = login(program.admin)
    program.client.first_name = "Rosalind"
    program.client.save()
    row = _history_row(program)
    url = reverse("admin:clients_client_simple_history", args=[program.client.pk, row.history_id])
    response = browser.get(url)
    assert response.status_code == 200
    assert response.context["revert_disabled"] is True
    assert browser.post(url, {"first_name": "Rosa", "last_name": "Parker"}).status_code == 403
    program.client.refresh_from_db()
    assert program.client.first_name == "Rosalind"


def test_the_app_itself_cannot_change_or_delete_audit_records(program):
    link = ChangeLogEntry.objects.first()
    with pytest.raises(TypeError):
        link.save()
    with pytest.raises(TypeError):
        link.delete()
    with pytest.raises(TypeError):
        ChangeLogEntry.objects.filter(pk=link.pk).update(actor="x")
    with pytest.raises(TypeError):
        ChangeLogEntry.objects.all().delete()
    entry = AccessLogEntry.objects.create(user=program.supervisor, record_label="x")
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(detail="x")


def test_deleting_a_person_who_acted_is_refused(program):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        program.case_manager.delete()  # their writes are sealed history

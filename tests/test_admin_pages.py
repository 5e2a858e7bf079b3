"""Every admin page of every registered model opens for a superuser, and none shows a
protected (substance-use) record's name without writing the access log (issue 18, point 3).

The demo program (seed_demo) gives every model at least one row, changed at least once: the
walk opens each changelist, change page, object history list and history version."""

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from simple_history.admin import SimpleHistoryAdmin

from housingfirst.audit_log import registry
from housingfirst.models import AccessLogEntry
from referrals.models import Consent, Referral
from reminders.models import Reminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, django_user_model):
    settings.DEBUG = True
    call_command("seed_demo")
    return django_user_model.objects.get(username="admin")


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _row_of(model):
    """A row linking to a protected record where the model has such links, else the newest."""
    rows = model._default_manager.order_by("pk")
    for field in model._meta.concrete_fields:
        target = field.related_model if field.is_relation else None
        if target is not None and hasattr(target._default_manager, "protected"):
            row = rows.filter(**{f"{field.attname}__in": target._default_manager.protected()})
            if row.exists():
                return row.last()
    return rows.last()


def _admin_urls():
    """(model, url) for every admin page of one row of every registered model."""
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield model, reverse(f"{info}_changelist")
        obj = _row_of(model)
        if obj is None:
            continue
        yield model, _url(f"{info}_change", obj.pk)
        yield model, _url(f"{info}_history", obj.pk)
        if isinstance(model_admin, SimpleHistoryAdmin):
            for row in registry.history_model_for(model)._default_manager.filter(
                **{model._meta.pk.attname: obj.pk}
            ):
                yield model, _url(f"{info}_simple_history", obj.pk, row.history_id)


def _protected_labels():
    """Each protected record's name, with its provider's name and without (as on lists)."""
    labels = {}
    for model in (Referral, Consent):
        for record in model.objects.protected():
            labels[str(record)] = record
            labels[str(model.objects.select_related("provider").get(pk=record.pk))] = record
    return labels


def test_every_admin_page_opens_and_shows_no_protected_record_unlogged(seeded, login):
    browser = login(seeded)
    labels = _protected_labels()
    assert labels, "the demo program has substance-use records"
    assert Reminder.objects.filter(referral__in=Referral.objects.protected()).exists()
    opened, visited_protected_links = 0, False
    for model, url in _admin_urls():
        if url is None:
            continue
        before = AccessLogEntry.objects.count()
        response = browser.get(url)
        if "historicalreminder/" in url:
            visited_protected_links = True
        assert response.status_code < 500, url
        opened += 1
        if response.status_code != 200 or model is AccessLogEntry:
            # The access log names what was looked at, as /audit/access/ does: reading it is
            # not a look at the records it names.
            continue
        page = response.content.decode()
        logged = AccessLogEntry.objects.filter(pk__gt=0).order_by("-pk")[
            : AccessLogEntry.objects.count() - before
        ]
        logged_records = {(e.content_type_id, e.object_id) for e in logged}
        for label, record in labels.items():
            if label in page:
                key = (ContentType.objects.get_for_model(record).pk, str(record.pk))
                assert key in logged_records, f"{url} shows {label!r} without logging it"
    # Every changelist, and the change and history pages of every model that has a row.
    with_rows = sum(1 for model in admin.site._registry if _row_of(model) is not None)
    assert opened >= len(admin.site._registry) + 2 * with_rows
    assert visited_protected_links


def test_history_tables_are_left_off_the_admin_index_but_open_by_url(seeded, login):
    browser = login(seeded)
    index = browser.get(reverse("admin:index")).content.decode()
    assert "Historical" not in index and "historical" not in index
    assert browser.get(reverse("admin:clients_historicalclient_changelist")).status_code == 200

"""Reads about one client that span every app."""

from collections import defaultdict

from django.apps import apps
from django.db.models import Q

from housingfirst.access_log import log_access_many
from housingfirst.audit_log import changelog
from housingfirst.audit_log.actions import group_actions
from housingfirst.roles import Role, role_of

from .models import ClientLink


def _protected_records(entries, user):
    """Split the protected records behind these entries into (shown, hidden) objects.

    A model marks protected rows with a ``protected()`` QuerySet method (substance-use
    referrals and their consents). People with a need to know see them through the model's
    ``visible_to``; auditors and administrators see their history too, every look logged
    (as on /audit/); others never do.
    """
    ids_by_model = defaultdict(set)
    for entry in entries:
        model = apps.get_model(entry.model_label) if entry.model_label else None
        if model is not None and hasattr(model._default_manager, "protected"):
            ids_by_model[model].add(entry.object_id)
    shown, hidden = [], set()
    for model, ids in ids_by_model.items():
        protected = list(model._default_manager.protected().filter(pk__in=ids))
        if not protected:
            continue
        if role_of(user) in (Role.AUDITOR, Role.ADMINISTRATOR):
            visible = {obj.pk for obj in protected}
        else:
            visible = set(
                model._default_manager.visible_to(user)
                .filter(pk__in=[obj.pk for obj in protected])
                .values_list("pk", flat=True)
            )
        label = model._meta.label_lower
        for obj in protected:
            if obj.pk in visible:
                shown.append(obj)
            else:
                hidden.add((label, str(obj.pk)))
    return shown, hidden


def client_history_page(request, client, *, before=None, after=None, size=50):
    """One page of every change to this client's records (profile, assignments, access,
    housing, contacts, referrals, consents, reminders, covers), newest first.

    Protected records appear only to people who may see them, and each one shown is written
    to the access log.
    """
    # Records linked to this one (or the primary this one is linked to): one story.
    links = ClientLink.objects.active().filter(Q(primary=client) | Q(linked=client))
    client_ids = {client.pk} | {
        pk for pair in links.values_list("primary_id", "linked_id") for pk in pair
    }
    page = changelog.change_log_page(
        changelog.Filters(client_ids=sorted(client_ids)), before=before, after=after, size=size
    )
    shown, hidden = _protected_records(page.items, request.user)
    if hidden:
        page.items = [e for e in page.items if (e.model_label, e.object_id) not in hidden]
        page.actions = group_actions(page.items)  # never the hidden records' rows
    if shown:
        log_access_many(request, shown, detail="Client change history")
    return page


def link_context(client) -> dict:
    """For the client page, in one query: the primary this record is linked to (it is then
    read-only), and the records linked to it."""
    links = list(
        ClientLink.objects.active()
        .filter(Q(primary=client) | Q(linked=client))
        .select_related("primary", "linked")
    )
    return {
        "link": next((link for link in links if link.linked_id == client.pk), None),
        "linked_records": [link for link in links if link.primary_id == client.pk],
    }

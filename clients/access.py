"""The one way to fetch a client for a person: out of scope answers 404, wrong role 403.

Placements, contacts, referrals and notes are reached through their client, so every app
calls ``get_client_for`` first and then looks the related row up within that client.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from housingfirst.roles import Role, role_of

from .models import Client, ClientLink, Team

# Roles that may write client records at all; auditors only read.
WRITER_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR, Role.ADMINISTRATOR)
_MAX_ID = 2**63 - 1


def can_change_clients(user) -> bool:
    return role_of(user) in WRITER_ROLES


def parse_id(value) -> int | None:
    """A database id from a URL or form value, or None when it cannot be one."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= _MAX_ID else None


def supervised_teams(user):
    """The teams whose caseloads this person reviews: their own, or every team (admins)."""
    role = role_of(user)
    if role is Role.ADMINISTRATOR:
        return Team.objects.all()
    if role is Role.SUPERVISOR:
        return Team.objects.filter(supervisors=user)
    return Team.objects.none()


def get_client_for(user, client_id, *, change: bool = False, queryset=None) -> Client:
    """The client with this id if the person may see it (or change it, with change=True)."""
    if change and not can_change_clients(user):
        raise PermissionDenied
    pk = parse_id(client_id)
    if pk is None:
        raise Http404("No such client")
    base = (
        queryset if queryset is not None else Client.objects.select_related("team", "case_manager")
    )
    client = base.visible_to(user, "change" if change else "view").filter(pk=pk).first()
    if client is None:
        raise Http404("No such client")
    if change and ClientLink.objects.active().filter(linked=client).exists():
        # A record linked to its primary is kept read-only; the work continues on the primary.
        raise PermissionDenied("This record is linked to another and is read-only.")
    return client

"""Workflows that touch several models: intake, assignment, and object-permission grants."""

from django.db import transaction
from django.utils import timezone

from housingfirst.audit import change_reason

from .models import Assignment, Client, ClientUserObjectPermission, Team

CASE_MANAGER_PERMISSIONS = ("view_client", "change_client")


def _permission(codename: str):
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="clients", codename=codename)


def grant_client_access(*, client: Client, user, reason: str) -> None:
    """Give one person view and change access to one client (recorded in history)."""
    with change_reason(reason):
        for codename in CASE_MANAGER_PERMISSIONS:
            ClientUserObjectPermission.objects.get_or_create(
                content_object=client, user=user, permission=_permission(codename)
            )


def revoke_client_access(*, client: Client, user, reason: str) -> None:
    """Take one person's access to one client away; each grant's deletion is in history."""
    with change_reason(reason):
        for grant in ClientUserObjectPermission.objects.filter(content_object=client, user=user):
            grant.delete()


def case_manager_team(case_manager) -> Team | None:
    return case_manager.teams.order_by("pk").first()


@transaction.atomic
def assign_client(
    *, client: Client, case_manager, assigned_by, reason: str, effective_at=None
) -> Assignment:
    """Hand a client to a case manager: end the current assignment, move access, keep the past.

    ``effective_at`` back-dates the hand-over (records brought over from paper or another
    system); by default it is now.
    """
    reason = reason.strip()
    now = effective_at or timezone.now()
    client = Client.objects.select_for_update().get(pk=client.pk)
    with change_reason(reason):
        current = client.assignments.filter(ended_at__isnull=True).first()
        if current is not None:
            if current.case_manager_id == case_manager.pk:
                return current
            current.ended_at = now
            current.save()
            revoke_client_access(client=client, user=current.case_manager, reason=reason)
        assignment = Assignment.objects.create(
            client=client,
            case_manager=case_manager,
            started_at=now,
            assigned_by=assigned_by,
            reason=reason,
        )
        grant_client_access(client=client, user=case_manager, reason=reason)
        client.case_manager = case_manager
        client.team = case_manager_team(case_manager) or client.team
        client.version += 1
        client.save()
    return assignment


@transaction.atomic
def intake_client(*, client: Client, created_by, case_manager=None) -> Client:
    """Enrol a new client; assign them when a case manager is known, else leave them queued."""
    with change_reason("Intake"):
        client.save()
    if case_manager is not None:
        assign_client(
            client=client, case_manager=case_manager, assigned_by=created_by, reason="Intake"
        )
    return client

"""Data helpers for the caseload review tests."""

from datetime import date, datetime, time

from django.utils import timezone

from clients import services
from clients.models import Assignment


def local(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def past_assignment(client, case_manager, start: date, end: date | None = None) -> Assignment:
    """An assignment with explicit dates (history of caseload sizes); no grants."""
    return Assignment.objects.create(
        client=client,
        case_manager=case_manager,
        started_at=local(start),
        ended_at=local(end) if end else None,
        reason="Test history",
    )


def cover(program, *, covering=None, case_manager=None, starts_on, ends_on, clients=None):
    return services.cover_arrange(
        team=program.team,
        case_manager=case_manager or program.case_manager,
        covering=covering or program.teammate,
        starts_on=starts_on,
        ends_on=ends_on,
        reason="Annual leave",
        arranged_by=program.supervisor,
        clients=clients,
    )

"""Reads that compose enrollments with the placements (the housing move-in date, 3.20)."""

from django.db.models import F, OuterRef, Subquery

from placements.models import Placement

from .hud import DataCollectionStage
from .models import Assessment, Enrollment


def first_move_in_subquery(client_ref="client_id"):
    """The client's first placement's move-in date, as a subquery (3.20 Housing move-in date):
    moving between units later (rehousing) does not change it."""
    return Subquery(
        Placement.objects.filter(client_id=OuterRef(client_ref), move_in_date__isnull=False)
        .order_by("move_in_date", "pk")
        .values("move_in_date")[:1]
    )


def enrollments_of(client):
    """The client's enrollments, the open one first, then the latest."""
    return (
        Enrollment.objects.filter(client=client)
        .select_related("project", "household")
        .annotate(move_in_date=first_move_in_subquery())
        .order_by(F("exit_date").desc(nulls_first=True), "-entry_date", "-pk")
    )


def entry_assessment(enrollment):
    return (
        Assessment.objects.filter(enrollment=enrollment, stage=DataCollectionStage.PROJECT_START)
        .only("pk", "stage", "information_date")
        .first()
    )

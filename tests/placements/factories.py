"""Placements and contacts for tests. Saved directly (no service), so tests can build any past."""

from datetime import date, datetime, time
from decimal import Decimal

import factory
from django.utils import timezone

from placements.models import Contact, Placement, SubsidyType


class SubsidyTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubsidyType
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Subsidy {n}")


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    search_started_on = date(2024, 1, 2)
    address = factory.Sequence(lambda n: f"{n + 10} Elm St, Apt {n % 9 + 1}")
    landlord_name = "Maple Property Management"
    monthly_rent = Decimal("1200.00")
    tenant_share = Decimal("360.00")


def housed(client, move_in: date, exit_date: date | None = None, **fields) -> Placement:
    """A placement the client moved into (and left, with exit_date)."""
    fields.setdefault("search_started_on", move_in)
    fields.setdefault("lease_start", move_in)
    if exit_date is not None:
        fields.setdefault("exit_reason", Placement.ExitReason.LEASE_ENDED)
        fields.setdefault("exit_destination", 410)
    return PlacementFactory(client=client, move_in_date=move_in, exit_date=exit_date, **fields)


def local_datetime(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    kind = Contact.Kind.HOME_VISIT
    occurred_at = factory.LazyFunction(timezone.now)
    note = "Checked in."


def visit(client, day: date, *, by, kind=Contact.Kind.HOME_VISIT, hour=10, at=None) -> Contact:
    """A contact on ``day`` at ``hour`` (program time), or at the exact moment ``at``."""
    return ContactFactory(
        client=client, made_by=by, kind=kind, occurred_at=at or local_datetime(day, hour)
    )

"""Sites, items, funding and stock for the harm-reduction tests (and the audit tests' builders).

Stock moves only through ``harm_reduction.services``; the helpers here use them, so tests start
from states the app can actually reach.
"""

from datetime import datetime, time, timedelta

import factory
from django.utils import timezone

from harm_reduction import services
from harm_reduction.models import (
    Discard,
    Distribution,
    Draw,
    FundingSource,
    ItemKind,
    OverdoseResponse,
    Site,
    SiteStaff,
    StockLot,
    StockMinimum,
    TrainingSession,
)
from tests.factories import UserFactory


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Site {n}")
    tenant_count = 40


class ItemKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemKind
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Item {n}")
    is_naloxone = True


class FundingSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingSource
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Funder {n}")


class SiteStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteStaff

    site = factory.SubFactory(SiteFactory)
    user = factory.SubFactory(UserFactory)


class StockMinimumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockMinimum

    site = factory.SubFactory(SiteFactory)
    item = factory.SubFactory(ItemKindFactory)
    minimum = 5


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    held_on = factory.LazyFunction(timezone.localdate)
    site = factory.SubFactory(SiteFactory)
    audience = TrainingSession.Audience.TENANTS
    people_trained = 8
    recorded_by = factory.SubFactory(UserFactory)


class OverdoseResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OverdoseResponse

    # The start of today, program time: in the past, and on today's local date at any hour.
    occurred_at = factory.LazyFunction(
        lambda: timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    )
    site = factory.SubFactory(SiteFactory)
    zone = "Lobby"
    naloxone_doses = 2
    naloxone_route = OverdoseResponse.Route.NASAL
    called_911 = True
    ems_arrived = True
    outcome = OverdoseResponse.Outcome.RESPONSIVE
    responder_role = OverdoseResponse.Responder.STAFF
    recorded_by = factory.SubFactory(UserFactory)


def receive(site, item, quantity, *, by, expires_in_days=365, lot_number="L1", received_ago=10):
    today = timezone.localdate()
    return services.stock_receive(
        site=site,
        item=item,
        lot_number=lot_number,
        received_on=today - timedelta(days=received_ago),
        expires_on=today + timedelta(days=expires_in_days),
        quantity=quantity,
        by=by,
    )


def hand_out(site, item, quantity, *, by, funding_source=None, client=None, **fields):
    fields.setdefault("given_on", timezone.localdate())
    fields.setdefault("recipient_role", "tenant")
    return services.distribution_record(
        site=site,
        item=item,
        quantity=quantity,
        funding_source=funding_source or FundingSourceFactory(),
        client=client,
        by=by,
        **fields,
    )


# Direct rows for the audit tests (which build one record of every model); the other tests
# move stock through the services above.
class StockLotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockLot

    site = factory.SubFactory(SiteFactory)
    item = factory.SubFactory(ItemKindFactory)
    lot_number = factory.Sequence(lambda n: f"LOT{n}")
    received_on = factory.LazyFunction(timezone.localdate)
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    quantity = 50
    recorded_by = factory.SubFactory(UserFactory)


class DiscardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discard

    lot = factory.SubFactory(StockLotFactory)
    discarded_on = factory.LazyFunction(timezone.localdate)
    quantity = 1
    reason = Discard.Reason.DAMAGED
    recorded_by = factory.SubFactory(UserFactory)


class DistributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Distribution

    given_on = factory.LazyFunction(timezone.localdate)
    site = factory.SubFactory(SiteFactory)
    item = factory.SubFactory(ItemKindFactory)
    quantity = 1
    recipient_role = "tenant"
    funding_source = factory.SubFactory(FundingSourceFactory)
    recorded_by = factory.SubFactory(UserFactory)


class DrawFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Draw

    distribution = factory.SubFactory(DistributionFactory)
    lot = factory.SubFactory(StockLotFactory)
    quantity = 1

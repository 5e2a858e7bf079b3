from datetime import timedelta

import factory
from django.utils import timezone

from appointments.models import Appointment, CalendarFeed
from tests.factories import ClientFactory, UserFactory


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    client = factory.SubFactory(ClientFactory)
    staff = factory.SubFactory(UserFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    place = "Benefits office, 12 Main St"
    what = "Benefits appointment"


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    user = factory.SubFactory(UserFactory)

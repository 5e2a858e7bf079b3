"""Demo appointments (called by ``seed_demo``): this week and next, on case managers' calendars."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from clients.demo import DemoProgram
from clients.models import Client

from . import services
from .models import Appointment

KINDS = [
    ("Home visit", "At home"),
    ("Benefits office", "Benefits office, 200 Main St"),
    ("Court date", "County courthouse, room 4"),
]


def assigned_clients(program: DemoProgram) -> list:
    ids = [client.pk for client in program.clients]
    return list(
        Client.objects.filter(pk__in=ids, case_manager__isnull=False)
        .select_related("case_manager")
        .order_by("pk")
    )


def seed(program: DemoProgram, large: bool = False) -> None:
    today = timezone.localdate()
    clients = assigned_clients(program)[:10]
    for index, client in enumerate(clients):
        what, place = KINDS[index % len(KINDS)]
        day = today + timedelta(days=1 + index % 7)
        services.appointment_book(
            appointment=Appointment(
                client=client,
                staff=client.case_manager,
                starts_at=timezone.make_aware(datetime.combine(day, time(9 + index % 7, 30))),
                what=what,
                place=place,
            ),
            by=client.case_manager,
        )

"""Demo case notes (called by ``seed_demo``): a few per client, through the real service."""

from datetime import timedelta

from django.utils import timezone

from clients.demo import DemoProgram
from clients.models import Client

from . import services
from .models import Note, Topic

NOTES = [
    ("Housing", "Home visit. The heating works again; she showed me the new curtains.", False),
    ("Benefits", "Went through the benefits letter together. Appointment booked.", False),
    ("Health", "Talked about sleep and the new medication; she'll see her doctor.", True),
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
    clients = assigned_clients(program)[:12]
    for index, client in enumerate(clients):
        for offset, (topic, text, protected) in enumerate(NOTES[: 1 + index % 3]):
            services.note_write(
                note=Note(
                    client=client,
                    topic=Topic.objects.get(name=topic),
                    text=text,
                    is_protected=protected,
                    written_on=today - timedelta(days=3 * offset + index),
                ),
                by=client.case_manager,
            )

"""The demo program: staff and clients, then each domain app's demo data on top.

It composes every app's demo module, so it lives in the top layer with the other pages that
compose several apps.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import appointments.demo
import casenotes.demo
import enrollments.demo
import harm_reduction.demo
import placements.demo
import plans.demo
import referrals.demo
import reminders.demo
from clients import demo
from housingfirst.audit import acting_as, buffered_history
from placements import state as housing_state

# Each app that has demo data offers ``seed(program, large=False)`` in its demo module; they run
# in this order, each building on what the previous ones made. Reminders come last, once the
# housing read model they read is written.
APP_SEEDERS = [
    placements.demo,
    referrals.demo,
    casenotes.demo,
    plans.demo,
    appointments.demo,
    enrollments.demo,
    harm_reduction.demo,
]
LAST_SEEDER = reminders.demo


class Command(BaseCommand):
    help = "Build a small, realistic demo program (refuses to run with DEBUG off)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--clients",
            type=int,
            default=None,
            help="Build a large program of this many clients with bulk inserts (benchmarks).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when demo data is already present (used by the local run).",
        )
        parser.add_argument(
            "--without-reminders",
            action="store_true",
            help=(
                "Skip the reminder sweep (only the few reminders enrollments make at once exist): "
                "the sweep's benchmark times the first sweep, which makes the rest."
            ),
        )

    def handle(self, *args, clients=None, if_empty=False, without_reminders=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo builds fake people with a known password: DEBUG must be on."
            )
        if demo.demo_present():
            if if_empty:
                self.stdout.write("Demo data already present.")
                return
            raise CommandError("Demo data already present; use a fresh database.")
        if clients is not None and clients < 1:
            raise CommandError("--clients must be a positive number.")
        started = time.monotonic()
        # The history of the records saved one by one through the services is written at the
        # end, in bulk, sealed (a large program's rows are written with theirs, batch by batch);
        # each client's housing read model is written once, before the reminders.
        with acting_as(demo.DEMO_ACTOR), transaction.atomic(), buffered_history():
            with housing_state.refreshed_at_end():
                program = demo.seed_staff()
                demo.seed_clients(program, 30)
                if clients:
                    demo.seed_large_program(program, clients)
                for module in APP_SEEDERS:
                    module.seed(program, large=bool(clients))
            if not without_reminders:
                LAST_SEEDER.seed(program, large=bool(clients))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo program ready: {program.client_count} clients "
                f"in {time.monotonic() - started:.1f}s. "
                f"Sign in as supervisor1, supervisor2, director, casemanager1-3, auditor or admin "
                f"with the password {demo.DEMO_PASSWORD!r}."
            )
        )

from django.core.management.base import BaseCommand, CommandError

from housingfirst.audit import acting_as
from reminders import services


class Command(BaseCommand):
    help = (
        "Make the reminders that are due and close those no longer due, for every client "
        "(the hourly job, run by hand), and report the counts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="Clients per batch (default: the REMINDER_BATCH_SIZE setting).",
        )

    def handle(self, *args, batch_size=None, **options):
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be a positive number.")
        with acting_as("command:generate_reminders"):
            report = services.reminders_generate(batch_size=batch_size)
        self.stdout.write(self.style.SUCCESS(f"Reminders: {report}."))

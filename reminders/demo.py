"""Demo reminders (called by ``seed_demo``, after placements and referrals).

Runs the real generation over the demo program, so the reminders are exactly those the rules
make from the demo's dates: overdue home visits, referral follow-ups, leases ending and so on.
In the small program one reminder is then marked done and one snoozed, so every state shows.
"""

from datetime import timedelta

from django.utils import timezone

from clients.demo import DemoProgram

from . import services
from .models import Reminder


def seed(program: DemoProgram, large: bool = False) -> services.GenerationReport:
    report = services.reminders_generate()
    if not large:
        pending = list(
            Reminder.objects.pending()
            .filter(client__isnull=False)
            .select_related("assigned_to")
            .order_by("pk")
        )
        if len(pending) > 2:
            first, last = pending[0], pending[-1]
            services.reminder_mark_done(reminder=first, by=first.assigned_to)
            services.reminder_snooze(
                reminder=last,
                until=timezone.localdate() + timedelta(days=3),
                by=last.assigned_to,
            )
    return report

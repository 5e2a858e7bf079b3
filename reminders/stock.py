"""Stock reminders for the staff of each harm-reduction site (``harm_reduction.SiteStaff``).

- **Supplies expiring**: a lot with stock left is due ``HARM_REDUCTION_EXPIRING_DAYS`` before
  it expires (or on the day it was received, if later); it stays until the lot is used up or
  discarded, so expired kits still on the shelf are not forgotten.
- **Supplies running low**: stock of an item at a site is under its minimum; it closes when
  stock is back at the minimum. Marked done, it is not made again for a week while stock
  stays low.

Run by the daily beat task and whenever stock changes (``harm_reduction.events``): a constant
number of queries whatever the number of lots and sites.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from harm_reduction.models import SiteStaff, StockLot, StockMinimum
from harm_reduction.stock import stock_lines, with_remaining

from .models import SITE_KINDS, Kind, Reminder
from .services import CREATED_REASON, _close

STOCK_JOB = "job:stock_reminders"
LOW_STOCK_QUIET_DAYS = 7


def _staff_by_site() -> dict[int, list[int]]:
    staff = {}
    for site_id, user_id in SiteStaff.objects.values_list("site_id", "user_id"):
        staff.setdefault(site_id, []).append(user_id)
    return staff


def stock_wanted(today: date) -> dict[tuple, Reminder]:
    """The stock reminders that should exist today, by (kind, subject, person)."""
    lead = timedelta(days=settings.HARM_REDUCTION_EXPIRING_DAYS)
    staff = _staff_by_site()
    wanted = {}
    lots = with_remaining(StockLot.objects.filter(expires_on__lte=today + lead)).filter(
        remaining__gt=0
    )
    for lot_id, site_id, expires_on, received_on in lots.values_list(
        "pk", "site_id", "expires_on", "received_on"
    ):
        for user_id in staff.get(site_id, []):
            wanted[(Kind.STOCK_EXPIRING, lot_id, user_id)] = Reminder(
                kind=Kind.STOCK_EXPIRING,
                stock_lot_id=lot_id,
                assigned_to_id=user_id,
                due_on=max(expires_on - lead, received_on),
            )
    low = [line for line in stock_lines(today) if line.below_minimum]
    if low:
        minimum_ids = {
            (minimum.site_id, minimum.item_id): minimum.pk
            for minimum in StockMinimum.objects.filter(site__in={line.site.pk for line in low})
        }
        for line in low:
            minimum_id = minimum_ids[(line.site.pk, line.item.pk)]
            for user_id in staff.get(line.site.pk, []):
                wanted[(Kind.STOCK_LOW, minimum_id, user_id)] = Reminder(
                    kind=Kind.STOCK_LOW,
                    stock_minimum_id=minimum_id,
                    assigned_to_id=user_id,
                    due_on=today,
                )
    return wanted


def _key(reminder: Reminder) -> tuple:
    return (
        reminder.kind,
        reminder.stock_lot_id or reminder.stock_minimum_id,
        reminder.assigned_to_id,
    )


def reminders_stock_sweep(*, today: date | None = None, by=None) -> tuple[int, int]:
    """Make the stock reminders that are missing and close those no longer due.

    Returns (created, resolved).
    """
    today = today or timezone.localdate()
    wanted = stock_wanted(today)
    quiet_since = today - timedelta(days=LOW_STOCK_QUIET_DAYS)
    existing = list(
        Reminder.objects.filter(kind__in=SITE_KINDS).filter(
            Q(state__in=Reminder.PENDING)
            | Q(
                kind=Kind.STOCK_EXPIRING,
                stock_lot__in=[k[1] for k in wanted if k[0] == Kind.STOCK_EXPIRING],
            )
            | Q(kind=Kind.STOCK_LOW, state=Reminder.State.DONE, closed_at__date__gte=quiet_since)
        )
    )
    existing_keys = {_key(reminder) for reminder in existing}
    gone = [r for r in existing if r.is_pending and _key(r) not in wanted]
    _close(gone, state=Reminder.State.RESOLVED, by=by, reason="Resolved: stock back in order")
    missing = [reminder for key, reminder in wanted.items() if key not in existing_keys]
    if missing:
        bulk_create_with_history(missing, Reminder, default_change_reason=CREATED_REASON)
    return len(missing), len(gone)

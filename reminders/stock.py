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
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from harm_reduction.models import SiteStaff, StockLot, StockMinimum
from harm_reduction.stock import stock_lines, with_remaining

from .models import Kind, Reminder
from .services import CREATED_REASON, _close

STOCK_JOB = "job:stock_reminders"
LOW_STOCK_QUIET_DAYS = 7


def _staff_by_site() -> dict[int, list[int]]:
    staff = {}
    memberships = SiteStaff.objects.filter(site__is_active=True, user__is_active=True)
    for site_id, user_id in memberships.values_list("site_id", "user_id"):
        staff.setdefault(site_id, []).append(user_id)
    return staff


def stock_wanted(today: date, scope: dict) -> dict[tuple, Reminder]:
    """The stock reminders that should exist today, by (kind, subject, person)."""
    lead = timedelta(days=settings.HARM_REDUCTION_EXPIRING_DAYS)
    staff = _staff_by_site()
    wanted = {}
    lots = with_remaining(StockLot.objects.filter(expires_on__lte=today + lead, **scope)).filter(
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
    low = [
        line
        for line in stock_lines(today)
        if line.below_minimum
        and scope.get("site_id", line.site.pk) == line.site.pk
        and scope.get("item_id", line.item.pk) == line.item.pk
    ]
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


def _create(missing: list[Reminder]) -> int:
    """Insert with history; one made meanwhile by another sweep (the daily task, a colleague's
    distribution at the same moment) is left as it is, never an error for the person."""
    try:
        with transaction.atomic():
            bulk_create_with_history(missing, Reminder, default_change_reason=CREATED_REASON)
        return len(missing)
    except IntegrityError:
        created = 0
        for reminder in missing:
            reminder.pk = None
            try:
                with transaction.atomic():
                    bulk_create_with_history(
                        [reminder], Reminder, default_change_reason=CREATED_REASON
                    )
                created += 1
            except IntegrityError:
                continue
        return created


def reminders_stock_sweep(
    *, today: date | None = None, by=None, site_id=None, item_id=None
) -> tuple[int, int]:
    """Make the stock reminders that are missing and close those no longer due, for every
    site and item, or for one (after a change of its stock). Returns (created, resolved)."""
    today = today or timezone.localdate()
    scope = {}
    if site_id is not None:
        scope["site_id"] = site_id
    if item_id is not None:
        scope["item_id"] = item_id
    wanted = stock_wanted(today, scope)
    quiet_since = today - timedelta(days=LOW_STOCK_QUIET_DAYS)
    lot_scope = {f"stock_lot__{name}": value for name, value in scope.items()}
    level_scope = {f"stock_minimum__{name}": value for name, value in scope.items()}
    wanted_lots = [key[1] for key in wanted if key[0] == Kind.STOCK_EXPIRING]
    existing = list(
        Reminder.objects.filter(
            (Q(kind=Kind.STOCK_EXPIRING, **lot_scope) | Q(kind=Kind.STOCK_LOW, **level_scope))
            & (
                Q(state__in=Reminder.PENDING)
                | Q(kind=Kind.STOCK_EXPIRING, stock_lot__in=wanted_lots)
                | Q(
                    kind=Kind.STOCK_LOW,
                    state=Reminder.State.DONE,
                    closed_at__date__gte=quiet_since,
                )
            )
        )
    )
    existing_keys = {_key(reminder) for reminder in existing}
    gone = [r for r in existing if r.is_pending and _key(r) not in wanted]
    _close(gone, state=Reminder.State.RESOLVED, by=by, reason="Resolved: stock back in order")
    missing = [reminder for key, reminder in wanted.items() if key not in existing_keys]
    created = _create(missing) if missing else 0
    return created, len(gone)

"""Keeping the housing read model (``HousingState``) true.

Each client's row is computed from scratch from their placements and contacts
(``computed_values``)
and written whenever one of those changes, in the same transaction: a receiver of every save
and delete of a placement or a contact (forms, the admin, imports, a link moving records) marks
the client, and the row is rewritten at once, or at the end of a ``refreshed_at_end()`` block
that writes many records (the demo seed, an import batch). ``reconcile`` recomputes every row
as a safety net (the hourly reminder sweep runs it) and names the clients whose row it had to
correct: a write that bypassed the model (a raw ``update()``), or a change of
``VISIT_SCHEDULE_CONTACT_KINDS``.
"""

from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db.models import F, Max, QuerySet
from django.utils import timezone

from clients.models import Client

from .models import Contact, HousingState, HousingStatus, Placement

BATCH_SIZE = 2000

# The columns a refresh writes, in the order of ``_values``.
FIELDS = (
    "status",
    "current_placement",
    "housed_since",
    "placements_moved_in",
    "days_housed_closed",
    "settled_on",
    "last_contact_at",
    "last_visit_on",
)
# The same columns as the database names them.
COLUMNS = tuple(f"{name}_id" if name == "current_placement" else name for name in FIELDS)
EMPTY = (HousingStatus.NO_PLACEMENT, None, None, 0, 0, None, None, None)


def computed_values(
    client_ids: Iterable[int], *, every_id_between: bool = False
) -> dict[int, tuple]:
    """Client id -> the columns of its state, from its placements and contacts alone (``EMPTY``
    for a client with neither): the definition the read model must always equal. Three
    queries for any number of clients."""
    ids = list(client_ids)
    if not ids:
        return {}
    # The id range lets PostgreSQL read a batch by index, not the whole table; when the ids are
    # every client between the first and the last (the sweep's batches), it is the whole filter.
    batch = {"client_id__gte": min(ids), "client_id__lte": max(ids)}
    if not every_id_between:
        batch["client_id__in"] = ids
    placements = defaultdict(list)
    for row in (
        Placement.objects.filter(**batch)
        .order_by()
        .values_list("client_id", "pk", "move_in_date", "exit_date")
    ):
        placements[row[0]].append(row[1:])
    last_contact = dict(
        Contact.objects.reached()
        .filter(**batch)
        .order_by()
        .values("client_id")
        .annotate(latest=Max("occurred_at"))
        .values_list("client_id", "latest")
    )
    # Visits count from the open placement's move-in (a local date), like the visit rule.
    last_visit = dict(
        Contact.objects.filter(
            **batch,
            kind__in=settings.VISIT_SCHEDULE_CONTACT_KINDS,
            client__placements__exit_date__isnull=True,
            client__placements__move_in_date__isnull=False,
            occurred_at__date__gte=F("client__placements__move_in_date"),
        )
        .order_by()
        .values("client_id")
        .annotate(latest=Max("occurred_at"))
        .values_list("client_id", "latest")
    )
    values = {}
    for client_id in ids:
        visit = last_visit.get(client_id)
        values[client_id] = _state(
            placements.get(client_id, ()),
            last_contact_at=last_contact.get(client_id),
            last_visit_on=timezone.localdate(visit) if visit else None,
        )
    return values


def _state(placements, *, last_contact_at, last_visit_on) -> tuple:
    """The columns of one client's state from their placements' (pk, move-in, exit)."""
    current = next(((pk, move_in) for pk, move_in, exit_date in placements if not exit_date), None)
    if current is None:
        status = HousingStatus.LEFT_HOUSING if placements else HousingStatus.NO_PLACEMENT
    else:
        status = HousingStatus.HOUSED if current[1] else HousingStatus.SEARCHING
    housed_since = current[1] if current else None
    moved_in = [(move_in, exit_date) for _pk, move_in, exit_date in placements if move_in]
    dates = [day for _pk, move_in, exit_date in placements for day in (move_in, exit_date) if day]
    return (
        status,
        current[0] if current else None,
        housed_since,
        len(moved_in),
        sum((exit_date - move_in).days for move_in, exit_date in moved_in if exit_date),
        max(dates) if dates else None,
        last_contact_at,
        last_visit_on if housed_since else None,
    )


def stored_values(client_ids: Iterable[int], *, every_id_between: bool = False) -> dict[int, tuple]:
    """Client id -> the columns of its stored state (clients without a row are left out)."""
    ids = list(client_ids)
    if not ids:
        return {}
    rows = HousingState.objects.filter(client_id__gte=min(ids), client_id__lte=max(ids))
    if not every_id_between:
        rows = rows.filter(client_id__in=ids)
    rows = rows.values_list("client_id", *COLUMNS)
    return {row[0]: tuple(row[1:]) for row in rows}


def _write(values: dict[int, tuple]) -> None:
    states = [
        HousingState(
            client_id=client_id,
            **dict(zip(COLUMNS, columns, strict=True)),
        )
        for client_id, columns in values.items()
    ]
    HousingState.objects.bulk_create(
        states,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["client"],
        update_fields=list(FIELDS),
    )


def refresh(client_ids: Iterable[int]) -> None:
    """Rewrite these clients' rows from their placements and contacts."""
    ids = sorted(set(client_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        _write(computed_values(ids[start : start + BATCH_SIZE]))


def reconcile(*, id_range: tuple[int, int] | None = None) -> list[int]:
    """Recompute the rows of every client (or of those whose ids are in ``id_range``,
    inclusive) and correct the ones that differ; returns the ids of the clients corrected.

    Queries grow with the number of batches only.
    """
    flush()
    clients = Client._default_manager.order_by("pk")
    if id_range is not None:
        clients = clients.filter(pk__range=id_range)
    corrected = []
    after = 0
    while True:
        ids = list(clients.filter(pk__gt=after).values_list("pk", flat=True)[:BATCH_SIZE])
        if not ids:
            return corrected
        after = ids[-1]
        fresh = computed_values(ids, every_id_between=True)
        stored = stored_values(ids, every_id_between=True)
        wrong = {
            client_id: columns
            for client_id, columns in fresh.items()
            if stored.get(client_id, EMPTY) != columns
        }
        _write(wrong)
        corrected.extend(sorted(wrong))


# Keeping it up to date -----------------------------------------------------------------------

# Clients whose rows wait for the end of a refreshed_at_end() block (None: write at once).
_pending: ContextVar[set | None] = ContextVar("housing_state_pending", default=None)


@contextmanager
def refreshed_at_end():
    """Write the rows of the clients whose placements or contacts change inside this block
    once, at its end (still inside the caller's transaction), instead of after every save."""
    if _pending.get() is not None:  # an outer block writes them
        yield
        return
    pending: set[int] = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    refresh(pending)


def flush() -> None:
    """Write the rows still waiting in a refreshed_at_end() block now: before something in
    the block reads them (the reminder rules, the sweep's reconciliation)."""
    pending = _pending.get()
    if pending:
        refresh(pending)
        pending.clear()


def client_records_changed(client_ids: Iterable[int]) -> None:
    ids = {client_id for client_id in client_ids if client_id is not None}
    pending = _pending.get()
    if pending is not None:
        pending.update(ids)
    elif ids:
        refresh(ids)


def _remember_client(sender, instance, **kwargs):
    # The client a record was loaded with: a record moved to another client (a link) changes
    # both clients' states. Read from __dict__ so that a deferred field is not fetched.
    instance._housing_state_client_id = instance.__dict__.get("client_id")


def _record_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_housing_state_client_id", None)
    instance._housing_state_client_id = instance.client_id
    client_records_changed({instance.client_id, before})


def _record_deleted(sender, instance, origin=None, **kwargs):
    # Deleting a client deletes their state row with their placements and contacts.
    deleting_client = isinstance(origin, Client) or (
        isinstance(origin, QuerySet) and origin.model is Client
    )
    if not deleting_client:
        client_records_changed({instance.client_id})


def connect() -> None:
    from django.db.models.signals import post_delete, post_init, post_save

    for model in (Placement, Contact):
        uid = f"placements.state.{model.__name__}"
        post_init.connect(_remember_client, sender=model, dispatch_uid=f"{uid}.init")
        post_save.connect(_record_saved, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_record_deleted, sender=model, dispatch_uid=f"{uid}.delete")

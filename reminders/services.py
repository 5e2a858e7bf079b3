"""Every write to reminders: the sweep, the hooks other apps call, done and snooze, digests.

The sweep (``reminders_generate``) goes through clients in batches: the rules say which
reminders should exist (one query per rule per batch), one query reads the batch's existing
reminders (as tuples: the few to close or move are then loaded whole, in one more query), and
then, with history, the missing ones are inserted and the open ones whose cause went away are
closed (or moved to the client's current case manager). The number of queries grows with the
number of batches, never with the number of clients.

Idempotent: a reminder is the same reminder when its client, kind, subject and due date are
(the database refuses a second one), so running the sweep twice, or two sweeps at once, makes
each reminder once.

Reactions (``reminders.reactions``) call in when a domain app announces a change, inside
that change's transaction:

- ``reminders_client_changed``: a contact, placement or consent changed; open reminders whose
  cause went away close at once (the person sees them vanish), and a refresh of the client's
  reminders is enqueued after commit to make the next ones (the hourly sweep catches up if the
  broker is down);
- ``reminders_referral_moved``: the referral moved along the workflow; its follow-up is done;
- ``reminders_client_reassigned``: the client has a new case manager; open reminders move;
- ``reminders_enrollment_changed``: entry data, an assessment or the program exit changed;
  the HUD reminders of the household are made and closed at once (few clients, few rules).
"""

import logging
import time
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from clients.models import Client
from enrollments.models import Enrollment
from housingfirst import bulk
from housingfirst.audit import (
    acting_person,
    change_reason,
    current_actor,
    current_person,
    current_reason,
)
from housingfirst.jobs import enqueue_on_commit
from housingfirst.transactions import writing
from housingfirst.undo import UndoRefused
from housingfirst.undo import refusal as undo_refusal
from placements import state as housing_state

from . import rules
from .models import (
    ENROLLMENT_KINDS,
    REQUESTED_KINDS,
    SUBJECT_FIELDS,
    DigestSent,
    Kind,
    Reminder,
)

logger = logging.getLogger(__name__)

GENERATION_JOB = "job:generate_reminders"
CREATED_REASON = "Reminder due"
RESOLVED_REASON = "Resolved: no longer due"
INSERT_BATCH = 500
CONFLICT_ATTEMPTS = 3


class ReminderClosed(Exception):
    """The reminder was already done or resolved; nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class GenerationReport:
    clients: int = 0
    batches: int = 0
    created: int = 0
    resolved: int = 0
    moved: int = 0
    # Clients whose housing read model (placements.HousingState) the sweep had to correct.
    states_corrected: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self):
        return (
            f"{self.created} created, {self.resolved} resolved, {self.moved} moved "
            f"for {self.clients} clients in {self.batches} batches ({self.seconds:.2f}s)"
            + (
                f"; housing state corrected for {len(self.states_corrected)} clients"
                if self.states_corrected
                else ""
            )
        )


def client_id_ranges(batch_size: int) -> list[tuple[int, int]]:
    """The sweep's batches: (first, last) client ids of at most ``batch_size`` clients each."""
    ranges, last = [], 0
    while True:
        ids = list(
            Client.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return ranges
        ranges.append((ids[0], ids[-1]))
        last = ids[-1]


def _batches(client_ids, batch_size: int, id_range=None):
    """Client querysets of at most ``batch_size`` clients each, by primary-key range."""
    if id_range is not None:
        first, last = id_range
        clients = Client.objects.filter(pk__gte=first, pk__lte=last)
        yield clients, clients.count()
        return
    if client_ids is not None:
        ids = sorted(set(client_ids))
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            yield Client.objects.filter(pk__in=chunk), len(chunk)
        return
    last = 0
    while True:
        ids = list(
            Client.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return
        yield Client.objects.filter(pk__gt=last, pk__lte=ids[-1]), len(ids)
        last = ids[-1]


def _close(reminders, *, state, by, reason: str) -> None:
    if not reminders:
        return
    by = by or current_person()
    now = timezone.now()
    for reminder in reminders:
        reminder.state = state
        reminder.snoozed_until = None
        reminder.closed_at = now
        reminder.closed_by = by
        reminder.closed_by_job = "" if by is not None else current_actor()
    with acting_person(by):
        bulk_update_with_history(
            reminders,
            Reminder,
            ["state", "snoozed_until", "closed_at", "closed_by", "closed_by_job"],
            default_change_reason=reason,
        )


def _reopen(reminders, *, by, reason: str) -> None:
    """Closed reminders back to open (an undo), with history."""
    if not reminders:
        return
    for reminder in reminders:
        reminder.state = Reminder.State.OPEN
        reminder.snoozed_until = None
        reminder.closed_at = None
        reminder.closed_by = None
        reminder.closed_by_job = ""
    with acting_person(by or current_person()):
        bulk_update_with_history(
            reminders,
            Reminder,
            ["state", "snoozed_until", "closed_at", "closed_by", "closed_by_job"],
            default_change_reason=reason,
        )


def _move(reminders, *, reason: str) -> None:
    if reminders:
        bulk_update_with_history(reminders, Reminder, ["assigned_to"], default_change_reason=reason)


# An existing reminder as the sweep reads it: (pk, key, state, assigned_to_id), where key is
# (client_id, kind, subject_id, due_on) like ``Reminder.key`` and ``rules.Due.key``.
_EXISTING_COLUMNS = ("pk", "client_id", "kind", "subject_id", "due_on", "state", "assigned_to_id")


def _existing(reminders) -> list[tuple]:
    """The batch's existing reminders as tuples: the sweep compares thousands of them with
    the wanted ones and writes few, so only those written are loaded as models."""
    # Exactly one subject column is set (the reminder_subject_matches_kind constraint).
    rows = reminders.annotate(
        subject_id=Coalesce(
            *(f"{field}_id" for field in SUBJECT_FIELDS), output_field=BigIntegerField()
        )
    ).values_list(*_EXISTING_COLUMNS)
    return [
        (pk, (client_id, kind, subject_id, due_on), state, assigned_to_id)
        for pk, client_id, kind, subject_id, due_on, state, assigned_to_id in rows.order_by()
    ]


# A new reminder's columns, each read from the rule's ``Due`` of the same name.
_CREATED_COLUMNS = (
    "client_id",
    "kind",
    "placement_id",
    "referral_id",
    "consent_id",
    "plan_id",
    "appointment_id",
    "enrollment_id",
    "assigned_to_id",
    "due_on",
)


def _created_row(due: rules.Due) -> tuple:
    """The row of a new reminder, ready for the database (a kind as its stored value)."""
    return tuple(
        Kind(due.kind).value if column == "kind" else getattr(due, column)
        for column in _CREATED_COLUMNS
    )


def _sync_batch(clients, *, today, thresholds, create, by, reason, report, kinds=None) -> None:
    if create and kinds is not None:
        # Only these kinds (a reaction that makes its own kinds at once).
        found = rules.wanted(clients, today=today, thresholds=thresholds, kinds=kinds)
        wanted = {due.key: due for due in found}
        existing = _existing(
            Reminder.objects.filter(
                rules.within(clients), client__in=clients, kind__in=kinds
            ).filter(
                Q(state__in=Reminder.PENDING)
                | Q(due_on__in={due.due_on for due in wanted.values()})
            )
        )
    elif not create:
        # Only closing and moving: nothing to do without pending reminders, and only the
        # rules of their kinds matter (keeps the hooks in web requests cheap).
        existing = _existing(
            Reminder.objects.pending()
            .filter(rules.within(clients), client__in=clients)
            .exclude(kind__in=REQUESTED_KINDS)
        )
        if not existing:
            return
        kinds = {key[1] for _, key, _, _ in existing}
        if kinds & set(rules.GET_IN_TOUCH):
            kinds |= set(rules.GET_IN_TOUCH)  # one of the two is kept: decide on both
        found = rules.wanted(clients, today=today, thresholds=thresholds, kinds=kinds)
        wanted = {due.key: due for due in found}
    else:
        found = rules.wanted(clients, today=today, thresholds=thresholds)
        wanted = {due.key: due for due in found}
        # Open ones (to close or move) and any, closed too, that a wanted one would repeat.
        existing = _existing(
            Reminder.objects.filter(rules.within(clients), client__in=clients)
            .filter(
                Q(state__in=Reminder.PENDING)
                | Q(due_on__in={due.due_on for due in wanted.values()})
            )
            .exclude(kind__in=REQUESTED_KINDS)
        )
    existing_keys = {key for _, key, _, _ in existing}
    gone_ids, moving_to = [], {}
    for pk, key, state, assigned_to_id in existing:
        if state not in Reminder.PENDING:
            continue
        due = wanted.get(key)
        if due is None:
            gone_ids.append(pk)
        elif assigned_to_id != due.assigned_to_id:
            moving_to[pk] = due.assigned_to_id
    gone, moving = [], []
    if gone_ids or moving_to:
        # Whole rows: their history records every column.
        for reminder in Reminder.objects.filter(pk__in=[*gone_ids, *moving_to]):
            if reminder.pk in moving_to:
                reminder.assigned_to_id = moving_to[reminder.pk]
                moving.append(reminder)
            else:
                gone.append(reminder)
    _close(gone, state=Reminder.State.RESOLVED, by=by, reason=reason)
    _move(moving, reason="Moved to the client's current case manager")
    missing = []
    if create:
        missing = [_created_row(due) for key, due in wanted.items() if key not in existing_keys]
        # As tuples with their history rows, sealed (housingfirst.bulk): a first sweep makes
        # a reminder or more for every client, and model instances cost most of its time.
        with acting_person(by or current_person()), change_reason(CREATED_REASON):
            bulk.insert_with_history(Reminder, _CREATED_COLUMNS, missing)
    report.created += len(missing)
    report.resolved += len(gone)
    report.moved += len(moving)


def reminders_generate(
    *,
    client_ids=None,
    id_range: tuple[int, int] | None = None,
    today: date | None = None,
    batch_size: int | None = None,
    create: bool = True,
    by=None,
    reason: str = RESOLVED_REASON,
    kinds=None,
) -> GenerationReport:
    """Bring reminders in line with the rules, for every client, for ``client_ids``, or for
    the clients whose ids are in ``id_range`` (first, last; one batch of the sweep's tasks).

    Makes the missing ones (unless ``create`` is False), closes open ones no longer due as
    resolved (by ``by``, or by the acting job), and moves open ones to the client's current
    case manager. Safe to run twice, or twice at once. With ``kinds`` (and ``create``), only
    reminders of those kinds are made and closed.

    The sweep (no ``client_ids``) first recomputes the housing read model of its clients, which
    the rules read, and reports any client whose row it had to correct.
    """
    started = time.monotonic()
    today = today or timezone.localdate()
    batch_size = batch_size or settings.REMINDER_BATCH_SIZE
    thresholds = rules.Thresholds.from_settings()
    report = GenerationReport()
    housing_state.flush()  # the rules read the housing read model
    if client_ids is None:
        report.states_corrected = housing_state.reconcile(id_range=id_range)
        if report.states_corrected:
            logger.warning(
                "Housing read model corrected for %s clients: %s",
                len(report.states_corrected),
                report.states_corrected[:100],
            )
    for clients, size in _batches(client_ids, batch_size, id_range):
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            partial = GenerationReport()
            try:
                # The audit chain's head first, like every writer (housingfirst.transactions).
                with writing():
                    _sync_batch(
                        clients,
                        today=today,
                        thresholds=thresholds,
                        create=create,
                        by=by,
                        reason=reason,
                        report=partial,
                        kinds=kinds,
                    )
            except IntegrityError:
                # A concurrent sweep made some of these reminders first: read again.
                if attempt == CONFLICT_ATTEMPTS:
                    raise
                logger.info("Reminder batch met a concurrent sweep; retrying (%s)", attempt)
                continue
            break
        report.clients += size
        report.batches += 1
        report.created += partial.created
        report.resolved += partial.resolved
        report.moved += partial.moved
    report.seconds = time.monotonic() - started
    return report


# Reactions to domain events (reminders.reactions) ----------------------------------------


def reminders_duplicate_review_requested(*, pair, client, by=None) -> int:
    """Someone asked for a possible duplicate to be reviewed: a reminder for each supervisor
    of the client's team (administrators review from /clients/duplicates/ otherwise)."""
    supervisors = list(client.team.supervisors.all()) if client.team_id else []
    made = [
        Reminder(
            client=client,
            kind=Kind.DUPLICATE_REVIEW,
            duplicate_pair=pair,
            assigned_to=supervisor,
            due_on=timezone.localdate(),
        )
        for supervisor in supervisors
        if not Reminder.objects.filter(duplicate_pair=pair, assigned_to=supervisor).exists()
    ]
    if made:
        with acting_person(by):
            bulk_create_with_history(
                made, Reminder, default_change_reason="Review of a possible duplicate asked for"
            )
    return len(made)


def reminders_duplicate_reviewed(*, pair, by=None) -> int:
    """The pair was reviewed: the reminders asking for it are done."""
    pending = list(Reminder.objects.pending().filter(duplicate_pair=pair))
    _close(pending, state=Reminder.State.DONE, by=by, reason="Possible duplicate reviewed")
    return len(pending)


def reminders_client_changed(*, client_id: int, by=None, reason: str = RESOLVED_REASON) -> None:
    """Something a rule reads changed for this client: close what is no longer due now, and
    make what is newly due in the background (after commit)."""
    from .tasks import refresh_client_reminders

    reminders_generate(client_ids=[client_id], create=False, by=by, reason=reason)
    enqueue_on_commit(refresh_client_reminders, client_id)


def reminders_enrollment_changed(*, enrollment, by=None, reason: str = "") -> None:
    """The enrollment's data changed (entry data, an assessment, the exit): its HUD reminders
    are made or closed at once, for the whole household, since the head's entry date sets
    when everyone's annual assessment is due."""
    client_ids = set(
        Enrollment.objects.filter(household_id=enrollment.household_id).values_list(
            "client_id", flat=True
        )
    )
    client_ids.add(enrollment.client_id)
    with acting_person(by):
        reminders_generate(
            client_ids=client_ids,
            kinds=ENROLLMENT_KINDS,
            by=by,
            reason=f"Resolved: {reason}" if reason else RESOLVED_REASON,
        )


def reminders_referral_moved(*, referral, by=None) -> None:
    """The referral moved along its workflow: its follow-up reminders are done with."""
    reason = f"Resolved: referral moved to “{referral.get_status_display()}”"
    pending = list(
        Reminder.objects.pending().filter(referral_id=referral.pk, kind=Kind.REFERRAL_FOLLOW_UP)
    )
    _close(pending, state=Reminder.State.RESOLVED, by=by, reason=reason)
    reminders_client_changed(client_id=referral.client_id, by=by, reason=reason)


def reminders_referral_step_undone(*, referral, since, by=None) -> int:
    """A referral's step was taken back: the follow-ups that step resolved are open again
    (if the referral is still open), and the rest follows the rules."""
    reopened = []
    if referral.is_open:
        reopened = list(
            Reminder.objects.filter(
                referral_id=referral.pk,
                kind=Kind.REFERRAL_FOLLOW_UP,
                state=Reminder.State.RESOLVED,
                closed_at__gte=since,
            )
        )
        _reopen(reopened, by=by, reason="Open again: the referral's step was undone")
    reminders_client_changed(
        client_id=referral.client_id, by=by, reason="Resolved: the referral's step was undone"
    )
    return len(reopened)


def reminders_client_reassigned(*, client: Client, case_manager, reason: str = "") -> int:
    """Move the client's open reminders to their new case manager (with history)."""
    reason = reason or current_reason()
    pending = list(
        Reminder.objects.pending()
        .filter(client=client)
        .exclude(assigned_to=case_manager)
        .exclude(kind__in=REQUESTED_KINDS)
    )
    for reminder in pending:
        reminder.assigned_to = case_manager
    _move(
        pending,
        reason=f"Client reassigned: {reason}" if reason else "Client reassigned",
    )
    return len(pending)


# Done and snooze ------------------------------------------------------------------------


def _locked_pending(reminder: Reminder) -> Reminder:
    locked = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if not locked.is_pending:
        raise ReminderClosed(
            f"This reminder is already {locked.get_state_display().lower()}. Nothing was changed."
        )
    return locked


@transaction.atomic
def reminder_mark_done(*, reminder: Reminder, by) -> Reminder:
    locked = _locked_pending(reminder)
    locked.state = Reminder.State.DONE
    locked.snoozed_until = None
    locked.closed_at = timezone.now()
    locked.closed_by = by
    locked.closed_by_job = ""
    with acting_person(by), change_reason("Marked done"):
        locked.save()
    return locked


def _state_before_done(reminder: Reminder):
    """(state, snoozed_until) from the history row before the latest "done"."""
    rows = list(reminder.history.order_by("-history_date", "-history_id")[:20])
    for done_row, before in zip(rows, rows[1:], strict=False):
        if done_row.state == Reminder.State.DONE and before.state in Reminder.PENDING:
            return before.state, before.snoozed_until
    return Reminder.State.OPEN, None


@transaction.atomic
def reminder_undo_done(*, reminder: Reminder, by) -> Reminder:
    """Take back "Done": only the person who tapped it, within the undo window. The
    reminder is pending again as it was (snoozed stays snoozed); history keeps both."""
    locked = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if locked.state != Reminder.State.DONE:
        raise UndoRefused(
            f"This reminder is {locked.get_state_display().lower()}, not marked done. "
            "Nothing was changed."
        )
    refused = undo_refusal(
        recorded_by_id=locked.closed_by_id,
        recorded_at=locked.closed_at,
        user=by,
        what="“Done” on this reminder",
    )
    if refused:
        raise UndoRefused(refused)
    state, snoozed_until = _state_before_done(locked)
    locked.state = state
    locked.snoozed_until = snoozed_until if state == Reminder.State.SNOOZED else None
    locked.closed_at = None
    locked.closed_by = None
    locked.closed_by_job = ""
    with acting_person(by), change_reason("Undone: no longer marked done"):
        locked.save()
    return locked


MAX_SNOOZE_DAYS = 366


def validate_snooze_date(until: date, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if until <= today:
        raise ValidationError("Choose a day after today.")
    if until > today + timedelta(days=MAX_SNOOZE_DAYS):
        raise ValidationError("Choose a day within a year.")


@transaction.atomic
def reminder_snooze(*, reminder: Reminder, until: date, by) -> Reminder:
    """Hide the reminder until ``until`` (a day after today); it is due again that day."""
    validate_snooze_date(until)
    locked = _locked_pending(reminder)
    locked.state = Reminder.State.SNOOZED
    locked.snoozed_until = until
    with acting_person(by), change_reason(f"Snoozed until {until:%Y-%m-%d}"):
        locked.save()
    return locked


# Daily digest ---------------------------------------------------------------------------


def digest_recipients(day: date) -> list[int]:
    """People with something due on ``day`` and an e-mail address to send it to."""
    return list(
        Reminder.objects.due(day)
        .filter(assigned_to__is_active=True)
        .exclude(assigned_to__email="")
        .order_by()
        .values_list("assigned_to", flat=True)
        .distinct()
    )


def digest_items(user, day: date) -> list[Reminder]:
    return list(
        Reminder.objects.due(day)
        .filter(assigned_to=user)
        .select_related("client", "stock_lot__site", "stock_minimum__site")
        .order_by("acts_on", "client__last_name", "client__first_name", "pk")
    )


def digest_message(user, day: date, items: list[Reminder]) -> EmailMultiAlternatives:
    """The digest: first name and initial of each client, the kind of follow-up, the date and
    a link. Nothing else about the client, and never a service type or provider."""
    site = settings.SITE_URL
    lines = [
        {
            # A site's stock reminder names the site (never a client) and links to the stock.
            "client": reminder.client.short_name if reminder.client_id else reminder.about,
            "what": reminder.get_kind_display(),
            "due_on": reminder.acts_on,
            "overdue": reminder.acts_on < day,
            "url": site
            + (
                reverse("clients:detail", args=[reminder.client_id])
                if reminder.client_id
                else reverse("harm_reduction:lots")
            ),
        }
        for reminder in items
    ]
    context = {
        "name": user.first_name or user.get_username(),
        "day": day,
        "overdue": [line for line in lines if line["overdue"]],
        "due_today": [line for line in lines if not line["overdue"]],
        "count": len(lines),
        "reminders_url": site + reverse("reminders:list"),
    }
    subject = (
        f"housingfirst: {len(lines)} follow-up{'s' if len(lines) != 1 else ''} due "
        f"({day:%b} {day.day})"
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reminders/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("reminders/email/digest.html", context), "text/html"
    )
    return message


def digest_send(*, user_id: int, day: date) -> bool:
    """Send this person's digest for ``day`` once; False when there was nothing to send or
    it was already sent (or is being sent by another worker)."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    items = digest_items(user, day)
    if not items:
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=user, day=day, reminder_count=len(items))
        except IntegrityError:
            return False
        # A failed send raises and rolls the claim back, so a retry can send.
        digest_message(user, day, items).send(fail_silently=False)
    return True

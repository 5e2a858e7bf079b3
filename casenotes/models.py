"""Case notes: what happened, in a case manager's words.

A note stands alone or belongs to a contact (``placements.Contact``, named by label: notes
import no housing code). It can be edited on the day it was written (the program's local
date); after that it is corrected only by an **addendum** shown beside it, and the original
stays readable (the clinical-records rule).

Notes about substance use or health can be marked protected: like substance-use referrals,
only need-to-know roles see them in pages (``housingfirst.roles.sees_protected_records``),
every page that shows one writes the access log, and their history is logged when read
(``protected()`` on the QuerySet, ``is_protected`` on the record).
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from clients.models import Client
from housingfirst.audit import audit_history
from housingfirst.roles import sees_protected_records
from housingfirst.versioning import VersionedModel

NOTE_MAX_LENGTH = 20_000


class TopicQuerySet(models.QuerySet):
    def offered(self):
        return self.filter(is_active=True)


class Topic(VersionedModel):
    """What a note or a plan goal is about. Administrators extend the list in the admin."""

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=100, help_text="Lower comes first.")
    is_active = models.BooleanField(
        "offered",
        default=True,
        help_text="Topics no longer offered stay on past notes but leave the forms.",
    )

    history = audit_history()
    objects = TopicQuerySet.as_manager()

    HISTORY_LABEL_FIELDS = ("name",)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


def _protected_note_condition(prefix: str = "") -> Q:
    return Q(**{f"{prefix}is_protected": True})


class NoteQuerySet(models.QuerySet):
    def protected(self):
        return self.filter(_protected_note_condition())

    def visible_to(self, user):
        """Notes of the clients this person sees; protected ones only to need-to-know roles.

        Every list and lookup of notes goes through here."""
        notes = self.filter(client__in=Client.objects.visible_to(user))
        if not sees_protected_records(user):
            notes = notes.exclude(_protected_note_condition())
        return notes

    def search(self, query: str):
        """Notes whose text, or one of whose addenda, holds every word of ``query``."""
        condition = Q()
        for word in query.split():
            in_addendum = Addendum.objects.filter(note=OuterRef("pk"), text__icontains=word)
            condition &= Q(text__icontains=word) | Exists(in_addendum)
        return self.filter(condition)


class Note(VersionedModel):
    """One case note."""

    # Moves to the primary record when its client is linked to another (clients.ClientLink).
    MOVES_WITH_LINKED_CLIENT = True

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="notes")
    contact = models.ForeignKey(
        "placements.Contact",
        on_delete=models.SET_NULL,
        related_name="notes",
        null=True,
        blank=True,
        help_text="Leave empty for a note that stands alone.",
    )
    written_on = models.DateField("date", default=timezone.localdate)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(
        max_length=NOTE_MAX_LENGTH, help_text="Plain text; leave an empty line between paragraphs."
    )
    is_protected = models.BooleanField(
        "protected (substance use or health)",
        default=False,
        help_text="Only staff with a need to know see it, and every view is logged.",
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now, editable=False)

    history = audit_history()
    objects = NoteQuerySet.as_manager()

    HISTORY_LABEL_FIELDS = ("written_on",)

    class Meta:
        ordering = ["-written_on", "-written_at", "-pk"]
        indexes = [models.Index(fields=["client", "-written_on"], name="note_client_latest")]

    def __str__(self):
        if self.is_protected:
            return f"Protected case note, {self.written_on:%Y-%m-%d}"
        return f"Case note, {self.written_on:%Y-%m-%d}"

    def history_label(self):
        return str(self)

    def is_editable(self, today: date | None = None) -> bool:
        """Editable on the (program-local) day it was written; after that, addenda only."""
        today = today or timezone.localdate()
        return timezone.localdate(self.written_at) == today

    def can_be_edited_by(self, user, today: date | None = None) -> bool:
        return self.written_by_id == user.pk and self.is_editable(today)

    def clean(self):
        errors = {}
        if self.text is not None and not self.text.strip():
            errors["text"] = "Write what happened: the note is empty."
        if self.written_on and self.written_on > timezone.localdate():
            errors["written_on"] = "A note cannot be dated in the future."
        if errors:
            raise ValidationError(errors)


class AddendumQuerySet(models.QuerySet):
    def protected(self):
        return self.filter(_protected_note_condition("note__"))


class Addendum(models.Model):
    """A correction or addition to a note, written after its day; never edited."""

    MOVES_WITH_LINKED_CLIENT = True

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="addenda")
    # The note's client, so the change log and access log file it under the client.
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=NOTE_MAX_LENGTH)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now, editable=False)

    history = audit_history()
    objects = AddendumQuerySet.as_manager()

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name_plural = "addenda"

    def __str__(self):
        when = timezone.localtime(self.written_at).strftime("%Y-%m-%d %H:%M")
        return f"Addendum, {when}"

    def history_label(self):
        return str(self)

    @property
    def is_protected(self) -> bool:
        return self.note.is_protected

    def clean(self):
        if self.text is not None and not self.text.strip():
            raise ValidationError({"text": "Write the correction or addition: it is empty."})

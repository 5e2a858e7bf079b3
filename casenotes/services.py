"""Every write to case notes: write, correct on the day, add an addendum after it."""

from django.db import transaction
from django.utils import timezone

from housingfirst.audit import acting_person, change_reason
from housingfirst.versioning import save_versioned

from .events import note_written
from .models import Addendum, Note

NOT_EDITABLE = (
    "A note can be changed only on the day it was written. Add an addendum instead: "
    "it shows beside the note, and the note stays as it was."
)


class NoteLocked(Exception):
    """The note's day has passed (or it is someone else's): only an addendum may follow."""

    def __init__(self, message: str = NOT_EDITABLE):
        super().__init__(message)
        self.message = message


@transaction.atomic
def note_write(*, note: Note, by) -> Note:
    """Save a new note (its client, contact, date, topic, text and protection already set)."""
    note.written_by = by
    note.written_at = timezone.now()
    note.full_clean()
    with acting_person(by), change_reason("Case note written"):
        note.save()
        note_written.announce(sender=Note, note=note, by=by)
    return note


@transaction.atomic
def note_update(*, note: Note, by, expected_version: int | None) -> Note:
    """Save a same-day correction of one's own note, refusing a stale version.

    Raises NoteLocked once the day has passed: the original then stays as it was."""
    locked = Note.objects.select_for_update().get(pk=note.pk)
    if not locked.can_be_edited_by(by):
        raise NoteLocked()
    with acting_person(by):
        save_versioned(note, expected_version=expected_version, reason="Case note corrected")
        note_written.announce(sender=Note, note=note, by=by)
    return note


@transaction.atomic
def note_add_addendum(*, note: Note, text: str, by) -> Addendum:
    addendum = Addendum(note=note, client_id=note.client_id, text=text, written_by=by)
    addendum.full_clean()
    with acting_person(by), change_reason("Addendum added to a case note"):
        addendum.save()
        note_written.announce(sender=Note, note=note, by=by)
    return addendum

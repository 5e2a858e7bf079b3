"""What happens to case notes, announced for whoever reacts (``housingfirst.events``)."""

from housingfirst.events import DomainEvent

note_written = DomainEvent("A case note was written or corrected: note, by.")

"""What happens to placements and contacts, announced for whoever reacts
(``housingfirst.events``). Housing code announces; it never calls service code."""

from housingfirst.events import DomainEvent

placement_changed = DomainEvent(
    "A placement was added or changed (move-in, exit, corrections): client_id, by, reason."
)
contact_changed = DomainEvent("A contact was logged or corrected: client_id, by, reason.")

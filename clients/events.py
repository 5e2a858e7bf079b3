"""What happens to clients, announced for whoever reacts (``housingfirst.events``)."""

from housingfirst.events import DomainEvent

client_admitted = DomainEvent("A client came in through intake: client, by.")
client_reassigned = DomainEvent("A client has a new case manager: client, case_manager, reason.")
client_left_program = DomainEvent("A client exited the program: client, by, reason.")
duplicate_review_requested = DomainEvent(
    "Someone asked a supervisor to review a possible duplicate: pair, client, by."
)
duplicate_reviewed = DomainEvent("A possible duplicate was reviewed: pair, by.")

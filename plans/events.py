"""What happens to plans, announced for whoever reacts (``housingfirst.events``)."""

from housingfirst.events import DomainEvent

plan_changed = DomainEvent(
    "A plan was started, reviewed, declined by the client or its review date changed: "
    "client_id, by, reason."
)

"""What happens to enrollments, announced for whoever reacts (``housingfirst.events``)."""

from housingfirst.events import DomainEvent

enrollment_changed = DomainEvent(
    "An enrollment or its assessments changed (entry data, an assessment, the exit): "
    "enrollment, by, reason."
)

from housingfirst.events import DomainEvent

appointment_changed = DomainEvent("An appointment was booked or changed: client_id, by, reason.")

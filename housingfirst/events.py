"""Domain events: a domain app says what happened without knowing who reacts.

Each domain app declares its events in its own ``events.py`` (``placement_changed``,
``referral_moved``, ``client_reassigned``…) and sends them from its services, inside the
transaction of the write. Apps that react (reminders) connect in their ``AppConfig.ready()``.
Receivers run synchronously, in that transaction: a reaction is done the moment the action is,
and a reaction that fails raises and rolls the whole action back (``send``, never
``send_robust``). So dependencies point one way: the reacting app knows the domain apps, never
the reverse.
"""

from django.dispatch import Signal


class DomainEvent(Signal):
    """A signal sent from a service, inside its transaction, with keyword facts."""

    def __init__(self, description: str):
        super().__init__()
        self.description = description

    def announce(self, sender, **facts) -> None:
        self.send(sender=sender, **facts)

"""What happens to harm-reduction stock, announced for whoever reacts (``housingfirst.events``).

Reminders react: a lot expiring soon or stock under its minimum is a reminder for the site's
staff, and a change of stock may close one.
"""

from housingfirst.events import DomainEvent

stock_changed = DomainEvent("Stock of one item at one site changed: site_id, item_id, by.")

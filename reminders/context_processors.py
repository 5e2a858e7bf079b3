from django.utils import timezone

from housingfirst.roles import Role, role_of

from .models import Reminder

# The link shows "99+" above this: a larger number tells nobody more, and counting every
# reminder of a large program on every page would cost more than the page.
NAV_COUNT_UP_TO = 99


def navigation(request):
    """The number of reminders due for the signed-in person (or their teams), in one query
    that stops counting past ``NAV_COUNT_UP_TO``, for the "Reminders" link of case managers
    and supervisors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if role_of(user) not in (Role.CASE_MANAGER, Role.SUPERVISOR):
        return {}
    due = Reminder.objects.visible_to(user).due(timezone.localdate()).order_by().values("pk")
    counted = due[: NAV_COUNT_UP_TO + 1].count()
    return {
        "nav_show_reminders": True,
        "nav_reminders_due": min(counted, NAV_COUNT_UP_TO),
        "nav_reminders_due_more": counted > NAV_COUNT_UP_TO,
    }

from django.utils import timezone

from housingfirst.roles import Role, role_of

from .models import Reminder


def navigation(request):
    """The number of reminders due for the signed-in person (or their teams), in one query,
    for the "Reminders" link of case managers and supervisors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if role_of(user) not in (Role.CASE_MANAGER, Role.SUPERVISOR):
        return {}
    due = Reminder.objects.visible_to(user).due(timezone.localdate()).count()
    return {"nav_show_reminders": True, "nav_reminders_due": due}

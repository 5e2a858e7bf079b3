"""Members of staff: how they are named, and how a typed name finds them."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from guardian.conf import settings as guardian_settings


def person_name(user) -> str:
    """How a member of staff is named on screen and in history: full name, else user name."""
    return user.get_full_name() or user.get_username()


def staff_accounts():
    """Everyone who can act, never django-guardian's stand-in for signed-out visitors."""
    return get_user_model().objects.exclude(username=guardian_settings.ANONYMOUS_USER_NAME)


def people_matching(text: str):
    """Staff accounts whose user name, first or last name contains every word of ``text``
    (case-insensitive), in name order: "rosa park" finds Rosa Parker."""
    words = text.split()
    if not words:
        return staff_accounts().none()
    condition = Q()
    for word in words:
        condition &= (
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
        )
    return staff_accounts().filter(condition).order_by("first_name", "last_name", "username")


def person_suggestion(user) -> dict:
    """One entry of a suggestion list: the user name to type, and who it is."""
    name = user.get_full_name()
    username = user.get_username()
    return {"value": username, "label": f"{name} ({username})" if name else username}

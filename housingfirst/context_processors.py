from django.conf import settings

from housingfirst.kept_forms import OFFER_BACK, listed_entries
from housingfirst.roles import Role, role_name, role_of

from .middleware import idle_seconds_left


def navigation(request):
    """The signed-in person's role, so the layout shows only the links they may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = role_of(user)
    return {
        "nav_role": role,
        "nav_role_name": role_name(role),
        "nav_is_case_manager": role is Role.CASE_MANAGER,
        "nav_is_supervisor": role in (Role.SUPERVISOR, Role.ADMINISTRATOR),
        "nav_is_auditor": role in (Role.AUDITOR, Role.ADMINISTRATOR),
        "nav_is_admin": role is Role.ADMINISTRATOR,
    }


def session(request):
    """The idle timeout (for the warning script) and a form kept across it, if any."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    kept = getattr(request, "kept_submission", None)
    return {
        "session_idle_seconds": idle_seconds_left(request.session),
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
        "kept_submission": kept,
        "kept_entries": listed_entries(kept) if kept else [],
        "kept_offer_back": OFFER_BACK,
    }

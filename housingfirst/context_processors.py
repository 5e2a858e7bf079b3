from housingfirst.roles import Role, role_of


def navigation(request):
    """The signed-in person's role, so the layout shows only the links they may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = role_of(user)
    return {
        "nav_role": role,
        "nav_is_case_manager": role is Role.CASE_MANAGER,
        "nav_is_supervisor": role in (Role.SUPERVISOR, Role.ADMINISTRATOR),
        "nav_is_auditor": role in (Role.AUDITOR, Role.ADMINISTRATOR),
        "nav_is_admin": role is Role.ADMINISTRATOR,
    }

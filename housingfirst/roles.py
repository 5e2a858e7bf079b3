"""Staff roles: the groups that exist, what each may do, and how a view checks it."""

from enum import StrEnum
from functools import wraps

from django.core.exceptions import PermissionDenied


class Role(StrEnum):
    CASE_MANAGER = "Case managers"
    SUPERVISOR = "Supervisors"
    AUDITOR = "Auditors"
    ADMINISTRATOR = "Administrators"


STAFF_GROUPS = (Role.CASE_MANAGER, Role.SUPERVISOR, Role.AUDITOR)

# A role as a person says it of one person ("Case manager"); the group is named for its members.
ROLE_NAMES = {
    Role.CASE_MANAGER: "Case manager",
    Role.SUPERVISOR: "Supervisor",
    Role.AUDITOR: "Auditor",
    Role.ADMINISTRATOR: "Administrator",
}


def role_name(role: Role | None) -> str:
    return ROLE_NAMES.get(role, "") if role is not None else ""


# A role is a group membership, and it decides what kind of page a person may use (views check
# it with ``role_required``); which records they reach is decided by object scope (their
# caseload's object permissions, their teams). The groups hold no model permissions: none
# would be checked, and a global "view client" would look like access to every client.

# Highest first: a person in several groups acts in the widest role.
_PRECEDENCE = (Role.SUPERVISOR, Role.CASE_MANAGER, Role.AUDITOR)


def role_of(user) -> Role | None:
    """The role a signed-in person acts in; cached on the user object for the request."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_housingfirst_role"):
        if user.is_superuser:
            role = Role.ADMINISTRATOR
        else:
            names = set(user.groups.values_list("name", flat=True))
            role = next((r for r in _PRECEDENCE if r.value in names), None)
        user._housingfirst_role = role
    return user._housingfirst_role


# Roles whose client access is already need-to-know (own caseload and covers, or own team), and
# who therefore also see protected records (substance-use referrals, protected case notes...) of
# the clients they see. Auditors and administrators see every client but no protected record in
# pages; auditors read the history and access log, where each look is logged.
PROTECTED_RECORD_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR)


def sees_protected_records(user) -> bool:
    return role_of(user) in PROTECTED_RECORD_ROLES


def is_role(user, *roles: Role) -> bool:
    return role_of(user) in roles


def role_required(*roles: Role):
    """Answer 403 to signed-in people outside these roles (sign-in is enforced by middleware)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not is_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def ensure_staff_groups(sender=None, **kwargs):
    """The staff groups exist after every migrate (and flush): a role is membership of one."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    # post_migrate fires once per app; act once, after the last app has migrated.
    last_app = [config for config in apps.get_app_configs() if config.models_module][-1]
    if sender is not None and sender is not last_app:
        return
    for role in STAFF_GROUPS:
        Group.objects.get_or_create(name=role.value)

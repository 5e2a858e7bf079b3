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

# Model permissions each group holds, as (app label, model name or "*", actions). Object scope
# (which clients) is decided elsewhere; these say what kind of thing a role may do at all.
# Auditors hold view permissions only: read-only by construction.
ROLE_PERMISSIONS = {
    Role.CASE_MANAGER: [
        ("clients", "client", "view add change"),
        ("clients", "assignment", "view"),
        ("clients", "team", "view"),
        ("placements", "*", "view add change"),
        ("referrals", "*", "view add change"),
        ("reminders", "*", "view change"),
    ],
    Role.SUPERVISOR: [
        ("clients", "*", "view add change"),
        ("placements", "*", "view add change"),
        ("referrals", "*", "view add change"),
        ("reminders", "*", "view change"),
    ],
    Role.AUDITOR: [
        ("clients", "*", "view"),
        ("placements", "*", "view"),
        ("referrals", "*", "view"),
        ("reminders", "*", "view"),
        ("housingfirst", "*", "view"),
    ],
}

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


def _wanted_permissions(apps_registry, Permission, ContentType):
    wanted = {}
    for role, grants in ROLE_PERMISSIONS.items():
        codenames = set()
        for app_label, model_name, actions in grants:
            try:
                app_config = apps_registry.get_app_config(app_label)
            except LookupError:
                continue
            for model in app_config.get_models():
                name = model._meta.model_name
                if model_name not in ("*", name):
                    continue
                is_history = name.startswith("historical")
                for action in actions.split():
                    if is_history and action != "view":
                        continue  # history is written by the system, never by hand
                    codenames.add((app_label, f"{action}_{name}"))
        wanted[role] = codenames
    return wanted


def sync_role_permissions(sender=None, **kwargs):
    """Give each staff group exactly the model permissions ROLE_PERMISSIONS names.

    Runs after every migrate, so a model added by a later migration joins its roles.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    # post_migrate fires once per app; act once, after the last app's permissions exist.
    last_app = [config for config in apps.get_app_configs() if config.models_module][-1]
    if sender is not None and sender is not last_app:
        return

    wanted = _wanted_permissions(apps, Permission, ContentType)
    permissions = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type")
    }
    for role, codenames in wanted.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set([permissions[c] for c in codenames if c in permissions])

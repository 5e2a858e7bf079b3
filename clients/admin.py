from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from housingfirst.admin import AuditedAdmin

from .models import Assignment, Client, ClientUserObjectPermission, Team


class HistoryGuardedAdmin(GuardedModelAdmin, AuditedAdmin):
    """Object permissions and change history, both visible from the admin."""


@admin.register(Client)
class ClientAdmin(HistoryGuardedAdmin):
    list_display = ["display_name", "date_of_birth", "status", "case_manager", "team"]
    list_filter = ["status", "team"]
    search_fields = ["first_name", "last_name", "preferred_name"]
    list_select_related = ["case_manager", "team"]
    # Holder and team move only through assignment, which also moves access.
    readonly_fields = ["case_manager", "team", "created_at", "updated_at"]


@admin.register(Team)
class TeamAdmin(HistoryGuardedAdmin):
    list_display = ["name"]
    filter_horizontal = ["supervisors", "case_managers"]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["client", "case_manager", "started_at", "ended_at"]
    list_select_related = ["client", "case_manager"]
    raw_id_fields = ["client"]

    # Assignments are made through the reassignment workflow, which moves access with them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClientUserObjectPermission)
class ClientAccessGrantAdmin(SimpleHistoryAdmin):
    list_display = ["content_object", "user", "permission"]
    list_select_related = ["content_object", "user", "permission__content_type"]
    raw_id_fields = ["content_object", "user"]

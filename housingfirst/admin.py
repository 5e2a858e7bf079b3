"""Admin: audit records shown read-only to everyone; staff accounts with their history.

History rows, change-log entries and access-log entries can be listed and opened, never added,
changed or deleted, superusers included. (Reverting a record from an old version is refused
for everyone too: see housingfirst.audit_log.middleware.)
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .audit_log import registry
from .models import AccessLogEntry, AuditChainHead, ChangeLogEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "user", "action", "record_label", "client", "ip_address"]
    list_filter = ["action"]
    list_select_related = ["user", "client"]
    search_fields = ["record_label", "path"]


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["history_date", "kind", "content_type", "object_id", "user", "actor"]
    list_filter = ["kind"]
    list_select_related = ["user", "content_type"]


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ReadOnlyAdmin):
    list_display = ["name", "length", "last_id"]


class HistoryRowAdmin(ReadOnlyAdmin):
    list_display = [
        "history_id",
        "history_date",
        "history_type",
        "history_user",
        "history_actor",
        "history_change_reason",
    ]
    list_filter = ["history_type"]
    list_select_related = ["history_user"]


for _model in registry.audited_models():
    _history_model = registry.history_model_for(_model)
    # Protected (substance-use) records' history is read only where each look is logged.
    if hasattr(_model._default_manager, "protected"):
        continue
    if not admin.site.is_registered(_history_model):
        admin.site.register(_history_model, HistoryRowAdmin)


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffAccountAdmin(SimpleHistoryAdmin, UserAdmin):
    """Django's user admin, with the account's history (groups included) one click away."""

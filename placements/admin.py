from django.contrib import admin

from housingfirst.admin import AuditedAdmin

from .models import Contact, Placement, SubsidyType


@admin.register(SubsidyType)
class SubsidyTypeAdmin(AuditedAdmin):
    list_display = ["name", "is_active", "description"]
    list_filter = ["is_active"]
    search_fields = ["name"]

    # Past placements keep their subsidy type: retire a type by unticking "offered".
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Placement)
class PlacementAdmin(AuditedAdmin):
    list_display = [
        "client",
        "address",
        "search_started_on",
        "move_in_date",
        "exit_date",
        "exit_destination",
    ]
    list_filter = ["subsidy_type", "exit_reason"]
    list_select_related = ["client", "subsidy_type"]
    search_fields = ["address", "landlord_name", "client__first_name", "client__last_name"]
    raw_id_fields = ["client"]
    date_hierarchy = "move_in_date"
    readonly_fields = ["created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    list_display = ["client", "kind", "occurred_at", "made_by"]
    list_filter = ["kind"]
    list_select_related = ["client", "made_by"]
    search_fields = ["client__first_name", "client__last_name", "note"]
    raw_id_fields = ["client", "made_by"]
    date_hierarchy = "occurred_at"
    readonly_fields = ["created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False

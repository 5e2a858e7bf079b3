"""Reminders in the admin, read-only: they are made by the rules and closed through the app
(done, snooze) or by the cause going away, always with history.

The subject columns are left out: a referral's or consent's name can reveal substance-use
treatment, which is only ever shown through pages that write the access log.
"""

from django.contrib import admin

from housingfirst.admin import HistoryPagesAdmin

from .models import DigestSent, Reminder


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin, HistoryPagesAdmin):
    list_display = ["kind", "client", "assigned_to", "due_on", "state", "closed_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["client", "assigned_to"]
    date_hierarchy = "due_on"
    fields = [
        "client",
        "kind",
        "assigned_to",
        "due_on",
        "state",
        "snoozed_until",
        "closed_at",
        "closed_by",
        "closed_by_job",
        "created_at",
    ]


@admin.register(DigestSent)
class DigestSentAdmin(ReadOnlyAdmin):
    list_display = ["user", "day", "reminder_count", "sent_at"]
    list_select_related = ["user"]
    date_hierarchy = "day"

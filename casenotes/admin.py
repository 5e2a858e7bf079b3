"""Topics are maintained here. Notes and addenda are not in the admin on purpose: they are
written through casenotes.services (the day rule, addenda), and protected notes are shown
only through pages that write the access log."""

from django.contrib import admin

from housingfirst.admin import AuditedAdmin

from .models import Topic


@admin.register(Topic)
class TopicAdmin(AuditedAdmin):
    list_display = ["name", "position", "is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        # Notes and plan goals keep pointing at their topic; stop offering it instead.
        return False

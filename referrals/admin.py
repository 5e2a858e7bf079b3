"""Providers are maintained here (and by supervisors in the app).

Referrals and consents are not in the admin on purpose: their changes go through the workflow
in referrals.services (steps, dates, who acted), and substance-use records are shown only
through pages that write the access log.
"""

from django.contrib import admin

from housingfirst.admin import AuditedAdmin

from .models import Provider


@admin.register(Provider)
class ProviderAdmin(AuditedAdmin):
    list_display = [
        "name",
        "offers_mental_health",
        "offers_substance_use",
        "offers_employment",
        "offers_other",
        "is_active",
    ]
    list_filter = [
        "is_active",
        "offers_mental_health",
        "offers_substance_use",
        "offers_employment",
        "offers_other",
    ]
    search_fields = ["name", "contact_name"]
    fieldsets = [
        (None, {"fields": ["name", "is_active"]}),
        (
            "Services offered",
            {
                "fields": [
                    "offers_mental_health",
                    "offers_substance_use",
                    "offers_employment",
                    "offers_other",
                ]
            },
        ),
        ("Contact", {"fields": ["contact_name", "phone", "email", "address", "notes"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        # Referrals and consents keep pointing at their provider; deactivate instead.
        return False

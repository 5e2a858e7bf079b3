"""Sites (with their staff and stock minimums), item kinds and funding sources are kept here.

Stock lots, distributions, overdose responses and trainings are not in the admin on purpose:
stock moves only through ``harm_reduction.services`` (which keeps it from going negative), and
a record linked to a client is shown only through pages that write the access log.
"""

from django.contrib import admin

from housingfirst.admin import AuditedAdmin

from .models import FundingSource, ItemKind, Site, SiteStaff, StockMinimum


class SiteStaffInline(admin.TabularInline):
    model = SiteStaff
    extra = 1
    autocomplete_fields = ["user"]
    verbose_name = "staff member who gets this site's stock reminders"
    verbose_name_plural = "staff who get this site's stock reminders"


class StockMinimumInline(admin.TabularInline):
    model = StockMinimum
    extra = 1


@admin.register(Site)
class SiteAdmin(AuditedAdmin):
    list_display = ["name", "kind", "tenant_count", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    inlines = [SiteStaffInline, StockMinimumInline]


@admin.register(ItemKind)
class ItemKindAdmin(AuditedAdmin):
    list_display = ["name", "is_naloxone", "is_active"]
    list_filter = ["is_naloxone", "is_active"]


@admin.register(FundingSource)
class FundingSourceAdmin(AuditedAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]

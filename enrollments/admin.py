"""Program settings (organization, projects) are kept here. Enrollments and assessments are
the clients' and are written through the pages, where access is checked and logged."""

from django.contrib import admin

from housingfirst.admin import AuditedAdmin

from .models import Organization, Project


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["name", "victim_service_provider"]
    search_fields = ["name"]


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ["name", "project_type", "coc_code", "operating_start_date", "is_default"]
    list_filter = ["project_type"]
    search_fields = ["name"]

"""Admin: audit records shown read-only to everyone; staff accounts with their history.

History rows, change-log entries and access-log entries can be listed and opened, never added,
changed or deleted, superusers included. (Reverting a record from an old version is refused
for everyone too: see housingfirst.audit_log.middleware.)
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.shortcuts import redirect
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from .audit import change_reason
from .audit_log import registry
from .forms import STALE_EDIT_MESSAGE
from .models import AccessLogEntry, AuditChainHead, ChangeLogEntry
from .versioning import StaleEdit, VersionedModel, current_version, save_versioned


class VersionedAdminForm(forms.ModelForm):
    """The admin's edit form carries the version it was opened at, like every edit page."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("version", self.instance.version)

    def clean(self):
        cleaned = super().clean()
        opened_at = cleaned.get("version")
        if self.instance.pk is not None and opened_at is not None:
            if current_version(type(self.instance), self.instance.pk) != opened_at:
                raise forms.ValidationError(STALE_EDIT_MESSAGE)
        return cleaned


class AuditedAdmin(SimpleHistoryAdmin):
    """Admin saves land in history with the admin user and a reason saying where they came
    from; versioned records refuse a stale save (``housingfirst.versioning``)."""

    def _versioned(self) -> bool:
        return issubclass(self.model, VersionedModel)

    def get_form(self, request, obj=None, **kwargs):
        if self._versioned() and "form" not in kwargs:
            kwargs["form"] = type(
                f"{self.model.__name__}AdminForm", (VersionedAdminForm, self.form), {}
            )
            # The version is the form's own hidden field, not an editable model field.
            # (fields=None is Django asking which fields the form has: leave that alone.)
            if "fields" not in kwargs:
                kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
            if kwargs["fields"] is not None:
                kwargs["fields"] = [name for name in kwargs["fields"] if name != "version"]
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._versioned() and self.fieldsets:
            fieldsets = [*fieldsets, (None, {"fields": ["version"]})]
        return fieldsets

    def save_model(self, request, obj, form, change):
        reason = "Edited in the admin" if change else "Added in the admin"
        if not (change and self._versioned()):
            with change_reason(reason):
                super().save_model(request, obj, form, change)
            return
        try:
            save_versioned(obj, expected_version=form.cleaned_data.get("version"), reason=reason)
        except StaleEdit:
            # Saved by someone else between the form's check and this save: nothing saved.
            messages.error(request, STALE_EDIT_MESSAGE)


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


# Two-factor devices hold secrets: no admin pages for them. They change only through the
# two-factor pages, which write the account's history (a reset: the administrator's reason).
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)

User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffAccountAdmin(SimpleHistoryAdmin, UserAdmin):
    """Django's user admin, with the account's history (groups included) one click away."""

    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor sign-in (lost phone)…")
    def reset_two_factor(self, request, queryset):
        """One person at a time, on a page that asks for the reason (kept in the history)."""
        if queryset.count() != 1:
            self.message_user(
                request, "Choose exactly one person to reset.", level=messages.WARNING
            )
            return None
        return redirect("two_factor_reset", user_id=queryset.get().pk)

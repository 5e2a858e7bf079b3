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
from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import redirect
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from .audit import change_reason
from .audit_log import registry
from .forms import STALE_EDIT_MESSAGE, ModelForm
from .models import AccessLogEntry, AuditChainHead, ChangeLogEntry
from .versioning import StaleEdit, VersionedModel, current_version, save_versioned

# The admin in the program's name (templates/admin/base_site.html adds the icon).
admin.site.site_header = "housingfirst administration"
admin.site.site_title = "housingfirst admin"
admin.site.index_title = "Staff accounts, teams, providers and program settings"


class VersionedAdminForm(ModelForm):
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


class HistoryPagesAdmin(SimpleHistoryAdmin):
    """simple-history's object history and version pages, working for read-only admins too.

    The version page asks for the model form without saying it is a change form; Django then
    refuses a non-editable field (``FieldError``). A version of a saved record is a change form,
    and where the person may not change the record every field is shown read-only, as on the
    change page.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        return super().get_form(request, obj, change=change or obj is not None, **kwargs)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._read_only_version = not self.has_change_permission(request)
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        finally:
            self._read_only_version = False

    def get_readonly_fields(self, request, obj=None):
        if getattr(self, "_read_only_version", False):
            return flatten_fieldsets(self.get_fieldsets(request, obj))
        return super().get_readonly_fields(request, obj)


class AuditedAdmin(HistoryPagesAdmin):
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

    def save_formset(self, request, form, formset, change):
        # Inline rows (a site's staff, say) are saved with the same reason as their parent.
        with change_reason("Edited in the admin" if change else "Added in the admin"):
            super().save_formset(request, form, formset, change)


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


def _may_be_protected(model) -> bool:
    """Records of this model may be protected (42 CFR Part 2): they have ``protected()``."""
    return model is not None and hasattr(model._default_manager, "protected")


class HistoryRowAdmin(ReadOnlyAdmin):
    """History rows, read-only, for superusers who know where to look: left off the admin
    index (the change log under /audit/ is where history is read), still open by URL.

    A link to a record that may be protected (a reminder's referral or consent) is shown by its
    number only: its name ("Substance use referral to …") is shown only where the look is
    logged.
    """

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

    def get_model_perms(self, request):
        return {}  # not on the admin index

    def get_fields(self, request, obj=None):
        return [
            f"{name}_number" if self._links_protected(name) else name
            for name in super().get_fields(request, obj)
        ]

    def _links_protected(self, name) -> bool:
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        return field.is_relation and _may_be_protected(field.related_model)

    def __getattr__(self, name):
        # "<field>_number": the linked record's number, for links that may be protected.
        base = name.removesuffix("_number")
        if base != name and self._links_protected(base):
            field = self.model._meta.get_field(base)

            def number(obj):
                pk = getattr(obj, field.attname)
                return "—" if pk is None else f"{field.related_model._meta.verbose_name} #{pk}"

            number.short_description = field.verbose_name
            return number
        raise AttributeError(name)


for _model in registry.audited_models():
    _history_model = registry.history_model_for(_model)
    # Protected (substance-use) records' history is read only where each look is logged.
    if _may_be_protected(_model):
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
class StaffAccountAdmin(HistoryPagesAdmin, UserAdmin):
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

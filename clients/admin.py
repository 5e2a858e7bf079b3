from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from housingfirst.admin import AuditedAdmin
from housingfirst.forms import ModelForm

from . import services
from .models import Assignment, Client, ClientUserObjectPermission, Team, TeamRole


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


class TeamAdminForm(ModelForm):
    """The team's name and members; members are saved through the membership service, so each
    one who joins or leaves is a history row of its own, with the reason given here."""

    member_supervisors = forms.ModelMultipleChoiceField(
        label="Supervisors",
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple("supervisors", is_stacked=False),
    )
    member_case_managers = forms.ModelMultipleChoiceField(
        label="Case managers",
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple("case managers", is_stacked=False),
    )
    membership_reason = forms.CharField(
        label="Reason for a change of members",
        required=False,
        max_length=500,
        help_text="Recorded with each person who joins or leaves the team.",
    )

    class Meta:
        model = Team
        fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("member_supervisors", list(self.instance.supervisors.all()))
            self.initial.setdefault("member_case_managers", list(self.instance.case_managers.all()))


@admin.register(Team)
class TeamAdmin(HistoryGuardedAdmin):
    form = TeamAdminForm
    list_display = ["name"]
    fields = ["name", "member_supervisors", "member_case_managers", "membership_reason"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        reason = form.cleaned_data.get("membership_reason") or (
            "Edited in the admin" if change else "Added in the admin"
        )
        for role, field in (
            (TeamRole.SUPERVISOR, "member_supervisors"),
            (TeamRole.CASE_MANAGER, "member_case_managers"),
        ):
            services.team_members_set(
                team=form.instance,
                role=role,
                people=form.cleaned_data.get(field) or [],
                by=request.user,
                reason=reason,
            )


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

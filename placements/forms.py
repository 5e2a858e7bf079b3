from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from housingfirst.forms import DateInput, DateTimeInput, ModelForm, VersionedModelForm
from housingfirst.submissions import SingleSubmissionForm

from .destinations import RentalSubsidyType, grouped_destination_choices
from .models import Contact, Placement, SubsidyType

PLACEMENT_FIELDS = [
    "search_started_on",
    "address",
    "landlord_name",
    "landlord_contact",
    "subsidy_type",
    "monthly_rent",
    "tenant_share",
    "lease_start",
    "lease_end",
    "move_in_date",
]
EXIT_FIELDS = [
    "exit_date",
    "exit_reason",
    "exit_destination",
    "exit_rental_subsidy_type",
    "exit_note",
]
MONEY = {"inputmode": "decimal", "step": "0.01", "min": "0"}
WIDGETS = {
    "search_started_on": DateInput(),
    "address": forms.TextInput(attrs={"autocomplete": "off"}),
    "monthly_rent": forms.NumberInput(attrs=MONEY),
    "tenant_share": forms.NumberInput(attrs=MONEY),
    "lease_start": DateInput(),
    "lease_end": DateInput(),
    "move_in_date": DateInput(),
    "exit_date": DateInput(),
    "exit_note": forms.Textarea(attrs={"rows": 3}),
}


class ModelRulesForm(ModelForm):
    """Shows every rule the model's clean() breaks, even on a field this form leaves out."""

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            placed = {}
            for name, messages in errors.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                placed.setdefault(key, []).extend(messages)
            errors = ValidationError(placed)
        super()._update_errors(errors)


class VersionedRulesForm(ModelRulesForm, VersionedModelForm):
    """An edit form that shows every model rule and carries the version it was opened at."""


def _subsidy_types(current=None):
    offered = SubsidyType.objects.filter(is_active=True)
    if current is not None:
        offered = offered | SubsidyType.objects.filter(pk=current.pk)
    return offered.order_by("name")


class PlacementForm(SingleSubmissionForm, ModelRulesForm):
    """A new placement: usually a housing search; a move-in date records a current tenancy."""

    class Meta:
        model = Placement
        fields = PLACEMENT_FIELDS
        widgets = WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subsidy_type"].queryset = _subsidy_types()
        self.fields[
            "move_in_date"
        ].help_text = (
            "Leave empty while the client is still searching; record it when they move in."
        )


class PlacementEditForm(VersionedRulesForm):
    """Corrections to a placement; an exited placement's exit can be corrected here too."""

    class Meta:
        model = Placement
        fields = PLACEMENT_FIELDS + EXIT_FIELDS
        widgets = WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subsidy_type"].queryset = _subsidy_types(self.instance.subsidy_type)
        if self.instance.exit_date is None:
            for name in EXIT_FIELDS:
                del self.fields[name]
        else:
            _set_up_exit_fields(self)


class MoveInForm(VersionedRulesForm):
    class Meta:
        model = Placement
        fields = ["move_in_date", "address", "lease_start", "lease_end"]
        widgets = WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["move_in_date"].required = True
        self.fields["address"].required = True
        self.fields["address"].help_text = "Street, unit number and city."
        if self.initial.get("move_in_date") is None:
            self.initial["move_in_date"] = timezone.localdate()


class ExitForm(VersionedRulesForm):
    class Meta:
        model = Placement
        fields = EXIT_FIELDS
        widgets = WIDGETS
        labels = {"exit_note": "Note"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _set_up_exit_fields(self)
        for name in ("exit_date", "exit_reason", "exit_destination"):
            self.fields[name].required = True
        if self.initial.get("exit_date") is None:
            self.initial["exit_date"] = timezone.localdate()


def _set_up_exit_fields(form):
    destination = form.fields["exit_destination"]
    destination.choices = [("", "Choose where the client went")] + grouped_destination_choices()
    destination.help_text = "HUD destination: where the client stays after leaving this unit."
    reason = form.fields["exit_reason"]
    reason.choices = [("", "Choose a reason")] + Placement.ExitReason.choices
    subsidy = form.fields["exit_rental_subsidy_type"]
    subsidy.choices = [("", "Not applicable")] + RentalSubsidyType.choices
    form.fields[
        "exit_rental_subsidy_type"
    ].help_text = "Only when the destination is “Rental by client, with ongoing housing subsidy”."


class ContactForm(SingleSubmissionForm, ModelRulesForm):
    """Logging a contact: three fields, the kind preselected, the time now."""

    class Meta:
        model = Contact
        fields = ["kind", "occurred_at", "note"]
        widgets = {
            "kind": forms.RadioSelect,
            "occurred_at": DateTimeInput(),
            "note": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        }
        help_texts = {"note": "Short and factual: what happened, what was agreed."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("occurred_at", now)


class ContactEditForm(VersionedRulesForm, ContactForm):
    class Meta(ContactForm.Meta):
        pass

from datetime import datetime

from django import forms
from django.utils import timezone

from housingfirst.forms import DateInput, ModelForm, VersionedModelForm
from housingfirst.submissions import SingleSubmissionForm

from .models import Consent, Provider, Referral, ServiceType


class ProviderSelect(forms.Select):
    """A provider list whose options say which services each provider offers
    (``data-services``), so the offer page can show only those of the chosen service
    (static/js/provider-filter.js). ``only_service`` hides the others from the start."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.services: dict[str, str] = {}
        self.only_service: str = ""

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.services, copy.only_service = {}, ""
        return copy

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        offered = self.services.get(str(value))
        if offered is not None:
            option["attrs"]["data-services"] = offered
            if self.only_service and self.only_service not in offered.split():
                option["attrs"].update(hidden=True, disabled=True)
        return option


class ProviderChoiceField(forms.ModelChoiceField):
    """Lists active providers; a posted inactive one gets a clear error rather than 'invalid'."""

    widget = ProviderSelect

    def __init__(self, **kwargs):
        super().__init__(queryset=Provider.objects.all(), **kwargs)

    def offer_active_providers(self):
        """List the active providers (one query); called by the form for its own copy."""
        providers = list(Provider.objects.active())
        self.widget.services = {
            str(provider.pk): " ".join(provider.service_types) for provider in providers
        }
        self.choices = [("", "Choose a provider")] + [
            (provider.pk, self.label_from_instance(provider)) for provider in providers
        ]

    def label_from_instance(self, provider):
        return f"{provider.name} — {', '.join(provider.service_type_labels())}"

    def validate(self, value):
        super().validate(value)
        if value is not None and not value.is_active:
            raise forms.ValidationError(
                f"{value.name} is not active and cannot receive new referrals or releases.",
                code="inactive",
            )


class ReferralOfferForm(SingleSubmissionForm, ModelForm):
    """Offer a referral. The client comes from the page address, never from the form."""

    provider = ProviderChoiceField()

    class Meta:
        model = Referral
        fields = ["service_type", "provider", "requested_by", "client_goal", "follow_up_on"]
        widgets = {
            "service_type": forms.RadioSelect,
            "requested_by": forms.RadioSelect,
            "client_goal": forms.Textarea(attrs={"rows": 3}),
            "follow_up_on": DateInput(),
        }
        help_texts = {"follow_up_on": "When to check in with the client about it."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].offer_active_providers()
        self.fields["provider"].label = "Provider"
        self.fields["provider"].help_text = "Only providers of the chosen service are listed."
        self.fields["service_type"].label = "Service"
        # Radio buttons without the empty "---------" choice a model field would add.
        self.fields["service_type"].choices = ServiceType.choices
        self.fields["requested_by"].choices = Referral.RequestedBy.choices
        # Providers of the chosen service only, already on the server (the page also works
        # without JavaScript); the script follows a change of service at once.
        self.fields["provider"].widget.only_service = self.chosen_service()
        self.fields["provider"].widget.attrs["data-service-field"] = self.add_prefix("service_type")

    def chosen_service(self) -> str:
        value = (self.data if self.is_bound else {}).get(self.add_prefix("service_type"))
        value = value or self.initial.get("service_type") or ""
        return value if value in ServiceType.values else ""

    def clean_follow_up_on(self):
        follow_up_on = self.cleaned_data.get("follow_up_on")
        if follow_up_on and follow_up_on < timezone.localdate():
            raise forms.ValidationError("The follow-up date cannot be in the past.")
        return follow_up_on


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="The client's decision",
        choices=[
            (Referral.Status.ACCEPTED, "Accepted: the client wants to go ahead"),
            (Referral.Status.DECLINED, "Declined: the client chose not to go ahead"),
        ],
        widget=forms.RadioSelect,
    )
    decision_note = forms.CharField(
        label="In the client's words (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up_on = forms.DateField(
        label="Next follow-up (if accepted)",
        required=False,
        widget=DateInput(),
    )

    def clean_follow_up_on(self):
        follow_up_on = self.cleaned_data.get("follow_up_on")
        if follow_up_on and follow_up_on < timezone.localdate():
            raise forms.ValidationError("The follow-up date cannot be in the past.")
        return follow_up_on


class UndoStepForm(forms.Form):
    REASONS = {
        "mistake": "Recorded by mistake",
        "too_early": "Recorded too early: it has not happened yet",
        "wrong_referral": "Recorded on the wrong referral",
    }

    reason = forms.ChoiceField(
        label="Why undo it?", choices=list(REASONS.items()), widget=forms.RadioSelect
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)

    def reason_text(self) -> str:
        reason = self.REASONS[self.cleaned_data["reason"]]
        note = self.cleaned_data["note"].strip()
        return f"{reason}: {note}" if note else reason


class ScheduleForm(forms.Form):
    """The "appointment scheduled" step: when and where the client meets the provider."""

    day = forms.DateField(label="Date", widget=DateInput())
    time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label="Place", max_length=300)

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("day"), cleaned.get("time")
        if day and time:
            cleaned["appointment_at"] = timezone.make_aware(datetime.combine(day, time))
        return cleaned


class CloseForm(forms.Form):
    close_reason = forms.ChoiceField(
        label="Why is it closing?",
        choices=Referral.CloseReason.choices,
        widget=forms.RadioSelect,
    )
    outcome_note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReferralNotesForm(VersionedModelForm):
    """Follow-up date and outcome note: the parts of a referral edited outside the steps."""

    class Meta:
        model = Referral
        fields = ["follow_up_on", "outcome_note"]
        widgets = {
            "follow_up_on": DateInput(),
            "outcome_note": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_final:
            del self.fields["follow_up_on"]

    def clean_follow_up_on(self):
        follow_up_on = self.cleaned_data.get("follow_up_on")
        unchanged = follow_up_on == self.initial.get("follow_up_on")
        if follow_up_on and follow_up_on < timezone.localdate() and not unchanged:
            raise forms.ValidationError("The follow-up date cannot be in the past.")
        return follow_up_on


class ConsentForm(SingleSubmissionForm, ModelForm):
    provider = ProviderChoiceField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].offer_active_providers()

    class Meta:
        model = Consent
        fields = ["provider", "purpose", "covers_substance_use", "signed_on", "expires_on"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "signed_on": DateInput(),
            "expires_on": DateInput(),
        }


class RevokeConsentForm(forms.Form):
    revoked_on = forms.DateField(
        label="Revoked on",
        widget=DateInput(),
        help_text="The day the client withdrew the release.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, consent, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent = consent

    def clean_revoked_on(self):
        revoked_on = self.cleaned_data["revoked_on"]
        if revoked_on > timezone.localdate():
            raise forms.ValidationError("The revocation date cannot be in the future.")
        if revoked_on < self.consent.signed_on:
            raise forms.ValidationError(
                f"The revocation date cannot be before the signing date "
                f"({self.consent.signed_on:%Y-%m-%d})."
            )
        return revoked_on


class ProviderForm(SingleSubmissionForm, ModelForm):
    services = forms.MultipleChoiceField(
        label="Services offered",
        choices=ServiceType.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Provider
        fields = ["name", "contact_name", "phone", "email", "address", "notes", "is_active"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].initial = self.instance.service_types
        self.order_fields(["name", "services"])

    def _post_clean(self):
        for value in ServiceType.values:
            setattr(
                self.instance,
                Provider.offer_field(value),
                value in self.cleaned_data.get("services", []),
            )
        super()._post_clean()


class ProviderEditForm(VersionedModelForm, ProviderForm):
    # The "services offered" boxes stand for these columns.
    merge_extra_fields = tuple(Provider.offer_field(value) for value in ServiceType.values)

    class Meta(ProviderForm.Meta):
        pass


class ReferralFilterForm(forms.Form):
    FOLLOW_UP_CHOICES = [
        ("", "Any follow-up date"),
        ("due", "Due in the next 7 days"),
        ("overdue", "Overdue"),
    ]

    status = forms.ChoiceField(
        choices=[("", "Any status"), ("open", "Open (not final)")] + Referral.Status.choices,
        required=False,
    )
    service_type = forms.ChoiceField(
        label="Service", choices=[("", "Any service")] + ServiceType.choices, required=False
    )
    follow_up = forms.ChoiceField(label="Follow-up", choices=FOLLOW_UP_CHOICES, required=False)

    def filter(self, referrals):
        status = self.cleaned_data.get("status")
        if status == "open":
            referrals = referrals.open()
        elif status:
            referrals = referrals.filter(status=status)
        if self.cleaned_data.get("service_type"):
            referrals = referrals.filter(service_type=self.cleaned_data["service_type"])
        follow_up = self.cleaned_data.get("follow_up")
        if follow_up == "due":
            referrals = referrals.follow_up_due()
        elif follow_up == "overdue":
            referrals = referrals.follow_up_overdue()
        return referrals

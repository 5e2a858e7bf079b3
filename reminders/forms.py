from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.models import Client
from housingfirst.forms import DateInput

from . import services
from .models import Kind


class ReminderFilterForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=Client.objects.none(), required=False, empty_label="All clients"
    )
    kind = forms.ChoiceField(
        label="What", choices=[("", "Every kind"), *Kind.choices], required=False
    )

    def __init__(self, *args, reminders=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only clients that have something pending for this person (one query).
        self.fields["client"].queryset = Client.objects.filter(
            pk__in=reminders.pending().values("client_id")
        ).order_by("last_name", "first_name", "pk")

    def filter(self, reminders):
        if self.cleaned_data.get("client"):
            reminders = reminders.filter(client=self.cleaned_data["client"])
        if self.cleaned_data.get("kind"):
            reminders = reminders.filter(kind=self.cleaned_data["kind"])
        return reminders


class SnoozeForm(forms.Form):
    until = forms.DateField(
        label="Snooze until",
        widget=DateInput(),
        help_text="The reminder comes back on this day.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tomorrow = timezone.localdate() + timedelta(days=1)
        self.fields["until"].widget.attrs["min"] = tomorrow.isoformat()

    def clean_until(self):
        until = self.cleaned_data["until"]
        try:
            services.validate_snooze_date(until)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return until

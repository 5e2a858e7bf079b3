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


# The one-tap choices of the snooze page: (value of the button, label, days from today).
QUICK_SNOOZES = (
    ("tomorrow", "Tomorrow", 1),
    ("next_week", "Next week", 7),
    ("two_weeks", "In two weeks", 14),
)


class SnoozeForm(forms.Form):
    """Snooze until a day: a quick choice (a button named ``quick``) or a date."""

    until = forms.DateField(
        label="Snooze until",
        widget=DateInput(),
        help_text="The reminder comes back on this day.",
    )

    def __init__(self, data=None, *args, **kwargs):
        today = timezone.localdate()
        days = {value: offset for value, _, offset in QUICK_SNOOZES}
        if data is not None and data.get("quick") in days:
            data = data.copy()
            data["until"] = (today + timedelta(days=days[data["quick"]])).isoformat()
        super().__init__(data, *args, **kwargs)
        tomorrow = today + timedelta(days=1)
        self.fields["until"].widget.attrs["min"] = tomorrow.isoformat()
        self.quick_choices = [
            (value, label, today + timedelta(days=offset)) for value, label, offset in QUICK_SNOOZES
        ]

    def clean_until(self):
        until = self.cleaned_data["until"]
        try:
            services.validate_snooze_date(until)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return until

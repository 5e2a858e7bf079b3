import re
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from housingfirst.forms import DateInput, SuggestInput

from . import services
from .models import Kind

NAMED_CLIENTS_LIMIT = 10


class ReminderFilterForm(forms.Form):
    # A text field, not a list of every client: a supervisor's page stays small at any size.
    client = forms.CharField(
        required=False,
        max_length=200,
        label="Client (name or number)",
        help_text="Leave empty for every client. Part of a name finds every client it matches.",
        widget=SuggestInput("reminders:clients_suggest"),
    )
    kind = forms.ChoiceField(
        label="What", choices=[("", "Every kind"), *Kind.choices], required=False
    )

    def __init__(self, *args, reminders=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only clients that have something pending for this person: the scope of the filter
        # and of its suggestions (``clients_suggest``).
        self.client_scope = reminders.pending_clients()
        self.clients, self.client_description = None, ""

    def clean_client(self):
        """The clients to show: ``self.clients`` (None: all; a list, or a queryset when too many
        match to name them), and ``self.client_description``, a sentence for the page.

        A number (``12``, ``#12``, or a suggestion's ``Name (#12)``) is one client: links
        from when this was a list (``?client=12``) keep working. Other text is a name: every
        client it matches, named on the page.
        """
        text = self.cleaned_data["client"].strip()
        if not text:
            return text
        number = client_number(text)
        if number is not None:
            client = self.client_scope.filter(pk=number).first()
            if client is None:
                # The same answer whether the client exists or not: nothing out of scope shows.
                raise ValidationError(f"You have no pending reminders for client #{number}.")
            self.clients = [client]
            name = f"{client.display_name} (#{client.pk})"
            self.client_description = f"Showing the reminders of {name}."
            return text
        named = self.client_scope.named(text)
        matches = list(named.order_by("last_name", "first_name", "pk")[: NAMED_CLIENTS_LIMIT + 1])
        if len(matches) > NAMED_CLIENTS_LIMIT:
            self.clients = named
            self.client_description = (
                f"Showing the reminders of every client matching “{text}” (more than "
                f"{NAMED_CLIENTS_LIMIT}: type more of the name, or pick a suggestion, to narrow)."
            )
        elif matches:
            self.clients = matches
            names = ", ".join(f"{client.display_name} (#{client.pk})" for client in matches)
            if len(matches) > 1:
                names = f"the {len(matches)} clients matching “{text}”: {names}"
            self.client_description = f"Showing the reminders of {names}."
        else:
            self.clients = []
            self.client_description = f"No client you have pending reminders for matches “{text}”."
        return text

    def filter(self, reminders):
        if self.clients is not None:
            reminders = reminders.filter(client__in=self.clients)
        if self.cleaned_data.get("kind"):
            reminders = reminders.filter(kind=self.cleaned_data["kind"])
        return reminders


def client_number(text: str) -> int | None:
    """The record number in ``12``, ``#12`` or ``Rosa Parker (#12)``; None for a name."""
    match = re.fullmatch(r"#?([0-9]{1,18})", text) or re.fullmatch(r".*\(#([0-9]{1,18})\)", text)
    return int(match.group(1)) if match else None


def client_suggestion(client) -> dict:
    """One entry of the suggestion list: what fills the field, name and number."""
    value = f"{client.display_name} (#{client.pk})"
    return {"value": value, "label": value}


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

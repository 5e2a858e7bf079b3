"""What to export: a reporting period or "changed since", one project or all, hashed or not."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone

from enrollments.models import Project
from housingfirst.forms import DateInput, DateTimeInput
from housingfirst.submissions import SingleSubmissionForm

from .export import ExportOptions

# Dates HMIS data can have: nothing before HMIS existed, nothing far in the future.
EARLIEST = date(1990, 1, 1)
LATEST_AHEAD = timedelta(days=366)

HASH_CHOICES = [
    ("unhashed", "Unhashed: names and Social Security numbers as recorded"),
    (
        "hashed",
        "Hashed (HUD HashStatus 4): names and SSN as SHA-256 codes, for sharing where "
        "identities must not travel",
    ),
]


class ExportForm(SingleSubmissionForm, forms.Form):
    start = forms.DateField(label="Reporting period start", required=False, widget=DateInput)
    end = forms.DateField(label="Reporting period end", required=False, widget=DateInput)
    changed_since = forms.DateTimeField(
        label="Or: everything changed since",
        required=False,
        widget=DateTimeInput,
        help_text="Instead of a reporting period: the records changed since this moment "
        "(program time).",
    )
    project = forms.ModelChoiceField(
        label="Project",
        queryset=Project.objects.order_by("name"),
        required=False,
        empty_label="All projects",
    )
    hashing = forms.ChoiceField(
        label="Names and SSN",
        choices=HASH_CHOICES,
        initial="unhashed",
        widget=forms.RadioSelect,
    )

    def _check_day(self, name: str, today: date) -> None:
        day = self.cleaned_data.get(name)
        if day is None:
            return
        if day < EARLIEST:
            self.add_error(name, f"Choose a date from {EARLIEST:%Y-%m-%d} on.")
        elif day > today + LATEST_AHEAD:
            self.add_error(name, "Choose a date no more than a year from today.")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        start, end, since = data.get("start"), data.get("end"), data.get("changed_since")
        if any(name in self.errors for name in ("start", "end", "changed_since")):
            return data  # a field that could not be read has said so already
        if since and (start or end):
            self.add_error(
                "changed_since",
                "Choose either a reporting period or “changed since”, not both: clear the "
                "period's dates or this one.",
            )
            return data
        if since:
            if since > timezone.now():
                self.add_error("changed_since", "Choose a moment in the past.")
            elif timezone.localdate(since) < EARLIEST:
                self.add_error("changed_since", f"Choose a moment from {EARLIEST:%Y-%m-%d} on.")
            return data
        if not (start or end):
            self.add_error(
                "start", "Choose a reporting period (start and end), or fill in “changed since”."
            )
            return data
        if start is None:
            self.add_error("start", "Choose the day the reporting period starts.")
        if end is None:
            self.add_error("end", "Choose the day the reporting period ends.")
        self._check_day("start", today)
        self._check_day("end", today)
        if start and end and end < start and "end" not in self.errors:
            self.add_error("end", "The reporting period ends on or after the day it starts.")
        return data

    def options(self, *, client_ids=None, exported_by=None) -> ExportOptions:
        data = self.cleaned_data
        project = data.get("project")
        return ExportOptions(
            start=None if data.get("changed_since") else data.get("start"),
            end=None if data.get("changed_since") else data.get("end"),
            changed_since=data.get("changed_since"),
            project_id=project.pk if project else None,
            hashed=data.get("hashing") == "hashed",
            client_ids=client_ids,
            exported_by=exported_by,
        )

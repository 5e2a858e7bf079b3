"""What to export (a reporting period or "changed since", one project or all, hashed or not),
and what to import (a zip, its projects; then a choice per possible duplicate)."""

import re
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone

from clients.models import Team
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


# Import ---------------------------------------------------------------------------------------

PROJECT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")  # HUD's ProjectID: a string of up to 32
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first bytes (the latter: an empty zip)


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


def too_large_message(size: int, limit: int) -> str:
    return (
        f"The file is too large ({megabytes(size)}): the limit is {megabytes(limit)}. Nothing "
        "was stored. Export fewer projects or a shorter period from your HMIS, or ask the "
        "person who runs this server to raise HMIS_IMPORT_MAX_BYTES."
    )


NO_TEAM_YET = (
    "There is no team yet: add the team in the administration (Teams), then upload. Without "
    "one, only administrators would see the new clients."
)


class ImportUploadForm(forms.Form):
    """The zip, the team whose intake queue the new clients join, and the projects to import.
    ``content_length``: the request's declared size, checked before anything else (the page is
    then shown without reading the body)."""

    file = forms.FileField(
        label="HMIS CSV export (a .zip file)",
        required=False,  # said in clean_file, after the size
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
        help_text="The zip of CSV files your HMIS exports (FY2026 format, unhashed).",
    )
    # Required: clients imported without a team are seen by administrators alone until someone
    # assigns them, which is never what importing a program's history is for.
    team = forms.ModelChoiceField(
        label="Team whose intake queue the new clients join",
        queryset=Team.objects.order_by("name"),
        empty_label="Choose a team",
        help_text="Its supervisors see the new clients and assign them to case managers. "
        "Only new clients join it: clients already here (those you call “same person” "
        "included) keep their team.",
        error_messages={
            "required": "Choose the team whose intake queue the new clients join.",
            "invalid_choice": "That team no longer exists: choose another.",
        },
    )
    project_ids = forms.CharField(
        label="Project IDs to import (optional)",
        required=False,
        max_length=2000,
        help_text="The HMIS ProjectIDs as in the file's Project.csv, separated by commas or "
        "spaces. Empty: every Permanent Supportive Housing project in the file.",
    )

    def __init__(self, *args, content_length: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.content_length = content_length
        if content_length > settings.HMIS_IMPORT_MAX_BYTES:
            # The body is not read: only the size can be said.
            self.fields["team"].required = False
            return
        teams = list(self.fields["team"].queryset[:2])  # teams are few; is there only one?
        if not teams:
            self.fields["team"].help_text = NO_TEAM_YET
            self.fields["team"].error_messages["required"] = NO_TEAM_YET
        elif len(teams) == 1:
            self.initial.setdefault("team", teams[0].pk)

    def clean_file(self):
        limit = settings.HMIS_IMPORT_MAX_BYTES
        if self.content_length > limit:
            raise forms.ValidationError(too_large_message(self.content_length, limit))
        upload = self.cleaned_data.get("file")
        if upload is None:
            raise forms.ValidationError("Choose the zip file your HMIS exported.")
        if upload.size > limit:
            raise forms.ValidationError(too_large_message(upload.size, limit))
        start = upload.read(4)
        upload.seek(0)
        if not upload.name.lower().endswith(".zip") or start not in ZIP_MAGIC:
            raise forms.ValidationError(
                "This is not a zip file. Upload the .zip your HMIS exported, as it came "
                "(not unpacked, not a single CSV file). Nothing was stored."
            )
        return upload

    def clean_project_ids(self) -> list[str]:
        ids = [part for part in re.split(r"[\s,;]+", self.cleaned_data["project_ids"]) if part]
        wrong = [part for part in ids if not PROJECT_ID.match(part)]
        if wrong:
            raise forms.ValidationError(
                f"Not a ProjectID: {', '.join(wrong[:5])}. A ProjectID is up to 32 letters, "
                "digits, dots, dashes or underscores."
            )
        return list(dict.fromkeys(ids))


SAME, DIFFERENT = "same", "different"
DECISION_CHOICES = [
    (SAME, "Same person: add the file's records to the existing client"),
    (DIFFERENT, "Different people: import as a new client"),
]


class DuplicateDecisionsForm(forms.Form):
    """One choice per possible duplicate of the dry run: "same person" or "different people"."""

    def __init__(self, duplicates: list[dict], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates = duplicates
        for index, pair in enumerate(duplicates):
            born = f", born {pair['birth_date']}" if pair["birth_date"] else ""
            self.fields[self.field_name(index)] = forms.ChoiceField(
                label=(
                    f"{pair['name']}{born} (PersonalID {pair['personal_id']} in the file) "
                    f"and client #{pair['existing_client_id']}, {pair['existing_name']} "
                    f"(match score {pair['score']})"
                ),
                choices=DECISION_CHOICES,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choose “same person” or “different people” for this pair."
                },
            )

    @staticmethod
    def field_name(index: int) -> str:
        return f"pair_{index}"

    def decisions(self) -> dict[str, str]:
        """{PersonalID: "same:<client id>" | "different"}, as the importer takes them."""
        result = {}
        for index, pair in enumerate(self.duplicates):
            choice = self.cleaned_data[self.field_name(index)]
            same = f"{SAME}:{pair['existing_client_id']}"
            result[pair["personal_id"]] = same if choice == SAME else DIFFERENT
        return result

"""The auditor's filters: person, record type, client, date range, kind — all in the URL."""

import re

from django import forms

from ..forms import DateInput, SuggestInput
from ..history import record_type_name
from ..models import AccessLogEntry
from ..people import people_matching, staff_accounts
from . import registry
from .changelog import Filters

MATCHING_CLIENTS_LIMIT = 20
MATCHING_PEOPLE_LIMIT = 20


class AuditFilterForm(forms.Form):
    # A text field, not a list of every account: the page stays small however many there are.
    person = forms.CharField(
        required=False,
        max_length=150,
        label="Person (name or user name)",
        help_text="Leave empty for anyone. Part of a name finds everyone it matches.",
        widget=SuggestInput("audit:people_suggest"),
    )
    record_type = forms.ChoiceField(required=False)
    client = forms.CharField(required=False, max_length=100, label="Client (name or number)")
    date_from = forms.DateField(required=False, label="From", widget=DateInput)
    date_to = forms.DateField(required=False, label="To", widget=DateInput)

    kind_field = "kind"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = sorted(
            ((m._meta.label_lower, record_type_name(m)) for m in registry.audited_models()),
            key=lambda choice: choice[1],
        )
        self.fields["record_type"].choices = [("", "Any record"), *types]

    def clean_person(self):
        """Who the log is narrowed to: ``self.people`` (None: anyone; []: no one matched).

        A number is an account's id (links made when this was a list: ``?person=5``); a user
        name picks that one account (what a suggestion fills in); other text picks everyone
        whose names contain it, and the page names them.
        """
        text = self.cleaned_data["person"].strip()
        self.people, self.person_text = None, text
        if not text:
            return text
        if re.fullmatch(r"[0-9]{1,18}", text):
            account = staff_accounts().filter(pk=int(text)).first()
            account = account or staff_accounts().filter(username__iexact=text).first()
            if account is None:
                raise forms.ValidationError(f"No staff account has the number {text}.")
            self.people = [account]
            return text
        account = staff_accounts().filter(username__iexact=text).first()
        if account is not None:
            self.people = [account]
            return text
        matches = list(people_matching(text)[: MATCHING_PEOPLE_LIMIT + 1])
        if len(matches) > MATCHING_PEOPLE_LIMIT:
            raise forms.ValidationError(
                f"More than {MATCHING_PEOPLE_LIMIT} people match “{text}”: type more of the name."
            )
        self.people = matches
        return text

    def clean_client(self):
        Client = registry.client_model()
        text = self.cleaned_data["client"].strip()
        self.client_ids, self.client_description = None, ""
        if not text:
            return text
        if re.fullmatch(r"#?[0-9]{1,18}", text):
            self.client_ids = [int(text.lstrip("#"))]
            # Named as everywhere else, with the number that was asked for.
            client = Client.objects.filter(pk=self.client_ids[0]).first()
            name = f"{client.display_name} " if client is not None else ""
            self.client_description = (
                f"{name}(#{self.client_ids[0]})" if name else f"#{self.client_ids[0]}"
            )
            return text
        matches = list(
            Client.objects.search(text).order_by("last_name", "first_name", "pk")[
                : MATCHING_CLIENTS_LIMIT + 1
            ]
        )
        if len(matches) > MATCHING_CLIENTS_LIMIT:
            raise forms.ValidationError(
                f"More than {MATCHING_CLIENTS_LIMIT} clients match “{text}”: type more of the name."
            )
        self.client_ids = [client.pk for client in matches]
        self.client_description = ", ".join(f"{c.display_name} (#{c.pk})" for c in matches) or (
            f"none matching “{text}”"
        )
        return text

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The end date is before the start date.")
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day and not 1900 <= day.year <= 2999:
                self.add_error(name, "Enter a date between the years 1900 and 2999.")
                cleaned[name] = None
        return cleaned

    def filters(self) -> Filters | None:
        """The filters to apply, or None while the form has errors."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return Filters(
            people=self.people,
            person_text=self.person_text,
            model=registry.audited_model(data["record_type"]) if data["record_type"] else None,
            client_ids=self.client_ids,
            client_description=self.client_description,
            date_from=data["date_from"],
            date_to=data["date_to"],
            kind=data.get(self.kind_field) or "",
        )


class ChangeLogFilterForm(AuditFilterForm):
    kind = forms.ChoiceField(
        required=False,
        label="Change",
        choices=[
            ("", "Any change"),
            ("created", "Created"),
            ("changed", "Changed"),
            ("deleted", "Deleted"),
        ],
    )


class AccessLogFilterForm(AuditFilterForm):
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *AccessLogEntry.Action.choices]
    )

    kind_field = "action"

"""Forms of the caseload review: reassignment, cover, ending a cover; and the client table's
search, filters and sort.

Client ids posted by the bulk forms are checked before any form (``caseloads.
clients_for_review``): one id out of scope answers 404 for the whole request. The forms below
hold what is left: whom to, when, and why.
"""

from datetime import timedelta

from django import forms
from django.utils import timezone

from clients.forms import ClientSearchForm
from clients.models import Client
from housingfirst.forms import DateInput
from housingfirst.people import person_name
from housingfirst.submissions import SingleSubmissionForm
from placements.selectors import HousingStatus

from .selectors import CLIENT_SORTS

MAX_COVER_DAYS = 366


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)


class ReassignForm(forms.Form):
    case_manager = PersonChoiceField(
        label="New case manager",
        queryset=None,
        empty_label="Choose a case manager",
    )
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in each client's history (for example: balancing caseloads).",
    )

    def __init__(self, *args, case_managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_manager"].queryset = case_managers

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give a reason for the reassignment.")
        return reason


class ClientChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class CoverForm(SingleSubmissionForm, forms.Form):
    WHOLE, SOME = "caseload", "clients"

    covering = PersonChoiceField(
        label="Covering colleague", queryset=None, empty_label="Choose a colleague"
    )
    scope = forms.ChoiceField(
        label="What they cover",
        choices=[
            (WHOLE, "The whole caseload (clients assigned during the cover too)"),
            (SOME, "Only the clients ticked below"),
        ],
        initial=WHOLE,
        widget=forms.RadioSelect,
    )
    clients = ClientChoiceField(
        label="Clients",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(
        label="First day", widget=DateInput(), help_text="Access starts on this day."
    )
    ends_on = forms.DateField(
        label="Last day",
        widget=DateInput(),
        help_text="Access ends automatically after this day.",
    )
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: annual leave. Recorded in the history of every access grant.",
    )

    def __init__(self, *args, colleagues, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["covering"].queryset = colleagues
        self.fields["clients"].queryset = clients
        self.initial.setdefault("starts_on", timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and starts_on < today:
            self.add_error("starts_on", "A cover starts today or later.")
        if starts_on and ends_on:
            if ends_on < starts_on:
                self.add_error("ends_on", "The last day cannot be before the first day.")
            elif ends_on - starts_on > timedelta(days=MAX_COVER_DAYS):
                self.add_error("ends_on", "A cover lasts at most a year; reassign instead.")
        if cleaned.get("scope") == self.SOME and not cleaned.get("clients"):
            self.add_error("clients", "Tick the clients to cover, or cover the whole caseload.")
        if cleaned.get("scope") == self.WHOLE:
            cleaned["clients"] = []
        return cleaned


class CoverEndForm(forms.Form):
    reason = forms.CharField(
        label="Why the cover ends early",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: back from leave. Recorded in the access history.",
    )


class ClientTableForm(ClientSearchForm):
    """Search, filters and sort of a client table (``caseloads.selectors.client_table``).

    Every field is optional; a value that is not one of the choices is an error on its field
    and that field alone is ignored."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *Client.Status.choices],
    )
    housing = forms.ChoiceField(
        label="Housing",
        required=False,
        choices=[("", "Any housing"), *HousingStatus.choices],
    )
    overdue = forms.ChoiceField(
        label="Overdue",
        required=False,
        choices=[
            ("", "Overdue or not"),
            ("any", "A visit or a reminder overdue"),
            ("visit", "Home visit overdue"),
            ("reminder", "A reminder overdue"),
        ],
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, how.heading) for key, how in CLIENT_SORTS.items()],
    )
    order = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[
            ("asc", "A to Z, oldest or smallest first"),
            ("desc", "Z to A, newest or largest first"),
        ],
    )

    FILTERS = ("status", "housing", "overdue")

    def choices(self) -> dict:
        """What the table shows: the valid values, defaults for the rest."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q") or "",
            "status": data.get("status") or "",
            "housing": data.get("housing") or "",
            "overdue": data.get("overdue") or "",
            "sort": data.get("sort") or "name",
            "descending": data.get("order") == "desc",
        }

    def filtering(self) -> bool:
        return any(self.choices()[name] for name in self.FILTERS)
